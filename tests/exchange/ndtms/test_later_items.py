"""PRNTSTAT from all, some or none of a parent's children, and the items of a later dataset.

Religion and disability are items of the current adult dataset, not of dataset K: the
declaration names the version that first has them, a dataset K file leaves them out,
and the writer reads them already, so a version that has them writes them through
its mappings.
"""

import pytest

from cases.models import Disability, Religion
from exchange.ndtms import submission_chunks
from exchange.ndtms.codes import DATASET_VERSION, LATER_CODE_LISTS, LATER_MAPPINGS
from exchange.ndtms.items import DECLARED, ITEMS, LATER, NAMES, items_of
from exchange.ndtms.mapping import Mappings, mappings_for
from exchange.ndtms.writer import read_submission, submission_frames
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db

START, END = days_ago(60), days_ago(1)
LATER_NAMES = ("RELIGION", "DISABLE1", "DISABLE2", "DISABLE3")


def _prntstat(**episode) -> str:
    person = ServiceUserFactory(consent_to_ndtms=True)
    EpisodeFactory(service_user=person, referral_date=days_ago(100), **episode)
    text = b"".join(submission_chunks(start=START, end=END)).decode()
    (row,) = read_submission(text)
    return row["PRNTSTAT"]


@pytest.mark.parametrize(
    ("episode", "code"),
    [
        ({"parental_status": False}, "14"),
        ({"parental_status": True, "children_living_with": 0}, "13"),
        (
            {"parental_status": True, "children_living_with": 2, "all_children_live_with": True},
            "11",
        ),
        (
            {"parental_status": True, "children_living_with": 1, "all_children_live_with": False},
            "12",
        ),
        ({"parental_status": True, "children_living_with": 2}, "NA"),
        ({"parental_status": None}, "NA"),
    ],
    ids=["not a parent", "none with them", "all", "some", "all or some not said", "not known"],
)
def test_prntstat_says_whether_all_some_or_none_of_the_children_live_with_them(episode, code):
    assert _prntstat(**episode) == code


def test_someone_not_a_parent_has_no_children_living_with_them_in_the_file():
    person = ServiceUserFactory(consent_to_ndtms=True)
    EpisodeFactory(service_user=person, referral_date=days_ago(100), parental_status=False)
    unknown = ServiceUserFactory(consent_to_ndtms=True)
    EpisodeFactory(service_user=unknown, referral_date=days_ago(100), parental_status=None)
    text = b"".join(submission_chunks(start=START, end=END)).decode()
    written = {row["CLIENTID"]: row["CHILDWTH"] for row in read_submission(text)}

    assert written == {person.client_ref: "0", unknown.client_ref: "NA"}


def test_a_dataset_k_file_has_no_religion_or_disability():
    assert DATASET_VERSION < LATER
    assert not set(LATER_NAMES) & set(NAMES)
    assert [item.name for item in items_of(DATASET_VERSION)] == list(NAMES)


def test_the_version_that_has_them_writes_them_after_sexual_orientation():
    names = [item.name for item in items_of(LATER)]
    at = names.index("SEXUAL")
    assert names[at + 1 : at + 5] == list(LATER_NAMES)
    assert len(names) == len(ITEMS) + 4 == len(DECLARED)


def test_every_religion_and_disability_has_a_mapping_to_a_code_of_its_list():
    assert set(LATER_MAPPINGS["RELIGION"]) == set(Religion.values)
    assert set(LATER_MAPPINGS["DISABLE"]) == set(Disability.values)
    for name, mapping in LATER_MAPPINGS.items():
        assert {code for code in mapping.values() if code} <= set(LATER_CODE_LISTS[name])


def test_the_writer_reads_religion_and_up_to_three_disabilities_for_a_later_version():
    person = ServiceUserFactory(religion="sikh", disabilities=["sight", "hearing"])
    EpisodeFactory(service_user=person, referral_date=days_ago(100))
    mappings = Mappings(
        version=LATER, to_ndtms={**mappings_for(DATASET_VERSION).to_ndtms, **LATER_MAPPINGS}
    )
    frames = submission_frames(start=START, end=END, mappings=mappings, items=items_of(LATER))
    (row,) = [row for frame in frames for row in frame.to_pylist()]
    written = {name: row[name] for name in LATER_NAMES}
    # No religion code is known yet: written as not known until the version's codes are.
    assert written == {"RELIGION": "NA", "DISABLE1": "09", "DISABLE2": "02", "DISABLE3": "NA"}


def test_a_dataset_k_file_is_unchanged_by_a_recorded_religion_or_disability():
    person = ServiceUserFactory(religion="christian", disabilities=["none"])
    EpisodeFactory(service_user=person, referral_date=days_ago(100))
    text = b"".join(submission_chunks(start=START, end=END)).decode()
    assert text.splitlines()[0].split(",") == [f'"{name}"' for name in NAMES]
    assert "christian" not in text
