"""The one de-identification check for free text that leaves its audience.

Text written about a person for a wider audience (the death reviews' learning
bulletin, read by every member of staff and by commissioners; any extract or
report that carries free text) passes `identifying_details` before it is
saved, approved or shown. It finds two kinds of detail:

- what the record holds about the person (`person_details`): their names,
  client reference, NHS number, phone, email, and the parts of their address
  and place, matched as whole words in any case;
- what identifies anyone, whoever it is about: UK postcodes, street addresses
  and street names, phone numbers, NHS numbers, email addresses and exact
  dates (a month or a year alone is fine).

Each finding is said in words a governance officer reads at a glance: “a
postcode (ME4 6AB)”. Pure: nothing here touches the database, so every layer
above may call it, at the form, in the service and when the text is read back.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cases.models import ServiceUser


@dataclass(frozen=True)
class Finding:
    """One identifying detail found in a text: what it is, and the words as written."""

    what: str
    found: str

    def __str__(self) -> str:
        return f"{self.what} ({self.found})"


# A detail the record holds, to look for: (what it is, the value), e.g. ("their name", "Bloggs").
Known = tuple[str, str]

_FULL_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_SHORT_MONTHS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
# Month names are matched capitalised (or in capitals) so that “may” the verb is not a month.
_MONTH = (
    rf"(?:{_FULL_MONTHS}|{_FULL_MONTHS.upper()}"
    rf"|(?:{_SHORT_MONTHS}|{_SHORT_MONTHS.upper()})\.?(?!\w))"
)
_ORDINAL = r"(?:st|nd|rd|th)?"

_STREET_WORDS = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Court|Ct|Crescent|Cres|Place|Pl"
    "|Terrace|Gardens|Grove|Hill|Square|Sq|Walk|Row|Mews|Parade|Rise|Park|View|Green|Gate"
    "|Yard|Wharf|Quay|Estate|Boulevard|Vale|Hollow|Meadow|Meadows|Fields|Passage|Alley"
)
# Street words that name a street even without a house number (“on Mill Lane”).
_STREET_NAME_WORDS = (
    "Road|Street|Lane|Avenue|Close|Drive|Crescent|Terrace|Grove|Mews|Parade|Boulevard"
)
_NAME_WORD = r"[A-Z][\w'’-]*"

# (what it is, pattern), most specific first: a span one pattern found is not
# reported again by a later one (a date is not also a phone number).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an email address", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "an exact date",
        re.compile(
            r"(?<![\d/.-])(?:"
            # 29/10/2026, 29-10-26, 29.10.2026
            r"(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})"
            # 2026-10-29, 2026/10/29
            r"|\d{4}([/.-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])"
            r")(?![\d/.-]*\d)"
        ),
    ),
    (
        "an exact date",
        re.compile(
            # 29 October 2026, 29th of Oct, 1 May
            rf"\b(?:0?[1-9]|[12]\d|3[01]){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?(?!\w)"
            # October 29, 2026; Oct 29th
            rf"|\b{_MONTH}\s+(?:0?[1-9]|[12]\d|3[01]){_ORDINAL}(?:,?\s+\d{{4}})?(?![\w:])"
        ),
    ),
    (
        "a postcode",
        re.compile(
            r"\b(?:GIR\s*0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "a phone number",
        re.compile(
            r"(?<![\w+])(?:(?:\+|00)44[\s.-]?(?:\(0\)[\s.-]?)?\(?|\(?0)"
            r"\d{2,4}\)?(?:[\s.-]?\d){6,8}(?!\d)"
        ),
    ),
    ("an NHS number", re.compile(r"(?<![\d+])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")),
    (
        "a street address",
        re.compile(
            rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{_NAME_WORD}\s+){{1,3}}(?:{_STREET_WORDS})\b"
            r"|\b(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?\b"
        ),
    ),
    (
        "a street name",
        re.compile(rf"\b(?:{_NAME_WORD}\s+){{1,2}}(?:{_STREET_NAME_WORDS})\b"),
    ),
)
# A lower-case ordinal (“Q3 2nd”) is not the inward half of a postcode.
_ORDINAL_INWARD = re.compile(r"\d(?:st|nd|rd|th)$")


def _pattern_findings(text: str) -> list[tuple[int, Finding]]:
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Finding]] = []
    for what, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            words = match.group(0)
            if what == "a postcode" and _ORDINAL_INWARD.search(words):
                continue
            taken.append((start, end))
            found.append((start, Finding(what, " ".join(words.split()))))
    return found


def _known_findings(text: str, known: Iterable[Known]) -> list[tuple[int, Finding]]:
    found = []
    for what, value in known:
        value = " ".join(value.split())
        if len(value) < 2:
            continue
        words = r"\s+".join(re.escape(w) for w in value.split())
        match = re.search(rf"(?<!\w){words}(?!\w)", text, flags=re.IGNORECASE)
        if match:
            found.append((match.start(), Finding(what, " ".join(match.group(0).split()))))
    return found


def identifying_details(text: str, known: Iterable[Known] = ()) -> list[Finding]:
    """Every identifying detail in `text`, in the order it appears, each once.

    `known` adds what the record holds about the person (`person_details`).
    An empty list means the text may go to its wider audience.
    """
    if not text:
        return []
    findings = sorted(
        _known_findings(text, known) + _pattern_findings(text), key=lambda pair: pair[0]
    )
    seen: set[tuple[str, str]] = set()
    unique = []
    for _, finding in findings:
        key = (finding.what, finding.found.lower())
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def listed(findings: Iterable[Finding]) -> str:
    """Findings as a message lists them: a postcode (ME4 6AB); their name (Bloggs)."""
    return "; ".join(str(f) for f in findings)


def _address_parts(address: str) -> list[str]:
    """The lines and comma-separated parts of an address, each a place name to look for."""
    parts = []
    for part in re.split(r"[,\n]", address):
        part = " ".join(part.split())
        # A part that is only a number (a flat or house number) identifies nothing alone.
        if len(part) >= 3 and not part.isdigit():
            parts.append(part)
    return parts


def person_details(person: "ServiceUser") -> list[Known]:
    """What `person`'s record holds that would identify them if a wider audience read it.

    Their family name is the name their relatives are likely to share, so
    “Mrs Bloggs” is caught through it.
    """
    known: list[Known] = []
    names = {person.first_name, person.last_name, person.preferred_name}
    known += [("their name", name) for name in sorted(n for n in names if n)]
    known.append(("their client reference", person.client_ref))
    for what, value in (
        ("their NHS number", person.nhs_number),
        ("their phone number", person.phone),
        ("their postcode", person.postcode),
    ):
        if value:
            known.append((what, value))
    known += [("their address", part) for part in _address_parts(person.address)]
    return known
