"""Parity of fasttape/ops/array_ops.py and complex_ops.py with TensorFlow: values,
dtypes and first-order gradients (None-ness included)."""

import pytest

tf_ref = pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402

from tests.parity._compare import compare  # noqa: E402

X = (np.arange(24.0).reshape(2, 3, 4) - 10).tolist()
V = [3.0, -1.0, 0.0, 2.5]
W = [2.0, 0.5, -3.0, 0.0]


CASES = [
    ("add_n", lambda m, x, y: m.add_n([x, y, x]), [V, W]),
    ("clip_by_global_norm", lambda m, x, y: m.clip_by_global_norm([x, y], 2.0)[0], [V, W]),
    ("roll", lambda m, x: m.roll(x, [1, -2], [0, 2]), [X]),
    ("repeat", lambda m, x: m.repeat(x, [1, 0, 2], axis=1), [X]),
    ("meshgrid", lambda m, x, y: m.meshgrid(x, y), [V, W[:3]]),
    ("slice", lambda m, x: m.slice(x, [1, 0, 1], [1, 2, -1]), [X]),
    ("strided_slice", lambda m, x: m.strided_slice(x, [1, 0, 3], [2, 3, 0], [1, 2, -1],
                                                   shrink_axis_mask=1, end_mask=2), [X]),
    ("reverse_sequence", lambda m, x: m.reverse_sequence(x, [2, 3], seq_axis=2, batch_axis=0),
     [X]),
    ("sequence_mask", lambda m, x: m.sequence_mask(x, 5, dtype=m.float32),
     [np.array([1, 4, 0], np.int32)]),
    ("dynamic_partition", lambda m, x: m.dynamic_partition(x, [1, 0, 1, 1], 2), [V]),
    ("dynamic_stitch", lambda m, x, y: m.dynamic_stitch([[0, 4], [1, 4]], [x[:2], y[:2]]),
     [V, W]),
    ("truncatediv", lambda m, x, y: m.truncatediv(x, y), [[7.5, -7.5, 3.0], [2.0, 2.0, -2.0]]),
    # TF raises LookupError for a gradient of truncatemod (fasttape: None), so constants
    ("truncatemod", lambda m: m.truncatemod(m.constant([7.5, -7.5, 3.0]),
                                            m.constant([2.0, 2.0, -2.0])), []),
    ("realdiv", lambda m, x, y: m.realdiv(x, y), [V, [1.0, 2.0, -4.0, 0.5]]),
    ("scalar_mul", lambda m, x: m.scalar_mul(3.0, x), [V]),
    ("count_nonzero", lambda m, x: m.math.count_nonzero(x, axis=1), [X]),
    ("multiply_no_nan", lambda m, x, y: m.math.multiply_no_nan(x, y), [V, W]),
    ("reciprocal_no_nan", lambda m, x: m.math.reciprocal_no_nan(x), [V]),
    ("nextafter", lambda m, x, y: m.math.nextafter(x, y), [V, W]),
    ("polyval", lambda m, a, x: m.math.polyval([a, a * 2.0, 1.0], x), [[1.5], V]),
    ("cumulative_logsumexp", lambda m, x: m.math.cumulative_logsumexp(x, axis=2), [X]),
    ("cumulative_logsumexp_rev", lambda m, x: m.math.cumulative_logsumexp(
        x, exclusive=True, reverse=True), [V]),
    ("zero_fraction", lambda m, x: m.math.zero_fraction(x), [W]),
    ("approx_max_k", lambda m, x: m.math.approx_max_k(x, 2), [X]),
    ("saturate_cast", lambda m, x: m.saturate_cast(x * 100.0, m.int8), [V]),
    ("bitcast", lambda m, x: m.bitcast(x, m.int32), [V]),
    ("tensor_scatter_nd_max", lambda m, x, u: m.tensor_scatter_nd_max(x, [[0], [2]], u[:2]),
     [V, [4.0, -1.0, 0.0, 0.0]]),
    ("tensor_scatter_nd_min", lambda m, x, u: m.tensor_scatter_nd_min(x, [[1], [3]], u[:2]),
     [V, [-1.0, 5.0, 0.0, 0.0]]),
    # complex tensors carry no gradients in fasttape: compared on constants
    ("complex_parts", lambda m: _complex_parts(m, m.complex(m.constant(V), m.constant(W))), []),
    ("real_of_real", lambda m, x: [m.math.real(x), m.math.imag(x), m.math.conj(x),
                                   m.math.angle(x)], [V]),
]


def _complex_parts(m, z):
    return [m.math.real(z), m.math.imag(z), m.math.angle(z), m.abs(z),
            m.math.real(m.math.conj(z))]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_tensorflow(case):
    _, fn, xs = case
    compare(tf_ref, fn, xs)


FUNCTIONAL = [
    ("map_fn", lambda m, x: m.map_fn(lambda r: m.sin(r) * r, x), [X]),
    ("scan", lambda m, x: m.scan(lambda a, b: a * 0.5 + b, x, reverse=True), [X]),
    ("foldl", lambda m, x, y: m.foldl(lambda a, b: a * b[0] + b[1], (x, y),
                                      initializer=m.constant(1.0)), [V, W]),
    ("foldr", lambda m, x: m.foldr(lambda a, b: a - b, x), [X]),
]


@pytest.mark.parametrize("case", FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
def test_functional_matches_tensorflow(case):
    _, fn, xs = case
    compare(tf_ref, fn, xs)
