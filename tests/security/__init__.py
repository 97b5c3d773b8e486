"""The attack suite: every route and every form of every app, as each of the named cast and
as a stranger, with hostile input.

It spans the apps on purpose, so it stays a suite of its own rather than a folder per app:
a route or form added anywhere is covered from the day it is added (the route matrix
enumerates the URL patterns; `forms.py` lists every form for the fuzzer), and a test in an
app's folder would only cover what its author thought of.
"""
