"""Tests for safetynet.metrics.

Three layers: the reference vectors of metrics.md (the metric definitions), cross-checks against the
PySAL packages `inequality` and `access` on seeded random inputs, and hypothesis properties.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetynet.analytics.metrics import (
    RISK_CLASS_BOUNDS,
    RISK_CLASSES,
    Lorenz,
    RiskClass,
    Theil,
    combine,
    cv,
    gini,
    lorenz,
    risk,
    risk_class,
    theil,
    two_step_fca,
)

# Keep the whole file fast: a bounded number of examples, and no deadline (the first call of a
# numpy function can be slow, which would otherwise flake).
FAST = settings(max_examples=100, deadline=None)

# ---------------------------------------------------------------------------------------------
# Reference vectors (metrics.md)
# ---------------------------------------------------------------------------------------------

Y = [1.0, 2.0, 3.0, 4.0]
POPULATIONS = [100.0, 200.0, 300.0, 400.0]
PER_CAPITA = [4.0, 3.0, 2.0, 1.0]


def test_inform_worked_example() -> None:
    ha = combine([7.5, 6.3])
    assert round(ha, 2) == 6.94
    assert ha == pytest.approx(11 - (3.5 * 4.7) ** 0.5)
    # metrics.md prints 4.25, but (6.944 · 3.1 · 3.6)^(1/3) = 4.2634, and even with HA rounded
    # to 6.94 it is 4.2626: both round to 4.26. (4.25 comes out only if HA is first rounded to
    # one decimal, 6.9.) We follow the formula, not the misprint.
    assert round(risk(ha, 3.1, 3.6), 2) == 4.26
    assert risk(ha, 3.1, 3.6) == pytest.approx((ha * 3.1 * 3.6) ** (1 / 3))


def test_combine_single_score_is_unchanged_and_extremes() -> None:
    assert combine([4.2]) == pytest.approx(4.2)
    assert combine([0.0, 0.0, 0.0]) == pytest.approx(0.0)
    assert combine([10.0, 10.0]) == pytest.approx(10.0)
    # One high score pulls the result above the plain mean: INFORM's intent.
    assert combine([9.0, 1.0]) > 5.0


def test_risk_is_zero_when_any_dimension_is_zero() -> None:
    assert risk(0.0, 8.0, 9.0) == 0.0


@pytest.mark.parametrize(
    ("score", "key"),
    [
        (0.0, "very_low"),
        (1.999, "very_low"),
        (2.0, "low"),
        (3.499, "low"),
        (3.5, "medium"),
        (4.999, "medium"),
        (5.0, "high"),
        (6.499, "high"),
        (6.5, "very_high"),
        (10.0, "very_high"),
    ],
)
def test_risk_class_boundaries(score: float, key: str) -> None:
    assert risk_class(score).key == key


def test_risk_classes_labels_and_colours() -> None:
    assert [c.key for c in RISK_CLASSES] == ["very_low", "low", "medium", "high", "very_high"]
    assert [c.zh for c in RISK_CLASSES] == ["极低", "低", "中", "高", "极高"]
    assert [c.en for c in RISK_CLASSES] == ["Very low", "Low", "Medium", "High", "Very high"]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c.colour) for c in RISK_CLASSES)
    assert RISK_CLASSES[-1].colour == "#D7191C"  # very high is red
    assert len({c.colour for c in RISK_CLASSES}) == 5
    assert RISK_CLASS_BOUNDS == (2.0, 3.5, 5.0, 6.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        risk_class(7.0).key = "low"  # type: ignore[misc]
    assert isinstance(risk_class(7.0), RiskClass)


def test_unweighted_reference_vector() -> None:
    assert gini(Y) == pytest.approx(0.25)
    assert theil(Y).total == pytest.approx(0.1064401, abs=1e-7)
    assert cv(Y) == pytest.approx(0.4472136, abs=1e-7)


def test_theil_decomposition_reference_vector() -> None:
    t = theil(Y, groups=[1, 1, 2, 2])
    assert t.total == pytest.approx(0.1064401, abs=1e-7)
    assert t.between == pytest.approx(0.0822829, abs=1e-7)
    assert t.within == pytest.approx(0.0241573, abs=1e-7)


def test_theil_without_groups_has_no_parts() -> None:
    t = theil(Y)
    assert t.between is None and t.within is None
    assert isinstance(t, Theil)


def test_weighted_reference_vector() -> None:
    assert theil(PER_CAPITA, POPULATIONS).total == pytest.approx(0.1216395, abs=1e-7)
    assert gini(PER_CAPITA, POPULATIONS) == pytest.approx(0.27)
    assert cv(PER_CAPITA, POPULATIONS) == pytest.approx(0.5)


def test_two_step_fca_reference_vector() -> None:
    access_ = two_step_fca(
        supply=[100, 50],
        demand=[1000, 500, 2000],
        distances=[[1, 3], [1.5, 1], [4, 1.5]],
        max_distance=2,
    )
    np.testing.assert_allclose(access_, [0.0667, 0.0867, 0.02], atol=5e-5)


def test_two_step_fca_reach_is_inclusive_and_empty_shelters_count_zero() -> None:
    # Community 0 sits exactly at d₀ from shelter 0: inclusive reach counts it.
    # Shelter 1 has nobody within reach: its ratio is 0, it adds to nobody's access.
    access_ = two_step_fca([10, 99], [5, 5], [[2.0, 9.0], [9.0, 9.0]], max_distance=2.0)
    np.testing.assert_allclose(access_, [2.0, 0.0])


def test_theil_zero_values() -> None:
    # 0·ln 0 = 0: all resource in one of two equal units gives ln 2.
    assert theil([0.0, 5.0]).total == pytest.approx(np.log(2))
    t = theil([0.0, 0.0, 3.0, 4.0], groups=["a", "a", "b", "b"])
    assert t.between == pytest.approx(np.log(2))  # group a holds nothing
    assert t.between + t.within == pytest.approx(t.total)


def test_lorenz_reference_vector() -> None:
    curve = lorenz(PER_CAPITA, POPULATIONS)
    assert isinstance(curve, Lorenz)
    # Sorted by per-capita value: 1 (pop 400), 2 (300), 3 (200), 4 (100); resource 400, 600,
    # 600, 400 of 2000.
    np.testing.assert_allclose(curve.population_share, [0, 0.4, 0.7, 0.9, 1.0])
    np.testing.assert_allclose(curve.resource_share, [0, 0.2, 0.5, 0.8, 1.0])
    with pytest.raises(ValueError):
        curve.population_share[1] = 0.5  # read-only


# ---------------------------------------------------------------------------------------------
# Invalid input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [gini, cv, lorenz, lambda v, w=None: theil(v, w)])
@pytest.mark.parametrize(
    ("values", "weights"),
    [
        ([], None),  # empty
        ([1.0, -2.0], None),  # negative value
        ([1.0, float("nan")], None),  # NaN
        ([0.0, 0.0], None),  # zero mean
        ([1.0, 2.0], [1.0]),  # mismatched lengths
        ([1.0, 2.0], [1.0, -1.0]),  # negative population
        ([1.0, 2.0], [0.0, 0.0]),  # no population at all
        ([[1.0, 2.0]], None),  # not one-dimensional
    ],
)
def test_imbalance_rejects_bad_input(func, values, weights) -> None:
    with pytest.raises(ValueError):
        func(values, weights)


def test_theil_rejects_mismatched_groups() -> None:
    with pytest.raises(ValueError, match="groups"):
        theil(Y, groups=[1, 2])


@pytest.mark.parametrize("bad", [-0.1, 10.01, float("nan")])
def test_scores_outside_0_10_are_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match=r"\[0, 10\]"):
        combine([5.0, bad])
    with pytest.raises(ValueError, match=r"\[0, 10\]"):
        risk(5.0, bad, 5.0)
    with pytest.raises(ValueError, match=r"\[0, 10\]"):
        risk_class(bad)


def test_combine_rejects_empty() -> None:
    with pytest.raises(ValueError):
        combine([])


@pytest.mark.parametrize(
    ("supply", "demand", "distances", "max_distance"),
    [
        ([], [1.0], np.zeros((1, 0)), 1.0),  # no shelters
        ([1.0], [], np.zeros((0, 1)), 1.0),  # no communities
        ([1.0], [1.0, 2.0], [[1.0, 1.0]], 1.0),  # distances transposed
        ([-1.0], [1.0], [[1.0]], 1.0),  # negative capacity
        ([1.0], [1.0], [[-1.0]], 1.0),  # negative distance
        ([1.0], [1.0], [[float("nan")]], 1.0),  # NaN distance
        ([1.0], [1.0], [[1.0]], -1.0),  # negative radius
    ],
)
def test_two_step_fca_rejects_bad_input(supply, demand, distances, max_distance) -> None:
    with pytest.raises(ValueError):
        two_step_fca(supply, demand, distances, max_distance)


# ---------------------------------------------------------------------------------------------
# Cross-checks against reference implementations (seeded random inputs)
# ---------------------------------------------------------------------------------------------


def _random_per_capita(rng: np.random.Generator, n: int) -> np.ndarray:
    values = rng.lognormal(mean=0.0, sigma=1.0, size=n)
    values[rng.random(n) < 0.1] = 0.0  # some units with none of the resource
    values[0] = max(values[0], 0.5)  # keep the mean positive
    return values


@pytest.mark.parametrize("seed", range(5))
def test_against_inequality_package(seed: int) -> None:
    # `inequality` works on unweighted values only; it adds numpy's tiniest float to zeros
    # to dodge ln 0, which changes nothing at this precision. Its TheilD returns .bg and .wg
    # as 1-element arrays for 1-D input, hence .item().
    theil_mod = pytest.importorskip("inequality.theil")
    gini_mod = pytest.importorskip("inequality.gini")
    rng = np.random.default_rng(seed)
    y = _random_per_capita(rng, 200)
    partition = rng.integers(0, 7, size=y.size)

    assert gini(y) == pytest.approx(float(gini_mod.Gini(y).g), rel=1e-9)
    assert theil(y).total == pytest.approx(float(theil_mod.Theil(y).T), rel=1e-9)
    ref = theil_mod.TheilD(y, partition)
    ours = theil(y, groups=partition)
    assert ours.total == pytest.approx(float(ref.T), rel=1e-9)
    assert ours.between == pytest.approx(ref.bg.item(), rel=1e-9, abs=1e-12)
    assert ours.within == pytest.approx(ref.wg.item(), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_against_access_package(seed: int) -> None:
    # `access` wants pandas DataFrames: demand and supply tables indexed by id, and a long
    # cost table (origin = community, dest = shelter, cost). It returns NaN, not 0, for a
    # community with no shelter in reach, and its reach test differs from metrics.md's note:
    # the installed version (1.1.10) filters `cost <= max_cost` (inclusive), where metrics.md
    # says strict `<`. To be independent of either, d₀ is put midway between two distinct
    # distances, so no distance equals d₀.
    pd = pytest.importorskip("pandas")
    access_mod = pytest.importorskip("access")
    rng = np.random.default_rng(100 + seed)
    n, m = 40, 9
    supply = rng.integers(50, 500, size=m).astype(float)
    demand = rng.integers(100, 5000, size=n).astype(float)
    distances = rng.uniform(0.0, 10.0, size=(n, m))
    flat = np.unique(distances)
    k = flat.size // 3
    d0 = float((flat[k] + flat[k + 1]) / 2)

    community_ids = [f"c{i:03d}" for i in range(n)]
    shelter_ids = [f"s{j:03d}" for j in range(m)]
    # Tables come already indexed (demand_index=True below): given a column name instead,
    # access calls set_index(inplace=True), which pandas 3.1 deprecates (Pandas4Warning).
    demand_df = pd.DataFrame({"pop": demand}, index=pd.Index(community_ids, name="geoid"))
    supply_df = pd.DataFrame({"places": supply}, index=pd.Index(shelter_ids, name="geoid"))
    cost_df = pd.DataFrame(
        {
            "origin": np.repeat(community_ids, m),
            "dest": np.tile(shelter_ids, n),
            "cost": distances.ravel(),  # row-major: community i, then shelter j
        }
    )
    model = access_mod.Access(
        demand_df=demand_df,
        demand_index=True,
        demand_value="pop",
        supply_df=supply_df,
        supply_index=True,
        supply_value="places",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    result = model.two_stage_fca(name="fca", max_cost=d0)
    expected = result["fca_places"].reindex(community_ids).fillna(0.0).to_numpy()

    ours = two_step_fca(supply, demand, distances, d0)
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("seed", range(3))
def test_gini_matches_all_pairs_formula(seed: int) -> None:
    # The O(n log n) gap form against the O(n²) definition written out literally.
    rng = np.random.default_rng(200 + seed)
    r = _random_per_capita(rng, 60)
    p = rng.integers(1, 10_000, size=r.size).astype(float)
    q = p / p.sum()
    mu = np.dot(q, r)
    literal = np.sum(np.outer(q, q) * np.abs(r[:, None] - r[None, :])) / (2 * mu)
    assert gini(r, p) == pytest.approx(literal, rel=1e-10)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

# Per-capita values: zero or a "reasonable" positive number, so that scaling cannot underflow.
per_capita_value = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e6))
population = st.floats(min_value=1.0, max_value=1e6)


@st.composite
def values_and_weights(draw: st.DrawFn) -> tuple[list[float], list[float] | None]:
    n = draw(st.integers(min_value=1, max_value=40))
    values = draw(st.lists(per_capita_value, min_size=n, max_size=n))
    values[0] = draw(st.floats(min_value=1e-3, max_value=1e6))  # mean must be positive
    weights = draw(st.none() | st.lists(population, min_size=n, max_size=n))
    return values, weights


@FAST
@given(values_and_weights(), st.floats(min_value=1e-3, max_value=1e3))
def test_scale_invariance(data, c: float) -> None:
    values, weights = data
    scaled = [c * v for v in values]
    assert gini(scaled, weights) == pytest.approx(gini(values, weights), rel=1e-9, abs=1e-12)
    assert theil(scaled, weights).total == pytest.approx(
        theil(values, weights).total, rel=1e-9, abs=1e-12
    )
    assert cv(scaled, weights) == pytest.approx(cv(values, weights), rel=1e-9, abs=1e-12)


@FAST
@given(
    st.floats(min_value=1e-3, max_value=1e6),
    st.lists(population, min_size=1, max_size=40),
)
def test_equal_values_have_no_inequality(value: float, weights: list[float]) -> None:
    values = [value] * len(weights)
    for w in (weights, None):
        assert gini(values, w) == 0.0
        assert theil(values, w).total == pytest.approx(0.0, abs=1e-12)
        assert cv(values, w) == pytest.approx(0.0, abs=1e-7)


@FAST
@given(values_and_weights(), st.data())
def test_between_plus_within_is_total(data, draw_groups) -> None:
    values, weights = data
    groups = draw_groups.draw(
        st.lists(st.integers(0, 4), min_size=len(values), max_size=len(values))
    )
    t = theil(values, weights, groups)
    assert t.between is not None and t.within is not None
    assert t.between + t.within == pytest.approx(t.total, rel=1e-9, abs=1e-12)
    assert t.between >= -1e-12 and t.within >= -1e-12


@FAST
@given(values_and_weights())
def test_gini_in_unit_interval_and_agrees_with_lorenz(data) -> None:
    values, weights = data
    g = gini(values, weights)
    assert 0.0 <= g < 1.0
    # Gini = 1 − 2 · (area under the Lorenz curve), the area by trapezoids.
    curve = lorenz(values, weights)
    x, y = curve.population_share, curve.resource_share
    area = np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2)
    assert g == pytest.approx(1 - 2 * area, abs=1e-9)
    assert x[0] == y[0] == 0.0 and x[-1] == y[-1] == 1.0
    assert np.all(np.diff(x) >= 0) and np.all(np.diff(y) >= 0)
    assert np.all(y <= x + 1e-12)  # the curve never rises above the diagonal


@st.composite
def catchments(draw: st.DrawFn):
    n = draw(st.integers(min_value=1, max_value=15))
    m = draw(st.integers(min_value=1, max_value=8))
    supply = draw(st.lists(st.floats(0.0, 1e4), min_size=m, max_size=m))
    demand = draw(st.lists(st.floats(1.0, 1e5), min_size=n, max_size=n))
    flat = draw(st.lists(st.floats(0.0, 10.0), min_size=n * m, max_size=n * m))
    return np.array(supply), np.array(demand), np.array(flat).reshape(n, m)


@FAST
@given(catchments(), st.floats(0.0, 10.0))
def test_two_step_fca_conserves_places(data, extra: float) -> None:
    supply, demand, distances = data
    # Make every shelter reach someone: d₀ at least each shelter's nearest community.
    d0 = float(distances.min(axis=0).max()) + extra
    access_ = two_step_fca(supply, demand, distances, d0)
    assert access_.shape == demand.shape
    assert np.all(access_ >= 0)
    assert np.dot(access_, demand) == pytest.approx(supply.sum(), rel=1e-9, abs=1e-9)


def test_combine_of_zeros_is_a_valid_score_again():
    inner = combine([0.0, 0.0])
    assert inner == 0.0
    assert combine([inner, 0.0]) == 0.0
