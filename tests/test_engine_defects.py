"""Regression tests: float16 gradients through fused-kernel ops, jacobians of an
IndexedSlices target, tf.constant on a list of tensors, and the order in which
IndexedSlices pieces are concatenated (TF's backward visit order)."""

import numpy as np
import pytest

import fasttape as tf


@pytest.mark.parametrize("fn, deriv", [
    (tf.square, lambda x: 2 * x),
    (tf.exp, np.exp),
    (tf.tanh, lambda x: 1 - np.tanh(x) ** 2),
    (tf.sigmoid, lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    (tf.nn.relu, lambda x: (x > 0).astype(x.dtype)),
    (tf.sin, np.cos),
    (tf.math.log, lambda x: 1 / x),
    (tf.sqrt, lambda x: 0.5 / np.sqrt(x)),
])
def test_float16_gradient_of_an_op_with_a_fused_backward_kernel(fn, deriv):
    x = tf.constant(np.array([0.5, 1.5, 2.0], np.float16))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    g = tape.gradient(y, x)
    assert g.dtype == tf.float16
    np.testing.assert_allclose(np.asarray(g, np.float64),
                               deriv(np.asarray(x, np.float64)), rtol=5e-3, atol=5e-3)


def test_float16_binary_gradient():
    a = tf.constant(np.array([1.0, 2.0], np.float16))
    b = tf.constant(np.array([3.0, 4.0], np.float16))
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = a * b / (a + b)
    ga, gb = tape.gradient(y, [a, b])
    assert ga.dtype == gb.dtype == tf.float16


def _inner_gather_gradient(p):
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.gather(p, [2, 0, 2]) ** 2)
        g = inner.gradient(y, p)
    return outer, g


def test_jacobian_of_an_indexed_slices_target_is_that_of_its_dense_tensor():
    p = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    outer, g = _inner_gather_gradient(p)
    assert isinstance(g, tf.IndexedSlices)
    j = outer.jacobian(g, p)
    assert j.shape == (3, 2, 3, 2)
    # g = 2 p at row 0, 4 p at row 2 (gathered twice), 0 at row 1
    want = np.zeros((6, 6), np.float32)
    want[0, 0] = want[1, 1] = 2.0
    want[4, 4] = want[5, 5] = 4.0
    np.testing.assert_array_equal(np.asarray(j).reshape(6, 6), want)


def test_jacobian_of_an_unconnected_indexed_slices_target():
    p = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.gather(p, [1]))
        g = inner.gradient(y, p)
    assert outer.jacobian(g, p) is None
    z = outer.jacobian(g, p, unconnected_gradients="zero")
    assert z.shape == (2, 2, 2, 2) and not np.any(np.asarray(z))


@pytest.mark.parametrize("value", [
    lambda t: [t, t], lambda t: [t, 5.0], lambda t: (t,), lambda t: [[t[0]]],
    lambda t: [tf.Variable(1.0)],
])
def test_constant_refuses_a_list_of_tensors(value):
    t = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError, match="tf.stack"):
        tf.constant(value(t))


def test_constant_still_takes_a_tensor_and_nested_lists():
    assert tf.constant(tf.constant([1.0, 2.0])).shape == (2,)
    assert tf.constant([[1, 2], [3, 4]]).dtype == tf.int32
    assert tf.convert_to_tensor([tf.constant(1.0), tf.constant(2.0)]).shape == (2,)


def _sparse_grad(f):
    p = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        s = f(p)
    g = tape.gradient(s, p)
    return np.asarray(g.indices).tolist(), np.asarray(g.values)[:, 0].tolist()


# (function, TF 2.21's indices and values) -- TF visits ops first-in first-out from
# the target and concatenates the pieces in that order
ORDERS = [
    (lambda p: (tf.reduce_sum(tf.gather(p, [2, 1]) * 1.0)
                + tf.reduce_sum(tf.gather(p, [0]) * 2.0))
     + tf.reduce_sum(tf.gather(p, [1]) * 3.0),
     ([1, 2, 1, 0], [3.0, 1.0, 1.0, 2.0])),
    (lambda p: (tf.reduce_sum(tf.gather(p, [1]) * 3.0)
                + tf.reduce_sum(tf.gather(p, [2, 1]) * 1.0))
     + tf.reduce_sum(tf.gather(p, [0]) * 2.0),
     ([0, 1, 2, 1], [2.0, 3.0, 1.0, 1.0])),
    (lambda p: tf.reduce_sum(tf.gather(p, [[2, 0], [1, 1]])
                             * tf.constant([[[1.0], [2.0]], [[3.0], [4.0]]]))
     + tf.reduce_sum(tf.gather(p, [0])) * 5.0,
     ([2, 0, 1, 1, 0], [1.0, 2.0, 3.0, 4.0, 5.0])),
    (lambda p: tf.reduce_sum(tf.concat([tf.gather(p, [0]) * 1.0, tf.gather(p, [1]) * 2.0,
                                        tf.gather(p, [2]) * 3.0], 0)),
     ([0, 1, 2], [1.0, 2.0, 3.0])),
]


def _loop(p):
    total = 0.0
    for k, idx in enumerate([[2], [0, 1], [1]]):
        total = total + tf.reduce_sum(tf.gather(p, idx)) * (k + 1.0)
    return total


ORDERS.append((_loop, ([1, 0, 1, 2], [3.0, 2.0, 2.0, 1.0])))


@pytest.mark.parametrize("f, want", ORDERS)
def test_indexed_slices_pieces_keep_tf_order(f, want):
    assert _sparse_grad(f) == (want[0], want[1])
