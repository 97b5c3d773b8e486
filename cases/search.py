"""Finding a person on a caseload by what a keyworker types into one search box.

`people_matching(people, text)` narrows a queryset (already limited by the
visibility selector) to the people `text` describes. Each word must match, in any
order, as one of:

- a date of birth in UK format, dd/mm/yyyy or d/m/yyyy;
- a client reference, exactly (any case);
- the start of a first, last or preferred name, ignoring case and accents, or the
  start of a later word of a last name ("briain" finds Ó Briain, "jones" finds
  Smith-Jones, "neill" finds O'Neill).

Text that is an NHS number (10 digits, spaces allowed: "943 476 5919") finds the
person with that NHS number.

`names_alike` is the same folding applied to two names, for the duplicate warning
of "Add a person".

Accents are folded with PostgreSQL's built-in `translate()` (the embedded database
has no `unaccent` or `pg_trgm`), so the expression can be indexed: `Folded` is used
by the name indexes on `ServiceUser` and by the query, which must match them exactly.
"""

import datetime
import re
import unicodedata

from django.db.models import Func, Q, QuerySet, TextField
from django.db.models.lookups import StartsWith

from cases.validators import normalise_nhs_number

# Accented Latin letters as they appear in UK names, and their plain capitals.
# Lower-case accented letters are listed too, because `upper()` leaves them alone
# under the C locale the embedded database may use.
_ACCENTED = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýÿ"
_PLAIN = "AAAAAACEEEEIIIINOOOOOOUUUUYAAAAAACEEEEIIIINOOOOOOUUUUYY"
_FOLD_TABLE = str.maketrans(_ACCENTED, _PLAIN)

UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class Folded(Func):
    """A text column in capitals with accents removed: `Zoë` is `ZOE`."""

    template = f"translate(upper(%(expressions)s), '{_ACCENTED}', '{_PLAIN}')"
    output_field = TextField()


class LaterWords(Func):
    """A name after its first word (after the first space, hyphen or apostrophe), or NULL
    for a one-word name: `O BRIAIN` gives `BRIAIN`. Indexed on the folded last name."""

    template = "substring(%(expressions)s from '[ ''’-]+(.*)$')"
    output_field = TextField()


def fold(text: str) -> str:
    """What `Folded` does, in Python, for the words typed into the search box."""
    plain = text.translate(_FOLD_TABLE)
    decomposed = unicodedata.normalize("NFKD", plain)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def uk_date(word: str) -> datetime.date | None:
    """The date `word` gives in dd/mm/yyyy (or d/m/yyyy), or None if it is not one."""
    match = UK_DATE.match(word)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def looks_like_date(word: str) -> bool:
    return bool(UK_DATE.match(word))


def _word_matches(word: str) -> Q:
    if looks_like_date(word):
        born = uk_date(word)
        # A date that does not exist (31/02/1990) matches nobody rather than every name.
        return Q(date_of_birth=born) if born else Q(pk__in=[])
    folded = fold(word)
    return (
        Q(client_ref=word.upper())
        | Q(StartsWith(Folded("last_name"), folded))
        | Q(StartsWith(LaterWords(Folded("last_name")), folded))
        | Q(StartsWith(Folded("first_name"), folded))
        | Q(StartsWith(Folded("preferred_name"), folded))
    )


def nhs_number_in(text: str) -> str | None:
    """The NHS number `text` is (10 digits once spaces are dropped), or None."""
    digits = normalise_nhs_number(text)
    return digits if len(digits) == 10 and digits.isdigit() else None


def people_matching(people: QuerySet, text: str) -> QuerySet:
    """`people` narrowed to those every word of `text` describes (see the module docstring)."""
    nhs_number = nhs_number_in(text)
    if nhs_number:
        return people.filter(nhs_number=nhs_number)
    for word in text.split():
        people = people.filter(_word_matches(word))
    return people


def exact_reference(text: str) -> str | None:
    """The client reference `text` is, if it is one word that could be one (not a date)."""
    words = text.split()
    if len(words) != 1 or looks_like_date(words[0]) or not any(c.isdigit() for c in words[0]):
        return None
    return words[0].upper()


_NAME_BREAKS = re.compile(r"[\s'’-]+")


def _name_words(name: str) -> set[str]:
    return {word for word in _NAME_BREAKS.split(fold(name)) if word}


def names_alike(first_a: str, last_a: str, first_b: str, last_b: str) -> bool:
    """Whether two names could be one person's, written differently.

    Ignoring case and accents, the last names share a word (Smith-Jones and Jones,
    O'Neill and O Neill, or are the same run together), and the first names start
    with the same letter (J Bloggs and Joanne Bloggs).
    """
    run_together_a = _NAME_BREAKS.sub("", fold(last_a))
    run_together_b = _NAME_BREAKS.sub("", fold(last_b))
    same_last = bool(_name_words(last_a) & _name_words(last_b)) or (
        run_together_a == run_together_b != ""
    )
    initial_a, initial_b = fold(first_a.strip())[:1], fold(first_b.strip())[:1]
    return same_last and bool(initial_a) and initial_a == initial_b
