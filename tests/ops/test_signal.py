"""tf.signal (fasttape/ops/signal.py): FFT round trips and dtypes, framing against a
direct slice loop for drawn geometries, the STFT/MDCT reconstructions, and errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fasttape as tf
from fasttape.errors import InvalidArgumentError


@settings(max_examples=20, deadline=None)
@given(n=st.integers(0, 12), length=st.integers(1, 5), step=st.integers(1, 4),
       pad_end=st.booleans())
def test_frame_matches_slicing_and_overlap_and_add_is_its_transpose(n, length, step, pad_end):
    x = np.arange(2 * n, dtype=np.float64).reshape(2, n) + 1
    frames = tf.signal.frame(x, length, step, pad_end=pad_end).numpy()
    count = -(-n // step) if pad_end else max((n - length) // step + 1, 0)
    assert frames.shape == (2, count, length)
    padded = np.concatenate([x, np.zeros((2, count * step + length))], axis=1)
    for i in range(count):
        np.testing.assert_array_equal(frames[:, i], padded[:, i * step:i * step + length])
    if count:
        # <frame(x), f> == <x, overlap_and_add(f)>: the two are each other's adjoint
        f = np.random.default_rng(n).normal(size=frames.shape)
        summed = tf.signal.overlap_and_add(f, step).numpy()
        assert summed.shape == (2, (count - 1) * step + length)
        lhs = (frames * f).sum()
        rhs = (padded[:, :summed.shape[1]] * summed).sum()
        assert np.isclose(lhs, rhs)


def test_fft_round_trips_keep_the_precision():
    z = np.random.default_rng(0).normal(size=(3, 8)) + 0j
    for dtype, real in ((tf.complex64, tf.float32), (tf.complex128, tf.float64)):
        t = tf.constant(z, dtype=dtype)
        back = tf.signal.ifft(tf.signal.fft(t))
        assert back.dtype == dtype
        np.testing.assert_allclose(back.numpy(), z, atol=1e-5)
        r = tf.signal.irfft(tf.signal.rfft(tf.math.real(t) if hasattr(tf.math, "real")
                                           else tf.constant(z.real, dtype=real)))
        assert r.dtype == real
        np.testing.assert_allclose(r.numpy(), z.real, atol=1e-5)


def test_stft_then_inverse_reconstructs_the_signal():
    x = np.random.default_rng(1).normal(size=(256,)).astype(np.float32)
    spectrum = tf.signal.stft(x, 64, 16)
    back = tf.signal.inverse_stft(spectrum, 64, 16,
                                  window_fn=tf.signal.inverse_stft_window_fn(16)).numpy()
    np.testing.assert_allclose(back[64:192], x[64:192], atol=1e-4)


def test_mdct_then_inverse_reconstructs_the_interior():
    x = np.random.default_rng(2).normal(size=(128,))
    for norm in (None, "ortho"):
        back = tf.signal.inverse_mdct(tf.signal.mdct(x, 32, norm=norm), norm=norm).numpy()
        np.testing.assert_allclose(back[16:112], x[16:112], atol=1e-10)


def test_dct_gradients_are_the_transposed_matrix():
    x = tf.Variable(np.random.default_rng(3).normal(size=(2, 6)))
    with tf.GradientTape() as tape:
        y = tf.signal.dct(x, norm="ortho")
    # an orthonormal DCT-II: the gradient of sum(y) is the transform's column sums
    expected = tf.signal.idct(np.ones((2, 6)), norm="ortho").numpy()
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), expected, atol=1e-12)


def test_argument_errors():
    with pytest.raises(InvalidArgumentError, match="Tcomplex"):
        tf.signal.fft(tf.constant([1.0, 2.0]))
    with pytest.raises(InvalidArgumentError, match="fft_length"):
        tf.signal.rfft(np.ones(4, np.float32), [2, 2])
    with pytest.raises(TypeError, match="frame_length"):
        tf.signal.frame(np.ones(4), 2.5, 1)
    with pytest.raises(InvalidArgumentError, match="frame_step"):
        tf.signal.overlap_and_add(np.ones((2, 3)), 0)
    with pytest.raises(ValueError, match="axis"):
        tf.signal.frame(np.ones(4), 2, 1, axis=2)
    with pytest.raises(ValueError, match="norm"):
        tf.signal.fftnd(np.ones(4, np.complex64), norm="half")
    with pytest.raises(ValueError, match="dtype"):
        tf.signal.hann_window(4, dtype=tf.int32)
