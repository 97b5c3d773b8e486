"""The risk engine as it was written over pandas frames, kept only as the reference that
the numpy engine in `risk.engine` is compared against, person for person
(`tests/risk/test_engine_equivalence.py`). Not used by the application.

`evaluate(frames, rule_set, as_of)` takes and returns what `risk.engine.evaluate` does;
rule sets and tiers are the application's own (`risk.engine.rules`, `risk.engine.tiers`).
"""

from tests.risk.engine_reference.evaluation import evaluate

__all__ = ["evaluate"]
