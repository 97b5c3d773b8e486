"""The end-to-end suite: a real Chromium, driven through Playwright, walks each role's journey
across the apps (caseload, person record, outreach, death reviews, imports, administration)
and checks every page it opens with axe-core.

A journey crosses several apps, so this stays a suite of its own rather than a folder per
app. It needs Chromium (see `conftest.py`).
"""
