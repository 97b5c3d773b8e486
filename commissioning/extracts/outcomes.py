"""The outcome layer's extract (see `commissioning.api` for the machinery).

`TOP_ASSESSMENTS`: one row per TOP interview, its items under their NDTMS
codes (lower case). Empty means "not disclosed", never 0. TOP values are
treatment data, sent for every person as the NDTMS extract does; free text
(the other substance's name, why answers were not given) never leaves.
"""

from commissioning.extracts.base import Extract, ExtractField
from commissioning.extracts.cases import EPISODE, PERSON
from outcomes.models import Stage
from outcomes.top_items import TOP_ITEMS

_KINDS = {"days": "integer", "score": "integer", "yesno": "boolean"}

TOP_ASSESSMENTS = Extract(
    name="top_assessments",
    title="TOP assessments",
    description="One row per Treatment Outcomes Profile interview, its items under their "
    "NDTMS codes: days in the last 28, scores from 0 (poor) to 20 (good), or yes/no. "
    "Null means not disclosed, never 0.",
    source=(
        "outcomes_topassessment tp JOIN cases_treatmentepisode ep ON ep.id = tp.episode_id "
        "JOIN cases_serviceuser su ON su.id = tp.service_user_id"
    ),
    key="tp.external_id",
    period="tp.top_date BETWEEN {from} AND {to}",
    fields=(
        ExtractField(
            "top",
            "tp.external_id",
            "string",
            "The TOP interview's pseudonym.",
            without_consent=True,
            pseudonym="top",
        ),
        EPISODE,
        PERSON,
        ExtractField("top_date", "tp.top_date", "date", "Date of the interview (TOPDATE).", True),
        ExtractField(
            "stage",
            "tp.stage",
            "string",
            "S start, R review, E exit, P post-treatment exit (TRSTAGE).",
            True,
            tuple(str(v) for v in Stage.values),
        ),
        *(
            ExtractField(
                item.field,
                f"tp.{item.field}",
                _KINDS[item.kind],  # type: ignore[arg-type]
                f"{item.label} ({item.code}).",
                without_consent=True,
            )
            for item in TOP_ITEMS
        ),
    ),
)
