"""Small vectorised drawing helpers shared by the generator modules."""

import numpy as np


def pick(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """Category codes 0..len(weights)-1 drawn with the given weights."""
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    cumulative /= cumulative[-1]
    codes = np.searchsorted(cumulative, rng.random(n), side="right")
    return np.minimum(codes, len(cumulative) - 1).astype(np.int64)


def between(rng: np.random.Generator, low, high, size: int | None = None) -> np.ndarray:
    """Whole numbers uniformly in [low, high], elementwise; a high below low gives low."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    shape = np.broadcast(low, high).shape if size is None else (size,)
    span = np.maximum(high - low, 0) + 1
    return low + np.floor(rng.random(shape) * span).astype(np.int64)


def tristate(rng: np.random.Generator, n: int, p_true: float, p_none: float) -> np.ndarray:
    """1 true, 0 false, -1 unknown."""
    draw = rng.random(n)
    return np.where(draw < p_none, -1, np.where(draw < p_none + p_true, 1, 0)).astype(np.int64)


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows repeated `counts` times: each new row's owner and its rank within the owner."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    rank = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    return owner, rank


def valid_nhs_numbers() -> np.ndarray:
    """Every 999-range (test data) NHS number with a valid modulus-11 check digit."""
    stems = 999_000_000 + np.arange(1_000_000, dtype=np.int64)
    digits = (stems[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    total = (digits * np.arange(10, 1, -1)).sum(axis=1)
    check = 11 - total % 11
    check[check == 11] = 0
    ok = check != 10
    return stems[ok] * 10 + check[ok]
