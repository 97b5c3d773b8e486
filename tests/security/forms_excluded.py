"""The form fuzzer's exclusions: Lantern's form classes that are not posted as they are
(`tests/security/forms.py` lists those that are)."""

# Lantern's form classes that are not posted as they are, and why.
EXCLUDED = {
    "cases.forms.CheckedInputForm": "a base class: every form above is one",
    "cases.forms.RecordForm": "a base class: each record form above is one",
    "deathreviews.forms.VersionedForm": "a base class of the review forms above",
    "care.forms.health._ChangeToATest": "a base class of the test result and treatment forms",
    "care.forms.health._PersonsRecordForm": "a base class of the health need forms above",
    "commissioning.admin.ApiTokenForm": "an admin form, for administrators only, behind Django's admin",
    "commissioning.admin.BenchmarkUploadForm": (
        "an admin form, for administrators only: one file, checked whole by "
        "outcomes.benchmarks (tests/outcomes/test_benchmarks.py, tests/commissioning/test_benchmarks.py)"
    ),
    "risk.admin.RuleRowForm": (
        "a row of the admin's rule set table, for administrators only: switches and numbers,"
        " tested in tests/risk/ui/test_admin_rule_sets.py"
    ),
    "web.partner_views.AnswerForm": "a partner's; tested in tests/partners/test_partner_pages.py",
    "web.partner_views.ProgressForm": "a partner's; tested in tests/partners/test_partner_pages.py",
    "web.partner_views.DoneForm": "a partner's; tested in tests/partners/test_partner_pages.py",
    "web.partner_views.OwnTextForm": (
        "a base class of a partner's joint review section and case review contribution forms"
    ),
    "web.signin_views.SecondFactorForm": (
        "posted before the second factor is passed, which the fuzzer's signed-in users have;"
        " wrong, malformed and reused codes are tested in tests/web/test_signin.py"
    ),
}
