"""Edge cases of fasttape/ops/math_ops.py: the values, gradients, dtypes and errors that
TensorFlow 2.21 gives (observed), and fasttape's deliberate differences."""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError
from fasttape.ops import math_ops
from tests.helpers import grad_and_second


def value_and_grads(f, *xs, weights=None):
    """f(*xs) and its gradients w.r.t. each x (None kept), via one persistent tape."""
    ts = [tf.constant(x) for x in xs]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(ts)
        y = f(*ts)
    out = None if weights is None else [tf.constant(weights, dtype=y.dtype)]
    grads = [tape.gradient(y, t, output_gradients=out) for t in ts]
    return y, [None if g is None else g.numpy() for g in grads]


def second_derivative(f, x):
    """d/dx sum(d f / dx) with nested tapes (elementwise f: the diagonal)."""
    return grad_and_second(f, x)[1]


def f32(*values):
    return np.array(values, dtype=np.float32)


# --- namespaces ---------------------------------------------------------------------

def test_names_live_where_tensorflow_puts_them():
    assert tf.round is tf.math.round and tf.floor is tf.math.floor
    assert tf.cumsum is tf.math.cumsum and tf.math.cumprod is math_ops.cumprod
    assert tf.norm is tf.linalg.norm
    assert tf.nn.softplus is tf.math.softplus and tf.nn.softsign is tf.math.softsign
    assert tf.nn.l2_normalize is tf.math.l2_normalize is tf.linalg.l2_normalize
    for name in ("ceil", "rint", "erf", "erfc", "squared_difference", "divide_no_nan", "xlogy",
                 "xdivy", "log_sigmoid", "reduce_euclidean_norm", "is_nan", "is_inf",
                 "is_finite"):
        assert callable(getattr(tf.math, name))
    assert callable(tf.nn.l2_loss)


# --- rounding -----------------------------------------------------------------------

def test_round_is_half_to_even():
    y = tf.round([0.5, 1.5, 2.5, -0.5, -1.5, 2.4])
    np.testing.assert_array_equal(y.numpy(), f32(0, 2, 2, -0.0, -2, 2))
    assert np.signbit(y.numpy()[3])
    np.testing.assert_array_equal(tf.math.rint([0.5, 1.5, 2.5]).numpy(), f32(0, 2, 2))


def test_round_returns_integers_unchanged():
    for dtype in (tf.int32, tf.int64, tf.uint8, tf.int8):
        y = tf.round(tf.constant([1, 2], dtype=dtype))
        assert y.dtype == dtype
        np.testing.assert_array_equal(y.numpy(), [1, 2])


@pytest.mark.parametrize("f", [tf.round, tf.floor, tf.math.ceil, tf.math.rint])
def test_rounding_has_no_gradient(f):
    _, (g,) = value_and_grads(f, f32(1.3, -2.5))
    assert g is None


@pytest.mark.parametrize("f", [tf.floor, tf.math.ceil, tf.math.rint, tf.math.is_nan,
                               tf.math.erf, tf.math.softplus, tf.nn.l2_loss])
def test_float_only_ops_refuse_integers(f):
    with pytest.raises(InvalidArgumentError):
        f(tf.constant([1, 2]))


def test_round_refuses_bool():
    with pytest.raises(InvalidArgumentError):
        tf.round(tf.constant([True]))


def test_floor_and_ceil_values():
    np.testing.assert_array_equal(tf.floor(np.array([-1.5, 1.5])).numpy(), [-2.0, 1.0])
    np.testing.assert_array_equal(tf.math.ceil([-1.5, 1.5]).numpy(), f32(-1, 2))


def test_nan_inf_finite_predicates():
    x = f32(np.nan, 1.0, np.inf, -np.inf)
    assert tf.math.is_nan(x).numpy().tolist() == [True, False, False, False]
    assert tf.math.is_inf(x).numpy().tolist() == [False, False, True, True]
    assert tf.math.is_finite(x).numpy().tolist() == [False, True, False, False]
    assert tf.math.is_nan(x).dtype == tf.bool


# --- erf ----------------------------------------------------------------------------

def test_erf_and_erfc_values_and_gradients():
    y, (g,) = value_and_grads(tf.math.erf, f32(0.0, 1.0, -3.0))
    np.testing.assert_allclose(y.numpy(), f32(0.0, 0.84270084, -0.999978), rtol=1e-6)
    np.testing.assert_allclose(g, f32(1.1283792, 0.41510752, 1.3925305e-04), rtol=1e-6)
    y, (g,) = value_and_grads(tf.math.erfc, f32(1.0, 10.0))
    np.testing.assert_allclose(y.numpy(), f32(0.15729922, 0.0), rtol=1e-6, atol=0)
    # TF gives -0.0 (its kernels flush subnormals); fasttape's exp keeps -4e-44
    assert g[1] <= 0 and abs(g[1]) < np.finfo(np.float32).tiny
    assert y.dtype == tf.float32


def test_erf_without_scipy_matches(monkeypatch):
    x = np.linspace(-4, 4, 41)
    expected = tf.math.erf(x).numpy(), tf.math.erfc(x.astype(np.float32)).numpy()
    monkeypatch.setattr(math_ops, "_special", None)
    np.testing.assert_allclose(tf.math.erf(x).numpy(), expected[0], rtol=1e-15)
    got = tf.math.erfc(x.astype(np.float32))
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), expected[1], rtol=1e-6)
    assert tf.math.erf(np.float64(0.5)).shape == ()


# --- squared difference, safe divisions ---------------------------------------------

def test_squared_difference_broadcasts_and_reduces_gradients():
    y, (gx, gy) = value_and_grads(tf.math.squared_difference, f32(1, 2)[None], f32(3, 5)[:, None])
    np.testing.assert_array_equal(y.numpy(), [[4, 1], [16, 9]])
    np.testing.assert_array_equal(gx, [[-12, -8]])
    np.testing.assert_array_equal(gy, [[6], [14]])


def test_squared_difference_dtypes():
    y = tf.math.squared_difference(tf.constant([1, 2]), tf.constant([3, 5]))
    assert y.dtype == tf.int32 and y.numpy().tolist() == [4, 9]
    assert tf.math.squared_difference(2.0, 3.0).numpy() == 1.0
    with pytest.raises(InvalidArgumentError):
        tf.math.squared_difference(True, False)
    with pytest.raises(InvalidArgumentError):
        tf.math.squared_difference(tf.constant([1.0]), tf.constant([1.0], tf.float64))


def test_divide_no_nan_is_zero_with_zero_gradients_where_the_divisor_is_zero():
    y, (gx, gy) = value_and_grads(tf.math.divide_no_nan, f32(1, 0, 2), f32(0, 0, 4))
    np.testing.assert_array_equal(y.numpy(), f32(0, 0, 0.5))
    np.testing.assert_array_equal(gx, f32(0, 0, 0.25))
    np.testing.assert_array_equal(gy, f32(0, 0, -0.125))
    y = tf.math.divide_no_nan([1.0, np.inf, np.nan], [np.inf, 0.0, 0.0])
    np.testing.assert_array_equal(y.numpy(), f32(0, 0, 0))


def test_divide_no_nan_dtypes():
    assert tf.math.divide_no_nan(tf.constant([1, 2]), tf.constant([0, 1])).dtype == tf.float64
    assert tf.math.divide_no_nan(tf.constant([1], tf.int8), tf.constant([2], tf.int8)).dtype \
        == tf.float32
    assert tf.math.divide_no_nan(tf.constant([1.0]), 2).numpy() == 0.5
    assert tf.math.divide_no_nan(1.0, 0.0).numpy() == 0.0
    with pytest.raises(TypeError):
        tf.math.divide_no_nan(tf.constant([1.0]), tf.constant([0.0], tf.float64))
    with pytest.raises(TypeError):
        tf.math.divide_no_nan(tf.constant([1]), tf.constant([0.0]))


def test_xlogy_conventions():
    x, y = f32(0, 0, 1, 2, 0, 0), f32(0, 1, 0, 3, -1, np.nan)
    z, (gx, gy) = value_and_grads(tf.math.xlogy, x, y)
    np.testing.assert_array_equal(z.numpy(), f32(0, 0, -np.inf, 2 * np.log(3), 0, 0))
    np.testing.assert_allclose(gx, f32(0, 0, -np.inf, np.log(3), 0, 0))
    np.testing.assert_allclose(gy, f32(0, 0, np.inf, 2 / 3, 0, 0))
    with pytest.raises(InvalidArgumentError):
        tf.math.xlogy(1, 2)


def test_xdivy_conventions():
    z, (gx, gy) = value_and_grads(tf.math.xdivy, f32(0, 0, 1, 2), f32(0, 1, 0, 3))
    np.testing.assert_allclose(z.numpy(), f32(0, 0, np.inf, 2 / 3))
    np.testing.assert_allclose(gx, f32(0, 0, np.inf, 1 / 3))
    np.testing.assert_allclose(gy, f32(0, 0, -np.inf, -2 / 9))


# --- softplus and friends -----------------------------------------------------------

def test_softplus_saturates_exactly():
    x = f32(-100, 100, 0, -15, -14, 14, 15, -88)
    y, (g,) = value_and_grads(tf.nn.softplus, x)
    np.testing.assert_allclose(
        y.numpy(), f32(0, 100, 0.6931472, 3.0590232e-07, 8.3152872e-07, 14, 15, 0), rtol=1e-6)
    np.testing.assert_allclose(
        g, f32(0, 1, 0.5, 3.0590220e-07, 8.3152804e-07, 0.99999917, 0.9999997, 0), rtol=1e-6)
    assert y.numpy()[0] == 0 and g[0] == 0 and g[-1] == 0      # flushed, as TF's kernels
    y64 = tf.nn.softplus(np.array([-100.0, -720.0, 36.0, 37.0]))
    np.testing.assert_allclose(y64.numpy(), [3.72007598e-44, 0.0, 36.0, 37.0])


def test_log_sigmoid_saturates_exactly():
    y, (g,) = value_and_grads(tf.math.log_sigmoid, f32(-100, 100, 0, 20))
    np.testing.assert_allclose(y.numpy(), f32(-100, 0, -0.6931472, -2.0611537e-09), rtol=1e-6)
    assert y.numpy()[1] == 0 and np.signbit(y.numpy()[1])      # -0.0
    np.testing.assert_allclose(g, f32(1, 0, 0.5, 2.0611537e-09), rtol=1e-6)
    assert g[1] == 0


def test_softplus_second_derivative_is_sigmoid_prime():
    x = np.array([-3.0, 0.0, 2.0])
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(second_derivative(tf.nn.softplus, x).numpy(), s * (1 - s))
    np.testing.assert_allclose(second_derivative(tf.math.log_sigmoid, x).numpy(), -s * (1 - s))


def test_softsign():
    y, (g,) = value_and_grads(tf.nn.softsign, f32(-2, 0, 3))
    np.testing.assert_allclose(y.numpy(), f32(-2 / 3, 0, 0.75))
    np.testing.assert_allclose(g, f32(1 / 9, 1, 1 / 16))


def test_l2_loss():
    y, (g,) = value_and_grads(tf.nn.l2_loss, f32(1, 2, 3, 4).reshape(2, 2))
    assert y.shape == () and y.numpy() == 15.0 and y.dtype == tf.float32
    np.testing.assert_array_equal(g, [[1, 2], [3, 4]])
    assert tf.nn.l2_loss(tf.zeros([0])).numpy() == 0.0
    assert tf.nn.l2_loss(np.array([-1.0, 2.0])).dtype == tf.float64


# --- cumulative sums and products ---------------------------------------------------

_W = f32(1, 10, 100, 1000)
# (exclusive, reverse) -> (cumsum, its gradient, cumprod, its gradient), from TF 2.21
_SCANS = {
    (False, False): ([1, 3, 6, 10], [1111, 1110, 1100, 1000], [1, 2, 6, 24],
                     [24621, 12310, 8200, 6000]),
    (False, True): ([10, 9, 7, 4], [1, 11, 111, 1111], [24, 24, 12, 4], [24, 132, 488, 1366]),
    (True, False): ([0, 1, 3, 6], [1110, 1100, 1000, 0], [1, 1, 2, 6], [6210, 3100, 2000, 0]),
    (True, True): ([9, 7, 4, 0], [0, 1, 11, 111], [24, 12, 4, 1], [0, 12, 48, 136]),
}


@pytest.mark.parametrize("exclusive,reverse", list(_SCANS))
def test_scans_and_their_gradients(exclusive, reverse):
    s, gs, p, gp = _SCANS[exclusive, reverse]
    x = f32(1, 2, 3, 4)
    y, (g,) = value_and_grads(lambda t: tf.cumsum(t, exclusive=exclusive, reverse=reverse), x,
                              weights=_W)
    np.testing.assert_array_equal(y.numpy(), s)
    np.testing.assert_array_equal(g, gs)
    y, (g,) = value_and_grads(
        lambda t: tf.math.cumprod(t, exclusive=exclusive, reverse=reverse), x, weights=_W)
    np.testing.assert_array_equal(y.numpy(), p)
    np.testing.assert_array_equal(g, gp)


def _cumprod_reference_grad(x, w, exclusive, reverse):
    """Central differences of sum(w * cumprod(x)) (a polynomial: exact up to rounding)."""
    def f(v):
        if reverse:
            v = v[::-1]
        out = np.cumprod(np.concatenate([[1.0], v[:-1]]) if exclusive else v)
        return np.sum(w * (out[::-1] if reverse else out))
    eye = np.eye(len(x))
    return np.array([(f(x + 1e-4 * e) - f(x - 1e-4 * e)) / 2e-4 for e in eye])


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0, 4.0], [2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 1.5, 2.0],
                               [1.5, 2.0, -1.0, 0.0]])
def test_cumprod_gradient_is_exact_at_zeros(exclusive, reverse, x):
    # TF divides by x and gives 0 at the first zero of a scan; fasttape is exact there
    x, w = np.array(x), np.array([1.0, 10.0, 100.0, 1000.0])
    _, (g,) = value_and_grads(
        lambda t: tf.math.cumprod(t, exclusive=exclusive, reverse=reverse), x, weights=w)
    np.testing.assert_allclose(g, _cumprod_reference_grad(x, w, exclusive, reverse), atol=1e-6)


def test_cumprod_first_zero_gradient_example():
    _, (g,) = value_and_grads(tf.math.cumprod, f32(2, 0, 3, 4), weights=_W)
    np.testing.assert_array_equal(g, f32(1, 24620, 0, 0))      # TF: [1, 0, 0, 0]


def test_cumprod_second_derivative_at_a_zero():
    x = np.array([2.0, 0.0, 3.0])
    hess = second_derivative(tf.math.cumprod, x).numpy()
    # sum(cumprod) = x0 + x0 x1 + x0 x1 x2; the gradient of the sum of its gradient
    expected = [1 + x[1] + x[2], 1 + x[0] + x[2], x[0] + x[1]]
    np.testing.assert_allclose(hess, expected)


def test_cumsum_axes_and_dtypes():
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(tf.cumsum(x, axis=1).numpy(), [[0, 1, 3], [3, 7, 12]])
    np.testing.assert_array_equal(tf.cumsum(x, axis=-1).numpy(), [[0, 1, 3], [3, 7, 12]])
    np.testing.assert_array_equal(tf.cumsum([1.0, 2.0], axis=tf.constant(0)).numpy(), [1, 3])
    y = tf.cumsum(tf.constant([100, 100], tf.int8))
    assert y.dtype == tf.int8 and y.numpy().tolist() == [100, -56]      # wraps, as TF
    assert tf.cumsum([1, 2]).dtype == tf.int32
    assert tf.math.cumprod(tf.constant([1, 2, 3])).numpy().tolist() == [1, 2, 6]
    assert tf.cumsum(tf.zeros([0, 3]), axis=1).shape == (0, 3)
    assert tf.math.cumprod(tf.zeros([2, 0]), axis=1, exclusive=True).shape == (2, 0)


def test_cumsum_errors():
    x = tf.zeros([2, 3])
    for axis in (2, -3):
        with pytest.raises(InvalidArgumentError, match="scan axis"):
            tf.cumsum(x, axis=axis)
    with pytest.raises(InvalidArgumentError):
        tf.cumsum(3.0)
    with pytest.raises(InvalidArgumentError):
        tf.cumsum([1.0, 2.0], axis=[0])
    with pytest.raises(TypeError):
        tf.cumsum([1.0, 2.0], axis=0.0)
    with pytest.raises(TypeError):
        tf.cumsum([1.0, 2.0], exclusive=1)
    with pytest.raises(InvalidArgumentError):
        tf.cumsum(tf.constant([True, False]))


# --- norms --------------------------------------------------------------------------

_V = f32(3, -4)
_M = f32(1, -2, 3, 4).reshape(2, 2)


@pytest.mark.parametrize("ord,value,grad", [
    ("euclidean", 5.0, [0.6, -0.8]), (2, 5.0, [0.6, -0.8]), (1, 7.0, [1, -1]),
    (np.inf, 4.0, [0, -1]), (3, 4.4979415, [0.44485143, -0.790847]),
    (0.5, 13.928204, [2.1547005, -1.8660254]),
])
def test_vector_norms(ord, value, grad):
    y, (g,) = value_and_grads(lambda t: tf.norm(t, ord=ord), _V)
    assert y.shape == () and y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), value, rtol=1e-6)
    np.testing.assert_allclose(g, grad, rtol=1e-6)


@pytest.mark.parametrize("ord,axis,value,grad", [
    ("euclidean", None, 5.477226, [[0.18257418, -0.36514837], [0.5477226, 0.73029673]]),
    ("fro", (0, 1), 5.477226, [[0.18257418, -0.36514837], [0.5477226, 0.73029673]]),
    (1, None, 10.0, [[1, -1], [1, 1]]),
    (1, (0, 1), 6.0, [[0, -1], [0, 1]]),
    (1, (-1, -2), 7.0, [[0, 0], [1, 1]]),
    (np.inf, None, 4.0, [[0, 0], [0, 1]]),
    (np.inf, (0, 1), 7.0, [[0, 0], [1, 1]]),
    (np.inf, (-1, -2), 6.0, [[0, -1], [0, 1]]),
    (2, None, 5.477226, [[0.18257418, -0.36514837], [0.5477226, 0.73029673]]),
    (2, (0, 1), 5.1166735, [[-0.12078827, -0.19543952], [0.5116674, 0.82789516]]),
])
def test_matrix_norms(ord, axis, value, grad):
    y, (g,) = value_and_grads(lambda t: tf.norm(t, ord=ord, axis=axis), _M)
    np.testing.assert_allclose(y.numpy(), value, rtol=1e-5)
    np.testing.assert_allclose(g, grad, rtol=1e-5, atol=1e-6)


def test_norm_axes_and_keepdims():
    x = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_allclose(tf.norm(x, axis=[2, 0], ord=1).numpy(), [54, 70, 86])
    np.testing.assert_allclose(tf.norm(x, axis=[2, 0], ord=np.inf).numpy(), [18, 26, 34])
    assert tf.norm(tf.ones([2, 3, 4]), axis=[0, 2], keepdims=True).shape == (1, 3, 1)
    assert tf.norm(tf.ones([2, 3]), keepdims=True).shape == (1, 1)
    assert tf.norm(tf.ones([2, 3]), axis=1).shape == (2,)
    assert tf.norm(tf.ones([2, 3]), axis=-1, keepdims=True).shape == (2, 1)
    np.testing.assert_allclose(tf.norm(tf.ones([2, 3, 4])).numpy(), np.sqrt(24))
    y, (g,) = value_and_grads(lambda t: tf.norm(t), np.float32(-3))
    assert y.numpy() == 3 and g == -1
    assert tf.norm(np.array([3.0, 4.0])).dtype == tf.float64


def test_norm_edge_gradients():
    _, (g,) = value_and_grads(tf.norm, f32(0, 0))
    assert np.isnan(g).all()                                 # as TF
    _, (g,) = value_and_grads(lambda t: tf.norm(t, ord=1), f32(0, 0))
    np.testing.assert_array_equal(g, [0, 0])
    _, (g,) = value_and_grads(lambda t: tf.norm(t, ord=np.inf), f32(3, -3, 1))
    np.testing.assert_array_equal(g, [0.5, -0.5, 0])        # ties split evenly
    y, (g,) = value_and_grads(tf.norm, np.zeros([0], np.float32))
    assert y.numpy() == 0 and g.shape == (0,)


@pytest.mark.parametrize("kwargs,match", [
    (dict(ord="fro"), "vector norm"),
    (dict(ord="nuc"), "vector norm"),
    (dict(ord=-1), "vector norm"),
    (dict(ord=0), "vector norm"),
    (dict(ord=3, axis=(0, 1)), "matrix norm"),
    (dict(axis=[1]), "axis"),
    (dict(axis=(0, 0)), "axis"),
    (dict(axis=[0, 1, 2]), "axis"),
    (dict(axis=tf.constant(1)), "axis"),
    (dict(ord="fro", axis=1), "vector norm"),
])
def test_norm_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tf.norm(tf.ones([2, 2, 2]), **kwargs)


def test_norm_other_errors():
    with pytest.raises(InvalidArgumentError):
        tf.norm([[1.0, 2.0]], axis=3)
    with pytest.raises(InvalidArgumentError):
        tf.norm(tf.constant([3, 4]))                          # sqrt of an integer


def test_matrix_2_norm_second_derivative_refuses():
    x = tf.constant(_M)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.norm(x, ord=2, axis=[0, 1])
        with pytest.raises(NotImplementedError, match="matrix 2-norm"):
            inner.gradient(y, x)


def test_matrix_2_norm_first_derivative_inside_an_unrelated_outer_tape():
    x, other = tf.constant(_M), tf.constant(1.0)
    with tf.GradientTape() as outer:
        outer.watch(other)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.norm(x, ord=2, axis=[0, 1])
        g = inner.gradient(y, x)
    np.testing.assert_allclose(g.numpy(), [[-0.12078827, -0.19543952], [0.5116674, 0.82789516]],
                               rtol=1e-5)


def test_reduce_euclidean_norm():
    y, (g,) = value_and_grads(lambda t: tf.math.reduce_euclidean_norm(t, axis=1, keepdims=True),
                              f32(3, 4, 0, 0).reshape(2, 2))
    np.testing.assert_array_equal(y.numpy(), [[5], [0]])
    np.testing.assert_allclose(g[0], [0.6, 0.8])
    assert np.isnan(g[1]).all()                              # 0 / 0, as TF
    assert tf.math.reduce_euclidean_norm(tf.constant([3, 4])).numpy() == 5
    assert tf.math.reduce_euclidean_norm(tf.constant([1, 1])).numpy() == 1     # truncated
    assert tf.math.reduce_euclidean_norm(tf.zeros([0])).numpy() == 0
    np.testing.assert_allclose(tf.math.reduce_euclidean_norm(tf.ones([2, 3]), axis=[0, 1]),
                               np.sqrt(6), rtol=1e-6)


def test_l2_normalize():
    y, (g,) = value_and_grads(tf.math.l2_normalize, f32(3, 4))
    np.testing.assert_allclose(y.numpy(), [0.6, 0.8])
    np.testing.assert_allclose(g, [0.032, -0.024], rtol=1e-4)
    y, (g,) = value_and_grads(tf.math.l2_normalize, f32(0, 0))
    np.testing.assert_array_equal(y.numpy(), [0, 0])
    np.testing.assert_allclose(g, [1e6, 1e6])                # rsqrt(epsilon)
    np.testing.assert_allclose(tf.math.l2_normalize([[3.0, 4.0]], dim=1).numpy(), [[0.6, 0.8]])
    np.testing.assert_allclose(tf.math.l2_normalize([1e-3, 0.0], epsilon=1.0).numpy(),
                               [1e-3, 0])
    with pytest.raises(TypeError):
        tf.math.l2_normalize(tf.constant([3, 4]))


def test_clip_by_norm_scales_down_only_above_the_limit():
    t = tf.constant([3.0, 4.0])
    np.testing.assert_allclose(tf.clip_by_norm(t, 1.0).numpy(), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(tf.clip_by_norm(t, 10.0).numpy(), [3.0, 4.0])


def test_clip_by_norm_per_axis_and_at_zero():
    t = tf.constant([[3.0, 4.0], [0.0, 0.0]])
    out = tf.clip_by_norm(t, 1.0, axes=[1]).numpy()
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = tf.reduce_sum(tf.clip_by_norm(t, 1.0, axes=[1]))
    assert np.all(np.isfinite(tape.gradient(y, t).numpy()))


def test_clip_by_norm_keeps_indexed_slices():
    params = tf.Variable([[3.0, 4.0], [1.0, 1.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(params, [0, 0]) * 10.0)
    g = tape.gradient(y, params)
    clipped = tf.clip_by_norm(g, 1.0)
    assert isinstance(clipped, tf.IndexedSlices)
    np.testing.assert_allclose(np.linalg.norm(clipped.values.numpy()), 1.0, rtol=1e-6)
