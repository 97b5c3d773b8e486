"""The TOP items Lantern stores, under their NDTMS codes, with their valid ranges.

This table is the one place the items are defined: the model's fields, its
database check constraints, the form's messages and the chart all read it.
Labels are Lantern's own wording. A value left empty means "not disclosed",
which is never the same as 0.
"""

from dataclasses import dataclass
from typing import Literal

Kind = Literal["days", "score", "yesno"]


@dataclass(frozen=True)
class TopItem:
    code: str
    label: str
    kind: Kind
    section: str

    @property
    def field(self) -> str:
        return self.code.lower()

    @property
    def bounds(self) -> tuple[int, int] | None:
        if self.kind == "days":
            return (0, 28)
        if self.kind == "score":
            return (0, 20)
        return None


TOP_ITEMS: tuple[TopItem, ...] = (
    TopItem("ALCUSE", "Days drank alcohol", "days", "Substance use"),
    TopItem("OPIUSE", "Days used illicit opioids", "days", "Substance use"),
    TopItem("CRAUSE", "Days used crack", "days", "Substance use"),
    TopItem("COCAUSE", "Days used powder cocaine", "days", "Substance use"),
    TopItem("AMPHUSE", "Days used amphetamines", "days", "Substance use"),
    TopItem("CANNUSE", "Days used cannabis", "days", "Substance use"),
    TopItem("OTDRGUSE", "Days used another problem substance", "days", "Substance use"),
    TopItem("IVDRGUSE", "Days injected non-prescribed drugs", "days", "Injecting"),
    TopItem("SHARING", "Shared needles, syringes or other injecting kit", "yesno", "Injecting"),
    TopItem("SHOTHEFT", "Days shoplifting", "days", "Offending"),
    TopItem("DRGSELL", "Days selling drugs", "days", "Offending"),
    TopItem("OTHTHEFT", "Other theft, burglary or fraud", "yesno", "Offending"),
    TopItem("ASSAULT", "Committed assault or violence", "yesno", "Offending"),
    TopItem(
        "PSYHSTAT", "Psychological health (0 poor to 20 good)", "score", "Health and wellbeing"
    ),
    TopItem("PHSTAT", "Physical health (0 poor to 20 good)", "score", "Health and wellbeing"),
    TopItem(
        "QUALLIFE", "Overall quality of life (0 poor to 20 good)", "score", "Health and wellbeing"
    ),
    TopItem("PWORK", "Days of paid work", "days", "Work, education and housing"),
    TopItem("EDUCAT", "Days at college or school", "days", "Work, education and housing"),
    TopItem(
        "ACUTHPBM",
        "Acute housing problem (e.g. no fixed abode)",
        "yesno",
        "Work, education and housing",
    ),
    TopItem("HRISK", "At risk of eviction", "yesno", "Work, education and housing"),
)

ITEMS_BY_CODE = {item.code: item for item in TOP_ITEMS}
NUMERIC_ITEMS = tuple(item for item in TOP_ITEMS if item.kind != "yesno")

# What the person's record charts: use days, and the three self-rated scores.
CHART_USE_ITEMS = ("OPIUSE", "CRAUSE", "ALCUSE", "IVDRGUSE")
CHART_SCORE_ITEMS = ("PSYHSTAT", "PHSTAT", "QUALLIFE")


def range_hint(item: TopItem) -> str:
    """What to enter instead of a value out of range: "enter 0 to 28 days in the last 28"."""
    low, high = item.bounds or (0, 0)
    if item.kind == "days":
        return f"enter {low} to {high} days in the last 28"
    return f"enter a score from {low} to {high}"


def out_of_range_message(item: TopItem, value: int) -> str:
    low, high = item.bounds or (0, 0)
    side = f"above {high}" if value > high else f"below {low}"
    return f"{item.code} {value} is {side}: {range_hint(item)}."


def range_messages(item: TopItem) -> tuple[str, str]:
    """The messages for a value below and above the item's range, without the value."""
    low, high = item.bounds or (0, 0)
    return (
        f"{item.code} is below {low}: {range_hint(item)}.",
        f"{item.code} is above {high}: {range_hint(item)}.",
    )
