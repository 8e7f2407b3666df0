"""Complex gradients: what the tape records (watch, Variables, seeds, accumulation),
TF's convention checked by finite differences on real and imaginary parts, complex64
against complex128, forward mode, None versus zeros, and the ops that refuse."""

import logging

import numpy as np
import pytest

import fasttape as tf

RNG = np.random.default_rng(5)
Z = RNG.normal(size=(2, 3)) + 1j * RNG.normal(size=(2, 3))


def _numeric_gradient(f, z, eps=1e-6):
    """dL/dx + i dL/dy for a real loss L = f(z), by central differences."""
    grad = np.zeros(z.shape, complex)
    for idx in np.ndindex(z.shape):
        for step, unit in ((eps, 1.0), (eps * 1j, 1j)):
            plus, minus = z.copy(), z.copy()
            plus[idx] += step
            minus[idx] -= step
            d = (float(f(tf.constant(plus))) - float(f(tf.constant(minus)))) / (2 * eps)
            grad[idx] += unit * d
    return grad


LOSSES = {
    "abs_squared": lambda z: tf.reduce_sum(tf.math.real(z * tf.math.conj(z))),
    "exp_real": lambda z: tf.reduce_sum(tf.math.real(tf.exp(z) * z)),
    "abs_of_log": lambda z: tf.reduce_sum(tf.abs(tf.math.log(z + 3))),
    "angle_times_imag": lambda z: tf.reduce_sum(tf.math.angle(z) * tf.math.imag(z)),
    "fft_power": lambda z: tf.reduce_sum(tf.abs(tf.signal.fft(z * z)) ** 2),
    "matmul_adjoint": lambda z: tf.math.real(tf.linalg.trace(
        tf.matmul(z, z, adjoint_b=True) @ tf.matmul(z, z * z, adjoint_b=True))),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_real_loss_gradient_is_dx_plus_i_dy(name):
    f = LOSSES[name]
    z = tf.constant(Z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = f(z)
    got = tape.gradient(loss, z)
    assert got.dtype == tf.complex128
    np.testing.assert_allclose(np.asarray(got), _numeric_gradient(f, Z), rtol=1e-6, atol=1e-7)


def test_abs_squared_gives_2z_and_holomorphic_outputs_give_conj_derivative():
    z = tf.constant(Z)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(z)
        loss = tf.math.real(z * tf.math.conj(z))
        y = tf.exp(z)
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, z)), 2 * Z)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, z)), np.conj(np.exp(Z)))


def test_second_order_matches_finite_differences_of_the_gradient():
    # the squared norm of a first gradient, differentiated again
    def grad_norm(z):
        with tf.GradientTape() as tape:
            tape.watch(z)
            loss = tf.reduce_sum(tf.abs(tf.exp(z) * z) ** 2)
        g = tape.gradient(loss, z)
        return tf.reduce_sum(tf.math.real(g * tf.math.conj(g)))

    z = tf.constant(Z)
    with tf.GradientTape() as outer:
        outer.watch(z)
        value = grad_norm(z)
    got = outer.gradient(value, z)
    np.testing.assert_allclose(np.asarray(got), _numeric_gradient(grad_norm, Z), rtol=1e-5)


def test_watching_complex_tensors_does_not_warn(caplog):
    with caplog.at_level(logging.WARNING):
        with tf.GradientTape() as tape:
            tape.watch(tf.constant(Z))
    assert "must be floating" not in caplog.text


def test_complex_variables_are_watched_and_accumulate_over_paths():
    v = tf.Variable(Z)
    with tf.GradientTape() as tape:
        y = v * v + tf.math.conj(v) * 3 + tf.exp(v)
    assert tape.watched_variables() == (v,)
    got = tape.gradient(y, v)
    # default seed: ones of the target's dtype
    np.testing.assert_allclose(np.asarray(got), 2 * np.conj(Z) + 3 + np.conj(np.exp(Z)))
    assert got.dtype == tf.complex128


def test_output_gradients_and_unconnected_zeros_keep_the_complex_dtype():
    z = tf.constant(Z.astype(np.complex64))
    other = tf.constant(Z.astype(np.complex64))
    with tf.GradientTape() as tape:
        tape.watch([z, other])
        y = z * 2
    seed = tf.constant(np.full(Z.shape, 1j, np.complex64))
    g, unconnected = tape.gradient(y, [z, other], output_gradients=seed,
                                   unconnected_gradients="zero")
    assert g.dtype == tf.complex64 and unconnected.dtype == tf.complex64
    np.testing.assert_allclose(np.asarray(g), 2j * np.ones(Z.shape))
    assert not np.any(np.asarray(unconnected))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_complex64_gradients_match_complex128(name):
    def grad(dtype):
        z = tf.constant(Z.astype(dtype))
        with tf.GradientTape() as tape:
            tape.watch(z)
            loss = LOSSES[name](z)
        return tape.gradient(loss, z)
    narrow, wide = grad(np.complex64), grad(np.complex128)
    assert narrow.dtype == tf.complex64
    scale = np.max(np.abs(np.asarray(wide)))
    np.testing.assert_allclose(np.asarray(narrow), np.asarray(wide), atol=1e-4 * scale)


def test_none_versus_zeros_through_the_parts():
    x, y = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        z = tf.complex(x, tf.zeros_like(y))
        only_real = tf.math.real(z)
        imag_of_both = tf.math.imag(tf.complex(x, y))
    assert tape.gradient(only_real, y) is None         # y never reached z
    gx, gy = tape.gradient(imag_of_both, [x, y])
    np.testing.assert_array_equal(gx, [0.0, 0.0])      # connected, zero
    np.testing.assert_array_equal(gy, [1.0, 1.0])


FORWARD = {
    "exp": tf.exp,
    "abs": tf.abs,
    "conj_product": lambda z: z * tf.math.conj(z) * z,
    "angle": tf.math.angle,
    "fft": tf.signal.fft,
    "irfft": tf.signal.irfft,
    "matmul_adjoint": lambda z: tf.matmul(z, z, adjoint_b=True),
    "real": tf.math.real,
}


@pytest.mark.parametrize("name", sorted(FORWARD))
def test_forward_mode_jvp_is_the_directional_derivative(name):
    f = FORWARD[name]
    tangent = RNG.normal(size=Z.shape) + 1j * RNG.normal(size=Z.shape)
    z = tf.constant(Z)
    with tf.autodiff.ForwardAccumulator(z, tf.constant(tangent)) as acc:
        y = f(z)
    eps = 1e-6
    numeric = (np.asarray(f(tf.constant(Z + eps * tangent)))
               - np.asarray(f(tf.constant(Z - eps * tangent)))) / (2 * eps)
    np.testing.assert_allclose(np.asarray(acc.jvp(y)), numeric, rtol=1e-6, atol=1e-8)


def test_forward_mode_through_tf_complex_from_real_primals():
    x = tf.constant([1.0, 2.0], tf.float64)
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.5], tf.float64)) as acc:
        y = tf.abs(tf.exp(tf.complex(x, x * x)))          # exp(x)
    np.testing.assert_allclose(np.asarray(acc.jvp(y)), np.exp([1.0, 2.0]) * [1.0, 0.5])


def test_jacobian_with_respect_to_a_complex_source():
    z = tf.constant(Z[0])
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = tf.exp(z)
    np.testing.assert_allclose(np.asarray(tape.jacobian(y, z)), np.diag(np.conj(np.exp(Z[0]))))


@pytest.mark.parametrize("fn", [
    tf.linalg.cholesky, lambda a: tf.linalg.slogdet(a)[1], lambda a: tf.linalg.eigh(a)[1],
    lambda a: tf.linalg.svd(a)[0], lambda a: tf.linalg.qr(a)[1],
], ids=["cholesky", "slogdet", "eigh", "svd", "qr"])
def test_rules_without_a_complex_form_refuse(fn):
    a = tf.constant(np.eye(2) * 2 + 0.1j * np.array([[0, 1], [-1, 0]]))
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = fn(a)
    with pytest.raises(NotImplementedError, match="real dtypes only"):
        tape.gradient(y, a)


def test_holomorphic_ops_accept_complex_and_name_it_in_their_dtype_error():
    assert tf.exp(tf.constant([1j])).dtype == tf.complex128
    with pytest.raises(tf.errors.InvalidArgumentError, match="complex64, complex128"):
        tf.exp(tf.constant([1]))
