"""Gradients through fasttape.function: tapes outside the call (arguments, captured
Variables, nesting, jacobians) and tapes inside it (the train-step pattern)."""

import numpy as np
import pytest

import fasttape as tf
from tests.helpers import check


@tf.function
def poly(x, w):
    return tf.reduce_sum(tf.sin(x) * w + x * x)


def eager_poly(x, w):
    return tf.reduce_sum(tf.sin(x) * w + x * x)


def test_tape_outside_reaches_arguments_in_any_order():
    x = tf.constant([0.5, 1.0])
    w = tf.constant([2.0, 3.0])
    poly(x, w)                                # traced before the tape
    for f in (poly, eager_poly):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([x, w])
            y = f(x, w)
        gw, gx = tape.gradient(y, [w, x])
        check(gx, np.cos([0.5, 1.0]).astype(np.float32) * [2.0, 3.0] + 2 * np.array([0.5, 1.0]))
        np.testing.assert_allclose(gw, np.sin([0.5, 1.0]), rtol=1e-6)


def test_tape_outside_reaches_captured_variables():
    v = tf.Variable(2.0)

    @tf.function
    def f(x):
        return v * v * x

    f(tf.constant(1.0))
    with tf.GradientTape() as tape:
        y = f(tf.constant(3.0))
    check(tape.gradient(y, v), 12.0)
    # unwatched tensor argument: None
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = f(x)
    assert tape.gradient(y, x) is None


def test_second_order_through_the_call():
    @tf.function
    def f(x):
        return x * x * x

    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    check(g, 12.0)
    check(outer.gradient(g, x), 12.0)


def test_jacobian_through_the_call():
    @tf.function
    def f(x):
        return tf.sin(x) * 2.0

    x = tf.constant([0.1, 0.2, 0.3])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    np.testing.assert_allclose(tape.jacobian(y, x), np.diag(2 * np.cos([0.1, 0.2, 0.3])),
                               rtol=1e-6)


def test_train_step_pattern_tape_inside():
    w = tf.Variable([1.0, -1.0])
    b = tf.Variable(0.5)

    def step(x, y):
        with tf.GradientTape() as tape:
            pred = tf.reduce_sum(w * x) + b
            loss = tf.square(pred - y)
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
        return loss

    traced = tf.function(step)
    w2, b2 = tf.Variable([1.0, -1.0]), tf.Variable(0.5)
    data = [([1.0, 2.0], 1.0), ([0.5, -1.0], 0.0), ([2.0, 2.0], 3.0)] * 3
    losses = [traced(tf.constant(x), tf.constant(y)) for x, y in data]
    w_t, b_t = w.numpy(), b.numpy()
    w.assign(w2)
    b.assign(b2)
    eager = [step(tf.constant(x), tf.constant(y)) for x, y in data]
    for a, e in zip(losses, eager):
        check(a, e.numpy())
    check(w, w_t)
    check(b, b_t)
    assert traced.experimental_get_tracing_count() == 1


def test_tape_inside_unconnected_is_none_and_jacobian_and_nested():
    @tf.function
    def f(x, z):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x * x * x
            g = inner.gradient(y, x)
        jac = outer.jacobian(g, x)
        return g, jac, outer.gradient(y, z)

    for v in ([1.0, 2.0], [3.0, -1.0]):
        x = tf.constant(v)
        g, jac, none = f(x, tf.constant(1.0))
        check(g, 3 * np.square(v))
        check(jac, np.diag(6 * np.array(v)))
        assert none is None


def test_tape_inside_and_outside_together():
    v = tf.Variable(3.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            y = v * v * x
        return tape.gradient(y, v)          # 2 v x

    f(tf.constant(1.0))
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        g = f(x)
    check(g, 12.0)
    check(outer.gradient(g, x), 6.0)


def test_value_dependent_branch_gradients_follow_the_branch():
    @tf.function
    def f(x):
        if x > 0:
            return x * x
        return 3.0 * x

    for v, want in [(2.0, 4.0), (-2.0, 3.0), (1.0, 2.0)]:
        x = tf.constant(v)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        check(tape.gradient(y, x), want)


@pytest.mark.parametrize("shape", [(), (16,), (2, 3)])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_register_path_matches_eager_bitwise(dtype, shape):
    def chain(x):
        y = x
        for _ in range(20):
            y = tf.sin(y) * 1.1 + tf.exp(y * 0.1) - tf.sqrt(tf.square(y) + 1.0)
            y = tf.tanh(y) / 0.9 + tf.sigmoid(y) ** 1.5 + tf.log1p(tf.square(y))
        return y

    def grad_of(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = chain(x)
        return y, tape.gradient(y, x)

    traced = tf.function(grad_of)
    rng = np.random.default_rng(0)
    for v in (0.3, -1.7, 2.5, 0.01):
        x = tf.constant(v + 0.1 * rng.standard_normal(shape), dtype)
        y1, g1 = traced(x)
        y2, g2 = grad_of(x)
        assert y1.numpy().tobytes() == y2.numpy().tobytes()
        # (traced, the backward runs as the rules' ops, eager through fused kernels:
        # the same formulas, rounded in another order)
        np.testing.assert_allclose(g1, g2, rtol=1e-5 if dtype == tf.float32 else 1e-13,
                                   atol=1e-6 if dtype == tf.float32 else 1e-14)
    program = list(traced._entries.values())[0].programs[0]
    assert program.num_register_instructions > 100


def test_gather_gradient_inside_follows_the_indices():
    @tf.function
    def g(p, i):
        with tf.GradientTape() as t:
            t.watch(p)
            y = tf.reduce_sum(tf.gather(p, i) * 2.0)
        return tf.convert_to_tensor(t.gradient(y, p))

    p = tf.constant([1.0, 3.0, 2.0])
    check(g(p, tf.constant([0])), [2.0, 0.0, 0.0])
    check(g(p, tf.constant([2, 2])), [0.0, 0.0, 4.0])
    check(g(p, tf.constant([1])), [0.0, 2.0, 0.0])
