"""The commissioner dashboard: the API's figures as a page and a CSV, for the same filters.

The dataset is worked out by hand (period: the second quarter of 2026, beside the
first). Every person has heroin as their problem substance and has been in treatment
since 10/01/2026:

- North, living in the first local authority: 5 men, each supplied a naloxone kit on
  01/02/2026, and 2 women with no kit;
- South, living in the second local authority: 5 men with no kit.

So naloxone coverage is 5 of 12 for the whole service, and split by sex the 2 women
are a small number: their cells are withheld, on the page, in the CSV and in the API.
"""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from commissioning.dashboard.selectors import CSV_COLUMNS, WITHHELD
from commissioning.models import ApiClient, ApiRequestLog
from commissioning.urls import FIGURES
from tests.conftest import sign_in_verified
from tests.outcomes.figures.conftest import person, several, supply, treated
from tests.outcomes.figures.test_justice_families import releases  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

D = datetime.date
PAGE = reverse("commissioner_dashboard")
CSV = reverse("commissioner_dashboard_csv")
Q2_FORM = {"start": "01/04/2026", "end": "30/06/2026"}
Q2_API = {"from": "2026-04-01", "to": "2026-06-30"}


@pytest.fixture
def unthrottled(settings):
    settings.LANTERN_API_FIGURE_RATE = "100000/minute"
    settings.LANTERN_API_RATE = "100000/minute"


@pytest.fixture
def cora_client(client, cora, unthrottled):
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save(update_fields=["api_client"])
    return sign_in_verified(client, cora)


@pytest.fixture
def people(north, south, alice, bob, authorities):
    made = []

    def north_man():
        who = person(team=north, local_authority=authorities[0])
        treated(who, started=D(2026, 1, 10))
        supply(who, on=D(2026, 2, 1), expires=D(2027, 1, 1))
        made.append(who)

    def north_woman():
        who = person(team=north, sex="F", local_authority=authorities[0])
        treated(who, started=D(2026, 1, 10))
        made.append(who)

    def south_man():
        who = person(team=south, local_authority=authorities[1])
        treated(who, started=D(2026, 1, 10))
        made.append(who)

    several(5, north_man)
    several(2, north_woman)
    several(5, south_man)
    return made


class Tables(HTMLParser):
    """Each table's rows (by the table's id) as lists of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = dict(attrs).get("id")
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif self.cell is not None:  # a block inside a cell: its text is a word apart
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.current].append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def api_results(client, params: dict) -> dict[str, dict]:
    results = {}
    for view in FIGURES:
        query = dict(params)
        if query.get("segment") and query["segment"] not in view.query_serializer.segments:
            del query["segment"]
        response = client.get(reverse(f"api_figure_{view.figure_name}"), query)
        assert response.status_code == 200, (view.figure_name, response.content[:300])
        results[view.figure_name] = response.json()
    return results


def count_cell(row: dict, field: str) -> str:
    """What the page should show for a row's numerator or denominator."""
    value = row[field]
    if value is not None:
        return f"{value:,}"
    used = ("percent", "count") if field == "numerator" else ("percent",)
    return "withheld" if row["suppressed"] and row["unit"] in used else ""


def test_a_commissioner_sees_every_family_as_the_api_gives_it_cell_by_cell(cora_client, people):
    page = cora_client.get(PAGE, {**Q2_FORM, "segment": "sex"})
    api = api_results(cora_client, {**Q2_API, "segment": "sex"})

    assert page.status_code == 200
    shown = {f["family"].name: f["family"].result for f in page.context["families"]}
    assert list(shown) == [view.figure_name for view in FIGURES]
    for name, result in api.items():
        assert shown[name] == result, name
    tables = Tables(page.content.decode()).tables
    withheld = provisional = 0
    for name, result in api.items():
        by_key: dict[str, list[dict]] = {}
        for row in result["figures"]:
            by_key.setdefault(row["key"], []).append(row)
        for key, rows in by_key.items():
            body = tables[f"table-{name}-{key}"][1:]
            assert len(body) == len(rows), (name, key)
            for cells, row in zip(body, rows, strict=True):
                numerator, denominator = cells[2], cells[3]
                assert numerator == count_cell(row, "numerator"), (name, key)
                assert denominator == count_cell(row, "denominator"), (name, key)
                if row["suppressed"] and row["value"] is None:
                    assert cells[1].startswith(WITHHELD)
                    withheld += 1
                if row["provisional"]:
                    assert "provisional" in cells[1]
                    provisional += 1
    assert withheld > 0
    assert provisional > 0
    # Case reviews are never split: the page says so above their tables.
    notes = {f["family"].name: f["split_note"] for f in page.context["families"]}
    assert notes["case_reviews"] == "Not split by sex: these figures are not split."
    assert notes["naloxone_coverage"] == ""


def test_the_womens_naloxone_cells_are_withheld_on_the_page(cora_client, people):
    page = cora_client.get(PAGE, {**Q2_FORM, "segment": "sex"})

    table = Tables(page.content.decode()).tables["table-naloxone_coverage-naloxone_kit_supplied"]
    rows = {cells[0]: cells for cells in table[1:]}
    assert rows["Everyone"][1:4] == ["41.7%", "5", "12"]
    assert rows["Female"][1] == WITHHELD
    # The download gives the same filters.
    assert b"/figures/download.csv?start=01%2F04%2F2026&amp;end=30%2F06%2F2026&amp;segment=sex" in (
        page.content
    )


def test_benchmarks_and_targets_are_marked_beside_their_figure(cora_client, people, tmp_path):
    loaded = tmp_path / "benchmarks.csv"
    loaded.write_text(
        "figure,client_group,category,period,kind,value,better,source\n"
        "naloxone_kit_supplied,,,2026/27,local_target,80,higher,Local target\n"
        "naloxone_kit_supplied,,,2026-Q2,national,61.5,higher,National (illustrative)\n"
    )
    call_command("load_benchmarks", str(loaded))

    page = cora_client.get(PAGE, Q2_FORM)

    table = Tables(page.content.decode()).tables["table-naloxone_coverage-naloxone_kit_supplied"]
    assert table[0][-1] == "Benchmarks and targets"
    assert table[1][0] == "Everyone"
    assert table[1][-1] == (
        "National: 61.5% (higher is better; 2026-Q2) "
        "Local target: 80.0% (higher is better; 2026/27)"
    )


def test_the_csv_holds_the_same_cells_as_the_api(cora_client, people):
    response = cora_client.get(CSV, {**Q2_FORM, "segment": "sex"})
    api = api_results(cora_client, {**Q2_API, "segment": "sex"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    expected = []
    for name, result in api.items():
        for row in result["figures"]:
            segment = row.get("segment_value")
            if row.get("segment") and segment is not None:
                segment = f"{row['segment']}={segment}"
            previous = row.get("previous")
            expected.append(
                [
                    name,
                    row["key"],
                    row["label"],
                    row.get("client_group") or "",
                    row.get("category") or "",
                    segment or "",
                    "" if row["value"] is None else str(row["value"]),
                    "" if row["numerator"] is None else str(row["numerator"]),
                    "" if row["denominator"] is None else str(row["denominator"]),
                    "yes" if row["suppressed"] else "no",
                    "yes" if row["provisional"] else "no",
                    "" if not previous or previous["value"] is None else str(previous["value"]),
                    "" if row.get("change") is None else str(row["change"]),
                    str(row["target"]["value"]) if "target" in row else "",
                    target_source(row),
                ]
            )
    assert rows[1:] == expected
    assert any(row[9] == "yes" for row in rows[1:])


def target_source(row: dict) -> str:
    """Where the CSV should say a row's target comes from."""
    target = row.get("target")
    if target is None:
        return ""
    if target["origin"] == "loaded":
        return f"Loaded local target: {target['source']}"
    return target["source"]


@pytest.mark.usefixtures("releases")
def test_a_loaded_local_target_replaces_the_default_on_the_page_and_in_the_csv(
    cora_client, tmp_path
):
    # 13 of the 18 released in the quarter picked up within 3 weeks: 72.2%.
    table_id = "table-criminal_justice_and_families-prison_release_pick_up"
    before = Tables(cora_client.get(PAGE, Q2_FORM).content.decode()).tables[table_id]
    assert before[1][-1] == "Not met: 72.2% is below the 75% local target. Built-in default"
    loaded = tmp_path / "targets.csv"
    loaded.write_text(
        "figure,client_group,category,period,kind,value,better,source\n"
        "prison_release_pick_up,,,2026-Q2,local_target,70,higher,Local plan\n"
    )
    call_command("load_benchmarks", str(loaded))

    after = Tables(cora_client.get(PAGE, Q2_FORM).content.decode()).tables[table_id]
    download = cora_client.get(CSV, Q2_FORM)

    assert after[1][-1] == (
        "Local target: 70.0% (higher is better; 2026-Q2) "
        "Met: 72.2% is at or above the 70% local target. "
        "Loaded local target: Local plan (2026-Q2)"
    )
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    [whole] = [r for r in rows if r[1] == "prison_release_pick_up" and r[5] == ""]
    assert whole[-2:] == ["70.0", "Loaded local target: Local plan (2026-Q2)"]


def test_the_csv_download_is_recorded_in_the_request_log(cora_client, cora, people):
    cora_client.get(CSV, Q2_FORM)

    log = ApiRequestLog.objects.get(format="csv")
    assert (log.user_id, log.client_id, log.extract, log.status) == (
        cora.pk,
        cora.api_client_id,
        "dashboard",
        200,
    )
    assert log.query == {"start": ["01/04/2026"], "end": ["30/06/2026"]}
    assert log.rows > 0


def test_no_identifier_appears_on_the_page_or_in_the_csv(cora_client, people):
    texts = [
        cora_client.get(PAGE, {**Q2_FORM, "segment": segment}).content.decode()
        for segment in ("", "sex", "team")
    ]
    texts.append(cora_client.get(CSV, {**Q2_FORM, "segment": "team"}).content.decode())
    for who in people:
        for identifier in (
            who.first_name,
            who.last_name,
            who.nhs_number,
            who.client_ref,
            str(who.external_id),
        ):
            if identifier:
                assert all(identifier not in text for text in texts), identifier


# Sign-in and navigation, the scope, the latest recompute (for the kept figures), the benchmarks
# of each family, the request log; the families' own reads go through core.frames.
GOVERNANCE_QUERIES = 22
COMMISSIONER_QUERIES = 24  # and the client and its local authorities


def test_governance_sees_the_whole_service_in_a_bounded_number_of_queries(
    client, gina, people, django_assert_num_queries
):
    sign_in_verified(client, gina)

    with django_assert_num_queries(GOVERNANCE_QUERIES):
        response = client.get(PAGE, Q2_FORM)

    assert response.status_code == 200
    rows = Tables(response.content.decode()).tables["table-naloxone_coverage-naloxone_kit_supplied"]
    assert rows[1][1:4] == ["41.7%", "5", "12"]


def test_a_commissioner_opens_the_dashboard_in_a_bounded_number_of_queries(
    cora_client, people, django_assert_num_queries
):
    with django_assert_num_queries(COMMISSIONER_QUERIES):
        response = cora_client.get(PAGE, Q2_FORM)

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["alice", "tess", "adam"])
def test_other_roles_are_refused_the_page_and_the_csv(client, request, who, people):
    sign_in_verified(client, request.getfixturevalue(who))

    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


def test_a_commissioner_without_a_client_is_told_why_and_gets_no_figures(client, cora):
    sign_in_verified(client, cora)

    page = client.get(PAGE)
    assert page.status_code == 200
    assert b"not linked to an active API client" in page.content
    assert "families" not in page.context
    assert client.get(CSV).status_code == 403


def test_a_bad_period_is_refused_at_the_field(cora_client):
    response = cora_client.get(PAGE, {"start": "31/02/2026", "end": "30/06/2026"})

    assert response.status_code == 400
    assert response.context["form"].errors["start"] == [
        "Enter a real date as dd/mm/yyyy, for example 27/03/2025."
    ]
    assert b"Enter a real date" in response.content


def test_a_period_ending_before_it_starts_is_refused_as_the_api_refuses_it(cora_client):
    response = cora_client.get(PAGE, {"start": "30/06/2026", "end": "01/04/2026"})
    api = cora_client.get(
        reverse("api_figure_outcome_summary"), {"from": "2026-06-30", "to": "2026-04-01"}
    )

    assert response.status_code == 400
    assert api.status_code == 400
    [(parameter, messages)] = api.json()["errors"].items()
    field = {"from": "start", "to": "end"}[parameter]
    assert response.context["form"].errors[field] == messages


def test_one_end_of_the_period_alone_is_refused_at_the_other(cora_client):
    response = cora_client.get(PAGE, {"start": "01/04/2026"})

    assert response.status_code == 400
    assert "end" in response.context["form"].errors


def test_a_bad_split_or_team_in_the_query_string_is_a_400_not_a_500(cora_client):
    assert cora_client.get(PAGE, {"segment": "shoe_size"}).status_code == 400
    assert cora_client.get(PAGE, {"team": "abc"}).status_code == 400
    assert cora_client.get(CSV, {"team": "abc"}).status_code == 400


def test_a_commissioner_limited_to_one_local_authority_cannot_ask_for_another(
    cora_client, cora, authorities, people
):
    cora.api_client.local_authorities.set([authorities[0]])

    refused = cora_client.get(PAGE, {**Q2_FORM, "local_authority": authorities[1].code})
    shown = cora_client.get(PAGE, Q2_FORM)

    assert refused.status_code == 400
    assert "local_authority" in refused.context["form"].errors
    rows = Tables(shown.content.decode()).tables["table-naloxone_coverage-naloxone_kit_supplied"]
    # Only the first local authority's 7 people: 5 of them with a kit, which would give
    # back the 2 without one, so the share and its numerator are withheld.
    assert rows[1][1:4] == [WITHHELD, "withheld", "7"]


def test_the_home_page_of_a_commissioner_links_to_the_dashboard(cora_client):
    response = cora_client.get(reverse("home"), follow=True)

    assert f'href="{PAGE}"'.encode() in response.content
