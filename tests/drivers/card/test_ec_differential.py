"""PACE's point arithmetic (drivers/card/ec.py) against python-ecdsa, an independent
implementation, on both PACE curves: scalar multiplication of the generator and of other
points, addition, doubling, the generic mapping, and the edge scalars."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.card import pace
from drivers.card.ec import BRAINPOOL_P256R1, NIST_P256, Curve, Point
from drivers.card.errors import AccessControlError

ecdsa = pytest.importorskip("ecdsa", reason="python-ecdsa is a dev dependency")
from ecdsa.ellipticcurve import INFINITY, PointJacobi  # noqa: E402

THEIRS = {NIST_P256.name: ecdsa.NIST256p, BRAINPOOL_P256R1.name: ecdsa.BRAINPOOLP256r1}
CURVES = [NIST_P256, BRAINPOOL_P256R1]
RANDOM_SCALARS = 300  # per curve and operation, seeded


def theirs(curve: Curve, point: Point) -> PointJacobi:
    other = THEIRS[curve.name]
    return PointJacobi(other.curve, point[0], point[1], 1, other.order)


def affine(point: PointJacobi) -> Point:
    return (point.x(), point.y())


def their_generator(curve: Curve) -> PointJacobi:
    return THEIRS[curve.name].generator


@pytest.mark.parametrize("curve", CURVES, ids=lambda curve: curve.name)
def test_the_domain_parameters_are_the_same(curve: Curve) -> None:
    other = THEIRS[curve.name]
    assert (curve.p, curve.a % curve.p, curve.b) == (
        other.curve.p(),
        other.curve.a() % curve.p,
        other.curve.b(),
    )
    assert curve.generator == affine(other.generator) and curve.n == other.order


@pytest.mark.parametrize("curve", CURVES, ids=lambda curve: curve.name)
def test_random_scalar_multiples_of_the_generator_and_of_other_points(curve: Curve) -> None:
    rng = random.Random(f"ec-{curve.name}")
    for _ in range(RANDOM_SCALARS):
        k = rng.randrange(1, curve.n)
        mine = curve.multiply(k, curve.generator)
        assert mine == affine(their_generator(curve) * k)
        j = rng.randrange(1, curve.n)
        assert curve.multiply(j, mine) == affine(theirs(curve, mine) * j)


@pytest.mark.parametrize("curve", CURVES, ids=lambda curve: curve.name)
def test_random_sums_and_doublings(curve: Curve) -> None:
    rng = random.Random(f"sum-{curve.name}")
    for _ in range(RANDOM_SCALARS):
        first = curve.multiply(rng.randrange(1, curve.n), curve.generator)
        second = curve.multiply(rng.randrange(1, curve.n), curve.generator)
        assert curve.add(first, second) == affine(theirs(curve, first) + theirs(curve, second))
        assert curve.add(first, first) == affine(theirs(curve, first).double())


@pytest.mark.parametrize("curve", CURVES, ids=lambda curve: curve.name)
def test_the_generic_mapping_matches(curve: Curve) -> None:
    rng = random.Random(f"map-{curve.name}")
    for _ in range(RANDOM_SCALARS // 3):
        nonce, key, other = (rng.randrange(1, curve.n) for _ in range(3))
        public = curve.multiply(other, curve.generator)
        expected = their_generator(curve) * nonce + theirs(curve, public) * key
        assert pace.map_generator(curve, nonce, key, public) == affine(expected)
        secret = pace.shared_secret(curve, key, public)
        assert secret == (theirs(curve, public) * key).x().to_bytes(32, "big")


@pytest.mark.parametrize("curve", CURVES, ids=lambda curve: curve.name)
@pytest.mark.parametrize("k", [1, 2, 3, 15, 16, 17, 2**128, 2**255 - 19])
def test_edge_scalars(curve: Curve, k: int) -> None:
    assert curve.multiply(k, curve.generator) == affine(their_generator(curve) * k)
    assert curve.multiply(curve.n - k, curve.generator) == affine(
        their_generator(curve) * (curve.n - k)
    )


@pytest.mark.parametrize("curve", CURVES, ids=lambda curve: curve.name)
def test_results_at_infinity_are_errors_as_they_are_infinity_there(curve: Curve) -> None:
    assert their_generator(curve) * curve.n == INFINITY
    with pytest.raises(AccessControlError):
        curve.multiply(curve.n, curve.generator)
    point = curve.multiply(5, curve.generator)
    negated = (point[0], (-point[1]) % curve.p)
    assert theirs(curve, point) + theirs(curve, negated) == INFINITY
    with pytest.raises(AccessControlError):
        curve.add(point, negated)
    # n + k wraps round to k, as the group's order says.
    assert curve.multiply(curve.n + 7, curve.generator) == curve.multiply(7, curve.generator)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(CURVES),
    st.integers(min_value=1, max_value=2**256),
    st.integers(min_value=1, max_value=2**256),
)
def test_any_scalars_found_by_hypothesis(curve: Curve, k: int, j: int) -> None:
    if k % curve.n == 0 or (k * j) % curve.n == 0:
        return  # infinity: covered above
    mine = curve.multiply(k, curve.generator)
    assert mine == affine(their_generator(curve) * k)
    assert curve.multiply(j, mine) == affine(theirs(curve, mine) * j)
