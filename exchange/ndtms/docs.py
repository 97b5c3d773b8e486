"""docs/ndtms.md, generated from the declaration of items and the shipped code lists.

`manage.py ndtms_docs` writes it; `tests/exchange/ndtms/test_docs.py` fails when the
file and the declaration differ. Pure: no Django.
"""

from exchange.importing.ndtms_codes import IMPORT_COLUMNS
from exchange.ndtms.codes import (
    CODE_LISTS,
    DATASET_VERSION,
    LATER_CODE_LISTS,
    LATER_MAPPINGS,
    MAPPINGS,
    UNCONFIRMED,
)
from exchange.ndtms.items import DATE_FORMAT, DECLARED, ITEMS, NOT_KNOWN, WITHOUT_CONSENT, Item
from exchange.ndtms.validation import RULES

INTRODUCTION = f"""\
# The NDTMS submission

Generated from `exchange/ndtms/items.py` and `exchange/ndtms/codes.py` by
`manage.py ndtms_docs`: edit those, not this file (a test keeps them in step).

Lantern writes the adult treatment submission in NDTMS dataset **{DATASET_VERSION}**: its
item names and code lists are those of the open-source NDTMS writer for dataset
{DATASET_VERSION} (CloudDataService/Canary-NDTMS). The current national dataset is later
(the adult core dataset P and after); what could not be confirmed against public
material is listed under "Unconfirmed" below. The code lists and the mapping of
Lantern's own values to them are reference data: an administrator reads and corrects
them in the admin (NDTMS codes, NDTMS mappings), and a new dataset version is added as
rows under its own version.

`manage.py ndtms_extract --start YYYY-MM-DD --end YYYY-MM-DD [--agency CODE]
[--output FILE | --output-dir DIR]` writes the file, after listing the problems to fix
first; the NDTMS extract page offers the same file to administrators (the whole
service) and team leads (their teams' people).

## The monthly submission

The NDTMS submissions page (under the data pages) is where a month's file is sent from:

1. An administrator, or a team lead of a service all of whose teams are theirs (the
   file covers the whole service, its agency, and so holds no one outside their
   scope), prepares the file of one of the last twelve months for the service.
   Lantern writes it, checks it as the national system does (the rules below), and
   keeps it: the file's text, its SHA-256, its rows, each problem, and its problem
   counts by kind and by team, with who prepared it and when.
2. The submission's page lists its problems, each linking to the form and field that
   fixes it, for the people the user may see (others are counted, not named). A
   record fixed changes the next file prepared, never one kept.
3. The file is downloaded exactly as kept, uploaded to NDTMS, and recorded as
   submitted (who and when). A month sent again is a new submission that replaces the
   one last sent, which stays as it was.

The NDTMS data quality page shows the problems of this month's file so far, for one
service, by team and kind, and how many more or fewer each count is than in the file
last recorded as submitted (of any month). It counts and names no one. The counts are
made by the same checks as a prepared file's, without writing the file or keeping a
problem, and are kept for a quarter of an hour for the service (`QUALITY_SECONDS` in
`exchange/selectors.py`): at national scale counting reads every open episode, about as
long as preparing the file (48 s at a million people), so the page does this at most once a
quarter of an hour and each other read costs milliseconds. The count runs on a Celery worker
(`exchange.tasks.ndtms_quality_count_task`), never in the page's request, which a web worker
would give up on: the page says the counts are on their way and shows them once counted, and
however many people open it meanwhile, one count is queued. Where tasks run in the request
(no Redis, as in the quick start), the first read shows the counts. If the task queue does
not answer, the page says so (status 503) and the next read asks again. The comparison with the last file submitted is read
afresh each time. A record fixed shows in the counts within the quarter of an hour, and
at once in the next file prepared.

How the file is made: a block of people at a time (25,000, in client reference order),
one SQL statement joins each block's episodes, people, interventions and TOPs, pairs
the n-th modality with the n-th TOP, maps every code through the mapping tables and
writes every item as the file holds it; the rows arrive as one Arrow table of text
columns, which the checks read column by column and which is then written as the
file's CSV, so what is checked is what is written. The next block is read while one is
checked and written. Memory stays flat in the number of people; the problems are kept
in temporary files until the submission is stored. The writer and checks before this
(a dict per row, the file parsed back) are kept in `tests/exchange/ndtms/reference.py`,
and a test holds the two to the same bytes and the same problems.

Each kept submission is immutable: the database refuses every change to it but the one
recording it as submitted, and every deletion; it is not in the admin, since it holds
people's data. Reading a submission's problems and each download are recorded in the
access audit.

## The file

- CSV, UTF-8, every value in double quotes, lines ending in a line feed; the first line
  is the item names below, in this order.
- One or more rows per episode open at any time in the period. An episode with several
  modalities (interventions) or TOPs has as many rows as the longer of the two lists:
  the n-th row carries the n-th modality by start date and the n-th TOP by date, and
  every row repeats the client and episode items. Every modality and TOP up to the end
  of the period is sent.
- Dates are written as `{DATE_FORMAT.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")}`;
  an item Lantern holds no value for is written `{NOT_KNOWN}`.
- Consent: a person who has not consented to NDTMS sharing, or whose consent is not
  recorded (sent as `N`), has one row per episode holding only
  {", ".join(f"`{name}`" for name in WITHOUT_CONSENT)}; every other item is empty.
- The file's name carries the agency code, the period and the dataset version:
  `AGENCY-YYYYMMDD-YYYYMMDD-TREAT-IN-{DATASET_VERSION}.csv`.
"""

IMPORT = """\
## The import reads NDTMS codes

The bulk import (docs/import-format.md) reads NDTMS codes as well as Lantern's own
values in the columns below, so a service moving from a system that exports NDTMS-coded
data loads it without a translation step. The translation is the mapping tables above,
as an administrator has corrected them, for the dataset version the submission follows,
read once per import and turned round: the code a Lantern value is written as reads
back as that value.

- A value valid as Lantern's own keeps its Lantern meaning: only other values are read
  as NDTMS codes.
- Where several Lantern values are written as one NDTMS code (in the shipped mappings
  {shared}), the import refuses the cell
  with a message naming the code, the column and the Lantern values it could be,
  rather than pick one: the mapping marks none as the one meant, and a guess would put
  wrong data on a record. The source writes the Lantern value instead.
- `NA` (not known) and an item's "none" code read as an empty cell; in a required
  column they are refused as missing.
- `intention` and `approach` read the name of the sub-intervention item an intervention
  consists of (`PHMAIN`, `PSYCGBH`, ...).
- Dates are written `YYYY-MM-DD`, the import's own format.
- PRNTSTAT is not read: it is derived from two columns (`parental_status`,
  `children_living_with`) that the import takes as they are.

| item | import file | column |
|---|---|---|
"""

UNCONFIRMED_FILE = """\
- The date format, the value written for an item with no value (`NA`) and for an item
  withheld without consent (empty), and every value quoted follow the open-source
  writer; the official CSV file format specification was not available to check them.
- The layout of several modalities and TOPs on one episode's rows (paired by order) is
  not confirmed: the open-source writer sends one modality and one TOP per episode.
- The agency and period travel in the file's name, as the open-source writer names it;
  no header record inside the file was found in public material.
- Items of the current dataset that dataset K does not have are not sent in a dataset K
  file. Lantern records religion and disability, declared as items of dataset P
  (under "Items of later dataset versions"), and writes them once it writes that version; its later sub-interventions
  are neither recorded nor sent. Which version first had each of them is not confirmed.
- The stage from which each item is required ("required from"), the start TOP due 28
  days after treatment begins and the review TOP every 182 days are Lantern's reading of
  the dataset's guidance, not its published validation rules.
- `LA` is sent as the local authority's ONS code; dataset K used older codes, and `DAT`
  (not held) is written as not known.
"""


def _codes(item: Item) -> str:
    if item.kind == "flag":
        return "`Y` when the intervention's intention or approach is this one"
    if item.kind == "yesno":
        return "`Y`, `N`"
    if item.codes is None:
        return ""
    lists = CODE_LISTS if item in ITEMS else LATER_CODE_LISTS
    listed = ", ".join(f"`{code}` {label}" for code, label in lists[item.codes].items())
    absent = f"; `{item.absent}` when there is none" if item.absent else ""
    return f"{item.codes}: {listed or 'entered by an administrator'}{absent}"


def _mapping(name: str, mappings: dict[str, dict[str, str]] = MAPPINGS) -> str:
    rows = [
        f"| `{value}` | {f'`{code}`' if code else 'not known'} |"
        for value, code in mappings[name].items()
    ]
    return "\n".join([f"### {name}", "", "| Lantern value | NDTMS code |", "|---|---|", *rows, ""])


def _shared_codes() -> str:
    """The shipped codes that several Lantern values are written as, list by list."""
    shared = []
    for name, mapping in MAPPINGS.items():
        codes = [code for code in dict.fromkeys(mapping.values()) if code]
        several = [code for code in codes if list(mapping.values()).count(code) > 1]
        if several:
            shared.append(f"`{name}` " + ", ".join(several))
    return "; ".join(shared)


def _required(item: Item) -> str:
    stage = item.required_at or ""
    return f"{stage} (women)" if stage and item.women_only else stage


def render() -> str:
    lines = [INTRODUCTION, "## Items", ""]
    lines += [
        "| item | section | source in Lantern | required from | codes |",
        "|---|---|---|---|---|",
    ]
    for item in ITEMS:
        cells = [
            f"`{item.name}`",
            item.section,
            item.lantern.replace("|", "/"),
            _required(item),
            _codes(item).replace("|", "/"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    later = [item for item in DECLARED if item not in ITEMS]
    if later:
        lines += ["", "## Items of later dataset versions", ""]
        lines += [
            f"Declared with the version that first has them, and not in a dataset "
            f"{DATASET_VERSION} file: Lantern records them, and writes them (after `SEXUAL`) "
            "once it writes that version, whose seeding adds their code lists and mappings.",
            "",
            "| item | from dataset | source in Lantern | required from | codes |",
            "|---|---|---|---|---|",
        ]
        for item in later:
            cells = [
                f"`{item.name}`",
                item.since,
                item.lantern.replace("|", "/"),
                _required(item),
                _codes(item).replace("|", "/"),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## The file's validation", ""]
    lines += ["`manage.py ndtms_extract` checks the file it wrote, rule by rule:", ""]
    lines += [f"- `{rule.__name__}`: {(rule.__doc__ or '').strip()}" for rule in RULES]
    lines += ["", "## Mappings from Lantern's values", ""]
    lines += [_mapping(name) for name in MAPPINGS]
    lines += [_mapping(name, LATER_MAPPINGS) for name in LATER_MAPPINGS]
    lines += [IMPORT.format(shared=_shared_codes()).rstrip()]
    lines += [
        f"| {f'`{coded.item}`' if coded.code_list != 'SUBINT' else coded.item} "
        f"| {coded.file_name} | `{coded.column}` |"
        for coded in IMPORT_COLUMNS
    ]
    lines += [""]
    lines += ["## Unconfirmed against the official specification", "", UNCONFIRMED_FILE.rstrip()]
    lines += [f"- {name}: {reason}." for name, reason in UNCONFIRMED.items()]
    return "\n".join(lines) + "\n"
