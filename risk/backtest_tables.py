"""A backtest's figures as tables, one column per version: the admin's backtest page, the
activation's confirmation page and `manage.py backtest_flags` show the same tables.

Each table is {"title", "versions", "rows": [(label, [cell, ...]), ...]}, its cells words.
"""

from risk import engine
from risk.engine import TIERS
from risk.wording import SELECTIVITY_WORDS, TIER_LABELS

OUTCOME_WORDS = {"death": "Deaths", "overdose": "Near-fatal overdoses"}


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _lead(quartiles: dict) -> str:
    if quartiles.get("median") is None:
        return "—"
    return f"{quartiles['median']:.0f} days ({quartiles['q1']:.0f}–{quartiles['q3']:.0f})"


def _selective(shares: dict) -> str:
    """Whether the tiers stay selective (`engine.SELECTIVE_MAX_PERCENT`), and if not, where."""
    over = engine.unselective(shares)
    if not over:
        return "yes"
    return "no: " + ", ".join(
        f"{SELECTIVITY_WORDS[key]} over {engine.SELECTIVE_MAX_PERCENT[key]:g}%" for key in over
    )


def backtest_tables(results: dict | None, versions: list[int] | None = None) -> list[dict]:
    """The figures as tables, one column per version: {"title", "versions", "rows":
    [(label, [cell, ...]), ...]}. `versions` picks and orders the columns (stored results
    come back with their keys in the database's order, not the order asked)."""
    if not results:
        return []
    columns = [str(v) for v in (versions or results["versions"]) if str(v) in results["versions"]]
    figures = [results["versions"][v] for v in columns]
    shares = [f["tier_share_pct"] for f in figures]
    tables = [
        {
            "title": "Share of the population in each tier (mean over the dates)",
            "versions": columns,
            "rows": [
                ("People (mean)", [f"{f['population_mean']:,.0f}" for f in figures]),
                *[(TIER_LABELS[t], [_pct(s[t]) for s in shares]) for t in TIERS],
                ("High or above", [_pct(s["high_or_above"]) for s in shares]),
                ("Any tier", [_pct(s["flagged"]) for s in shares]),
                ("Selective tiers", [_selective(s) for s in shares]),
            ],
        }
    ]
    for kind, words in OUTCOME_WORDS.items():
        for window in results["windows_days"]:
            cells = [f["outcomes"][kind][str(window)] for f in figures]
            tables.append(
                {
                    "title": f"{words} in the following {window} days, by tier beforehand",
                    "versions": columns,
                    "rows": [
                        *[(TIER_LABELS[t], [f"{c[t]:,}" for c in cells]) for t in TIERS],
                        ("Unflagged", [f"{c['unflagged']:,}" for c in cells]),
                        ("Total", [f"{c['total']:,}" for c in cells]),
                        (
                            "Captured at high or above",
                            [_pct(c["captured_high_or_above_pct"]) for c in cells],
                        ),
                        ("Captured at any tier", [_pct(c["captured_any_pct"]) for c in cells]),
                        (
                            "Capture per % flagged, high or above",
                            [f"{c['capture_per_pct_flagged_high_or_above']:.2f}" for c in cells],
                        ),
                        (
                            "Capture per % flagged, any tier",
                            [f"{c['capture_per_pct_flagged_any']:.2f}" for c in cells],
                        ),
                        (
                            "Lead time from the first flag: median (quartiles)",
                            [_lead(c["lead_time_days"]) for c in cells],
                        ),
                    ],
                }
            )
    return tables


def tables_as_text(results: dict, versions: list[int] | list[str]) -> list[str]:
    """The same tables as lines of plain text in columns, for a terminal."""
    lines = []
    for table in backtest_tables(results, [int(v) for v in versions]):
        lines += ["", table["title"]]
        lines.append(f"{'':<52}" + "".join(f"{'version ' + v:>20}" for v in table["versions"]))
        lines += [
            f"{label:<52}" + "".join(f"{c:>20}" for c in cells) for label, cells in table["rows"]
        ]
    return lines
