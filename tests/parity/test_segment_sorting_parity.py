"""Parity of the segment, sorting and bitwise families with TensorFlow: values, dtypes
and first-order gradients (None-ness included)."""

import pytest

tf_ref = pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402

from tests.parity._compare import compare  # noqa: E402

D = [[1.0, 2.0], [3.0, 0.0], [3.0, 6.0], [7.0, 8.0], [-1.0, 2.0]]
IDS = np.array([0, 0, 2, 2, 3], np.int32)
UIDS = np.array([3, 0, 3, -1, 0], np.int32)
V = [3.0, 1.0, 2.0, 5.0, -4.0]


def _segment(name):
    return (name, lambda m, x, i: getattr(m.math, name)(x, i), [D, IDS])


def _unsorted(name):
    return (name, lambda m, x, i: getattr(m.math, name)(x, i, 5), [D, UIDS])


CASES = [
    *[_segment(n) for n in ("segment_sum", "segment_mean", "segment_max", "segment_min",
                            "segment_prod")],
    *[_unsorted(n) for n in ("unsorted_segment_sum", "unsorted_segment_mean",
                             "unsorted_segment_max", "unsorted_segment_min",
                             "unsorted_segment_prod", "unsorted_segment_sqrt_n")],
    ("bincount", lambda m, x: m.math.bincount(x, minlength=7), [np.array([1, 1, 4, 0], np.int32)]),
    # weights as a constant: TF has no gradient for them (LookupError), fasttape None
    ("bincount_weights", lambda m, x: m.math.bincount(x, weights=m.constant([0.5, 1, 2, 3])),
     [np.array([1, 1, 4, 0], np.int32)]),
    ("confusion_matrix", lambda m, a, b: m.math.confusion_matrix(a, b, num_classes=4),
     [np.array([0, 1, 3, 3], np.int32), np.array([0, 2, 3, 1], np.int32)]),
    ("histogram", lambda m, x: m.histogram_fixed_width(x, [0.0, 4.0], nbins=4), [V]),
    ("sort", lambda m, x: m.sort(x), [V]),
    ("sort_desc", lambda m, x: m.sort(x, direction="DESCENDING"), [V]),
    ("argsort", lambda m, x: m.argsort(x), [V]),
    ("top_k", lambda m, x: m.math.top_k(x, 3), [[V, V[::-1]]]),
    ("in_top_k", lambda m, t, p: m.math.in_top_k(t, p, 2),
     [np.array([0, 4], np.int32), [V, V[::-1]]]),
    ("unique", lambda m, x: m.unique_with_counts(x), [np.array([4, 1, 4, 2, 1], np.int32)]),
    ("searchsorted", lambda m, s, v: m.searchsorted(s, v, side="right"),
     [[1.0, 2.0, 2.0, 5.0], [2.0, 0.0, 6.0]]),
    ("invert_permutation", lambda m, x: m.math.invert_permutation(x),
     [np.array([2, 0, 3, 1], np.int32)]),
    ("bitwise", lambda m, x, y: [m.bitwise.bitwise_and(x, y), m.bitwise.bitwise_or(x, y),
                                 m.bitwise.bitwise_xor(x, y), m.bitwise.invert(x),
                                 m.bitwise.left_shift(x, y), m.bitwise.right_shift(x, y)],
     [np.array([5, -8, 1, 7], np.int32), np.array([3, 1, 40, -2], np.int32)]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_tensorflow(case):
    _, fn, xs = case
    compare(tf_ref, fn, xs)
