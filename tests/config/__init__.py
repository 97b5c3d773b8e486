"""Tests of the wiring in `config/` and of the deployment files beside it: settings from the
environment, compose and the Dockerfile, gunicorn, the middleware (the database-outage page,
the content security policy the templates keep to), the forward migration of a database at
the old head, and the rooms test that keeps modules and folders in their size and place."""
