"""Pure low-level helpers every layer uses: the bottom layer, with no Lantern app beneath it.

Contract: nothing here imports a Lantern app (`lint-imports` holds `core` at the
bottom of the layers), so any app may use it and none of it knows about case
records, TOPs, flags or reviews. A rule that means something to Lantern (an age
band, a reporting period, who may see what) belongs to the app that owns it.

- `frames`: set-based SQL into pandas frames through COPY (figures, risk engine).
- `dates`: calendar arithmetic (ages, months, quarters, years).
- `bulk`: drop a table's indexes and constraints, bulk load, rebuild them.
- `moves`: the content-type step of a migration that moves a model to another app.
- `totp`: sign-in codes from an authenticator app's key, as django-otp checks them.
- `embedded_postgres`: the PostgreSQL server from the pgserver wheel, when no
  DATABASE_URL is set (settings start it; the demo stops it).
"""
