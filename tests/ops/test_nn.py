"""Edge cases of fasttape/ops/nn.py: the values, gradients, dtypes and errors that
TensorFlow 2.21 gives (observed), and fasttape's deliberate differences."""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError
from tests.ops.test_math_ops import f32, second_derivative, value_and_grads

_P = f32(-7, -1, 0, 1e-3, 3, 6, 7)


def test_names_live_where_tensorflow_puts_them():
    assert tf.nn.swish is tf.nn.silu
    assert tf.math.softmax is tf.nn.softmax and tf.math.log_softmax is tf.nn.log_softmax
    for name in ("relu6", "leaky_relu", "elu", "selu", "gelu", "sigmoid_cross_entropy_with_logits",
                 "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
                 "bias_add", "l2_loss", "relu", "sigmoid", "tanh"):
        assert callable(getattr(tf.nn, name))


# --- activations --------------------------------------------------------------------

def test_relu6_kinks_have_zero_gradient():
    y, (g,) = value_and_grads(tf.nn.relu6, _P)
    np.testing.assert_array_equal(y.numpy(), f32(0, 0, 0, 1e-3, 3, 6, 6))
    np.testing.assert_array_equal(g, f32(0, 0, 0, 1, 1, 0, 0))


def test_relu6_dtypes():
    y = tf.nn.relu6(tf.constant([-1, 3, 8]))
    assert y.dtype == tf.int32 and y.numpy().tolist() == [0, 3, 6]
    assert tf.nn.relu6(tf.constant([7], tf.uint8)).numpy().tolist() == [6]
    assert tf.nn.relu6(tf.constant([7.0], tf.float16)).dtype == tf.float16
    with pytest.raises(InvalidArgumentError):
        tf.nn.relu6(tf.constant([True]))


@pytest.mark.parametrize("f", [tf.nn.relu6, tf.nn.leaky_relu])
def test_piecewise_linear_second_derivative_is_zeros_not_none(f):
    h = second_derivative(f, _P)
    assert h is not None
    np.testing.assert_array_equal(h.numpy(), np.zeros(7))


def test_leaky_relu_gradient_is_alpha_at_zero():
    y, (g,) = value_and_grads(tf.nn.leaky_relu, _P)
    np.testing.assert_allclose(y.numpy(), f32(-1.4, -0.2, 0, 1e-3, 3, 6, 7))
    np.testing.assert_allclose(g, f32(0.2, 0.2, 0.2, 1, 1, 1, 1))
    y, (g,) = value_and_grads(lambda t: tf.nn.leaky_relu(t, alpha=-0.5), _P)
    assert y.numpy()[2] == 0 and np.signbit(y.numpy()[2])         # 0 * -0.5
    np.testing.assert_allclose(g, f32(-0.5, -0.5, -0.5, 1, 1, 1, 1))


def test_leaky_relu_dtypes_and_alpha():
    y = tf.nn.leaky_relu(tf.constant([-1, 3]))
    assert y.dtype == tf.float32                                  # ints become float32
    np.testing.assert_allclose(y.numpy(), [-0.2, 3])
    assert tf.nn.leaky_relu(np.array([-1.0, 3.0])).dtype == tf.float64
    np.testing.assert_allclose(tf.nn.leaky_relu([-1.0], alpha=np.float32(0.3)).numpy(), [-0.3])
    assert tf.nn.leaky_relu(np.array([-1.0]), alpha=np.float64(0.3)).dtype == tf.float64
    assert tf.nn.leaky_relu(f32(-1.0), alpha=np.float64(0.3)).dtype == tf.float32
    with pytest.raises(TypeError):
        tf.nn.leaky_relu([-1.0], alpha=tf.constant(0.3))


def test_elu_and_selu():
    y, (g,) = value_and_grads(tf.nn.elu, _P)
    np.testing.assert_allclose(y.numpy()[:3], f32(-0.9990881, -0.63212055, 0), rtol=1e-6)
    np.testing.assert_allclose(g, f32(9.1189146e-04, 0.36787945, 1, 1, 1, 1, 1), rtol=1e-6)
    y, (g,) = value_and_grads(tf.nn.selu, _P)
    np.testing.assert_allclose(y.numpy(), f32(-1.7564961, -1.1113307, 0, 1.050701e-03,
                                              3.1521029, 6.3042059, 7.354907), rtol=1e-6)
    np.testing.assert_allclose(g, f32(0.00160325, 0.64676857, 1.050701, 1.050701, 1.050701,
                                      1.050701, 1.050701), rtol=1e-5)
    # TF's kernels use exp(x) - 1, not expm1
    np.testing.assert_array_equal(tf.nn.elu(f32(-1e-3)).numpy(), np.exp(f32(-1e-3)) - 1)
    for f in (tf.nn.elu, tf.nn.selu):
        with pytest.raises(InvalidArgumentError):
            f(tf.constant([-1, 3]))


def test_elu_second_derivative():
    x = np.array([-2.0, -0.5, 0.5, 2.0])
    np.testing.assert_allclose(second_derivative(tf.nn.elu, x).numpy(),
                               [np.exp(-2.0), np.exp(-0.5), 0, 0])


def test_gelu():
    y, (g,) = value_and_grads(tf.nn.gelu, _P)
    np.testing.assert_allclose(
        y.numpy(), f32(-8.9586793e-12, -0.15865526, 0, 5.0039898e-04, 2.9959502, 6, 7),
        rtol=2e-6)
    np.testing.assert_allclose(
        g, f32(-6.2663236e-11, -0.08331549, 0.5, 0.50079787, 1.0119456, 1, 1), rtol=2e-6)
    y, (g,) = value_and_grads(lambda t: tf.nn.gelu(t, approximate=True), _P)
    np.testing.assert_allclose(
        y.numpy(), f32(0, -0.15880799, 0, 5.0039898e-04, 2.9963627, 6, 7), rtol=2e-6)
    np.testing.assert_allclose(
        g, f32(0, -0.08296409, 0.5, 0.50079787, 1.0115842, 1, 1), rtol=2e-6, atol=1e-7)
    y, (g,) = value_and_grads(tf.nn.gelu, f32(-100, 100))
    np.testing.assert_array_equal(y.numpy(), f32(-0.0, 100))
    np.testing.assert_array_equal(g, f32(0, 1))
    with pytest.raises(ValueError, match="floating point"):
        tf.nn.gelu(tf.constant([-1, 3]))


def test_silu_and_its_beta_gradient():
    y, (g,) = value_and_grads(tf.nn.silu, _P)
    np.testing.assert_allclose(y.numpy()[:3], f32(-6.3773585e-03, -0.26894143, 0), rtol=1e-6)
    np.testing.assert_allclose(g[:3], f32(-0.0054605, 0.07232948, 0.5), rtol=1e-5)
    y, (gx, gb) = value_and_grads(lambda x, b: tf.nn.silu(x, beta=b), f32(1, -2), np.float32(2))
    np.testing.assert_allclose(y.numpy(), f32(0.8807971, -0.03597242), rtol=1e-6)
    np.testing.assert_allclose(gx, f32(1.0907842, -0.05266461), rtol=1e-6)
    np.testing.assert_allclose(gb, 0.1756444, rtol=1e-6)
    y = tf.nn.silu(f32(-100, 100))
    np.testing.assert_array_equal(y.numpy(), f32(-0.0, 100))
    assert np.signbit(y.numpy()[0])


def test_silu_beta_conversion():
    # beta is cast to the features' dtype, as TF does
    np.testing.assert_allclose(tf.nn.silu([-1.0], beta=np.float64(0.3)).numpy(), [-0.42555746])
    assert tf.nn.silu([-1.0], beta=tf.constant(0.3, tf.float64)).dtype == tf.float32
    np.testing.assert_allclose(tf.nn.silu([-1.0, 2.0], beta=tf.constant([0.3, 1.0])).numpy(),
                               [-0.42555746, 1.7615942], rtol=1e-6)
    with pytest.raises(InvalidArgumentError):
        tf.nn.silu(tf.constant([-1, 3]))


# --- softmax ------------------------------------------------------------------------

def test_softmax_is_max_shifted():
    y, (g,) = value_and_grads(tf.nn.softmax, f32(1000, 1000, 1000))
    np.testing.assert_array_equal(y.numpy(), np.full(3, np.float32(1 / 3)))
    np.testing.assert_array_equal(g, [0, 0, 0])
    y, (g,) = value_and_grads(tf.nn.log_softmax, f32(1000, 1000, 1000))
    np.testing.assert_allclose(y.numpy(), np.full(3, -1.0986123), rtol=1e-7)
    np.testing.assert_allclose(g, np.zeros(3), atol=1e-7)    # TF: 5.96e-8 (its exp's rounding)


def test_softmax_backward():
    x = f32(1, 2, 3, 5).reshape(2, 2)
    y, (g,) = value_and_grads(lambda t: tf.nn.softmax(t)[:, 0], x)
    np.testing.assert_allclose(y.numpy(), [0.26894143, 0.11920291], rtol=1e-6)
    np.testing.assert_allclose(g, [[0.19661194, -0.19661193], [0.10499357, -0.10499357]],
                               rtol=1e-6)
    y, (g,) = value_and_grads(lambda t: tf.nn.log_softmax(t)[0], f32(0, 200))
    assert y.numpy() == -200
    np.testing.assert_array_equal(g, [1, -1])


def test_softmax_axes():
    x = f32(1, 2, 3, 5).reshape(2, 2)
    expected = [[0.11920291, 0.04742587], [0.880797, 0.95257413]]
    np.testing.assert_allclose(tf.nn.softmax(x, axis=0).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(tf.nn.softmax(x, axis=tf.constant(0)).numpy(), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(tf.nn.softmax(x, axis=-2).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(tf.nn.softmax(x, axis=None).numpy(),
                               [[0.26894143, 0.73105854], [0.11920291, 0.880797]], rtol=1e-6)
    np.testing.assert_allclose(tf.nn.softmax([1.0, 2.0], axis=0.0).numpy(),
                               [0.26894143, 0.73105854], rtol=1e-6)
    assert tf.nn.softmax(tf.zeros([1, 1, 1, 1, 1, 2])).shape == (1, 1, 1, 1, 1, 2)


def test_softmax_special_values():
    np.testing.assert_array_equal(tf.nn.softmax([-np.inf, 1.0]).numpy(), [0, 1])
    assert np.isnan(tf.nn.softmax([-np.inf, -np.inf]).numpy()).all()
    y, (g,) = value_and_grads(tf.nn.log_softmax, f32(-np.inf, 1))
    np.testing.assert_array_equal(y.numpy(), [-np.inf, 0])
    np.testing.assert_array_equal(g, [1, -1])
    assert tf.nn.softmax(tf.zeros([2, 0])).shape == (2, 0)
    assert tf.nn.log_softmax(tf.zeros([0, 3])).shape == (0, 3)
    assert tf.nn.softmax(tf.constant([1.0, 2.0], tf.float16)).dtype == tf.float16


@pytest.mark.parametrize("f", [tf.nn.softmax, tf.nn.log_softmax])
def test_softmax_errors(f):
    with pytest.raises(InvalidArgumentError):
        f(3.0)
    with pytest.raises(InvalidArgumentError, match="dim"):
        f([[1.0, 2.0]], axis=2)
    with pytest.raises(InvalidArgumentError, match="dim"):
        f([[1.0, 2.0]], axis=-3)
    with pytest.raises(InvalidArgumentError):
        f(tf.constant([1, 2]))
    with pytest.raises(TypeError):
        f([1.0, 2.0], axis=[0])


# --- softmax cross-entropy ----------------------------------------------------------

def _xent(labels, logits, **kw):
    return tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, **kw)


def test_softmax_xent_values_and_gradients():
    labels = f32(0, 1, 0, 0.2, 0.3, 0.5).reshape(2, 3)
    logits = f32(1, 2, 3, 1000, 0, -1000).reshape(2, 3)
    y, (gz, gx) = value_and_grads(_xent, labels, logits)
    np.testing.assert_allclose(y.numpy(), [1.4076059, 1300], rtol=1e-6)
    np.testing.assert_allclose(gz, [[2.4076059, 1.4076059, 0.40760595], [0, 1000, 2000]],
                               rtol=1e-6)
    assert gz[1, 0] == 0 and np.signbit(gz[1, 0])
    np.testing.assert_allclose(gx, [[0.09003057, -0.75527155, 0.66524094], [0.8, -0.3, -0.5]],
                               rtol=1e-6)


def test_softmax_xent_scales_by_the_upstream_gradient():
    labels = f32(0, 1, 1, 0).reshape(2, 2)
    logits = f32(1, 2, 3, 5).reshape(2, 2)
    y, (gz, gx) = value_and_grads(lambda z, x: _xent(z, x) * tf.constant(f32(1, 3)),
                                  labels, logits)
    np.testing.assert_allclose(gx, [[0.26894143, -0.2689414], [-2.6423912, 2.6423912]],
                               rtol=1e-6)
    np.testing.assert_allclose(gz, [[1.3132616, 0.31326166], [6.380784, 0.38078415]], rtol=1e-6)


def test_softmax_xent_logits_gradient_is_softmax_minus_labels_as_tf():
    # TF's kernel: softmax - labels, which assumes labels sum to 1 along the axis
    labels, logits = f32(0.2, 0.5, 0.9)[None], f32(1, 2, 0.5)[None]
    _, (_, gx) = value_and_grads(_xent, labels, logits)
    np.testing.assert_allclose(gx, [[0.03122391, 0.1285317, -0.7597556]], rtol=1e-5)


def test_softmax_xent_shapes_axes_and_broadcasting():
    assert _xent(f32(0, 1, 0), f32(1, 2, 3)).shape == ()
    assert _xent(tf.ones([2, 3, 4]) / 4, tf.zeros([2, 3, 4])).shape == (2, 3)
    np.testing.assert_allclose(_xent(f32(0, 1)[None], f32(1, 2, 3, 4).reshape(2, 2)).numpy(),
                               [0.31326166, 0.31326166], rtol=1e-6)
    np.testing.assert_allclose(_xent(f32(0, 1), f32(1, 2, 3, 4).reshape(2, 2)).numpy(),
                               [0.31326166, 0.31326166], rtol=1e-6)
    labels = f32(0, 1, 1, 0, 0, 0).reshape(3, 2)
    logits = f32(1, 2, 3, 4, 5, 6).reshape(3, 2)
    y, (gz, gx) = value_and_grads(lambda z, x: _xent(z, x, axis=0), labels, logits)
    np.testing.assert_allclose(y.numpy(), [2.1429317, 4.1429315], rtol=1e-6)
    np.testing.assert_allclose(gx, [[0.01587624, -0.98412377], [-0.8826896, 0.11731043],
                                    [0.86681336, 0.86681336]], rtol=1e-5)
    np.testing.assert_allclose(gz[:, 0], [4.1429315, 2.1429317, 0.1429316], rtol=1e-5)
    y = _xent(tf.ones([2, 3, 4]) / 3, tf.reshape(tf.range(24.0), [2, 3, 4]), axis=1)
    np.testing.assert_allclose(y.numpy(), np.full((2, 4), 4.0184793), rtol=1e-6)


def test_softmax_xent_label_dtypes_are_converted():
    logits = f32(1, 2)[None]
    for labels in ([[0, 1]], tf.constant([[0, 1]]), tf.constant([[0.0, 1.0]], tf.float64)):
        y = _xent(labels, logits)
        assert y.dtype == tf.float32
        np.testing.assert_allclose(y.numpy(), [0.31326166], rtol=1e-6)
    # a float64 label tensor is cast on the tape: its gradient comes back as float64
    _, (gz, _) = value_and_grads(_xent, np.array([[0.0, 1.0]]), logits)
    assert gz.dtype == np.float64
    y16 = _xent(f32(0, 1)[None].astype(np.float16), logits.astype(np.float16))
    assert y16.dtype == tf.float16
    np.testing.assert_allclose(y16.numpy().astype(np.float32), [0.3132], rtol=1e-3)


def test_softmax_xent_special_values():
    assert _xent(tf.zeros([0, 3]), tf.zeros([0, 3])).shape == (0,)
    np.testing.assert_array_equal(_xent(tf.zeros([2, 0]), tf.zeros([2, 0])).numpy(), [0, 0])
    y, (gz, gx) = value_and_grads(_xent, f32(0, 1)[None], f32(-np.inf, 1)[None])
    assert np.isnan(y.numpy()).all()
    np.testing.assert_array_equal(gz, [[np.inf, 0]])
    np.testing.assert_array_equal(gx, [[0, 0]])


def test_softmax_xent_errors():
    with pytest.raises(InvalidArgumentError):
        _xent(1.0, 2.0)
    with pytest.raises(InvalidArgumentError, match="broadcastable"):
        _xent([[0.0, 1.0, 0.0]], [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(InvalidArgumentError):
        _xent([[0.0, 1.0]], [[1.0, 2.0]], axis=2)
    with pytest.raises(InvalidArgumentError):
        _xent([[0.0, 1.0]], tf.constant([[1, 2]]))


def test_softmax_xent_second_derivative_matches_the_softmax_jacobian():
    # d/dx sum(w * d loss/dx) for loss = xent(labels, x): the softmax Jacobian applied to w
    x = np.array([[1.0, 2.0, 0.5]])
    labels = tf.constant([[0.2, 0.3, 0.5]], tf.float64)
    w = np.array([[1.0, -2.0, 0.5]])
    t = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(t)
        with tf.GradientTape() as inner:
            inner.watch(t)
            loss = _xent(labels, t)
        g = inner.gradient(loss, t)
        s = tf.reduce_sum(g * w)
    h = outer.gradient(s, t).numpy()
    p = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(h, p * (w - (w * p).sum()), rtol=1e-12)


# --- sparse softmax cross-entropy ---------------------------------------------------

def _sparse(labels, logits):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def test_sparse_xent_values_and_gradients():
    logits = f32(1, 2, 3, 1000, 0, -1000).reshape(2, 3)
    y, (g,) = value_and_grads(lambda x: _sparse([1, 0], x), logits)
    np.testing.assert_allclose(y.numpy(), [1.4076059, 0], rtol=1e-6)
    np.testing.assert_allclose(g, [[0.09003057, -0.75527155, 0.66524094], [0, 0, 0]], rtol=1e-6)
    y = _sparse(tf.constant([1, 0], tf.int64), f32(1, 2, 3, 1, 0, -1).reshape(2, 3))
    np.testing.assert_allclose(y.numpy(), [1.4076059, 0.40760595], rtol=1e-6)
    np.testing.assert_allclose(_sparse(1, f32(1, 2, 3)).numpy(), 1.4076059, rtol=1e-6)
    assert _sparse(tf.zeros([2, 3], tf.int32), tf.zeros([2, 3, 4])).shape == (2, 3)
    assert _sparse([1], np.array([[1.0, 2.0]])).dtype == tf.float64
    assert _sparse(tf.zeros([0], tf.int32), tf.zeros([0, 3])).shape == (0,)


def test_sparse_xent_labels_have_no_gradient():
    labels, logits = tf.constant([1.0, 0.0]), tf.constant(f32(1, 2, 3, 4).reshape(2, 2))
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = _sparse(tf.constant([1, 0]), logits)
    assert tape.gradient(loss, labels) is None


def test_sparse_xent_errors():
    logits = f32(1, 2, 3, 1, 0, -1).reshape(2, 3)
    with pytest.raises(InvalidArgumentError, match="label value of 5"):
        _sparse([5, 0], logits)
    with pytest.raises(InvalidArgumentError, match="label value of -1"):
        _sparse([-1, 0], logits)
    with pytest.raises(ValueError, match="rank"):
        _sparse([[1, 0]], logits)
    with pytest.raises(ValueError, match="except for the last dimension"):
        _sparse([1, 0, 0], logits)
    with pytest.raises(ValueError, match="scalar"):
        _sparse(1, 2.0)
    with pytest.raises(InvalidArgumentError, match="Tlabels"):
        _sparse([1.0, 0.0], logits)
    with pytest.raises(InvalidArgumentError, match="Tlabels"):
        _sparse(tf.constant([1, 0], tf.uint8), logits)
    with pytest.raises(InvalidArgumentError, match="at least one class"):
        _sparse(tf.zeros([2], tf.int32), tf.zeros([2, 0]))
    with pytest.raises(InvalidArgumentError):
        _sparse([1], [[1, 2]])


def test_sparse_xent_second_derivative():
    x = np.array([[1.0, 2.0, 0.5]])
    w = np.array([[1.0, -2.0, 0.5]])
    t = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(t)
        with tf.GradientTape() as inner:
            inner.watch(t)
            loss = _sparse([2], t)
        s = tf.reduce_sum(inner.gradient(loss, t) * w)
    p = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(outer.gradient(s, t).numpy(), p * (w - (w * p).sum()),
                               rtol=1e-12)


# --- sigmoid cross-entropy ----------------------------------------------------------

def _sigmoid_xent(labels, logits):
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


def test_sigmoid_xent_is_stable():
    y, (gz, gx) = value_and_grads(_sigmoid_xent, f32(0, 1, 0.5, 1), f32(0, 0, 100, -100))
    np.testing.assert_allclose(y.numpy(), [0.6931472, 0.6931472, 50, 100], rtol=1e-6)
    np.testing.assert_array_equal(gz, f32(-0.0, -0.0, -100, 100))
    np.testing.assert_allclose(gx, [0.5, -0.5, 0.5, -1], rtol=1e-6)
    np.testing.assert_allclose(tf.nn.sigmoid_cross_entropy_with_logits([0.0, 1.0], [1.0, 2.0]),
                               [1.3132617, 0.126928], rtol=1e-6)


def test_sigmoid_xent_errors():
    with pytest.raises(ValueError, match="same shape"):
        _sigmoid_xent([0.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="same shape"):
        _sigmoid_xent([[0.0, 1.0]], [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="must be provided"):
        _sigmoid_xent(None, [1.0, 2.0])
    with pytest.raises(InvalidArgumentError):
        _sigmoid_xent(tf.constant([0, 1]), [1.0, 2.0])
    with pytest.raises(InvalidArgumentError):
        _sigmoid_xent(tf.constant([0.0, 1.0], tf.float64), tf.constant([1.0, 2.0]))
    with pytest.raises(InvalidArgumentError):
        _sigmoid_xent([0, 1], tf.constant([1, 2]))


def test_logistic_regression_gradient_is_xt_residual_over_n():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((8, 3)), (rng.random(8) > 0.5).astype(np.float64)
    w = tf.Variable(rng.standard_normal(3))
    with tf.GradientTape() as tape:
        logits = tf.reshape(tf.matmul(tf.constant(X), tf.reshape(w, [3, 1])), [8])
        loss = tf.reduce_mean(_sigmoid_xent(tf.constant(y), logits))
    p = 1 / (1 + np.exp(-X @ w.numpy()))
    np.testing.assert_allclose(tape.gradient(loss, w).numpy(), X.T @ (p - y) / 8, rtol=1e-12)


# --- bias_add -----------------------------------------------------------------------

def test_bias_add():
    y, (gv, gb) = value_and_grads(tf.nn.bias_add, f32(1, 2, 3, 4).reshape(2, 2), f32(10, 20))
    np.testing.assert_array_equal(y.numpy(), [[11, 22], [13, 24]])
    np.testing.assert_array_equal(gv, np.ones((2, 2)))
    np.testing.assert_array_equal(gb, [2, 2])
    y = tf.nn.bias_add(tf.zeros([1, 2, 3]), f32(10, 20), data_format="NCHW")
    np.testing.assert_array_equal(y.numpy(), [[[10, 10, 10], [20, 20, 20]]])
    assert tf.nn.bias_add(tf.zeros([1, 2, 3]), f32(10, 20), data_format="NC...").shape == (1, 2, 3)
    np.testing.assert_array_equal(
        tf.nn.bias_add(tf.zeros([1, 2, 3]), f32(10, 20, 30), data_format="NHWC").numpy()[0, 0],
        [10, 20, 30])
    assert tf.nn.bias_add(tf.constant([[1, 2]]), tf.constant([1, 2])).dtype == tf.int32
    assert tf.nn.bias_add(tf.constant([[1.0, 2.0]], tf.float64), [1, 2]).dtype == tf.float64


def test_bias_add_errors():
    with pytest.raises(InvalidArgumentError, match="at least 2D"):
        tf.nn.bias_add([1.0, 2.0], [10.0, 20.0])
    with pytest.raises(InvalidArgumentError, match="1D"):
        tf.nn.bias_add([[1.0, 2.0]], [[10.0, 20.0]])
    with pytest.raises(InvalidArgumentError, match="as many biases"):
        tf.nn.bias_add([[1.0, 2.0]], [10.0, 20.0, 30.0])
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.bias_add(tf.zeros([1, 2, 3]), [1.0, 2.0, 3.0], data_format="XYZ")
    with pytest.raises(InvalidArgumentError):
        tf.nn.bias_add(tf.constant([[1.0, 2.0]]), tf.constant([1, 2]))
