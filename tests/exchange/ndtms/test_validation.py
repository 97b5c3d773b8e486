"""Each pre-submission rule, with a record that breaks it and one that passes.

Pure: the rows are written by hand as a submission file holds them, and the code
lists are the shipped ones."""

import datetime

import pytest

from exchange.ndtms import validation
from exchange.ndtms.codes import CODE_LISTS
from exchange.ndtms.items import NAMES, NOT_KNOWN

CODES = {name: set(values) for name, values in CODE_LISTS.items()}
END = datetime.date(2026, 10, 31)


def row(**items: str) -> dict[str, str]:
    """A consenting client's triaged episode in treatment with a modality and a start TOP."""
    base = {name: NOT_KNOWN for name in NAMES}
    base.update(
        FINITIAL="J", SINITIAL="B", DOB="1980-05-01", SEX="M", ETHNIC="A", NATION="GBR",
        REFLD="2026-09-01", AGNCY="N0852", CLIENT="C1", CLIENTID="C1", EPISODID="E1",
        CONSENT="Y", PREVTR="N", ACCMNEED="3", PRNTSTAT="14", LA="E06000035", DRUG1="1011",
        DRUG1AGE="19", ROUTE="3", DRUG2="9996", DRUG3="9997", RFLS="4", TRIAGED="2026-09-02",
        CPLANDT="2026-09-10", INJSTAT="N", CHILDWTH="0", PREGNANT="N", ALCDDAYS="0",
        DUALDIAG="N", HEPCSTAT="D", HEPBSTAT="D", EMPSTAT="12", SEXUAL="H",
        MODID="M1", MODAL="95", REFMODDT="2026-09-05", FAOMODDT="2026-09-08",
        MODST="2026-09-10", MODSET="6", TOPID="T1", TOPDATE="2026-09-10", TRSTAGE="S",
    )  # fmt: skip
    base.update(items)
    return base


def problems(*rows, rule=None) -> list[tuple[str, str]]:
    found = validation.validate(rows, codes=CODES, end=END)
    return [(p.rule, p.item) for p in found if rule is None or p.rule == rule]


def test_a_complete_episode_has_no_problems():
    assert problems(row()) == []


def test_an_item_required_at_the_stage_reached_is_missing():
    assert problems(row(DRUG1AGE=NOT_KNOWN), rule="required") == [("required", "DRUG1AGE")]
    # Referred, not yet triaged: the triage items are not due yet.
    referred = row(
        TRIAGED=NOT_KNOWN, CPLANDT=NOT_KNOWN, MODID=NOT_KNOWN, MODAL=NOT_KNOWN,
        REFMODDT=NOT_KNOWN, FAOMODDT=NOT_KNOWN, MODST=NOT_KNOWN, MODSET=NOT_KNOWN,
        DRUG1AGE=NOT_KNOWN,
    )  # fmt: skip
    assert problems(referred, rule="required") == []


def test_pregnancy_is_required_of_women_only():
    assert problems(row(PREGNANT=NOT_KNOWN), rule="required") == []
    assert problems(row(SEX="F", PREGNANT=NOT_KNOWN), rule="required") == [("required", "PREGNANT")]
    assert problems(row(SEX="F"), rule="required") == []


def test_a_discharged_episode_needs_its_reason():
    assert problems(row(DISD="2026-10-20"), rule="required") == [("required", "DISRSN")]
    assert problems(row(DISD="2026-10-20", DISRSN="1"), rule="required") == []


def test_a_code_not_in_its_list_is_a_problem():
    assert problems(row(ROUTE="9"), rule="code") == [("code", "ROUTE")]
    assert problems(row(ROUTE="1"), rule="code") == []


def test_dates_out_of_order_across_episode_modality_and_top_are_problems():
    assert problems(row(TRIAGED="2026-08-30"), rule="dates") == [("dates", "TRIAGED")]
    assert problems(row(MODEND="2026-09-09"), rule="dates") == [("dates", "MODEND")]
    assert problems(row(TOPDATE="2026-08-01"), rule="dates") == [("dates", "TOPDATE")]
    assert problems(row(MODEND="2026-09-30", MODEXIT="A"), rule="dates") == []


def test_a_client_under_18_at_referral_is_a_problem():
    assert problems(row(DOB="2009-09-02"), rule="age") == [("age", "DOB")]
    assert problems(row(DOB="2008-09-01"), rule="age") == []


def test_an_episode_in_treatment_must_have_been_triaged():
    assert problems(row(TRIAGED=NOT_KNOWN), rule="triage") == [("triage", "TRIAGED")]
    assert problems(row(), rule="triage") == []


def test_an_episode_in_treatment_has_a_modality():
    bare = row(MODID=NOT_KNOWN, MODAL=NOT_KNOWN, MODST=NOT_KNOWN, REFMODDT=NOT_KNOWN)
    assert problems(bare, rule="modality") == [("modality", "MODAL")]
    assert problems(row(), rule="modality") == []


def test_a_start_top_then_a_review_top_is_due():
    assert problems(row(TOPID=NOT_KNOWN, TOPDATE=NOT_KNOWN, TRSTAGE=NOT_KNOWN), rule="TOP") == [
        ("TOP", "TOPDATE")
    ]
    old = row(REFLD="2026-01-05", TRIAGED="2026-01-06", CPLANDT="2026-01-10",
              REFMODDT="2026-01-08", FAOMODDT="2026-01-09", MODST="2026-01-10",
              TOPDATE="2026-01-10")  # fmt: skip
    assert problems(old, rule="TOP") == [("TOP", "TOPDATE")]
    assert problems({**old, "TOPDATE": "2026-07-01"}, rule="TOP") == []
    assert problems({**old, "DISD": "2026-06-01", "DISRSN": "1"}, rule="TOP") == []


def test_one_person_under_two_client_identifiers_is_a_problem():
    first = row()
    second = row(CLIENT="C2", CLIENTID="C2", EPISODID="E2")
    other = row(CLIENT="C3", CLIENTID="C3", EPISODID="E3", DOB="1981-05-01")

    assert problems(first, second, rule="duplicate") == [
        ("duplicate", "CLIENTID"),
        ("duplicate", "CLIENTID"),
    ]
    assert problems(first, other, rule="duplicate") == []


def test_rows_without_consent_are_not_held_to_the_items_they_may_not_carry():
    withheld = dict.fromkeys(NAMES, "")
    withheld.update(AGNCY="N0852", CLIENTID="C9", CONSENT="N")

    assert problems(withheld) == []


@pytest.mark.parametrize("rule", validation.RULES, ids=lambda r: r.__name__)
def test_every_rule_is_tested_here(rule):
    tested = {
        "required_items", "valid_codes", "date_order", "adult", "triaged",
        "modality_in_treatment", "top_due", "duplicate_clients",
    }  # fmt: skip
    assert rule.__name__ in tested
