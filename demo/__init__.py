"""Synthetic demo data: a reproducible, invented population for demos and load tests.

`generate` draws people and their histories with numpy (no Django); `fastcsv`
turns the drawn columns into CSV bytes; `load` writes them with COPY. The
`seed_demo` management command is the only entry point. Nothing here is real
personal data: names come from invented lists, NHS numbers from the 999 test
range and phone numbers from Ofcom's drama ranges.
"""

DEMO_PASSWORD = "lantern-demo-2026"
# (username, role) of the one demo login per role; roles are `cases.models.Role` values.
DEMO_LOGINS = (
    ("keyworker", "keyworker"),
    ("teamlead", "team_lead"),
    ("governance", "governance"),
    ("commissioner", "commissioner"),
    ("admin", "administrator"),
    # Staff of the demo's partner organisations (`demo/partners.py`).
    ("police", "partner"),
    ("ambulance", "partner"),
)
