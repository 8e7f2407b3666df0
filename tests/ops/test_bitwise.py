"""tf.bitwise: values, dtypes, shift clamping and errors (TF 2.21's CPU behaviour)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

import fasttape as tf
from fasttape.errors import InvalidArgumentError
from tests.helpers import check

INTS = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)


def test_the_six_functions():
    b = tf.bitwise
    check(b.bitwise_and(tf.constant([5, 3]), tf.constant([3, 1])), [1, 1], tf.int32)
    check(b.bitwise_or([5, 3], 8), [13, 11], tf.int32)
    check(b.bitwise_xor([5, 3], [1, 1]), [4, 2], tf.int32)
    check(b.invert(tf.constant([0, 5], tf.uint8)), [255, 250], tf.uint8)
    check(b.left_shift([1, -8], [2, 1]), [4, -16])
    check(b.right_shift([-8, 8], [1, 2]), [-4, 2])


def test_shifts_are_clamped_to_the_bit_width():
    check(tf.bitwise.left_shift([1, 1], [31, 33]), [-2 ** 31, -2 ** 31])
    check(tf.bitwise.right_shift([8, 8], [40, -1]), [0, 8])
    check(tf.bitwise.left_shift(tf.constant([1], tf.uint8), tf.constant([9], tf.uint8)), [128])
    check(tf.bitwise.right_shift(tf.constant([-1], tf.int8), tf.constant([9], tf.int8)), [-1])


@pytest.mark.parametrize("value", [[1.0], [True]])
def test_non_integers_are_refused(value):
    with pytest.raises(InvalidArgumentError, match="not in the list of allowed values"):
        tf.bitwise.bitwise_and(tf.constant(value), tf.constant(value))
    with pytest.raises(InvalidArgumentError):
        tf.bitwise.invert(tf.constant(value))


def test_mixed_dtypes_and_shapes_raise():
    with pytest.raises(InvalidArgumentError):
        tf.bitwise.bitwise_and(tf.constant([1]), tf.constant([1], tf.int64))
    with pytest.raises(InvalidArgumentError):
        tf.bitwise.bitwise_or(tf.constant([1, 2]), tf.constant([1, 2, 3]))


@settings(max_examples=30, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(INTS))
def test_matches_numpy_with_broadcasting(data, dtype):
    shapes = data.draw(mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    x, y = (data.draw(arrays(dtype, s)) for s in shapes.input_shapes)
    for fn, ref in ((tf.bitwise.bitwise_and, np.bitwise_and),
                    (tf.bitwise.bitwise_or, np.bitwise_or),
                    (tf.bitwise.bitwise_xor, np.bitwise_xor)):
        out = fn(x, y)
        assert out.dtype == tf.as_dtype(dtype)
        check(out, ref(x, y))
    check(tf.bitwise.invert(x), np.invert(x))


def test_no_gradient_path():
    x = tf.constant([1, 2])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.bitwise.bitwise_and(x, 3)
    assert t.gradient(y, x) is None
