"""The NDTMS adult treatment submission, by concern.

- `codes`: the dataset version's code lists and Lantern's default mappings (pure data)
- `items`: the one declaration of the items submitted (pure data)
- `mapping`: the code lists and mappings as the reference tables hold them
- `checks`: the extract and the problems to fix before submitting
"""

from exchange.ndtms.checks import (
    ExtractCheck,
    ExtractProblem,
    ndtms_extract_chunks,
    ndtms_problems,
)

__all__ = ["ExtractCheck", "ExtractProblem", "ndtms_extract_chunks", "ndtms_problems"]
