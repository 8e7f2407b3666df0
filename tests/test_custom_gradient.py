"""tf.custom_gradient: first and second order, variables, nested outputs, errors."""

import numpy as np
import pytest

import fasttape as tf
from tests.helpers import grad_and_second


def _log1pexp():
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))
        return tf.math.log(1 + e), grad
    return log1pexp


def test_gradient_comes_from_grad_fn():
    log1pexp = _log1pexp()
    x = tf.constant(100.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = log1pexp(x)
    # the naive gradient e/(1+e) is nan at 100 in float32; grad_fn's form is 1.0
    assert float(t.gradient(y, x)) == 1.0


def test_without_a_tape_returns_the_value_only():
    log1pexp = _log1pexp()
    y = log1pexp(tf.constant(0.0))
    assert isinstance(y, tf.Tensor)
    np.testing.assert_allclose(y.numpy(), np.log(2.0), rtol=1e-6)


def test_ops_inside_are_not_differentiated_directly():
    @tf.custom_gradient
    def scaled(x):
        return x * x, lambda g: g * 100.0
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = scaled(x)
    assert float(t.gradient(y, x)) == 100.0


def test_second_order_differentiates_grad_fn():
    @tf.custom_gradient
    def cube(x):
        return x ** 3, lambda g: g * 3 * x * x
    dy, d2y = grad_and_second(cube, np.float64(2.0))
    assert float(dy) == 12.0
    assert float(d2y) == 12.0     # d/dx 3x^2 = 6x at 2


def test_second_order_matches_finite_differences():
    @tf.custom_gradient
    def f(x):
        s = tf.sin(x)
        return s * x, lambda g: g * (tf.cos(x) * x + s)
    x0 = 0.7
    d2 = float(grad_and_second(f, np.float64(x0))[1])

    def first(v):
        return np.cos(v) * v + np.sin(v)
    eps = 1e-6
    assert d2 == pytest.approx((first(x0 + eps) - first(x0 - eps)) / (2 * eps), rel=1e-6)


def test_several_inputs_and_outputs():
    @tf.custom_gradient
    def f(x, y):
        def grad(da, db):
            return da * y + db, da * x + db
        return (x * y, x + y), grad
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch([x, y])
        a, b = f(x, y)
        z = a + 10 * b
    gx, gy = t.gradient(z, [x, y])
    assert (float(gx), float(gy)) == (13.0, 12.0)


def test_unused_output_gets_a_zero_upstream():
    seen = []

    @tf.custom_gradient
    def f(x):
        def grad(da, db):
            seen.append((float(da), float(db)))
            return da + db
        return (2 * x, 3 * x), grad
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        a, _ = f(x)
    assert float(t.gradient(a, x)) == 1.0
    assert seen == [(1.0, 0.0)]


def test_nested_output_structure_is_kept():
    @tf.custom_gradient
    def f(x):
        return {"double": 2 * x, "pair": (x, 3 * x)}, lambda a, b, c: 2 * a + b + 3 * c
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        out = f(x)
        total = out["double"] + out["pair"][0] + out["pair"][1]
    assert set(out) == {"double", "pair"} and isinstance(out["pair"], tuple)
    assert float(t.gradient(total, x)) == 6.0


def test_variables_form_gives_variable_gradients():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        def grad(upstream, variables=None):
            assert len(variables) == 1 and variables[0] is v
            return upstream * v, [upstream * x * 100]
        return x * v, grad
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = f(x)
    gx, gv = t.gradient(y, [x, v])
    assert (float(gx), float(gv)) == (2.0, 300.0)


def test_variables_without_a_variables_argument_raise_type_error():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        return x * v, lambda upstream: upstream * v
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        with pytest.raises(TypeError, match="variables"):
            f(x)


def test_grad_fn_with_the_wrong_number_of_gradients_raises():
    @tf.custom_gradient
    def f(x, y):
        return x * y, lambda g: g
    x, y = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch([x, y])
        z = f(x, y)
    with pytest.raises(ValueError, match="expected to return 2 gradients, but returned 1"):
        t.gradient(z, [x, y])


def test_outer_tapes_resume_recording_after_the_call():
    @tf.custom_gradient
    def f(x):
        return 2 * x, lambda g: 2 * g
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = f(x) * x         # the multiply after the call is recorded again
    assert float(t.gradient(y, x)) == 4.0


def test_python_number_arguments_are_inputs_as_in_tf():
    # TF's documented example: the norm is a Python float, converted to a tensor, and
    # grad_fn returns a gradient (None) for it too
    @tf.custom_gradient
    def clip_gradient_by_norm(x, norm):
        y = tf.identity(x)

        def grad_fn(dresult):
            return [tf.clip_by_norm(dresult, norm), None]
        return y, grad_fn

    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = clip_gradient_by_norm(x, 1.0) * 10.0
    # the upstream [10, 10] clipped to norm 1
    np.testing.assert_allclose(t.gradient(y, x).numpy(), [0.5 ** 0.5] * 2, rtol=1e-6)


def test_a_python_number_argument_needs_its_gradient_slot():
    @tf.custom_gradient
    def scale(x, k):
        return x * k, lambda g: g * k
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = scale(x, 3.0)
    with pytest.raises(ValueError, match="expected to return 2 gradients, but returned 1"):
        t.gradient(y, x)
