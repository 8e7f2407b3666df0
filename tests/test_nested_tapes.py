"""Nested tapes and higher-order derivatives (as TensorFlow 2.21 behaves)."""

import numpy as np
import pytest

import fasttape as tf


def value(t):
    return np.asarray(t)


def test_second_derivative_of_a_cube():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 3
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert value(dy) == 27.0 and value(d2y) == 18.0


def test_third_derivative_with_three_tapes():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = x ** 4
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    assert (value(d1), value(d2), value(d3)) == (108.0, 108.0, 72.0)


def test_higher_orders_through_unary_ops():
    x = tf.constant(0.5, dtype=tf.float64)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.sin(x) * tf.exp(x)
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    # (sin e^x)''' = 2 e^x (cos x - sin x)
    np.testing.assert_allclose(value(d2), 2 * np.exp(0.5) * np.cos(0.5))
    np.testing.assert_allclose(value(d3), 2 * np.exp(0.5) * (np.cos(0.5) - np.sin(0.5)))


def test_inner_gradient_after_the_outer_block_is_not_seen():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 3
    dy = inner.gradient(y, x)            # the outer tape no longer records
    assert outer.gradient(dy, x) is None


def test_inner_gradient_inside_the_inner_block_is_seen_by_the_outer_tape():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 3
            dy = inner.gradient(y, x)
    assert value(outer.gradient(dy, x)) == 18.0


def test_outer_call_may_happen_outside_the_outer_block():
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
    assert value(outer.gradient(dy, x)) == 12.0


def test_mixed_partials_are_symmetric():
    a, b = tf.Variable(1.5), tf.Variable(-0.5)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            f = tf.sin(a * b) + a * a * b
        ga, gb = inner.gradient(f, [a, b])
    dab = outer.gradient(ga, b)
    dba = outer.gradient(gb, a)
    np.testing.assert_allclose(value(dab), value(dba), rtol=1e-6)
    expected = np.cos(-0.75) - (-0.75) * np.sin(-0.75) + 3.0
    np.testing.assert_allclose(value(dab), expected, rtol=1e-6)


def test_hessian_is_the_jacobian_of_the_gradient():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            f = x[0] ** 2 * x[1] + x[1] ** 3
        g = inner.gradient(f, x)
    h = outer.jacobian(g, x)
    # f = x0^2 x1 + x1^3: H = [[2 x1, 2 x0], [2 x0, 6 x1]]
    np.testing.assert_allclose(value(h), [[4.0, 2.0], [2.0, 12.0]])


@pytest.mark.parametrize("option, expected", [("none", None), ("zero", 0.0)])
def test_second_derivative_of_a_linear_function(option, expected):
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * 2.0
        dy = inner.gradient(y, x)
    d2 = outer.gradient(dy, x, unconnected_gradients=option)
    assert d2 is None if expected is None else value(d2) == expected


def test_seed_notebook_second_derivatives():
    x, y = tf.Variable(3.0), tf.Variable(4.0)
    with tf.GradientTape(persistent=True) as tape2:
        with tf.GradientTape(persistent=True) as tape1:
            f = tf.square(x) + 2 * tf.square(y) + 1
        first = tape1.gradient(f, [x, y])
    second = [tape2.gradient(first, [x, y])]
    assert value(f) == 42.0
    assert [value(g) for g in first] == [6.0, 16.0]
    assert [value(g) for g in second[0]] == [2.0, 4.0]
    assert str(first) == ("[<fasttape.Tensor: shape=(), dtype=float32, numpy=6.0>, "
                          "<fasttape.Tensor: shape=(), dtype=float32, numpy=16.0>]")


def test_seed_notebook_vector_second_derivatives():
    x, y = tf.Variable([1.0, 2.0, 3.0]), tf.Variable([4.0, 5.0, 6.0])
    with tf.GradientTape(persistent=True) as tape2:
        with tf.GradientTape(persistent=True) as tape1:
            f = tf.square(x) + 2 * tf.square(y) + 1
        gx, gy = tape1.gradient(f, [x, y])
    np.testing.assert_array_equal(value(f), [34.0, 55.0, 82.0])
    np.testing.assert_array_equal(value(gx), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(value(gy), [16.0, 20.0, 24.0])
    np.testing.assert_array_equal(value(tape2.gradient(gx, x)), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(value(tape2.gradient(gy, y)), [4.0, 4.0, 4.0])


def test_inner_non_persistent_tape_is_enough():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            y = tf.square(x) * x
        dy = inner.gradient(y, x)
    assert value(outer.gradient(dy, x)) == 18.0
    with pytest.raises(RuntimeError):
        inner.gradient(y, x)


def test_higher_order_gradients_through_broadcasting():
    x = tf.Variable([[1.0], [2.0]])          # (2, 1), broadcast against (3,)
    c = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum((x * c) ** 2)
        g = inner.gradient(y, x)             # 2 x sum(c^2) = 28 x
    h = outer.gradient(g, x)
    assert g.shape == (2, 1) and h.shape == (2, 1)
    np.testing.assert_allclose(value(g), [[28.0], [56.0]])
    np.testing.assert_allclose(value(h), [[28.0], [28.0]])


def test_gradient_of_a_gradient_wrt_the_upstream_weights():
    x = tf.Variable([1.0, 2.0])
    w = tf.constant([3.0, 4.0])
    with tf.GradientTape() as outer:
        outer.watch(w)
        with tf.GradientTape() as inner:
            y = x * x
        g = inner.gradient(y, x, output_gradients=w)    # 2 x w
    np.testing.assert_allclose(value(outer.gradient(g, w)), [2.0, 4.0])


def test_a_jacobian_taken_under_an_outer_tape_is_differentiable():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 3
        j = inner.jacobian(y, x)                # diag(3 x^2)
    np.testing.assert_array_equal(value(j), np.diag([3.0, 12.0]))
    np.testing.assert_array_equal(value(outer.gradient(j, x)), [6.0, 12.0])


def test_a_batch_jacobian_taken_under_an_outer_tape_is_differentiable():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 3
        j = inner.batch_jacobian(y, x)          # per row diag(3 x^2)
    assert j.shape == (2, 2, 2)
    np.testing.assert_array_equal(value(j)[1], np.diag([27.0, 48.0]))
    np.testing.assert_array_equal(value(outer.gradient(j, x)), [[6.0, 12.0], [18.0, 24.0]])
