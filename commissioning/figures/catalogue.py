"""Every figure the commissioner API serves, as the benchmarks' catalogue.

The benchmark loader (`outcomes.benchmarks`) sits below most figure families, so it is
told which figures exist: here, by asking each served family (`commissioning.urls.
FIGURES`) for its figures over nobody. A family's rows never depend on the data (every
figure, client group and category is listed, zeros included), so a call over an empty
scope lists every cell cheaply; a family added to the API is in the catalogue without a
line here.
"""

from collections import defaultdict

from commissioning.extracts.base import ApiFilters
from commissioning.selectors import ApiScope
from outcomes.benchmarks import Catalogue, Cell


def figure_catalogue() -> Catalogue:
    """Each figure key with the (client group, category) cells its rows carry."""
    from commissioning.urls import FIGURES  # the URL module lists every served family

    cells: dict[str, set[Cell]] = defaultdict(set)
    for view in FIGURES:
        result = view.compute(scope=ApiScope(nobody=True), filters=ApiFilters())
        for row in result["figures"]:
            cells[row["key"]].add((row.get("client_group"), row.get("category")))
    return {key: frozenset(found) for key, found in cells.items()}
