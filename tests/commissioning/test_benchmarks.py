"""Benchmarks beside the API's figures, the catalogue they are checked against, and the
command that loads them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from commissioning.figures.catalogue import figure_catalogue
from outcomes.benchmarks import parse_benchmarks
from outcomes.models import Benchmark
from tests.commissioning.test_figures import NALOXONE, Q2
from tests.outcomes.figures.conftest import row
from tests.outcomes.figures.test_justice_families import releases  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "docs" / "benchmarks-sample.csv"
HEADER = "figure,client_group,category,period,kind,value,better,source\n"


def test_the_catalogue_lists_every_served_familys_figures_with_their_cells():
    catalogue = figure_catalogue()

    assert ("opiate", None) in catalogue["successful_completions"]
    assert (None, None) in catalogue["naloxone_kit_supplied"]
    assert (None, "very_high_or_high") in catalogue["contacted_within_2_days"]
    assert "overdoses" in catalogue
    assert "reviewed_within_7_days" in catalogue


def test_the_documented_sample_file_is_valid():
    assert len(parse_benchmarks(SAMPLE.read_text(), figure_catalogue())) == 7


def test_the_command_loads_a_file_and_refuses_a_wrong_one_whole(tmp_path, capsys):
    call_command("load_benchmarks", str(SAMPLE))
    assert Benchmark.objects.count() == 7
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(
        HEADER + "naloxone_kit_supplied,,,2026-Q3,local_target,85,higher,Local target\n"
        "naloxone_kit_suppled,,,2026-Q3,local_target,85,higher,Local target\n"
    )

    with pytest.raises(CommandError) as refused:
        call_command("load_benchmarks", str(wrong))

    assert "Row 3, column figure: 'naloxone_kit_suppled' is not a figure" in str(refused.value)
    assert Benchmark.objects.get(figure_key="naloxone_kit_supplied").value == 80


def test_a_loaded_benchmark_appears_beside_its_figure_with_the_better_direction(cora_api, tmp_path):
    target = tmp_path / "target.csv"
    target.write_text(
        HEADER + "naloxone_kit_supplied,,,2026/27,local_target,80,higher,Local target\n"
        "naloxone_kit_supplied,,,2026-Q2,national,61.5,higher,National (illustrative)\n"
    )
    call_command("load_benchmarks", str(target))

    result = cora_api.get(NALOXONE, Q2).json()

    assert result["benchmarks"] == [
        {
            "key": "naloxone_kit_supplied",
            "client_group": None,
            "category": None,
            "kind": "national",
            "kind_label": "National",
            "value": 61.5,
            "better": "higher",
            "period": "2026-Q2",
            "source": "National (illustrative)",
        },
        {
            "key": "naloxone_kit_supplied",
            "client_group": None,
            "category": None,
            "kind": "local_target",
            "kind_label": "Local target",
            "value": 80.0,
            "better": "higher",
            "period": "2026/27",
            "source": "Local target",
        },
    ]


def test_an_administrator_loads_a_file_from_the_admin(client_as, adam):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("admin:outcomes_benchmark_upload")
    client = client_as(adam)
    assert client.get(url).status_code == 200

    loaded = client.post(url, {"file": SimpleUploadedFile("b.csv", SAMPLE.read_bytes())})

    assert loaded.status_code == 302
    assert Benchmark.objects.count() == 7


def test_the_admin_refuses_a_wrong_file_whole_saying_where(client_as, adam):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    wrong = HEADER + (
        "naloxone_kit_supplied,,,2026-Q3,local_target,85,higher,Local target\n"
        "naloxone_kit_supplied,,,2026-Q3,national,lots,higher,National\n"
    )
    response = client_as(adam).post(
        reverse("admin:outcomes_benchmark_upload"),
        {"file": SimpleUploadedFile("b.csv", wrong.encode())},
    )

    assert response.status_code == 400
    assert "Row 3, column value: &#x27;lots&#x27; is not a number" in response.content.decode()
    assert not Benchmark.objects.exists()


# A figure's target: its own default, or a local target loaded for its period ----------
#
# The releases worked out by hand in tests/outcomes/figures/test_justice_families.py:
# 13 of the 18 people released in the second quarter of 2026 were picked up within 3
# weeks (72.2%), and 5 of 5 in the first (100%).

JUSTICE = reverse("api_figure_criminal_justice_and_families")
Q1 = {"from": "2026-01-01", "to": "2026-03-31"}


def pick_up_target(result: dict, segment: str | None = None) -> dict:
    return row(result, "prison_release_pick_up", segment=segment)["target"]


def load(tmp_path, *lines: str) -> None:
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines))
    call_command("load_benchmarks", str(path))


@pytest.mark.usefixtures("releases")
def test_with_no_target_loaded_prison_pick_up_is_held_to_the_default_75(cora_api):
    result = cora_api.get(JUSTICE, Q2).json()

    assert pick_up_target(result) == {
        "value": 75.0,
        "met": False,
        "words": "Not met: 72.2% is below the 75% local target.",
        "origin": "default",
        "source": "Built-in default",
    }


@pytest.mark.usefixtures("releases")
def test_a_local_target_loaded_for_the_period_replaces_the_default(cora_api, tmp_path):
    load(tmp_path, "prison_release_pick_up,,,2026-Q2,local_target,70,higher,Local plan")

    result = cora_api.get(JUSTICE, {**Q2, "segment": "sex"}).json()

    assert pick_up_target(result) == {
        "value": 70.0,
        "met": True,
        "words": "Met: 72.2% is at or above the 70% local target.",
        "origin": "loaded",
        "source": "Local plan (2026-Q2)",
    }
    # The 3 women are withheld, and the men beside them: each segment is held to the
    # same loaded target, met or not unknown.
    women = pick_up_target(result, "F")
    assert (women["value"], women["met"], women["origin"]) == (70.0, None, "loaded")
    assert [b["value"] for b in result["benchmarks"] if b["key"] == "prison_release_pick_up"] == [
        70.0
    ]


@pytest.mark.usefixtures("releases")
def test_a_target_loaded_for_another_period_or_of_another_kind_does_not_apply(cora_api, tmp_path):
    load(
        tmp_path,
        "prison_release_pick_up,,,2026-Q1,local_target,90,higher,Local plan",
        "prison_release_pick_up,,,2026-Q2,national,60,higher,National",
    )

    second = cora_api.get(JUSTICE, Q2).json()
    first = cora_api.get(JUSTICE, Q1).json()

    assert (pick_up_target(second)["value"], pick_up_target(second)["origin"]) == (75.0, "default")
    assert pick_up_target(first) == {
        "value": 90.0,
        "met": True,
        "words": "Met: 100% is at or above the 90% local target.",
        "origin": "loaded",
        "source": "Local plan (2026-Q1)",
    }
