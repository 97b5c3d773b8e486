"""The commissioner dashboard: the commissioner API's figures as a page, with a CSV.

- `selectors`: the families' results through the API views' own `compute`, and the
  tables, charts and CSV rows made from them.
- `forms`: the period, team, local authority and split, checked by the API's own query
  serializer.
- `views`, `urls`: the page at /figures/ and its CSV at /figures/download.csv, for
  commissioners and clinical governance (`commissioning.access.DASHBOARD_ROLES`).
"""
