"""Edge cases of fasttape/ops/special.py: TF 2.21's values at poles and outside the
domains, dtypes, None gradients and errors."""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError
from tests.helpers import grads

INF, NAN = np.inf, np.nan


def f32(*values):
    return np.array(values, dtype=np.float32)


def test_names_live_where_tensorflow_puts_them():
    for name in ("lgamma", "digamma", "polygamma", "zeta", "igamma", "igammac", "betainc",
                 "lbeta", "erfinv", "erfcinv", "ndtri", "xlog1py", "bessel_i0", "bessel_i0e",
                 "bessel_i1", "bessel_i1e"):
        assert callable(getattr(tf.math, name))
    assert tf.math.special.bessel_i0 is tf.math.bessel_i0
    for name in ("bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "bessel_k0", "bessel_k0e",
                 "bessel_k1", "bessel_k1e", "dawsn", "expint", "fresnel_cos", "fresnel_sin",
                 "spence"):
        assert callable(getattr(tf.math.special, name))
    assert not hasattr(tf, "lgamma")


def test_gamma_family_at_the_poles():
    np.testing.assert_array_equal(tf.math.lgamma(f32(0, -1, INF, -INF)).numpy(), [INF] * 4)
    np.testing.assert_array_equal(tf.math.digamma(f32(0, -1, -2)).numpy(), [NAN] * 3)
    assert tf.math.digamma(f32(INF)).numpy()[0] == INF


def test_polygamma_needs_a_non_negative_integer_order():
    y = tf.math.polygamma(f32(-1, 0.5, 0, 1), f32(2, 2, 2, -1)).numpy()
    assert np.isnan(y[0]) and np.isnan(y[1]) and y[3] == INF
    np.testing.assert_allclose(y[2], 0.4227843, rtol=1e-6)
    np.testing.assert_allclose(tf.math.polygamma(2.0, 1.0).numpy(), -2.4041138, rtol=1e-6)


def test_zeta_edges():
    y = tf.math.zeta(f32(0.5, 1, 2, 2), f32(1, 1, 0, -1.5)).numpy()
    assert np.isnan(y[0]) and y[1] == INF and y[2] == INF
    np.testing.assert_allclose(y[3], 9.379247, rtol=1e-6)


def test_igamma_and_betainc_outside_their_domains_are_nan():
    y = tf.math.igamma(f32(0, -1, 1, 1), f32(1, 1, 0, -1)).numpy()
    assert np.isnan(y[[0, 1, 3]]).all() and y[2] == 0
    assert np.isnan(tf.math.betainc(f32(-1), f32(1), f32(0.5)).numpy()).all()
    np.testing.assert_allclose(tf.math.igamma(1.0, 2.0) + tf.math.igammac(1.0, 2.0), 1.0)


def test_igamma_and_betainc_want_equal_shapes_or_scalars():
    with pytest.raises(InvalidArgumentError, match="Shapes of a and b are inconsistent"):
        tf.math.betainc(f32(1, 2), np.ones((2, 2), np.float32), f32(0.5))
    with pytest.raises(InvalidArgumentError, match="Shapes of a and x"):
        tf.math.igamma(f32(1, 2), f32(1, 2, 3))
    np.testing.assert_allclose(tf.math.betainc(f32(1, 2), 1.0, 0.5).numpy(), [0.5, 0.25])


def test_integer_inputs_are_refused():
    with pytest.raises(InvalidArgumentError, match="not in the list of allowed values"):
        tf.math.lgamma([1, 2])
    with pytest.raises(InvalidArgumentError):
        tf.math.special.bessel_j0(tf.constant([1], tf.int64))


def test_dtypes_are_kept():
    for dtype in (tf.float16, tf.float32, tf.float64):
        x = tf.constant([0.5, 1.5], dtype=dtype)
        for fn in (tf.math.lgamma, tf.math.digamma, tf.math.erfinv, tf.math.bessel_i1e,
                   tf.math.special.dawsn, tf.math.special.fresnel_sin):
            assert fn(x).dtype == dtype


def test_lbeta_reduces_the_last_axis():
    np.testing.assert_allclose(tf.math.lbeta([[1.0, 2.0], [3.0, 4.0]]).numpy(),
                               [-0.6931472, -4.0943446], rtol=1e-6)
    assert tf.math.lbeta(tf.zeros([2, 0])).numpy().tolist() == [-INF, -INF]


def test_inverse_error_functions_at_the_ends():
    np.testing.assert_array_equal(tf.math.erfinv(f32(-1, 1)).numpy(), [-INF, INF])
    assert np.isnan(tf.math.erfinv(f32(2)).numpy()).all()
    np.testing.assert_array_equal(tf.math.ndtri(f32(0, 1)).numpy(), [-INF, INF])
    np.testing.assert_array_equal(tf.math.erfcinv(f32(0, 2)).numpy(), [INF, -INF])


def test_gradients_tf_leaves_out_are_none():
    ga, gx = grads(tf.math.polygamma, f32(1, 2), f32(2, 3))
    assert ga is None and gx is not None
    gx, gq = grads(tf.math.zeta, f32(2, 3), f32(2, 3))
    assert gx is None
    np.testing.assert_allclose(gq.numpy(), [-0.40411381, -0.0594697], rtol=1e-5)
    g = grads(tf.math.betainc, f32(1, 2), f32(2, 3), f32(0.3, 0.5))
    assert g[0] is None and g[1] is None
    np.testing.assert_allclose(g[2].numpy(), [1.4, 1.5], rtol=1e-5)


def test_igamma_gradient_with_respect_to_a():
    ga, gx = grads(tf.math.igamma, np.array([1.0, 2.0, 0.5]), np.array([2.0, 3.0, 10.0]))
    np.testing.assert_allclose(ga.numpy()[:2], [-0.22082543, -0.19742542], rtol=1e-6)
    h = 1e-6   # central difference of P(a, x) in a
    a, x = 0.5, 10.0
    f64 = tf.float64
    fd = (tf.math.igamma(tf.constant(a + h, f64), tf.constant(x, f64))
          - tf.math.igamma(tf.constant(a - h, f64), tf.constant(x, f64))).numpy() / (2 * h)
    np.testing.assert_allclose(ga.numpy()[2], fd, rtol=1e-5)


def test_igamma_second_derivative_in_a_is_refused():
    a, x = tf.constant(1.5, tf.float64), tf.constant(2.0, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(a)
        with tf.GradientTape() as inner:
            inner.watch(a)
            y = tf.math.igamma(a, x)
        with pytest.raises(LookupError, match="IgammaGradA"):
            inner.gradient(y, a)


def test_bessel_gradients_at_zero_follow_tf():
    x = f32(0)
    assert grads(tf.math.bessel_i1, x)[0].numpy()[0] == 1.0     # TF imputes 1 here
    assert grads(tf.math.bessel_i1e, x)[0].numpy()[0] == 0.5
    assert grads(tf.math.special.bessel_j1, x)[0].numpy()[0] == 0.5
    assert grads(tf.math.bessel_i0e, x)[0].numpy()[0] == 0.0
    assert grads(tf.math.special.spence, f32(1))[0].numpy()[0] == -1.0


def test_xlog1py_is_zero_where_x_is_zero():
    y = tf.math.xlog1py(f32(0, 1), f32(-1, 1))
    np.testing.assert_allclose(y.numpy(), [0, np.log(2)], rtol=1e-6)
    gx, gy = grads(tf.math.xlog1py, f32(0, 1), f32(-1, 1))
    np.testing.assert_allclose(gx.numpy(), [0, np.log(2)], rtol=1e-6)
    np.testing.assert_allclose(gy.numpy(), [0, 0.5])


def test_expint_and_spence_below_zero_are_nan():
    assert np.isnan(tf.math.special.expint(f32(-1)).numpy()).all()
    assert tf.math.special.expint(f32(0)).numpy()[0] == -INF
    assert np.isnan(tf.math.special.spence(f32(-1)).numpy()).all()


UNARY = [tf.math.lgamma, tf.math.digamma, tf.math.erfinv, tf.math.ndtri, tf.math.bessel_i0,
         tf.math.bessel_i0e, tf.math.bessel_i1, tf.math.bessel_i1e, tf.math.special.bessel_j0,
         tf.math.special.bessel_j1, tf.math.special.bessel_y0, tf.math.special.bessel_y1,
         tf.math.special.bessel_k0, tf.math.special.bessel_k0e, tf.math.special.bessel_k1,
         tf.math.special.bessel_k1e, tf.math.special.dawsn, tf.math.special.expint,
         tf.math.special.fresnel_cos, tf.math.special.fresnel_sin, tf.math.special.spence]


@pytest.mark.parametrize("fn", UNARY, ids=[f.__name__ for f in UNARY])
def test_float32_agrees_with_float64(fn):
    x = np.array([0.15, 0.4, 0.7, 0.95, 1.8], dtype=np.float64)
    (g64,) = grads(fn, x)
    (g32,) = grads(fn, x.astype(np.float32))
    np.testing.assert_allclose(fn(x.astype(np.float32)).numpy(), fn(x).numpy(), rtol=2e-5)
    assert g32.dtype == tf.float32
    np.testing.assert_allclose(g32.numpy(), g64.numpy(), rtol=1e-4)
