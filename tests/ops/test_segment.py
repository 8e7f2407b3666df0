"""Segment reductions and counting ops: TF 2.21's empty-segment values, id checks,
gradients at ties and zeros."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import fasttape as tf
from fasttape.errors import InvalidArgumentError
from tests.helpers import check, grads

D = [[1.0, 2], [3, 4], [5, 6], [7, 8]]
LOW, HIGH = np.finfo(np.float32).min, np.finfo(np.float32).max


def test_sorted_segments_leave_gaps_at_zero():
    ids = [0, 0, 2, 2]
    check(tf.math.segment_sum(D, ids), [[4, 6], [0, 0], [12, 14]])
    check(tf.math.segment_mean(D, ids), [[2, 3], [0, 0], [6, 7]])
    check(tf.math.segment_max(D, ids), [[3, 4], [0, 0], [7, 8]])
    check(tf.math.segment_min(D, ids), [[1, 2], [0, 0], [5, 6]])
    check(tf.math.segment_prod(D, ids), [[3, 8], [1, 1], [35, 48]])
    check(tf.math.segment_max(tf.constant([1, 5, 3]), [0, 0, 1]), [5, 3], tf.int32)


def test_sorted_segment_id_errors():
    with pytest.raises(InvalidArgumentError, match="not increasing"):
        tf.math.segment_sum(D, [1, 0, 2, 2])
    with pytest.raises(InvalidArgumentError, match="same size as dimension 0"):
        tf.math.segment_sum(D, [0, 0, 2])
    with pytest.raises(InvalidArgumentError, match="Tindices"):
        tf.math.segment_sum(D, [0.0, 0, 2, 2])


def test_unsorted_segments_drop_negative_ids_and_fill_gaps():
    ids = [2, 0, 2, -1]
    check(tf.math.unsorted_segment_sum(D, ids, 4), [[3, 4], [0, 0], [6, 8], [0, 0]])
    check(tf.math.unsorted_segment_mean(D, ids, 4), [[3, 4], [0, 0], [3, 4], [0, 0]])
    check(tf.math.unsorted_segment_max(D, ids, 4), [[3, 4], [LOW, LOW], [5, 6], [LOW, LOW]])
    check(tf.math.unsorted_segment_min(D, ids, 4), [[3, 4], [HIGH, HIGH], [1, 2], [HIGH, HIGH]])
    check(tf.math.unsorted_segment_prod(D, ids, 4), [[3, 4], [1, 1], [5, 12], [1, 1]])
    y = tf.math.unsorted_segment_sqrt_n(D, ids, 4).numpy()
    np.testing.assert_allclose(y[2], np.array([6, 8]) / np.sqrt(2), rtol=1e-6)
    check(tf.math.unsorted_segment_max(tf.constant([1, 5, 3]), [0, 0, 2], 3),
          [5, np.iinfo(np.int32).min, 3])
    check(tf.math.unsorted_segment_sum(D, [[0, 1], [1, 0], [0, 0], [1, 1]], 2), [16, 20])


def test_unsorted_id_errors():
    with pytest.raises(InvalidArgumentError, match=r"segment_ids\[3\] = 4 is out of range"):
        tf.math.unsorted_segment_sum(D, [2, 0, 2, 4], 4)
    with pytest.raises(InvalidArgumentError, match="does not start with"):
        tf.math.unsorted_segment_max(D, [0, 1], 2)


def test_gradients_share_ties_and_handle_zeros():
    x, ids = [1.0, 3.0, 3.0, 2.0], [0, 0, 0, 1]
    check(grads(lambda t: tf.math.segment_max(t, ids), x)[0], [0, 0.5, 0.5, 1])
    check(grads(lambda t: tf.math.segment_min(t, ids), x)[0], [1, 0, 0, 1])
    check(grads(lambda t: tf.math.segment_prod(t, ids), x)[0], [9, 3, 3, 1])
    check(grads(lambda t: tf.math.unsorted_segment_prod(t, ids, 3), [1.0, 0.0, 3.0, 2.0])[0],
          [0, 3, 0, 1])
    two_zeros = grads(lambda t: tf.math.segment_prod(t, [0, 0, 0]), [0.0, 0.0, 3.0])[0]
    check(two_zeros, [0, 0, 0])
    check(grads(lambda t: tf.math.unsorted_segment_max(t, [0, 0, 0, -1], 3), x)[0],
          [0, 0.5, 0.5, 0])
    g = grads(lambda t: tf.math.unsorted_segment_sqrt_n(t, [0, 0, 0, -1], 3), x)[0]
    np.testing.assert_allclose(g.numpy(), [3 ** -0.5] * 3 + [0], rtol=1e-6)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), n=st.integers(1, 6), width=st.integers(0, 3))
def test_unsorted_sum_matches_a_loop(data, n, width):
    ids = data.draw(arrays(np.int32, n, elements=st.integers(-1, 3)))
    x = data.draw(arrays(np.float64, (n, width), elements=st.floats(-5, 5)))
    expected = np.zeros((4, width))
    for i, row in zip(ids, x):
        if i >= 0:
            expected[i] += row
    np.testing.assert_allclose(tf.math.unsorted_segment_sum(x, ids, 4).numpy(), expected)
    g = grads(lambda t: tf.math.unsorted_segment_max(t, ids, 4), x)[0]
    assert tuple(g.shape) == x.shape


def test_bincount():
    check(tf.math.bincount([1, 1, 3, 0]), [1, 2, 0, 1], tf.int32)
    check(tf.math.bincount([1, 1, 3, 0], minlength=6, maxlength=2), [1, 2])
    check(tf.math.bincount([1, 1, 3, 0], weights=[0.5, 1, 2, 3]), [3, 1.5, 0, 2])
    check(tf.math.bincount([[1, 1], [3, 0]], axis=-1), [[0, 2, 0, 0], [1, 0, 0, 1]])
    check(tf.math.bincount([[1, 1], [3, 0]], axis=-1, binary_output=True),
          [[0, 1, 0, 0], [1, 0, 0, 1]])
    check(tf.math.bincount(tf.constant([], tf.int32)), np.zeros(0, np.int32))
    assert tf.math.bincount([1, 2], dtype=tf.float64).dtype == tf.float64
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        tf.math.bincount([1, -1])


def test_confusion_matrix():
    check(tf.math.confusion_matrix([1, 2, 4], [2, 2, 4]),
          np.array([[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0] * 5,
                    [0, 0, 0, 0, 1]]), tf.int32)
    m = tf.math.confusion_matrix([1, 2, 4], [2, 2, 4], num_classes=6, weights=[1.0, 2, 3],
                                 dtype=tf.float32)
    assert m.shape == (6, 6) and m.numpy()[4, 4] == 3
    with pytest.raises(InvalidArgumentError, match="out of bound"):
        tf.math.confusion_matrix([1, 2, 4], [2, 2, 4], num_classes=3)
    with pytest.raises(InvalidArgumentError, match="negative"):
        tf.math.confusion_matrix([1, -2], [2, 2])


def test_histogram_fixed_width():
    values = [-1.0, 0.0, 1.5, 2.0, 5.0, 15]
    check(tf.histogram_fixed_width(values, [0.0, 5.0], nbins=5), [2, 1, 1, 0, 2], tf.int32)
    check(tf.histogram_fixed_width_bins(values, [0.0, 5.0], nbins=5), [0, 0, 1, 2, 4, 4])
    check(tf.histogram_fixed_width([1, 2, 3], [0, 5], nbins=2), [2, 1])
    with pytest.raises(InvalidArgumentError, match="value_range"):
        tf.histogram_fixed_width([1.0], [5.0, 0.0], nbins=2)
    with pytest.raises(InvalidArgumentError, match="NaN"):
        tf.histogram_fixed_width([1.0, np.nan], [0.0, 5.0], nbins=2)
