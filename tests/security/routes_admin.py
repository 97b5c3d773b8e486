"""The route matrix's admin part (`tests/security/routes.py` says how the matrix is read)."""

# What adam gets from each generated admin page of each registered model, by GET and
# by an empty POST alike, except `save`: an empty POST to the change page. Every
# other role is sent to the admin's sign-in from every one of them.
ADMIN_MODELS = """
# model                         changelist  add     change  save    history delete  object
auth.group                      ok          ok      ok      ok      ok      ok      ok
cases.user                      ok          ok      ok      ok      ok      ok      ok
cases.service                   ok          ok      ok      ok      ok      ok      ok
cases.team                      ok          ok      ok      ok      ok      ok      ok
cases.teammembership            ok          ok      ok      ok      ok      ok      ok
cases.localauthority            ok          ok      ok      ok      ok      ok      ok
cases.substance                 ok          ok      ok      ok      ok      ok      ok
cases.dischargereason           ok          ok      ok      ok      ok      ok      ok
commissioning.apiclient         ok          ok      ok      ok      ok      ok      ok
# Tokens are revoked, never deleted or changed; the request log and the recompute runs
# are read only (a change page shows them; saving one is refused). Records of people
# (flags, overrides, access events, break-glass grants) are not in the admin at all.
commissioning.apitoken          ok          ok      ok      403     ok      403     ok
commissioning.apirequestlog     ok          403     ok      403     ok      403     ok
risk.ruleset                    ok          403     ok      403     ok      403     ok
risk.recomputerun               ok          403     ok      403     ok      403     ok
risk.backtest                   ok          403     ok      403     ok      403     ok
# Lockout records: an administrator unlocks someone by deleting their attempts.
axes.accessattempt              ok          403     ok      wrote   ok      ok      ok
axes.accessfailurelog           ok          403     ok      wrote   ok      ok      ok
axes.accesslog                  ok          403     ok      wrote   ok      ok      ok
# An administrator removes a lost authenticator so its owner enrols again.
otp_totp.totpdevice             ok          ok      ok      ok      ok      ok      ok
deathreviews.learningtheme      ok          ok      ok      ok      ok      403     ok
deathreviews.partneragency      ok          ok      ok      ok      ok      403     ok
# NDTMS code lists and mappings are corrected, never deleted.
exchange.ndtmscode              ok          ok      ok      ok      ok      403     ok
exchange.ndtmsmapping           ok          ok      ok      ok      ok      403     ok
# Benchmarks are loaded from a file (and corrected by loading again), never typed in.
outcomes.benchmark              ok          403     ok      403     ok      403     ok
# Partner organisations are retired, never deleted; so are agreements, which a later one
# replaces. A partner's access is ended by its date, or removed.
partners.partnerorganisation    ok          ok      ok      ok      ok      403     ok
partners.partneraccess          ok          ok      ok      ok      ok      ok      ok
partners.sharingagreement       ok          ok      ok      ok      ok      403     ok
"""
