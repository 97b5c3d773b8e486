"""How the episode items that the care record answers are read: SQL over the writer's
episode query (`su` the person, `ep` the episode), with `{end}` for the period's last day.

The care record holds these facts as dated history (a test from its offer to its result,
a vaccination dose by dose, the care plan agreed with the person, the mental health need
as it stands), where the episode holds a keyworker's one-off summary of them. Each item
reads the care record up to the episode's last day (its discharge, or the end of the
period), and falls back on the episode's own field where the care record holds nothing,
so a person whose history predates the care record (or came in by the import) is sent as
before. Each value is a Lantern value, written through the item's mapping table like
any other. Pure data: no Django.
"""

# The episode's last day: records after it say nothing of the episode.
UNTIL = "least(coalesce(ep.discharge_date, {end}), {end})"

_HEP_C = (
    "FROM care_bloodbornevirustest t WHERE t.service_user_id = su.id "
    "AND t.virus IN ('hcv_antibody', 'hcv_rna')"
)


def _either(care: str, episode: str) -> str:
    """Yes if either says yes, no if what is known says no, else not known."""
    return f"(SELECT bool_or(v) FROM (VALUES (({care})), ({episode})) AS known(v))"


# The latest hepatitis C test offered: accepted or refused.
HEP_C_INTERVENTION = (
    "coalesce((SELECT CASE WHEN t.accepted THEN 'accepted' ELSE 'refused' END "
    f"{_HEP_C} AND t.offered_on <= {UNTIL} ORDER BY t.offered_on DESC, t.id DESC LIMIT 1), "
    "nullif(ep.hep_c_intervention, ''))"
)
# The latest hepatitis C test taken, by either record.
HEP_C_TEST_DATE = (
    f"greatest((SELECT max(t.tested_on) {_HEP_C} AND t.tested_on <= {UNTIL}), ep.hep_c_test_date)"
)
# Antibodies stay after an infection clears: positive once a hepatitis C test (antibody,
# or RNA, which finds the virus itself) was, negative if every result known was.
HEP_C_POSITIVE = _either(
    f"SELECT bool_or(t.result = 'positive') {_HEP_C} AND t.result IN ('positive', 'negative') "
    f"AND t.tested_on <= {UNTIL}",
    "ep.hep_c_positive",
)
# The latest step of the hepatitis B course: a dose given is the vaccination accepted, a
# refusal refused; immune is immune after an infection where a hepatitis B test was
# positive, and immunised otherwise.
HEP_B_INTERVENTION = (
    "coalesce((SELECT CASE v.kind WHEN 'dose' THEN 'accepted' WHEN 'declined' THEN 'refused' "
    "WHEN 'immune' THEN CASE WHEN EXISTS (SELECT 1 FROM care_bloodbornevirustest b "
    "WHERE b.service_user_id = su.id AND b.virus = 'hbv' AND b.result = 'positive' "
    f"AND b.tested_on <= {UNTIL}) THEN 'acquired' ELSE 'immunised' END END "
    "FROM care_hepatitisbvaccination v WHERE v.service_user_id = su.id "
    f"AND v.given_on <= {UNTIL} ORDER BY v.given_on DESC, v.id DESC LIMIT 1), "
    "nullif(ep.hep_b_intervention, ''))"
)
# Doses given: the course is completed at its schedule's last dose (the third of the
# standard schedule, the twelve-month booster of the accelerated ones).
HEP_B_VACCINATIONS = (
    "coalesce((SELECT CASE WHEN max(v.dose_number) >= CASE WHEN min(v.schedule) = 'standard' "
    "THEN 3 ELSE 4 END THEN 'completed' ELSE max(v.dose_number)::text END "
    "FROM care_hepatitisbvaccination v WHERE v.service_user_id = su.id AND v.kind = 'dose' "
    f"AND v.given_on <= {UNTIL}), nullif(ep.hep_b_vaccinations, ''))"
)
# The episode's care plan start where the keyworker gave it; otherwise the first care plan
# agreed with the person in the episode.
CARE_PLAN_START = (
    "coalesce(ep.start_date, (SELECT min(cp.agreed_on) FROM care_careplan cp "
    f"WHERE cp.service_user_id = su.id AND cp.agreed_on >= ep.referral_date "
    f"AND cp.agreed_on <= {UNTIL}))"
)
# A mental health need as it last stood: a diagnosis known, or treatment by someone.
DUAL_DIAGNOSIS = _either(
    "SELECT m.diagnosis <> 'none_known' OR m.treated_by <> 'none' "
    "FROM care_mentalhealthneed m WHERE m.service_user_id = su.id "
    f"AND m.recorded_on <= {UNTIL} ORDER BY m.recorded_on DESC, m.id DESC LIMIT 1",
    "ep.dual_diagnosis",
)
