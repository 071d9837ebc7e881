"""Risk and imbalance metrics for SafetyNet: pure functions over numbers.

Every formula here is defined once, in the product's metric definitions (docs and metrics.md); each function's
docstring repeats the formula it implements. Nothing in this module touches files, databases
or Streamlit: arrays or sequences go in, plain ``float`` values, numpy arrays or small frozen
dataclasses come out.

Risk index (after the EU JRC INFORM Risk Index), scores on a 0–10 scale:

* :func:`combine` — INFORM's aggregation of indicators inside one dimension.
* :func:`risk` — the geometric mean of the three dimensions HA, VU and CC.
* :func:`risk_class` — the five-class label and colour of a risk score.

Imbalance between places. Convention used by every function below:

* ``values`` are the **per-capita** values rᵢ of each unit (community, say), e.g. shelter
  places per resident;
* ``weights`` are the **populations** pᵢ of the units, so each unit's resource is
  Rᵢ = rᵢ · pᵢ. With ``weights=None`` every unit counts the same (pᵢ = 1).

From these, qᵢ = pᵢ / Σp is the population share, μ = Σ qᵢ rᵢ the (population-weighted) mean
per-capita value and sᵢ = Rᵢ / ΣR = qᵢ rᵢ / μ the resource share.

* :func:`gini`, :func:`theil` (with a between/within-group decomposition), :func:`cv`
  (Williamson's coefficient when weighted) and :func:`lorenz`.

Access to shelters:

* :func:`two_step_fca` — the two-step floating catchment area (2SFCA) accessibility.

Invalid input (empty, negative, NaN, mismatched lengths, zero mean) raises ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "RISK_CLASSES",
    "RISK_CLASS_BOUNDS",
    "Lorenz",
    "RiskClass",
    "Theil",
    "combine",
    "cv",
    "gini",
    "lorenz",
    "risk",
    "risk_class",
    "theil",
    "two_step_fca",
]

FloatArray = npt.NDArray[np.float64]

SCORE_MIN = 0.0
SCORE_MAX = 10.0


# ---------------------------------------------------------------------------------------------
# Risk index
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskClass:
    """One of the five risk classes: a stable key, labels in Chinese and English, a colour."""

    key: str  # "very_low" … "very_high", for code and CSS
    zh: str  # 极低 … 极高
    en: str  # "Very low" … "Very high"
    colour: str  # hex colour on the warning scale


# Ordered from lowest to highest. Colours follow the Chinese warning scale (red / orange /
# yellow / blue), with grey for "very low" so that it reads as "nothing to act on".
RISK_CLASSES: tuple[RiskClass, ...] = (
    RiskClass("very_low", "极低", "Very low", "#BDBDBD"),
    RiskClass("low", "低", "Low", "#2C7BB6"),
    RiskClass("medium", "中", "Medium", "#FFD92F"),
    RiskClass("high", "高", "High", "#FD8D3C"),
    RiskClass("very_high", "极高", "Very high", "#D7191C"),
)

# Lower bounds of every class but the first: a score equal to a bound belongs to the higher
# class (very low < 2.0 ≤ low < 3.5 ≤ medium < 5.0 ≤ high < 6.5 ≤ very high).
RISK_CLASS_BOUNDS: tuple[float, ...] = (2.0, 3.5, 5.0, 6.5)


def _check_score(score: float, name: str) -> float:
    """Return ``score`` as a float, or raise ValueError unless it lies in [0, 10]."""
    value = float(score)
    # Written so that NaN fails too (every comparison with NaN is False).
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValueError(f"{name} must be a score in [0, 10], got {score!r}")
    return value


def combine(scores: Sequence[float] | npt.ArrayLike) -> float:
    """Combine indicator (or category) scores inside one INFORM dimension.

    Formula::

        combine(x₁..xₙ) = 11 − ((11 − x₁)·(11 − x₂)·…·(11 − xₙ)) ** (1/n)

    This is INFORM's form, not a plain geometric mean: it is a geometric mean of the
    "distances from 11", so one high score pulls the result up more than a plain average
    would, and a single score comes back unchanged. Scores must lie in [0, 10].

    >>> round(combine([7.5, 6.3]), 2)
    6.94
    """
    xs = np.asarray(scores, dtype=np.float64).ravel()
    if xs.size == 0:
        raise ValueError("combine() needs at least one score")
    for i, x in enumerate(xs):
        _check_score(x, f"scores[{i}]")
    # Geometric mean through logs: the plain product of many (11 − x) factors could overflow.
    # 11 − x ≥ 1, so the logarithm is always defined.
    combined = 11.0 - np.exp(np.mean(np.log(11.0 - xs)))
    # Rounding can leave combine([0, 0]) a hair below 0; keep the result a valid score.
    return float(min(10.0, max(0.0, combined)))


def risk(ha: float, vu: float, cc: float) -> float:
    """INFORM risk from its three dimensions.

    Formula::

        risk = (HA · VU · CC) ** (1/3)

    HA is hazard & exposure, VU vulnerability, CC lack of coping capacity; each in [0, 10].
    A zero in any dimension gives zero risk, by design of the geometric mean.
    """
    ha_ = _check_score(ha, "ha")
    vu_ = _check_score(vu, "vu")
    cc_ = _check_score(cc, "cc")
    return (ha_ * vu_ * cc_) ** (1.0 / 3.0)


def risk_class(score: float) -> RiskClass:
    """Class of a risk score in [0, 10].

    Classes::

        very low < 2.0 ≤ low < 3.5 ≤ medium < 5.0 ≤ high < 6.5 ≤ very high

    A score exactly on a bound belongs to the higher class. The score is classified as given,
    not rounded: if a page shows scores rounded to one decimal, classify that same rounded
    number so that the label matches what the reader sees.
    """
    value = _check_score(score, "score")
    # Number of bounds at or below the score = index of its class.
    index = sum(value >= bound for bound in RISK_CLASS_BOUNDS)
    return RISK_CLASSES[index]


# ---------------------------------------------------------------------------------------------
# Imbalance between places
# ---------------------------------------------------------------------------------------------


def _as_1d(data: npt.ArrayLike, name: str) -> FloatArray:
    """Return ``data`` as a 1-D float array of finite, non-negative numbers."""
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite numbers")
    if np.any(arr < 0):
        raise ValueError(f"{name} contains negative numbers")
    return arr


def _per_capita_and_shares(
    values: npt.ArrayLike, weights: npt.ArrayLike | None
) -> tuple[FloatArray, FloatArray, float]:
    """Validate inputs; return per-capita values r, population shares q and the mean μ.

    q = p / Σp (q = 1/N when ``weights`` is None) and μ = Σ qᵢ rᵢ.
    """
    r = _as_1d(values, "values")
    if weights is None:
        q = np.full(r.size, 1.0 / r.size)
    else:
        p = _as_1d(weights, "weights")
        if p.size != r.size:
            raise ValueError(f"values and weights differ in length ({r.size} and {p.size})")
        total = p.sum()
        if total <= 0:
            raise ValueError("weights (populations) sum to zero")
        q = p / total
    mu = float(np.dot(q, r))
    if mu <= 0:
        # Every inequality measure below divides by μ: all-zero values have no shares.
        raise ValueError("the mean of values is zero, so shares and inequality are undefined")
    return r, q, mu


def gini(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Population-weighted Gini coefficient of per-capita ``values``.

    Formula (metrics.md)::

        G = Σᵢ Σⱼ qᵢ qⱼ |rᵢ − rⱼ| / (2 μ),   μ = Σ qᵢ rᵢ

    with qᵢ = pᵢ / Σp the population shares (qᵢ = 1/N when ``weights`` is None).

    Computed in O(n log n) rather than over all n² pairs: sort by r; then |rᵢ − rⱼ| is the sum
    of the gaps (r₍ₖ₊₁₎ − r₍ₖ₎) lying between the two values, and an ordered pair straddles
    gap k exactly when one unit is among the first k and the other is not. With Cₖ the
    cumulative population share of the first k sorted units this gives::

        G = Σₖ (r₍ₖ₊₁₎ − r₍ₖ₎) · Cₖ · (1 − Cₖ) / μ

    Every term is ≥ 0, so equal values give exactly 0. The result lies in [0, 1).
    """
    r, q, mu = _per_capita_and_shares(values, weights)
    order = np.argsort(r, kind="stable")
    r_sorted = r[order]
    cum = np.cumsum(q[order])
    # Divide by the last partial sum (not by 1.0) so that 0 ≤ Cₖ ≤ 1 holds exactly in floats.
    c = cum[:-1] / cum[-1]
    gaps = np.diff(r_sorted)
    return float(np.sum(gaps * c * (1.0 - c)) / mu)


@dataclass(frozen=True)
class Theil:
    """Theil T index, optionally split into between-group and within-group parts.

    ``total == between + within`` (up to rounding) when groups were given; otherwise
    ``between`` and ``within`` are None.
    """

    total: float
    between: float | None = None
    within: float | None = None


def theil(
    values: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    groups: npt.ArrayLike | None = None,
) -> Theil:
    """Population-weighted Theil T index of per-capita ``values``, with decomposition.

    Formula (metrics.md)::

        T = Σᵢ sᵢ ln(sᵢ / qᵢ)

    sᵢ the resource share, qᵢ the population share (qᵢ = 1/N when ``weights`` is None).
    Since sᵢ / qᵢ = rᵢ / μ, a unit with rᵢ = 0 has sᵢ = 0 and contributes 0 (0·ln 0 = 0).

    With ``groups`` (one label per unit, e.g. the district), T splits exactly into::

        T = Σ_g S_g T_g  +  Σ_g S_g ln(S_g / Q_g)
            └ within ┘      └──── between ────┘

    S_g and Q_g are group g's resource and population shares and T_g the Theil index inside
    g. The within part is computed unit by unit as Σᵢ sᵢ ln((sᵢ/qᵢ) / (S_g/Q_g)), which equals
    Σ_g S_g T_g. Groups whose resource is zero contribute 0 to both parts.
    """
    r, q, mu = _per_capita_and_shares(values, weights)
    s = q * r / mu  # resource shares sᵢ
    has_resource = s > 0  # 0·ln 0 = 0: leave those units out of every sum
    ratio = r / mu  # sᵢ / qᵢ
    total = float(np.sum(s[has_resource] * np.log(ratio[has_resource])))
    if groups is None:
        return Theil(total=total)

    labels = np.asarray(groups)
    if labels.ndim != 1 or labels.size != r.size:
        raise ValueError(
            f"groups must give one label per value ({r.size}), got shape {labels.shape}"
        )
    # index[i] = position of unit i's group among the distinct group labels
    _, index = np.unique(labels, return_inverse=True)
    index = index.ravel()
    big_s = np.bincount(index, weights=s)  # S_g
    big_q = np.bincount(index, weights=q)  # Q_g
    group_has_resource = big_s > 0
    between = float(
        np.sum(
            big_s[group_has_resource]
            * np.log(big_s[group_has_resource] / big_q[group_has_resource])
        )
    )
    # Only units holding resource enter the within sum; their groups have S_g, Q_g > 0.
    g = index[has_resource]
    group_ratio = big_s[g] / big_q[g]  # S_g / Q_g of each such unit's group
    within = float(np.sum(s[has_resource] * np.log(ratio[has_resource] / group_ratio)))
    return Theil(total=total, between=between, within=within)


def cv(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Coefficient of variation σ/μ of per-capita ``values``.

    Formula, population-weighted (Williamson's coefficient)::

        CV = √(Σ qᵢ (rᵢ − μ)²) / μ,   μ = Σ qᵢ rᵢ

    Unweighted (``weights`` None) this is the plain σ/μ with the population standard
    deviation (ddof = 0), since qᵢ = 1/N: [1, 2, 3, 4] gives 0.4472136.
    """
    r, q, mu = _per_capita_and_shares(values, weights)
    return float(math.sqrt(np.dot(q, (r - mu) ** 2)) / mu)


@dataclass(frozen=True, eq=False)  # eq=False: numpy arrays have no single truth value
class Lorenz:
    """Points of a Lorenz curve, both arrays starting at 0.0 and ending at 1.0.

    ``population_share[k]`` is the cumulative population share of the k poorest units (by
    per-capita value) and ``resource_share[k]`` the share of the resource they hold.
    """

    population_share: FloatArray
    resource_share: FloatArray


def lorenz(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> Lorenz:
    """Lorenz curve of per-capita ``values`` weighted by population.

    Units are sorted by rᵢ (ascending); point k is::

        (Σ_{first k} qᵢ,  Σ_{first k} sᵢ)

    with a leading (0, 0). The curve has N + 1 points and ends at (1, 1) exactly. Equal
    per-capita values give the diagonal. The arrays are read-only.
    """
    r, q, _ = _per_capita_and_shares(values, weights)
    order = np.argsort(r, kind="stable")
    population = np.concatenate(([0.0], np.cumsum(q[order])))
    resource = np.concatenate(([0.0], np.cumsum((q * r)[order])))
    # Divide by the last point so the curve ends at exactly 1.0 despite rounding.
    population /= population[-1]
    resource /= resource[-1]
    population.flags.writeable = False
    resource.flags.writeable = False
    return Lorenz(population_share=population, resource_share=resource)


# ---------------------------------------------------------------------------------------------
# Access to shelters
# ---------------------------------------------------------------------------------------------


def two_step_fca(
    supply: npt.ArrayLike,
    demand: npt.ArrayLike,
    distances: npt.ArrayLike,
    max_distance: float,
) -> FloatArray:
    """Two-step floating catchment area (2SFCA) accessibility of each demand unit.

    ``supply`` holds the capacity Sⱼ of each shelter j (m of them), ``demand`` the population
    Pᵢ of each community i (n of them), ``distances`` an n × m matrix with d_ij from community
    i to shelter j (rows communities, columns shelters; ``inf`` means unreachable), and
    ``max_distance`` the catchment radius d₀. Reach is inclusive: d ≤ d₀.

    Formula (metrics.md)::

        Step 1, each shelter j:    Rⱼ = Sⱼ / Σ_{k: d_kj ≤ d₀} P_k
        Step 2, each community i:  Aᵢ = Σ_{j: d_ij ≤ d₀} Rⱼ

    Aᵢ is shelter places per resident within reach. A shelter with nobody within reach (the
    denominator of step 1 is 0) gets Rⱼ = 0: its places serve no one counted here, so they add
    to nobody's access. A community with no shelter in reach gets Aᵢ = 0. When every shelter
    has someone within reach, Σ Aᵢ Pᵢ = Σ Sⱼ.

    Returns an array of length n.
    """
    s = _as_1d(supply, "supply")
    p = _as_1d(demand, "demand")
    d = np.asarray(distances, dtype=np.float64)
    if d.shape != (p.size, s.size):
        raise ValueError(
            f"distances must have shape (communities, shelters) = ({p.size}, {s.size}), "
            f"got {d.shape}"
        )
    if np.any(np.isnan(d)) or np.any(d < 0):
        raise ValueError("distances contains NaN or negative numbers")
    d0 = float(max_distance)
    if not (np.isfinite(d0) and d0 >= 0):
        raise ValueError(f"max_distance must be a finite number ≥ 0, got {max_distance!r}")

    in_reach = (d <= d0).astype(np.float64)  # 1.0 where community i reaches shelter j
    population_in_reach = p @ in_reach  # Σ_{k: d_kj ≤ d₀} P_k, one per shelter
    ratio = np.divide(
        s,
        population_in_reach,
        out=np.zeros_like(s),  # Rⱼ = 0 where nobody is in reach
        where=population_in_reach > 0,
    )
    return in_reach @ ratio
