"""Optimizers against their written-out update formulas (float64), and bad input."""

import warnings

import numpy as np
import pytest

import fasttape as tf

K = tf.keras.optimizers
F32 = lambda x: float(np.float32(x))  # noqa: E731  (Keras rounds hyperparameters so)


def _run(opt, w0, grads):
    v = tf.Variable(w0)
    for g in grads:
        opt.apply_gradients([(g, v)])
    return v.numpy()


GRADS = [np.array([0.5, -1.0, 2.0]), np.array([0.1, 0.3, -0.2]), np.array([-1.0, 0.0, 0.4])]
W0 = np.array([1.0, -2.0, 0.5])
LR = F32(0.05)


def test_adam_formula():
    m = v = np.zeros(3)
    w = W0.copy()
    for t, g in enumerate(GRADS, 1):
        m = m + (g - m) * (1 - 0.9)
        v = v + (g * g - v) * (1 - 0.999)
        alpha = LR * np.sqrt(1 - F32(0.999) ** t) / (1 - F32(0.9) ** t)
        w = w - m * alpha / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(_run(K.Adam(0.05), W0, GRADS), w, rtol=1e-13)


def test_sgd_nesterov_and_weight_decay_formula():
    m = np.zeros(3)
    w = W0.copy()
    mu, wd = F32(0.9), F32(0.1)
    for g in GRADS:
        w = w - w * wd * LR
        m = mu * m - LR * g
        w = w + mu * m - LR * g
    got = _run(K.SGD(0.05, momentum=0.9, nesterov=True, weight_decay=0.1), W0, GRADS)
    np.testing.assert_allclose(got, w, rtol=1e-13)


def test_rmsprop_centered_momentum_formula():
    s = mg = mom = np.zeros(3)
    w = W0.copy()
    for g in GRADS:
        s = 0.9 * s + 0.1 * g * g
        mg = 0.9 * mg + 0.1 * g
        mom = 0.5 * mom + LR * g / np.sqrt(s - mg * mg + 1e-7)
        w = w - mom
    got = _run(K.RMSprop(0.05, momentum=0.5, centered=True), W0, GRADS)
    np.testing.assert_allclose(got, w, rtol=1e-12)


def test_adagrad_sparse_duplicates_sum_squares_of_rows():
    w0 = np.ones((3, 2))
    rows = np.array([[1.0, 2.0], [3.0, -1.0]])
    g = tf.IndexedSlices(tf.constant(rows), tf.constant([1, 1]), tf.constant([3, 2]))
    acc = np.full((3, 2), F32(0.1))
    acc[1] += rows[0] ** 2 + rows[1] ** 2
    dense = np.zeros((3, 2))
    dense[1] = rows.sum(0)
    expected = w0 - LR * dense / np.sqrt(acc + 1e-7)
    np.testing.assert_allclose(_run(K.Adagrad(0.05), w0, [g]), expected, rtol=1e-13)


def test_iterations_learning_rate_and_variables():
    opt = K.Adam(0.01)
    v = tf.Variable(np.ones(2))
    assert opt.apply_gradients([(tf.constant(np.ones(2)), v)]) is opt.iterations
    assert int(opt.iterations) == 1 and opt.iterations.dtype == tf.int64
    assert [x.dtype for x in opt.variables] == [tf.int64, tf.float32, tf.float64, tf.float64]
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    sched = K.Adam(K.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        sched.learning_rate = 0.1
    with pytest.raises(ValueError):
        K.Adam(tf.Variable(0.1))


def test_bad_input_changes_nothing():
    a, b = tf.Variable(np.ones(2)), tf.Variable(np.ones(3))
    opt = K.Adam(0.1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Variable"):
        opt.apply_gradients([(tf.constant(np.ones(2)), a), (tf.constant(np.ones(2)), b)])
    assert int(opt.iterations) == 0
    np.testing.assert_array_equal(a.numpy(), np.ones(2))
    assert all(not np.asarray(s).any() for s in opt.variables[2:])
    with pytest.raises(TypeError, match="Variable"):
        K.SGD().apply_gradients([(tf.constant(1.0), tf.constant(1.0))])
    with pytest.raises(ValueError, match="not recognized"):
        K.Adam(foo=1)
    with pytest.raises(ValueError, match="Only one of"):
        K.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="No gradients"):
        K.SGD().apply_gradients([(None, a)])
    opt = K.SGD()
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(None, a), (tf.constant(np.ones(3)), b)])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply_gradients([(tf.constant(1.0), tf.Variable(1.0))])


def test_float16_variables_stay_float16():
    v = tf.Variable(np.ones(3, dtype=np.float16))
    opt = K.Adam(0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.apply_gradients([(tf.constant(np.ones(3, dtype=np.float16)), v)])
    assert v.dtype == tf.float16
    np.testing.assert_allclose(v.numpy(), 0.9, rtol=1e-3)


def test_config_round_trip_and_get():
    opt = K.Adam(0.01, beta_1=0.8, amsgrad=True)
    again = K.Adam.from_config(opt.get_config())
    assert again.beta_1 == 0.8 and again.amsgrad
    assert isinstance(K.get("adam"), K.Adam)
    assert isinstance(K.deserialize(K.serialize(K.SGD(momentum=0.5))), K.SGD)
    assert tf.optimizers is K
