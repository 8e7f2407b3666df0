"""Sorting and searching: TF 2.21's orders, dtypes, errors and gradients."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import fasttape as tf
from fasttape.errors import InvalidArgumentError
from tests.helpers import check, grads

M = [[3.0, 1.0, 2.0], [1.0, 1.0, 0.0]]


def test_sort_and_argsort_directions_and_ties():
    check(tf.sort(M), [[1, 2, 3], [0, 1, 1]])
    check(tf.sort(M, axis=0, direction="DESCENDING"), [[3, 1, 2], [1, 1, 0]])
    check(tf.argsort(M), [[1, 2, 0], [2, 0, 1]], tf.int32)
    check(tf.argsort(M, direction="DESCENDING", stable=True), [[0, 2, 1], [0, 1, 2]])
    check(tf.argsort(tf.constant([1, 1, 0]), direction="DESCENDING"), [0, 1, 2])


def test_sort_of_integers_at_their_limits():
    x = np.array([np.iinfo(np.int32).min, 5, np.iinfo(np.int32).max, -1], np.int32)
    check(tf.sort(x, direction="DESCENDING"), np.sort(x)[::-1])
    check(tf.sort(tf.constant(np.array([3, 0, 255], np.uint8))), [0, 3, 255])


def test_sort_errors():
    with pytest.raises(ValueError, match="direction"):
        tf.sort([1.0], direction="UP")
    with pytest.raises(InvalidArgumentError):
        tf.sort(3.0)
    with pytest.raises(InvalidArgumentError):
        tf.sort(M, axis=2)


def test_sort_gradient_goes_back_to_the_sorted_element():
    g = grads(lambda x: tf.sort(x) * tf.constant([1.0, 2.0, 3.0]), [3.0, 1.0, 2.0])[0]
    check(g, [3.0, 1.0, 2.0])
    assert grads(lambda x: tf.cast(tf.argsort(x), tf.float32), [3.0, 1.0])[0] is None


def test_top_k():
    values, indices = tf.math.top_k(M, 2)
    check(values, [[3, 2], [1, 1]])
    check(indices, [[0, 2], [0, 1]], tf.int32)
    assert tf.math.top_k(M, 1, index_type=tf.int64).indices.dtype == tf.int64
    g = grads(lambda x: tf.math.top_k(x, 2).values * tf.constant([1.0, 2.0]), [3.0, 1.0, 2.0])
    check(g[0], [1.0, 0.0, 2.0])


def test_top_k_errors():
    with pytest.raises(InvalidArgumentError, match="at least k columns"):
        tf.math.top_k(M, 4)
    with pytest.raises(InvalidArgumentError, match=r">= 1-D"):
        tf.math.top_k(3.0, 1)
    with pytest.raises(InvalidArgumentError, match="k >= 0"):
        tf.math.top_k(M, -1)


def test_in_top_k():
    preds = [[0.1, 0.9, 0.0], [0.3, 0.3, 0.3]]
    check(tf.math.in_top_k([0, 2], preds, 1), [False, True])
    check(tf.math.in_top_k(targets=[0, 2], predictions=[[0.1, 0.9, 0.0], [0.3, 0.3, np.nan]],
                           k=2), [True, False])
    check(tf.math.in_top_k([0, 5], preds, 1), [False, False])


def test_unique_keeps_the_order_of_first_appearance():
    y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
    check(y, [1, 2, 4, 7, 8], tf.int32)
    check(idx, [0, 0, 1, 2, 2, 2, 3, 4, 4], tf.int32)
    y, idx = tf.unique([3.0, 1.0, 3.0], out_idx=tf.int64)
    check(y, [3.0, 1.0])
    check(idx, [0, 1, 0], tf.int64)
    y, idx, count = tf.unique_with_counts([5, 1, 5, 5])
    check(count, [3, 1])
    with pytest.raises(InvalidArgumentError, match="1D"):
        tf.unique([[1, 1]])


@settings(max_examples=30, deadline=None)
@given(arrays(np.int32, st.integers(0, 12), elements=st.integers(-3, 3)))
def test_unique_reconstructs_its_input(x):
    y, idx = tf.unique(x)
    check(tf.gather(y, idx), x)
    assert len(set(y.numpy().tolist())) == y.shape[0]


def test_searchsorted():
    check(tf.searchsorted([[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]], [[2, 4, 9], [0, 2, 6]]),
          [[1, 2, 2], [0, 1, 5]], tf.int32)
    check(tf.searchsorted([0.0, 3, 9], [3.0, 10], side="right", out_type=tf.int64), [2, 3],
          tf.int64)
    with pytest.raises(ValueError, match="side"):
        tf.searchsorted([0.0], [1.0], side="middle")
    with pytest.raises(InvalidArgumentError):
        tf.searchsorted([[0.0, 1.0], [2.0, 3.0]], [1.0, 2.0, 3.0])


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=4),
              elements=st.floats(-10, 10)), st.data())
def test_sort_matches_numpy_along_any_axis(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    check(tf.sort(x, axis=axis), np.sort(x, axis=axis))
    order = tf.argsort(x, axis=axis).numpy()
    check(tf.constant(np.take_along_axis(x, order.astype(np.int64), axis)),
          np.sort(x, axis=axis))
    g = grads(lambda t: tf.sort(t, axis=axis), x)[0]
    assert tuple(g.shape) == x.shape


def test_monotonicity_and_invert_permutation():
    assert tf.math.is_non_decreasing([1, 2, 2]).numpy()
    assert not tf.math.is_strictly_increasing([1, 2, 2]).numpy()
    assert tf.math.is_strictly_increasing([]).numpy()
    check(tf.math.invert_permutation([3, 4, 0, 2, 1]), [2, 4, 3, 0, 1], tf.int32)
    with pytest.raises(InvalidArgumentError, match="duplicated"):
        tf.math.invert_permutation([0, 0])
    with pytest.raises(InvalidArgumentError, match="allowed values"):
        tf.math.invert_permutation([0.0, 1.0])
