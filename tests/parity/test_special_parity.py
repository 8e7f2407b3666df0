"""Parity of fasttape/ops/special.py with TensorFlow: values and first-order gradients
(None-ness included), float32 and float64, at interior and edge points."""

import pytest

tf_ref = pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402

from tests.parity._compare import compare  # noqa: E402

P = [0.05, 0.5, 1.0, 2.5, 7.0]
R = [-3.0, -0.7, 0.0, 0.3, 1.0, 4.0]
U = [-0.99, -0.5, 0.0, 0.3, 0.95]


def _unary(name, xs, special=False):
    def fn(m, x):
        return getattr(m.math.special if special else m.math, name)(x)
    return (name, fn, [xs])


CASES = [
    _unary("lgamma", [-2.5, -0.5, 0.0, 0.5, 1.0, 3.0, 30.0]),
    _unary("digamma", [-2.5, -0.5, 0.5, 1.0, 3.0, 30.0]),
    _unary("erfinv", U + [1.0, -1.0]),
    _unary("ndtri", [0.0, 0.01, 0.3, 0.5, 0.99, 1.0]),
    _unary("erfcinv", [0.01, 0.3, 1.0, 1.7]),
    _unary("bessel_i0", R), _unary("bessel_i0e", R), _unary("bessel_i1", R),
    _unary("bessel_i1e", R),
    _unary("bessel_j0", R, True), _unary("bessel_j1", R, True),
    _unary("bessel_y0", P, True), _unary("bessel_y1", P, True),
    _unary("bessel_k0", P, True), _unary("bessel_k0e", P, True),
    _unary("bessel_k1", P, True), _unary("bessel_k1e", P, True),
    _unary("dawsn", R, True), _unary("expint", P, True),
    _unary("fresnel_cos", R, True), _unary("fresnel_sin", R, True),
    _unary("spence", P + [0.0], True),
    ("polygamma", lambda m, a, x: m.math.polygamma(a, x), [[0.0, 1.0, 2.0, 3.0], [0.5] * 4]),
    ("zeta", lambda m, x, q: m.math.zeta(x, q), [[1.5, 2.0, 3.0, 4.5], [0.5, 1.0, 2.0, 3.0]]),
    ("igamma", lambda m, a, x: m.math.igamma(a, x), [[0.5, 1.0, 2.0, 5.0], [0.3, 1.0, 3.0, 4.0]]),
    ("igammac", lambda m, a, x: m.math.igammac(a, x),
     [[0.5, 1.0, 2.0, 5.0], [0.3, 1.0, 3.0, 4.0]]),
    ("betainc", lambda m, a, b, x: m.math.betainc(a, b, x),
     [[0.5, 1.0, 2.0], [2.0, 1.5, 3.0], [0.2, 0.5, 0.9]]),
    ("lbeta", lambda m, x: m.math.lbeta(x), [[[0.5, 1.0, 2.0], [3.0, 4.0, 0.1]]]),
    ("xlog1py", lambda m, x, y: m.math.xlog1py(x, y), [[0.0, 1.0, -2.0], [-1.0, 0.5, 3.0]]),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_tensorflow(case, dtype):
    _, fn, xs = case
    rtol = 2e-5 if dtype == np.float32 else 1e-9
    compare(tf_ref, fn, xs, dtype=dtype, rtol=rtol, atol=1e-6 if dtype == np.float32 else 1e-12)
