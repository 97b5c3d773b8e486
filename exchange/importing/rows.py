"""The checks of one row that need only that row, by kind of file: dates in order, details
that go together, values that only some kinds of record have.

Each rule works on a whole chunk's columns through `ChunkCheck` (`exchange.importing.
validate`), reporting every row it finds at once; Python loops run only over problems.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cases import validators
from cases.models import DISABILITY_ALONE, BbvIntervention, Intervention, InterventionType
from exchange.importing.care_rows import care_rows
from exchange.importing.care_specs import CARE_SPECS
from exchange.importing.specs import OVERDOSE_ONLY

if TYPE_CHECKING:
    from exchange.importing.validate import ChunkCheck

_NHS_WEIGHTS = np.arange(10, 1, -1)
# Disability answers that stand alone.
_ALONE = frozenset(str(answer) for answer in DISABILITY_ALONE)


def _service_user_rows(check: "ChunkCheck") -> None:
    born = check.date("date_of_birth")
    today = check.today_date
    years = today.year - born.dt.year
    before_birthday = (born.dt.month > today.month) | (
        (born.dt.month == today.month) & (born.dt.day > today.day)
    )
    age = (years - before_birthday.astype("float64")).to_numpy()
    shown = check.text("date_of_birth")
    check.report(
        age > validators.OLDEST_AGE,
        "date_of_birth",
        lambda i: (
            f"Date of birth {shown[i]} makes the person {int(age[i])}; check the year (it must "
            f"be within the last {validators.OLDEST_AGE} years)."
        ),
    )
    check.report(
        (age < validators.YOUNGEST_AGE) & (born <= check.today).to_numpy(),
        "date_of_birth",
        lambda i: (
            f"Date of birth {shown[i]} makes the person {int(age[i])}; Lantern records people "
            f"aged {validators.YOUNGEST_AGE} or over."
        ),
    )
    if "nhs_number" in check.raw.columns:
        nhs = check.raw["nhs_number"].str.replace(r"[\s-]", "", regex=True)
        given = (nhs != "").to_numpy()
        shape_ok = nhs.str.fullmatch(r"\d{10}").fillna(False).to_numpy(dtype=bool)
        shown_nhs = check.text("nhs_number")
        check.report(
            given & ~shape_ok,
            "nhs_number",
            lambda i: f"NHS number {shown_nhs[i]} does not have 10 digits.",
        )
        digits = np.zeros((check.n, 10), dtype=np.int64)
        if shape_ok.any():
            chosen = nhs[shape_ok].to_numpy().astype("U10")
            digits[shape_ok] = chosen.view("U1").reshape(-1, 10).astype(np.int64)
        expected = 11 - (digits[:, :9] @ _NHS_WEIGHTS) % 11
        expected[expected == 11] = 0
        check.report(
            shape_ok & (expected != digits[:, 9]),
            "nhs_number",
            lambda i: f"NHS number {shown_nhs[i]} is not valid: its check digit does not match.",
        )
        check.out["nhs_number"] = nhs.where(given, None)
    if "postcode" in check.raw.columns:
        compact = check.raw["postcode"].str.replace(r"\s", "", regex=True).str.upper()
        spaced = compact.where(compact.str.len() <= 3, compact.str[:-3] + " " + compact.str[-3:])
        given = (compact != "").to_numpy()
        ok = spaced.str.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}").to_numpy(dtype=bool)
        shown_pc = check.text("postcode")
        check.report(
            given & ~ok, "postcode", lambda i: f"Postcode {shown_pc[i]} is not a UK postcode."
        )
        check.out["postcode"] = spaced.where(given, None)
    if "phone" in check.raw.columns:
        compact = check.raw["phone"].str.replace(r"[\s()-]", "", regex=True)
        given = (compact != "").to_numpy()
        ok = compact.str.fullmatch(r"(?:\+44|0)\d{9,10}").to_numpy(dtype=bool)
        shown_ph = check.text("phone")
        check.report(
            given & ~ok, "phone", lambda i: f"Phone {shown_ph[i]} is not a UK phone number."
        )
    if "gp_practice_code" in check.raw.columns:
        compact = check.raw["gp_practice_code"].str.replace(r"\s", "", regex=True).str.upper()
        given = (compact != "").to_numpy()
        ok = compact.str.fullmatch(r"[A-Z][0-9]{5}").to_numpy(dtype=bool)
        shown_gp = check.text("gp_practice_code")
        check.report(
            given & ~ok,
            "gp_practice_code",
            lambda i: (
                f"GP practice code {shown_gp[i]} is not a practice code: a letter and five "
                "digits, e.g. A81001."
            ),
        )
        check.out["gp_practice_code"] = compact.where(given, None)
    if "disabilities" in check.raw.columns:
        answers = check.raw["disabilities"].str.split(";")
        alone = answers.map(
            lambda given: len(given) > 1 and bool(_ALONE & {a.strip() for a in given})
        )
        shown_dis = check.text("disabilities")
        check.report(
            alone.to_numpy(dtype=bool),
            "disabilities",
            lambda i: (
                f"Disability {shown_dis[i]}: none and not_stated are answers on their "
                "own, not beside another."
            ),
        )


def _episode_rows(check: "ChunkCheck") -> None:
    check.before(
        "triage_date", "referral_date", "Triage date {late} is before the referral date {early}."
    )
    check.before(
        "start_date", "referral_date", "Care plan start {late} is before the referral date {early}."
    )
    check.before(
        "discharge_date",
        "referral_date",
        "Discharge date {late} is before the referral date {early}.",
    )
    check.before(
        "discharge_date",
        "start_date",
        "Discharge date {late} is before the care plan start {early}.",
    )
    discharged = check.present("discharge_date")
    reason = check.present("discharge_reason")
    check.report(
        discharged & ~reason,
        "discharge_reason",
        lambda _i: "Discharge reason is required with a discharge date.",
    )
    check.report(
        reason & ~discharged,
        "discharge_date",
        lambda _i: "Discharge date is required with a discharge reason.",
    )
    children = check.number("children_living_with").fillna(0).to_numpy() > 0
    not_parent = check.flag("parental_status").eq(False).fillna(False).to_numpy(dtype=bool)
    check.report(
        children & not_parent,
        "children_living_with",
        lambda _i: "Children are recorded but the person is not a parent.",
    )
    parent = check.flag("parental_status").eq(True).fillna(False).to_numpy(dtype=bool)
    check.report(
        check.present("all_children_live_with") & ~(parent & children),
        "all_children_live_with",
        lambda _i: (
            "Whether all their children live with them goes only with a parent who "
            "has children living with them."
        ),
    )
    _episode_ndtms_rows(check)


def _episode_ndtms_rows(check: "ChunkCheck") -> None:
    """The alcohol, blood-borne virus and discharge destination items, as the form checks them."""
    units = check.number("alcohol_units").fillna(0).to_numpy() > 0
    no_days = (check.number("alcohol_days") == 0).to_numpy()
    check.report(
        units & no_days,
        "alcohol_units",
        lambda _i: "Units on a typical drinking day are recorded but days drinking is 0.",
    )
    check.report(
        check.flag("hep_c_positive").notna().to_numpy(dtype=bool)
        & ~check.present("hep_c_test_date"),
        "hep_c_test_date",
        lambda _i: "Latest hepatitis C test is required with the test's result (hep_c_positive).",
    )
    intervention = check.text("hep_b_intervention")
    immune = np.isin(intervention, [BbvIntervention.IMMUNISED, BbvIntervention.ACQUIRED_IMMUNITY])
    check.report(
        immune & check.present("hep_b_vaccinations"),
        "hep_b_vaccinations",
        lambda i: (
            f"Hepatitis B vaccinations are recorded but the person is immune "
            f"(hep_b_intervention {intervention[i]}): leave them empty."
        ),
    )
    check.report(
        check.present("discharge_destination_kind") & ~check.present("discharge_date"),
        "discharge_destination_kind",
        lambda _i: "Where they went on discharge goes only with a discharge date.",
    )


# Which kind of intervention each approach belongs to, from its label's part of the list.
APPROACH_KIND = {
    approach.value: (
        InterventionType.PSYCHOSOCIAL
        if approach.label.startswith("Psychosocial:")
        else InterventionType.RECOVERY_SUPPORT
    )
    for approach in Intervention.Approach
}


def _intervention_rows(check: "ChunkCheck") -> None:
    approach = check.text("approach")
    kind = check.text("kind")
    fits = pd.Series(approach).map(APPROACH_KIND).to_numpy() == kind
    check.report(
        check.present("approach") & ~fits,
        "approach",
        lambda i: (
            f"What it consists of {approach[i]} is not an approach of a {kind[i]} "
            "intervention: only psychosocial and recovery support interventions have one, "
            "from their own part of the list."
        ),
    )
    check.before("end_date", "start_date", "End date {late} is before the start date {early}.")
    ended = check.present("end_date")
    status = check.present("exit_status")
    check.report(
        ended & ~status,
        "exit_status",
        lambda _i: "Exit status is required with an end date.",
    )
    check.report(
        status & ~ended, "end_date", lambda _i: "End date is required with an exit status."
    )
    prescribing = check.text("kind") == "pharmacological"
    for name, label in (("medicine", "OST medicine"), ("intention", "Prescribing intention")):
        check.report(
            prescribing & ~check.present(name),
            name,
            lambda _i, label=label: f"{label} is required for a prescribing intervention.",
        )
        check.report(
            ~prescribing & check.present(name),
            name,
            lambda _i, label=label: f"Only a prescribing intervention has an {label.lower()}.",
        )
    dose = check.number("daily_dose_mg").to_numpy()
    check.report(
        ~prescribing & check.present("daily_dose_mg"),
        "daily_dose_mg",
        lambda _i: "Only a prescribing intervention has a daily dose.",
    )
    check.report(dose == 0, "daily_dose_mg", lambda _i: "Daily dose (mg) must be more than 0.")


def _event_rows(check: "ChunkCheck") -> None:
    overdose = check.text("kind") == "non_fatal_overdose"
    for name in OVERDOSE_ONLY:
        label = check.spec.by_name[name].label
        check.report(
            ~overdose & check.present(name),
            name,
            lambda _i, label=label: f"{label} is only recorded for a non_fatal_overdose.",
        )
    # Taken to hospital may be empty: a notifier often cannot know, and empty means not known.
    doses = check.number("naloxone_doses").fillna(0).to_numpy() > 0
    not_given = np.isin(check.text("naloxone_given_by"), ["not_given", "unknown"])
    giver = check.text("naloxone_given_by")
    check.report(
        overdose & doses & not_given,
        "naloxone_doses",
        lambda i: (
            f"Naloxone doses are recorded only when naloxone was given, and naloxone_given_by "
            f"says {giver[i]}: say who gave it, or leave the doses empty."
        ),
    )
    check.report(
        overdose & ~check.present("information_source"),
        "information_source",
        lambda _i: "Information source is required for an overdose.",
    )


def _contact_rows(check: "ChunkCheck") -> None:
    day = check.date("contact_date")
    status = check.text("status")
    shown = check.text("contact_date")
    check.report(
        (status == "booked") & (day < check.today).to_numpy(),
        "status",
        lambda i: (
            f"Contact on {shown[i]} is in the past but still booked: record attended, dna or cancelled."
        ),
        value=lambda i: status[i],
    )
    check.report(
        np.isin(status, ["attended", "dna"]) & (day > check.today).to_numpy(),
        "status",
        lambda i: f"Contact on {shown[i]} is in the future, so it cannot be {status[i]}.",
        value=lambda i: status[i],
    )


def _naloxone_rows(check: "ChunkCheck") -> None:
    supplied, expiry = check.date("supplied_on"), check.date("expiry_date")
    shown = check.text("expiry_date")
    check.report(
        (expiry <= supplied).to_numpy(),
        "expiry_date",
        lambda i: f"Kit expiry date {shown[i]} is not after the supply date.",
    )
    repeat = check.text("supply_type") == "repeat"
    first = check.text("supply_type") == "first"
    reason = check.present("repeat_reason")
    check.report(
        repeat & ~reason,
        "repeat_reason",
        lambda _i: "Repeat reason is required for a repeat supply.",
    )
    check.report(first & reason, "repeat_reason", lambda _i: "A first supply has no repeat reason.")
    used = np.isin(check.text("repeat_reason"), ["used_self", "used_other"])
    check.report(
        check.present("kit_used_on") & ~used,
        "kit_used_on",
        lambda _i: (
            "Date the previous kit was used goes only with repeat reason used_self or used_other."
        ),
    )
    shown_used = check.text("kit_used_on")
    check.report(
        (check.date("kit_used_on") > supplied).to_numpy(),
        "kit_used_on",
        lambda i: (
            f"Date the previous kit was used {shown_used[i]} is after the supply date: "
            "the kit was used before this one was supplied."
        ),
    )


def _top_rows(check: "ChunkCheck") -> None:
    used_other = check.number("OTDRGUSE").fillna(0).to_numpy() > 0
    check.report(
        used_other & ~check.present("other_substance_name"),
        "other_substance_name",
        lambda _i: "Other substance's name is required when OTDRGUSE is above 0.",
    )


ROW_RULES: dict[str, Callable[["ChunkCheck"], None]] = {
    "service_users": _service_user_rows,
    "episodes": _episode_rows,
    "interventions": _intervention_rows,
    "events": _event_rows,
    "contacts": _contact_rows,
    "naloxone_supplies": _naloxone_rows,
    "top_assessments": _top_rows,
    **{spec.kind: care_rows for spec in CARE_SPECS},
}
