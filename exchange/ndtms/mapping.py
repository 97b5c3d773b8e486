"""The NDTMS code lists and mappings as the reference tables hold them for one dataset version.

The tables (`NdtmsCode`, `NdtmsMapping`) are what an administrator corrects in the
admin; the writer reads them once per submission through `mappings_for`.
"""

from dataclasses import dataclass, field

from exchange.models import NdtmsCode, NdtmsMapping


@dataclass(frozen=True)
class Mappings:
    """Lantern value -> NDTMS code, and the codes, of each code list in one version."""

    version: str
    to_ndtms: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)

    def code(self, code_list: str, value: str) -> str:
        """The NDTMS code for a Lantern value; "" when there is none."""
        return self.to_ndtms.get(code_list, {}).get(value, "")

    def lantern_values(self, code_list: str, code: str) -> set[str]:
        """Every Lantern value written as this code (several may share one)."""
        return {v for v, c in self.to_ndtms.get(code_list, {}).items() if c == code}


def mappings_for(version: str) -> Mappings:
    found = Mappings(version=version)
    for code_list, value, code in NdtmsMapping.objects.filter(dataset_version=version).values_list(
        "code_list", "lantern_value", "ndtms_code"
    ):
        found.to_ndtms.setdefault(code_list, {})[value] = code
    for code_list, code in NdtmsCode.objects.filter(dataset_version=version).values_list(
        "code_list", "code"
    ):
        found.codes.setdefault(code_list, set()).add(code)
    return found
