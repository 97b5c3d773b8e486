"""Where each problem of the file's validation is fixed: the form and the field.

A problem names a client and an episode by the identifiers the file carries (the
client reference and the episode's external id) and the item; the item's source
says which record holds it. Person items link to the person's form and episode
items to the episode's form, at the field (`#id_<field>`); a modality or TOP item,
which has no form to correct it on, links to the person's record.
"""

from django.urls import reverse

from cases.models import ServiceUser
from exchange.ndtms.items import ITEMS_BY_NAME
from exchange.ndtms.validation import Problem

# Sources that are not a form field of their own record.
_FIELD_OF_SOURCE = {
    "su.first_initial": "first_name",
    "su.last_initial": "last_name",
    "la.code": "local_authority",
    "s1.code": "substance_1",
    "s2.code": "substance_2",
    "s3.code": "substance_3",
    "dr.code": "discharge_reason",
    "ep.prntstat": "parental_status",
}


def _form_field(item_name: str) -> tuple[str, str] | None:
    """("person" or "episode", the form's field) for an item, or None."""
    item = ITEMS_BY_NAME.get(item_name)
    if item is None or item.source is None:
        return None
    field = _FIELD_OF_SOURCE.get(item.source, item.source.split(".", 1)[1])
    if item.source.startswith("su.") or item.source == "la.code":
        return ("person", field) if field in ServiceUser.RECORDED_FIELDS else None
    if item.source.startswith(("ep.", "s1.", "s2.", "s3.", "dr.")):
        return ("episode", field)
    return None


def problem_links(problems: list[Problem]) -> list[str]:
    """Each problem's address, in order; one query for all the people named."""
    people = dict(
        ServiceUser.objects.filter(client_ref__in={p.client for p in problems}).values_list(
            "client_ref", "external_id"
        )
    )
    links = []
    for problem in problems:
        person = people.get(problem.client)
        if person is None:
            links.append("")
            continue
        target = _form_field(problem.item)
        if target is None or (target[0] == "episode" and not problem.episode):
            links.append(reverse("person_detail", args=[person]))
        elif target[0] == "person":
            links.append(f"{reverse('person_edit', args=[person])}#id_{target[1]}")
        else:
            url = reverse("episode_edit", args=[person, problem.episode])
            links.append(f"{url}#id_{target[1]}")
    return links
