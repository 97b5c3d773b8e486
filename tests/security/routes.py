"""Who gets what from every URL Lantern serves: the expected table the route matrix holds
the app to (tests/security/test_route_matrix.py).

`ROUTES` has one line per URL name (namespaced) and sample: the sample names the
objects the URL is built for (`SAMPLES`, from the world in
tests/security/conftest.py), and each role's column is what that role must get.
Every route is requested with GET and with an empty POST; a `POST` line is
given only where a POST must get something other than the GET line says. An
empty POST checks the gate and must write nothing unless its cell says `wrote`.
Each is sent again as a page's script sends it (`X-Requested-With: fetch`) and
must get the same. Every line whose sample names a person is also the read
audit's list (tests/security/test_read_audit.py): each request a cell lets
through records exactly one read of that person.

Roles (columns): anon (not signed in), alice (keyworker, North), tess (team
lead, North), bob (keyworker, South: the keyworker of another team), gina
(clinical governance), cora (commissioner), adam (administrator, staff).
The samples belong to North: jo is on alice's caseload.

Outcomes:

- ok: allowed: a 2xx, or a redirect anywhere but a sign-in page
- wrote: allowed, and the request wrote (only for a POST that needs no input)
- signin: sent to sign in (a redirect to /accounts/login/ or the admin's sign-in)
- 400: allowed through the gate; the empty form is refused and nothing is written
- 401, 403, 404, 405: refused (404: the object is outside the role's scope)

The Django admin is a family of routes generated per registered model: every
role but adam is sent to the admin's sign-in on each of them, and adam gets
what `ADMIN_MODELS` says for each generated page of each model. A new admin
model needs a line there.

A new route needs a line here: the test's failure message prints the line to
add, with what each role got, to check against what each role should get.
"""

ROLES = ("anon", "alice", "tess", "bob", "gina", "cora", "adam")

# URL kwargs for each sample, from the world (tests/security/conftest.py).
SAMPLES = {
    "-": lambda w: {},
    "mine": lambda w: {"scope": "mine"},
    "team": lambda w: {"scope": "team"},
    "all": lambda w: {"scope": "all"},
    "jo": lambda w: {"external_id": w.jo_episode.service_user.external_id},
    "jo-episode": lambda w: {
        "external_id": w.jo_episode.service_user.external_id,
        "episode_id": w.jo_episode.external_id,
    },
    "jo-expected": lambda w: {
        "external_id": w.jo_expected.service_user.external_id,
        "event_id": w.jo_expected.external_id,
    },
    "jo-follow-up": lambda w: {"external_id": w.jo_follow_up.external_id},
    "jo-goal": lambda w: {
        "external_id": w.jo_episode.service_user.external_id,
        "goal_id": jo_plan_goal(w).external_id,
    },
    "job": lambda w: {"job_id": w.import_job.external_id},
    "submission": lambda w: {"submission_id": w.submission.external_id},
    "template": lambda w: {"kind": "service_users"},
    "review": lambda w: {"external_id": w.review.external_id},
    "unknown-review": lambda w: {"external_id": w.unknown_review.external_id},
    "review-domain": lambda w: {"external_id": w.review.external_id, "domain": "notification"},
    "review-step": lambda w: {"external_id": w.review.external_id, "name": "start_gathering"},
    "finding": lambda w: {"external_id": w.review.external_id, "part_id": w.finding.external_id},
    "request": lambda w: {"external_id": w.review.external_id, "part_id": w.request.external_id},
    "action": lambda w: {"external_id": w.review.external_id, "part_id": w.action.external_id},
    "case-review": lambda w: {"meeting_id": w.case_review.external_id},
    "case-review-jo": lambda w: {
        "meeting_id": w.case_review.external_id,
        "reviewed_id": w.case_reviewed.external_id,
    },
    "case-review-action": lambda w: {"action_id": w.case_review_action.external_id},
    "audit-round": lambda w: {"round_id": audit_round(w).external_id},
    "audit-round-jo": lambda w: {
        "round_id": audit_round(w).external_id,
        "audited_id": audit_round(w).people.get(service_user=w.jo_episode.service_user).external_id,
    },
    "pending-learning": lambda w: {"kind": "learning", "item_id": w.shared_review.external_id},
    "kim": lambda w: {"external_id": w.grant.service_user.external_id},
    "someone": lambda w: {"external_id": w.someone.external_id},
    "adam": lambda w: {"id": w.users["adam"].pk},
    "grant": lambda w: {"grant_id": w.grant.external_id},
    "transfer": lambda w: {"transfer_id": w.transfer.external_id},
    "device": lambda w: {"pk": _first_totp_device_pk()},
    "app": lambda w: {"app_label": "cases"},
    "nowhere": lambda w: {"url": "nowhere/"},
    "moved": lambda w: {"app_label": "cases", "model_name": "apitoken", "rest": ""},
    "team-on-site": lambda w: {
        "content_type_id": _content_type_id("cases", "team"),
        "object_id": w.users["alice"].memberships.get().team_id,
    },
    # Partners (tests/partners/world.py): jo's consent to share with Northshire Police, and
    # what was sent or assigned to it.
    "jo-consent": lambda w: {
        "external_id": w.jo_episode.service_user.external_id,
        "consent_id": _partners(w).consent.external_id,
    },
    "partner-request": lambda w: {"request_id": _partners(w).request.external_id},
    "partner-action": lambda w: {"action_id": _partners(w).action.external_id},
    "partner-case-action": lambda w: {"action_id": _partners(w).case_action.external_id},
    "partner-joint": lambda w: {"review_id": _partners(w).joint_review.external_id},
    "partner-case-review": lambda w: {"reviewed_id": _partners(w).case_reviewed.external_id},
}


def _partners(w):
    from tests.partners.world import partner_world

    return partner_world(w)


def jo_plan_goal(w):
    """A goal of jo's current care plan, the plan and goal made the first time it is asked for."""
    import datetime

    from django.utils import timezone

    from care.models import CarePlan, PlanGoal
    from care.services import care_plan_start, plan_goal_add

    jo = w.jo_episode.service_user
    alice = w.users["alice"]
    goal = PlanGoal.objects.filter(plan__service_user=jo, plan__superseded_at__isnull=True).first()
    if goal is not None:
        return goal
    today = timezone.localdate()
    plan = CarePlan.objects.filter(
        service_user=jo, superseded_at__isnull=True
    ).first() or care_plan_start(
        service_user=jo,
        created_by=alice,
        agreed_on=today - datetime.timedelta(days=7),
        agreed_how="in_person",
        review_every_weeks=12,
    )
    return plan_goal_add(
        plan=plan,
        created_by=alice,
        domain="housing",
        what="Move into the supported flat.",
        by_when=today + datetime.timedelta(days=60),
        who_helps="Keyworker",
    )


def audit_round(w):
    """North's case-file audit round, drawn by gina with everyone North has in treatment
    (jo among them), the first time it is asked for."""
    from care.models import AuditRound
    from care.services import audit_round_draw

    north = w.jo_episode.service_user.team
    return AuditRound.objects.filter(team=north).first() or audit_round_draw(
        team=north, drawn_by=w.users["gina"], sample_size=50, seed=1
    )


def _first_totp_device_pk() -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.order_by("pk").values_list("pk", flat=True).first()


def _content_type_id(app_label: str, model: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get(app_label=app_label, model=model).pk


ROUTES = """
# URL name                      sample         method  anon    alice   tess    bob     gina    cora    adam
# Signing in and out. Signed in, the sign-in page sends you home; signing out sends
# everyone to the sign-in page.
login                           -              GET     ok      ok      ok      ok      ok      ok      ok
logout                          -              GET     405     405     405     405     405     405     405
logout                          -              POST    signin  signin  signin  signin  signin  signin  signin

# The second factor: every signed-in role passes it (a verified session is shown it again).
second_factor                   -              GET     signin  ok      ok      ok      ok      ok      ok

# The audit: governance answers who saw or changed a person and reviews break-glass use;
# keyworkers and team leads open a record outside their teams by break-glass.
person_access_report            jo             GET     signin  404     404     404     ok      404     404
person_access_report_csv        jo             GET     signin  404     404     404     ok      404     404
access_report_search            -              GET     signin  403     403     403     ok      403     403
break_glass_start               -              GET     signin  ok      ok      ok      403     403     403
break_glass_start               -              POST    signin  400     400     400     403     403     403
break_glass_review_list         -              GET     signin  403     403     403     ok      403     403
break_glass_review              grant          GET     signin  405     405     405     405     405     405
break_glass_review              grant          POST    signin  403     403     403     ok      403     403
sign_in_alerts                  -              GET     signin  403     403     403     ok      403     403

# Caseload sizes and reassignment: team leads, within their own team.
team_caseloads                  -              GET     signin  403     ok      403     403     403     403
person_reassign                 jo             GET     signin  403     ok      404     403     404     404
person_reassign                 jo             POST    signin  403     400     404     403     404     404
# Transfer requests: a lead of the team holding the person answers them (an empty
# answer is refused with a message on the list); bob asked, and sees nothing of it.
transfer_request_list           -              GET     signin  403     ok      403     403     403     403
transfer_request_answer         transfer       GET     signin  405     405     405     405     405     405
transfer_request_answer         transfer       POST    signin  403     ok      403     403     403     403

# Caseloads: each role its own lists; a list a role does not have does not exist for it.
home                            -              GET     signin  ok      ok      ok      ok      ok      ok
favicon                         -              GET     ok      ok      ok      ok      ok      ok      ok
favicon                         -              POST    405     405     405     405     405     405     405
caseload                        mine           GET     signin  ok      ok      ok      404     404     404
caseload                        team           GET     signin  ok      ok      ok      404     404     404
caseload                        all            GET     signin  404     404     404     ok      404     404

# A person's record: their team and governance read it; their team changes it; bob,
# cora and adam find no such person.
person_create                   -              GET     signin  ok      ok      ok      403     403     403
person_create                   -              POST    signin  400     400     400     403     403     403
person_detail                   jo             GET     signin  ok      ok      404     ok      404     404
person_edit                     jo             GET     signin  ok      ok      404     403     404     404
person_edit                     jo             POST    signin  400     400     404     403     404     404
episode_create                  jo             GET     signin  ok      ok      404     403     404     404
episode_create                  jo             POST    signin  400     400     404     403     404     404
episode_edit                    jo-episode     GET     signin  ok      ok      404     403     404     404
episode_edit                    jo-episode     POST    signin  400     400     404     403     404     404
intervention_create             jo             GET     signin  ok      ok      404     403     404     404
intervention_create             jo             POST    signin  400     400     404     403     404     404
event_create                    jo             GET     signin  ok      ok      404     403     404     404
event_create                    jo             POST    signin  400     400     404     403     404     404
event_happened                  jo-expected    GET     signin  ok      ok      404     403     404     404
event_happened                  jo-expected    POST    signin  400     400     404     403     404     404
contact_create                  jo             GET     signin  ok      ok      404     403     404     404
contact_create                  jo             POST    signin  400     400     404     403     404     404
naloxone_create                 jo             GET     signin  ok      ok      404     403     404     404
naloxone_create                 jo             POST    signin  400     400     404     403     404     404
top_create                      jo             GET     signin  ok      ok      404     403     404     404
top_create                      jo             POST    signin  400     400     404     403     404     404
# The care record: the team writes case notes and onward referrals and records outcomes;
# governance reads them on the person page only.
case_note_create                jo             GET     signin  ok      ok      404     403     404     404
case_note_create                jo             POST    signin  400     400     404     403     404     404
onward_referral_create          jo             GET     signin  ok      ok      404     403     404     404
onward_referral_create          jo             POST    signin  400     400     404     403     404     404
onward_referral_outcome         jo             GET     signin  ok      ok      404     403     404     404
onward_referral_outcome         jo             POST    signin  400     400     404     403     404     404
# The overdose risk assessment: the team records it; governance reads its page, where the
# risk flag's reasons stand beside it.
risk_assessment_create          jo             GET     signin  ok      ok      404     403     404     404
risk_assessment_create          jo             POST    signin  400     400     404     403     404     404
risk_assessment_detail          jo             GET     signin  ok      ok      404     ok      404     404
# Harm reduction and health: the team records tests, results, treatment and vaccinations;
# governance reads them on the person page only.
bbv_test_create                 jo             GET     signin  ok      ok      404     403     404     404
bbv_test_create                 jo             POST    signin  400     400     404     403     404     404
bbv_test_result                 jo             GET     signin  ok      ok      404     403     404     404
bbv_test_result                 jo             POST    signin  400     400     404     403     404     404
hep_c_treatment                 jo             GET     signin  ok      ok      404     403     404     404
hep_c_treatment                 jo             POST    signin  400     400     404     403     404     404
hep_b_vaccination_create        jo             GET     signin  ok      ok      404     403     404     404
hep_b_vaccination_create        jo             POST    signin  400     400     404     403     404     404
nsp_contact_create              jo             GET     signin  ok      ok      404     403     404     404
nsp_contact_create              jo             POST    signin  400     400     404     403     404     404
mental_health_need_create       jo             GET     signin  ok      ok      404     403     404     404
mental_health_need_create       jo             POST    signin  400     400     404     403     404     404
pharmacy_arrangement_create     jo             GET     signin  ok      ok      404     403     404     404
pharmacy_arrangement_create     jo             POST    signin  400     400     404     403     404     404
physical_health_check_create    jo             GET     signin  ok      ok      404     403     404     404
physical_health_check_create    jo             POST    signin  400     400     404     403     404     404
# A team's needle exchange page (anonymous contacts, counts by month): each team's own
# workers record; governance reads every team's counts.
nsp_team                        -              GET     signin  ok      ok      ok      ok      403     403
nsp_team                        -              POST    signin  400     400     400     403     403     403
# The case-file audit: clinical governance audits every team, a team lead their own;
# keyworkers and everyone else are refused. A round's page is a list read of its people,
# a person's checklist a read of them.
care_audit_list                 -              GET     signin  403     ok      403     ok      403     403
care_audit_draw                 -              GET     signin  403     ok      403     ok      403     403
care_audit_draw                 -              POST    signin  403     400     403     400     403     403
care_audit_round                audit-round    GET     signin  403     ok      403     ok      403     403
care_audit_person               audit-round-jo GET     signin  403     ok      403     ok      403     403
care_audit_person               audit-round-jo POST    signin  403     400     403     400     403     403
# The care plan: the team writes plans, goals, reviews and contacts against goals;
# governance reads the plan page. Without a plan, the goal, review and contact pages
# say to write one first.
care_plan                       jo             GET     signin  ok      ok      404     ok      404     404
care_plan_create                jo             GET     signin  ok      ok      404     403     404     404
care_plan_create                jo             POST    signin  400     400     404     403     404     404
plan_goal_create                jo             GET     signin  ok      ok      404     403     404     404
plan_goal_create                jo             POST    signin  400     400     404     403     404     404
plan_goal_edit                  jo-goal        GET     signin  ok      ok      404     403     404     404
plan_goal_edit                  jo-goal        POST    signin  400     400     404     403     404     404
plan_review_create              jo             GET     signin  ok      ok      404     403     404     404
plan_review_create              jo             POST    signin  400     400     404     403     404     404
plan_contact_create             jo             GET     signin  ok      ok      404     403     404     404
plan_contact_create             jo             POST    signin  400     400     404     403     404     404
# Safeguarding: the team records children, safe storage, protection referrals and
# concerns; governance reads them on the person page only.
child_in_contact_edit           jo             GET     signin  ok      ok      404     403     404     404
child_in_contact_edit           jo             POST    signin  400     400     404     403     404     404
safe_storage_edit               jo             GET     signin  ok      ok      404     403     404     404
safe_storage_edit               jo             POST    signin  400     400     404     403     404     404
protection_referral_create      jo             GET     signin  ok      ok      404     403     404     404
protection_referral_create      jo             POST    signin  400     400     404     403     404     404
protection_referral_outcome     jo             GET     signin  ok      ok      404     403     404     404
protection_referral_outcome     jo             POST    signin  400     400     404     403     404     404
safeguarding_concern_create     jo             GET     signin  ok      ok      404     403     404     404
safeguarding_concern_create     jo             POST    signin  400     400     404     403     404     404
safeguarding_concern_close      jo             GET     signin  ok      ok      404     403     404     404
safeguarding_concern_close      jo             POST    signin  400     400     404     403     404     404

# Outreach: governance reads the worklist; the team records attempts and handles flags.
outreach_worklist               -              GET     signin  ok      ok      ok      ok      403     403
outreach_uncontacted            -              GET     signin  403     ok      403     ok      403     403
outreach_attempt_create         jo             GET     signin  ok      ok      404     403     404     404
outreach_attempt_create         jo             POST    signin  400     400     404     403     404     404
flag_acknowledge                jo             GET     signin  405     405     405     405     405     405
flag_acknowledge                jo             POST    signin  wrote   wrote   404     403     404     404
flag_override                   jo             GET     signin  ok      ok      404     403     404     404
flag_override                   jo             POST    signin  400     400     404     403     404     404
flag_override_decide            kim            GET     signin  405     405     405     405     405     405
flag_override_decide            kim            POST    signin  403     400     403     403     404     404
overrides_to_decide             -              GET     signin  403     ok      403     403     403     403
# The fairness report: aggregates for governance and team leads (their teams' people);
# commissioners have it from the API.
fairness_report                 -              GET     signin  403     ok      403     ok      403     403
# The data quality page: counts by team and month for governance and commissioners (the
# whole service) and team leads (their teams).
data_quality                    -              GET     signin  403     ok      403     ok      ok      403
# The commissioner dashboard: the API's figures as a page and a CSV, for commissioners
# (their client's scope) and governance (the whole service); GET only.
commissioner_dashboard          -              GET     signin  403     403     403     ok      ok      403
commissioner_dashboard          -              POST    signin  405     405     405     405     405     405
commissioner_dashboard_csv      -              GET     signin  403     403     403     ok      ok      403
commissioner_dashboard_csv      -              POST    signin  405     405     405     405     405     405

# The overdose pathway: jo's follow-up is read by his team and governance and worked by his
# team; team leads and governance see every overdue follow-up in their teams.
follow_up_detail                jo-follow-up   GET     signin  ok      ok      404     ok      404     404
follow_up_attempt               jo-follow-up   GET     signin  405     405     405     405     405     405
follow_up_attempt               jo-follow-up   POST    signin  400     400     404     403     404     404
follow_up_close                 jo-follow-up   GET     signin  405     405     405     405     405     405
follow_up_close                 jo-follow-up   POST    signin  400     400     404     403     404     404
follow_ups_overdue              -              GET     signin  403     ok      403     ok      403     403

# The overdose pathway's capture: keyworkers and team leads record an overdose from the
# header and a kit given to someone who is not a client; the people not yet known are
# their teams' (governance reads them, and links none); kits to renew, for those who see people.
overdose_record                 -              GET     signin  ok      ok      ok      403     403     403
overdose_record                 -              POST    signin  400     400     400     403     403     403
unidentified_list               -              GET     signin  ok      ok      ok      ok      403     403
unidentified_detail             someone        GET     signin  ok      ok      404     ok      404     404
unidentified_detail             someone        POST    signin  400     400     404     403     404     404
unidentified_add_record         someone        GET     signin  ok      ok      404     403     404     404
unidentified_add_record         someone        POST    signin  400     400     404     403     404     404
naloxone_non_client             -              GET     signin  ok      ok      ok      403     403     403
naloxone_non_client             -              POST    signin  400     400     400     403     403     403
naloxone_renewals               -              GET     signin  ok      ok      ok      ok      403     403

# Data pages: imports for administrators; the NDTMS extract for them and team leads.
import_start                    -              GET     signin  403     403     403     403     403     ok
import_start                    -              POST    signin  403     403     403     403     403     400
import_job                      job            GET     signin  403     403     403     403     403     ok
import_job_status               job            GET     signin  403     403     403     403     403     ok
import_template                 template       GET     signin  403     403     403     403     403     ok
ndtms_extract                   -              GET     signin  403     ok      403     403     403     ok
ndtms_download                  -              GET     signin  403     ok      403     403     403     ok
# The monthly submission: a file covers a whole service, and tess's North shares the world's
# service with South, so she finds none of its submissions; adam prepares and records it.
ndtms_submissions               -              GET     signin  403     ok      403     403     403     ok
ndtms_submissions               -              POST    signin  403     400     403     403     403     400
ndtms_quality                   -              GET     signin  403     ok      403     403     403     ok
ndtms_submission                submission     GET     signin  403     404     403     403     403     ok
ndtms_submission_download       submission     GET     signin  403     404     403     403     403     ok
ndtms_submission_record         submission     GET     signin  405     405     405     405     405     405
ndtms_submission_record         submission     POST    signin  403     404     403     403     403     400

# The API: 401 without credentials; pseudonymised data for commissioners and for
# staff who browse people (their own scope); nothing for administrators. Read only.
api_root                        -              GET     401     ok      ok      ok      ok      ok      403
api_root                        -              POST    401     405     405     405     405     405     403
api_schema                      -              GET     401     ok      ok      ok      ok      ok      403
api_schema                      -              POST    401     405     405     405     405     405     403
api_docs                        -              GET     401     ok      ok      ok      ok      ok      403
api_docs                        -              POST    401     405     405     405     405     405     403
api_redoc                       -              GET     401     ok      ok      ok      ok      ok      403
api_redoc                       -              POST    401     405     405     405     405     405     403
api_redoc_bundle                -              GET     ok      ok      ok      ok      ok      ok      ok
api_redoc_bundle                -              POST    405     405     405     405     405     405     405
api_teams                       -              GET     401     ok      ok      ok      ok      ok      403
api_teams                       -              POST    401     405     405     405     405     405     403
api_local_authorities           -              GET     401     ok      ok      ok      ok      ok      403
api_local_authorities           -              POST    401     405     405     405     405     405     403
api_extract_people              -              GET     401     ok      ok      ok      ok      ok      403
api_extract_people              -              POST    401     405     405     405     405     405     403
api_extract_episodes            -              GET     401     ok      ok      ok      ok      ok      403
api_extract_episodes            -              POST    401     405     405     405     405     405     403
api_extract_interventions       -              GET     401     ok      ok      ok      ok      ok      403
api_extract_interventions       -              POST    401     405     405     405     405     405     403
api_extract_naloxone_supplies   -              GET     401     ok      ok      ok      ok      ok      403
api_extract_naloxone_supplies   -              POST    401     405     405     405     405     405     403
api_extract_top_assessments     -              GET     401     ok      ok      ok      ok      ok      403
api_extract_top_assessments     -              POST    401     405     405     405     405     405     403
api_extract_flags               -              GET     401     ok      ok      ok      ok      ok      403
api_extract_flags               -              POST    401     405     405     405     405     405     403
api_extract_outreach_attempts   -              GET     401     ok      ok      ok      ok      ok      403
api_extract_outreach_attempts   -              POST    401     405     405     405     405     405     403
api_extract_care_plans          -              GET     401     ok      ok      ok      ok      ok      403
api_extract_care_plans          -              POST    401     405     405     405     405     405     403
api_extract_plan_goals          -              GET     401     ok      ok      ok      ok      ok      403
api_extract_plan_goals          -              POST    401     405     405     405     405     405     403
api_extract_risk_assessments    -              GET     401     ok      ok      ok      ok      ok      403
api_extract_risk_assessments    -              POST    401     405     405     405     405     405     403
api_extract_safeguarding        -              GET     401     ok      ok      ok      ok      ok      403
api_extract_safeguarding        -              POST    401     405     405     405     405     405     403
api_extract_bbv_tests           -              GET     401     ok      ok      ok      ok      ok      403
api_extract_bbv_tests           -              POST    401     405     405     405     405     405     403
api_extract_hep_b_vaccinations  -              GET     401     ok      ok      ok      ok      ok      403
api_extract_hep_b_vaccinations  -              POST    401     405     405     405     405     405     403
api_extract_nsp_contacts        -              GET     401     ok      ok      ok      ok      ok      403
api_extract_nsp_contacts        -              POST    401     405     405     405     405     405     403
api_extract_health_checks       -              GET     401     ok      ok      ok      ok      ok      403
api_extract_health_checks       -              POST    401     405     405     405     405     405     403
api_figure_outcome_summary      -              GET     401     ok      ok      ok      ok      ok      403
api_figure_outcome_summary      -              POST    401     405     405     405     405     405     403
api_figure_naloxone_coverage    -              GET     401     ok      ok      ok      ok      ok      403
api_figure_naloxone_coverage    -              POST    401     405     405     405     405     405     403
api_figure_flags_and_outreach   -              GET     401     ok      ok      ok      ok      ok      403
api_figure_flags_and_outreach   -              POST    401     405     405     405     405     405     403
api_figure_overdose_pathway     -              GET     401     ok      ok      ok      ok      ok      403
api_figure_overdose_pathway     -              POST    401     405     405     405     405     405     403
api_figure_case_reviews         -              GET     401     ok      ok      ok      ok      ok      403
api_figure_case_reviews         -              POST    401     405     405     405     405     405     403
api_figure_death_reviews        -              GET     401     403     403     403     ok      ok      403
api_figure_death_reviews        -              POST    401     403     403     403     405     405     403
api_figure_fairness             -              GET     401     403     ok      403     ok      ok      403
api_figure_fairness             -              POST    401     403     405     403     405     405     403
api_figure_treatment_exits      -              GET     401     ok      ok      ok      ok      ok      403
api_figure_treatment_exits      -              POST    401     405     405     405     405     405     403
api_figure_top_outcomes         -              GET     401     ok      ok      ok      ok      ok      403
api_figure_top_outcomes         -              POST    401     405     405     405     405     405     403
api_figure_harm_reduction       -              GET     401     ok      ok      ok      ok      ok      403
api_figure_harm_reduction       -              POST    401     405     405     405     405     405     403
api_figure_criminal_justice_and_families -            GET     401     ok      ok      ok      ok      ok      403
api_figure_criminal_justice_and_families -            POST    401     405     405     405     405     405     403

# Case reviews: keyworkers and team leads read their teams' (bob's team is South, the
# meeting North's: it does not exist for him), governance every team's; a team lead
# schedules and records them (403 to those who only read), an action's owner or the
# team's lead marks it done. The world's meeting is tomorrow: holding it is refused.
case_review_list                -              GET     signin  ok      ok      ok      ok      404     404
case_review_my_actions          -              GET     signin  ok      ok      ok      ok      404     404
case_review_setting             -              GET     signin  405     405     405     405     405     405
case_review_setting             -              POST    signin  403     400     403     403     404     404
case_review_schedule            -              GET     signin  403     ok      403     403     404     404
case_review_schedule            -              POST    signin  403     400     403     403     404     404
case_review_meeting             case-review    GET     signin  ok      ok      404     ok      404     404
case_review_history             case-review    GET     signin  ok      ok      404     ok      404     404
case_review_people              case-review    GET     signin  403     ok      404     403     404     404
case_review_people              case-review    POST    signin  403     400     404     403     404     404
case_review_hold                case-review    GET     signin  405     405     405     405     405     405
case_review_hold                case-review    POST    signin  403     ok      404     403     404     404
case_review_invite              case-review    GET     signin  405     405     405     405     405     405
case_review_invite              case-review    POST    signin  403     400     404     403     404     404
case_review_decisions           case-review-jo GET     signin  403     ok      404     403     404     404
case_review_decisions           case-review-jo POST    signin  403     400     404     403     404     404
case_review_action_create       case-review-jo GET     signin  403     ok      404     403     404     404
case_review_action_create       case-review-jo POST    signin  403     400     404     403     404     404
case_review_action_done         case-review-action GET signin  ok      ok      404     404     404     404
case_review_action_done         case-review-action POST signin 400     400     404     404     404     404

# Death reviews: governance only; for everyone else, administrators included, no review
# exists.
# The anonymised learning bulletin is for every member of staff.
review_list                     -              GET     signin  404     404     404     ok      404     404
review_notify                   -              GET     signin  404     404     404     ok      404     404
review_notify                   -              POST    signin  404     404     404     400     404     404
review_actions                  -              GET     signin  404     404     404     ok      404     404
review_dashboard                -              GET     signin  404     404     404     ok      404     404
review_bulletin                 -              GET     signin  ok      ok      ok      ok      ok      ok
# Approving what the bulletin shows is clinical governance's alone: roles that do not see
# reviews find no such page.
bulletin_approvals              -              GET     signin  404     404     404     ok      404     404
bulletin_approve                pending-learning GET   signin  405     405     405     405     405     405
bulletin_approve                pending-learning POST  signin  404     404     404     400     404     404
review_detail                   review         GET     signin  404     404     404     ok      404     404
review_edit                     review-domain  GET     signin  404     404     404     ok      404     404
review_edit                     review-domain  POST    signin  404     404     404     400     404     404
review_transition               review-step    GET     signin  404     404     404     ok      404     404
review_snapshot                 review         GET     signin  404     404     404     ok      404     404
review_history                  review         GET     signin  404     404     404     ok      404     404
review_link                     review         GET     signin  405     405     405     405     405     405
review_link                     review         POST    signin  404     404     404     ok      404     404
review_toxicology_create        review         GET     signin  404     404     404     ok      404     404
review_toxicology_create        review         POST    signin  404     404     404     400     404     404
review_toxicology_edit          finding        GET     signin  404     404     404     ok      404     404
review_toxicology_edit          finding        POST    signin  404     404     404     400     404     404
review_request_create           review         GET     signin  404     404     404     ok      404     404
review_request_create           review         POST    signin  404     404     404     400     404     404
review_request_edit             request        GET     signin  404     404     404     ok      404     404
review_request_edit             request        POST    signin  404     404     404     400     404     404
review_action_create            review         GET     signin  404     404     404     ok      404     404
review_action_create            review         POST    signin  404     404     404     400     404     404
review_action_edit              action         GET     signin  404     404     404     ok      404     404
review_action_edit              action         POST    signin  404     404     404     400     404     404

# Sharing with partners: the person's team records consent and a basis for sharing without
# it; governance reads what may be shared. The partner pages exist for partners only.
sharing                         jo             GET     signin  ok      ok      404     ok      404     404
sharing_consent_create          jo             GET     signin  ok      ok      404     403     404     404
sharing_consent_create          jo             POST    signin  400     400     404     403     404     404
sharing_consent_withdraw        jo-consent     GET     signin  ok      ok      404     403     404     404
sharing_consent_withdraw        jo-consent     POST    signin  400     400     404     403     404     404
sharing_basis_create            jo             GET     signin  ok      ok      404     403     404     404
sharing_basis_create            jo             POST    signin  400     400     404     403     404     404
partner_home                    -              GET     signin  404     404     404     404     404     404
partner_request                 partner-request GET    signin  404     404     404     404     404     404
partner_review_action           partner-action GET     signin  404     404     404     404     404     404
partner_case_review_action      partner-case-action GET signin 404     404     404     404     404     404
partner_joint_section           partner-joint  GET     signin  404     404     404     404     404     404
partner_case_review             partner-case-review GET signin 404     404     404     404     404     404

# The admin's own pages (its per-model pages are in ADMIN_MODELS). Signing out of the
# admin sends anyone not signed in to it back to its index.
admin:index                     -              GET     signin  signin  signin  signin  signin  signin  ok
admin:login                     -              GET     ok      ok      ok      ok      ok      ok      ok
admin:logout                    -              GET     ok      ok      ok      ok      ok      ok      405
admin:logout                    -              POST    ok      ok      ok      ok      ok      ok      signin
admin:password_change           -              GET     signin  signin  signin  signin  signin  signin  ok
admin:password_change_done      -              GET     signin  signin  signin  signin  signin  signin  ok
admin:password_change_done      -              POST    signin  signin  signin  signin  signin  signin  405
admin:autocomplete              -              GET     signin  signin  signin  signin  signin  signin  403
admin:autocomplete              -              POST    signin  signin  signin  signin  signin  signin  405
admin:jsi18n                    -              GET     signin  signin  signin  signin  signin  signin  ok
admin:jsi18n                    -              POST    signin  signin  signin  signin  signin  signin  405
admin:view_on_site              team-on-site   GET     signin  signin  signin  signin  signin  signin  404
admin:auth_user_password_change adam           GET     signin  signin  signin  signin  signin  signin  ok
# An authenticator's key is never shown, not even to an administrator.
admin:otp_totp_totpdevice_config device        GET     signin  signin  signin  signin  signin  signin  403
admin:otp_totp_totpdevice_qrcode device        GET     signin  signin  signin  signin  signin  signin  403
admin:app_list                  app            GET     signin  signin  signin  signin  signin  signin  ok
# A moved model's old address: the same page under its new app, for administrators only.
admin:moved_model               moved          GET     signin  signin  signin  signin  signin  signin  ok
# Recompute now: the confirmation, then the run's progress page and its status for the page.
admin:risk_recomputerun_recompute -            GET     signin  signin  signin  signin  signin  signin  ok
admin:risk_recomputerun_recompute -            POST    signin  signin  signin  signin  signin  signin  400
admin:risk_recomputerun_progress -             GET     signin  signin  signin  signin  signin  signin  ok
admin:risk_recomputerun_progress -             POST    signin  signin  signin  signin  signin  signin  405
admin:risk_recomputerun_progress_status -      GET     signin  signin  signin  signin  signin  signin  ok
admin:risk_recomputerun_progress_status -      POST    signin  signin  signin  signin  signin  signin  405
# Loading benchmarks from a CSV file: an empty POST is refused at its field, loading nothing.
admin:outcomes_benchmark_upload -              GET     signin  signin  signin  signin  signin  signin  ok
admin:outcomes_benchmark_upload -              POST    signin  signin  signin  signin  signin  signin  400
admin/(?P<url>.*)$              nowhere        GET     signin  signin  signin  signin  signin  signin  404
"""

# Routes anyone may open without signing in. Every other route must refuse an
# anonymous request (`signin`, or 401 from the API), or refuse the method (405).
# The icon and ReDoc's script hold no data: the sign-in page shows the icon, and the
# browser asks for /favicon.ico before anyone has signed in.
PUBLIC = frozenset(
    {"login", "logout", "admin:login", "admin:logout", "favicon", "api_redoc_bundle"}
)


# The admin's generated pages (`ADMIN_MODELS`) and the partner column (`PARTNER_ROUTES`)
# have modules of their own, beside this one.
from tests.security.routes_admin import ADMIN_MODELS as ADMIN_MODELS  # noqa: E402
from tests.security.routes_partner import PARTNER_ELSEWHERE as PARTNER_ELSEWHERE  # noqa: E402
from tests.security.routes_partner import PARTNER_ROUTES as PARTNER_ROUTES  # noqa: E402
