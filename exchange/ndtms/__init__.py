"""The NDTMS adult treatment submission, by concern.

- `codes`: the dataset version's code lists and Lantern's default mappings (pure data)
- `items`: the one declaration of the items submitted (pure data)
- `mapping`: the code lists and mappings as the reference tables hold them
- `writer`: the submission file, and reading one back
- `checks`: the record problems to fix before submitting, with the page to fix each on
- `validation`: the file's rows checked as the national system does, as pure functions
- `links`: where each of those problems is fixed, the form and its field
- `docs`: docs/ndtms.md, generated from the declaration
"""

from exchange.ndtms.checks import ExtractCheck, ExtractProblem, ndtms_problems
from exchange.ndtms.writer import (
    read_submission,
    submission_chunks,
    submission_file_name,
)

__all__ = [
    "ExtractCheck",
    "ExtractProblem",
    "ndtms_problems",
    "read_submission",
    "submission_chunks",
    "submission_file_name",
]
