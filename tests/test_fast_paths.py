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


# --- slices on the engine's path: gradients, jacobians, forward mode, traces, variables -------

def _rows_fn(x):
    return tf.stack([x[i] * x[-1 - i] for i in range(3)]) * x[1, 0]


def test_slice_gradients_accumulate_into_one_buffer_and_match_the_rule():
    a = np.random.default_rng(1).standard_normal((3, 2))
    x = tf.constant(a)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = _rows_fn(x)
        z = tf.reduce_sum(y)
    first = tape.gradient(z, x)                 # first order: the engine adds at the key
    with tf.GradientTape() as outer:            # recorded: the rule, as ops
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            z2 = tf.reduce_sum(_rows_fn(x))
        recorded = inner.gradient(z2, x)
    np.testing.assert_allclose(first, recorded, rtol=1e-12)
    # a gradient does not write into what an earlier one returned
    again = tape.gradient(z, x)
    np.testing.assert_array_equal(first, again)


def test_a_slice_of_a_target_does_not_write_into_the_shared_seed():
    x = tf.constant(np.arange(6.0).reshape(3, 2))
    for _ in range(2):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.identity(x)
            z = y[1] * 3.0
        g = tape.gradient([y, z], x)
        np.testing.assert_array_equal(g, [[1, 1], [4, 4], [1, 1]])
    np.testing.assert_array_equal(tf.ones_like(x), np.ones((3, 2)))


def test_jacobian_through_rows_unstack_and_elements():
    a = np.random.default_rng(2).standard_normal((3, 2))
    x = tf.constant(a)
    for f in (_rows_fn, lambda x: tf.stack(tf.unstack(x, axis=1)) * x[0, 1],
              lambda x: tf.concat(tf.split(x, 2, axis=1) + [x[:, 1:]], 0)):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = f(x)
        jac = tape.jacobian(y, x)
        loop = tape.jacobian(y, x, experimental_use_pfor=False)
        np.testing.assert_allclose(jac, loop, rtol=1e-12)


def test_forward_mode_through_slices():
    a = np.random.default_rng(3).standard_normal((3, 2))
    t = np.random.default_rng(4).standard_normal((3, 2))
    x = tf.constant(a)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(t)) as acc:
        y = tf.stack([x[i] for i in range(3)]) + tf.unstack(x)[1] + x[-1, 0]
    np.testing.assert_allclose(acc.jvp(y), np.stack([t[i] for i in range(3)]) + t[1] + t[2, 0])


def test_traced_slice_loop_and_its_gradient_replay_on_new_inputs():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.stack([x[i] * x[i] for i in range(3)]))
        return tape.gradient(y, x)

    for seed in (5, 6):
        a = np.random.default_rng(seed).standard_normal((3, 2))
        np.testing.assert_allclose(f(tf.constant(a)), 2 * a)


def test_variable_rows_read_fast_and_keep_assign():
    v = tf.Variable(np.arange(6.0).reshape(3, 2))
    for key in (1, -1, (0, 1), (-3, -2), slice(0, 2), (slice(None), 1)):
        s = v[key]
        assert isinstance(s, tf.Tensor) and not isinstance(s, tf.Variable)
        np.testing.assert_array_equal(s, np.arange(6.0).reshape(3, 2)[key])
    assert s._variable is v and s._key == (slice(None), 1)
    v[-1].assign([10.0, 11.0])
    v[0, -1].assign(5.0)
    np.testing.assert_array_equal(v, [[0, 5], [2, 3], [10, 11]])
    with tf.GradientTape() as tape:
        y = v[2] * v[2] + v[-3, 1]
    np.testing.assert_array_equal(tape.gradient(y, v), [[0, 2], [0, 0], [20, 22]])
    assert not hasattr(tf.constant([1.0])[0], "assign")


@pytest.mark.parametrize("key", [3, -4, (0, 2), (3, 0), (0, -3)])
def test_out_of_range_indices_raise_tf_errors(key):
    for x in (tf.constant(np.zeros((3, 2))), tf.Variable(np.zeros((3, 2)))):
        with pytest.raises(tf.errors.InvalidArgumentError, match="out of bounds"):
            x[key]


def test_a_zero_step_and_too_many_indices_raise_tf_errors():
    x = tf.constant(np.zeros((3, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError):
        x[::0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Index out of range"):
        x[0, 0, 0]


def test_engine_rejects_non_slice_types():
    with pytest.raises(TypeError):
        _engine.set_variable_slice_type(tf.Tensor)
