"""The JSON Schema of every figure family's result (see `outcomes.figures`).

One schema for all families, so one serializer or OpenAPI component can
describe every figure endpoint; the tests hold every result to it.
"""

from outcomes.figures.difference import HIGHER, LOWER, TEST_NAME
from outcomes.figures.filters import SEGMENTS
from outcomes.figures.tables import DEFAULT_TARGET, LOADED_TARGET

_NUMBER = {"type": ["number", "null"]}
_COUNT = {"type": ["integer", "null"], "minimum": 0}
_TEXT = {"type": ["string", "null"]}
_PERIOD = {
    "type": "object",
    "required": ["start", "end", "days"],
    "additionalProperties": False,
    "properties": {
        "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date"},
        "days": {"type": "integer", "minimum": 1},
    },
}
_VALUES = {
    "numerator": _COUNT,
    "denominator": _COUNT,
    "value": _NUMBER,
    "suppressed": {"type": "boolean"},
    "provisional": {"type": "boolean"},
}
_WHOLE = ("numerator", "denominator", "value", "suppressed")

# The JSON Schema of every family's output, for an API schema to reuse as it is.
RESULT_SCHEMA: dict = {
    "type": "object",
    "required": ["family", "computed_on", "period", "previous_period", "segment", "figures"],
    "additionalProperties": False,
    "properties": {
        "family": {"type": "string"},
        "computed_on": {"type": "string", "format": "date"},
        "period": _PERIOD,
        "previous_period": {
            **_PERIOD,
            "required": [*_PERIOD["required"], "rule"],
            "properties": {
                **_PERIOD["properties"],
                "rule": {"enum": ["previous_whole_months", "previous_equal_length"]},
            },
        },
        "segment": {"enum": [None, *SEGMENTS]},
        # Only when split: the test that marks a group's `difference`.
        "test": {
            "type": "object",
            "required": ["name", "threshold", "description"],
            "additionalProperties": False,
            "properties": {
                "name": {"enum": [TEST_NAME]},
                "threshold": {"type": "number"},
                "description": {"type": "string"},
            },
        },
        "figures": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "key",
                    "label",
                    "unit",
                    "client_group",
                    "category",
                    "category_label",
                    "segment_value",
                    "segment_label",
                    *_VALUES,
                    "previous",
                    "change",
                ],
                "properties": {
                    "key": {"type": "string"},
                    "label": {"type": "string"},
                    "unit": {"enum": ["percent", "count", "years", "days", "hours", "points"]},
                    "client_group": {"enum": [None, "opiate", "non_opiate", "alcohol", "all"]},
                    "category": _TEXT,
                    "category_label": _TEXT,
                    "segment_value": _TEXT,
                    "segment_label": _TEXT,
                    **_VALUES,
                    "previous": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": list(_VALUES),
                        "properties": _VALUES,
                    },
                    "change": _NUMBER,
                    # Only on a split row: the same figure (key, client group, category)
                    # for the whole population, in this period.
                    "whole": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": list(_WHOLE),
                        "properties": {name: _VALUES[name] for name in _WHOLE},
                    },
                    # Only on a split row: null unless it is a percentage that differs from
                    # the whole population's by more than chance (the result's `test`).
                    "difference": {
                        "type": ["object", "null"],
                        "additionalProperties": False,
                        "required": ["direction", "words", "z"],
                        "properties": {
                            "direction": {"enum": [HIGHER, LOWER]},
                            "words": {"type": "string"},
                            "z": {"type": "number"},
                        },
                    },
                    # Only on a figure held to a target or threshold (e.g. 80%): its own
                    # (`origin` "default"), or a local target loaded for the period
                    # ("loaded", `source` naming the loaded row's source and period).
                    "target": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["value", "met", "words", "origin", "source"],
                        "properties": {
                            "value": {"type": "number"},
                            "met": {"type": ["boolean", "null"]},
                            "words": {"type": "string"},
                            "origin": {"enum": [DEFAULT_TARGET, LOADED_TARGET]},
                            "source": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}
