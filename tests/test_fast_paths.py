"""The fast paths of x[i], stack and concat give exactly what the general paths give:
values, dtypes, errors, gradients (first and second order) and Variable slices."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fasttape as tf
from fasttape import _engine


@settings(max_examples=40, deadline=None)
@given(st.integers(-6, 5), st.sampled_from([np.float16, np.float32, np.float64, np.int32,
                                            np.bool_]))
def test_int_index_matches_numpy(i, dtype):
    a = (np.arange(30).reshape(5, 6) % 3).astype(dtype)
    x = tf.constant(a)
    if -5 <= i < 5:
        out = x[i]
        assert out.dtype == x.dtype
        np.testing.assert_array_equal(out, a[i])
        np.testing.assert_array_equal(x[i, 1:4], a[i, 1:4])
        np.testing.assert_array_equal(x[1:4], a[1:4])
    else:
        with pytest.raises(tf.errors.InvalidArgumentError, match="out of bounds"):
            x[i]


def test_keys_off_the_fast_path_still_work():
    x = tf.constant(np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(x[np.int64(1)], [4.0, 5.0, 6.0, 7.0])
    np.testing.assert_array_equal(x[tf.constant(2)], [8.0, 9.0, 10.0, 11.0])
    np.testing.assert_array_equal(x[..., 1], [1.0, 5.0, 9.0])
    np.testing.assert_array_equal(x[None, 0], [[0.0, 1.0, 2.0, 3.0]])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.constant(3.0)[0]
    with pytest.raises(TypeError):
        x[1.5]
    v = tf.Variable(np.arange(4.0))
    v[1].assign(7.0)           # a Variable's slice keeps its assign
    np.testing.assert_array_equal(v, [0.0, 7.0, 2.0, 3.0])


def test_fast_path_only_takes_canonical_keys():
    a = np.arange(12.0).reshape(3, 4)
    x, v = tf.constant(a), tf.Variable(a)
    for key in (1, -3, (1, slice(0, 2)), (slice(None, None, -1),), (-1, -4), slice(1, 9, 2)):
        np.testing.assert_array_equal(_engine.basic_slice(x, key), a[key])
        np.testing.assert_array_equal(_engine.basic_slice(v, key), a[key])
    for key in (3, -4, (0, 4), (0, 0, 0), (Ellipsis,), (None,), slice(tf.constant(1), None),
                slice(0, 2, 0), True, 1.0, np.int64(1), [0, 1]):
        assert _engine.basic_slice(x, key) is None
        assert _engine.basic_slice(v, key) is None
    assert _engine.basic_slice(tf.constant(3.0), 0) is None


def test_gradients_through_rows_to_second_order():
    a = np.random.default_rng(0).standard_normal((4, 3))
    x = tf.constant(a)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.stack([x[i] ** 3 for i in range(4)]))
        g = inner.gradient(y, x)
    np.testing.assert_allclose(g, 3 * a ** 2)
    np.testing.assert_allclose(outer.gradient(g, x), 6 * a)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int32, np.bool_, np.complex64])
def test_stack_keeps_dtype_and_axis(dtype):
    pieces = [np.ones((2, 3), dtype=dtype) for _ in range(4)]
    for axis in (0, 1, -1):
        out = tf.stack([tf.constant(p) for p in pieces], axis=axis)
        want = np.stack(pieces, axis=axis)
        assert out.dtype == tf.as_dtype(dtype) and tuple(out.shape) == want.shape
        np.testing.assert_array_equal(out, want)


def test_stack_and_concat_of_mixed_inputs_convert_as_before():
    out = tf.stack([tf.constant(1.0), 2.0, 3])
    assert out.dtype == tf.float32
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Shapes of all inputs"):
        tf.stack([tf.zeros([2]), tf.zeros([3])])
    out = tf.concat([tf.constant([1.0]), [2.0, 3.0]], 0)
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])
