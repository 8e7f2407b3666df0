"""Parity with TensorFlow for tf.signal (fasttape/ops/signal.py): FFT values and dtypes,
windows, framing, STFT, DCT/MDCT and mel matrices (with two derivative orders where TF
differentiates: framing and the cosine transforms)."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402
from tests.parity.test_conv_parity import _raised  # noqa: E402
from tests.parity.test_linalg_parity import assert_same, derivatives  # noqa: E402

RNG = np.random.default_rng(3)
Z = (RNG.normal(size=(3, 4, 6)) + 1j * RNG.normal(size=(3, 4, 6))).astype(np.complex64)
R = RNG.normal(size=(3, 4, 6)).astype(np.float32)
SIGNAL = RNG.normal(size=(2, 100)).astype(np.float32)


def both(fn, **tol):
    assert_same(fn(fasttape), fn(tensorflow), **tol)


@pytest.mark.parametrize("name", ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d"])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_ffts_match_tensorflow(name, dtype):
    both(lambda tf: getattr(tf.signal, name)(tf.constant(Z.astype(dtype))), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("k", ["", "2d", "3d"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_real_ffts_match_tensorflow(k, dtype):
    x = R.astype(dtype)
    tol = dict(rtol=1e-4, atol=1e-5)
    both(lambda tf: getattr(tf.signal, "rfft" + k)(tf.constant(x)), **tol)
    both(lambda tf: getattr(tf.signal, "irfft" + k)(getattr(tf.signal, "rfft" + k)(
        tf.constant(x))), **tol)
    lengths = {"": [8], "2d": [3, 8], "3d": [2, 5, 4]}[k]
    both(lambda tf: getattr(tf.signal, "rfft" + k)(tf.constant(x), lengths), **tol)
    both(lambda tf: getattr(tf.signal, "irfft" + k)(getattr(tf.signal, "rfft" + k)(
        tf.constant(x)), lengths), **tol)


def test_numpy_inputs_take_tensorflow_default_dtypes():
    both(lambda tf: tf.signal.fft(Z.astype(np.complex128)), rtol=1e-4, atol=1e-4)
    both(lambda tf: tf.signal.rfft(R.astype(np.float64)), rtol=1e-4, atol=1e-4)


def test_shifts_match_tensorflow():
    for x in (R, np.arange(5.0), np.arange(6.0).reshape(2, 3)):
        both(lambda tf: tf.signal.fftshift(tf.constant(x)))
        both(lambda tf: tf.signal.ifftshift(tf.constant(x)))
    both(lambda tf: tf.signal.fftshift(tf.constant(R), axes=[1, 2]))
    both(lambda tf: tf.signal.ifftshift(tf.constant(R), axes=0))


@pytest.mark.parametrize("length", [1, 2, 5, 8])
def test_windows_match_tensorflow(length):
    for periodic in (True, False):
        both(lambda tf: tf.signal.hann_window(length, periodic))
        both(lambda tf: tf.signal.hamming_window(length, periodic))
    both(lambda tf: tf.signal.kaiser_window(length, 5.0))
    both(lambda tf: tf.signal.kaiser_bessel_derived_window(length, 4.0))
    both(lambda tf: tf.signal.vorbis_window(length, dtype=tf.float64))


PROGRAMS = {
    "frame": (lambda tf, x: tf.signal.frame(x, 5, 3), [RNG.normal(size=(2, 23))]),
    "frame-pad-end": (lambda tf, x: tf.signal.frame(x, 5, 3, pad_end=True, pad_value=1.5),
                      [RNG.normal(size=(2, 23))]),
    "frame-axis0": (lambda tf, x: tf.signal.frame(x, 2, 1, axis=0), [RNG.normal(size=(5, 3, 2))]),
    "frame-axis1": (lambda tf, x: tf.signal.frame(x, 3, 2, axis=1, pad_end=True),
                    [RNG.normal(size=(5, 4, 2))]),
    "overlap-and-add": (lambda tf, x: tf.signal.overlap_and_add(x, 3),
                        [RNG.normal(size=(2, 4, 7))]),
    "overlap-and-add-gaps": (lambda tf, x: tf.signal.overlap_and_add(x, 5),
                             [RNG.normal(size=(4, 3))]),
    "dct-n5": (lambda tf, x: tf.signal.dct(x, 2, n=5), [RNG.normal(size=(3, 8))]),
    "dct-n11": (lambda tf, x: tf.signal.dct(x, 3, n=11), [RNG.normal(size=(3, 8))]),
    "mdct": (lambda tf, x: tf.signal.mdct(x, 16), [RNG.normal(size=(2, 64))]),
    "mdct-ortho-nowindow": (lambda tf, x: tf.signal.mdct(x, 16, window_fn=None, norm="ortho",
                                                         pad_end=True),
                            [RNG.normal(size=(2, 64))]),
    "inverse-mdct": (lambda tf, x: tf.signal.inverse_mdct(x), [RNG.normal(size=(2, 7, 8))]),
    "inverse-mdct-ortho": (lambda tf, x: tf.signal.inverse_mdct(x, window_fn=None, norm="ortho"),
                           [RNG.normal(size=(2, 7, 8))]),
    "mfccs": (lambda tf, x: tf.signal.mfccs_from_log_mel_spectrograms(x),
              [RNG.normal(size=(3, 20))]),
}
for _type in (1, 2, 3, 4):
    for _norm in ((None,) if _type == 1 else (None, "ortho")):
        for _fn in ("dct", "idct"):
            PROGRAMS[f"{_fn}{_type}-{_norm}"] = (
                lambda tf, x, f=_fn, t=_type, n=_norm: getattr(tf.signal, f)(x, t, norm=n),
                [RNG.normal(size=(3, 8))])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_values_and_derivatives_match_tensorflow(name, dtype):
    fn, inputs = PROGRAMS[name]
    xs = [np.asarray(x, dtype=dtype) for x in inputs]
    tol = dict(rtol=2e-3, atol=2e-4) if dtype == np.float32 else dict(rtol=1e-8, atol=1e-8)
    assert_same(derivatives(fasttape, fn, *xs), derivatives(tensorflow, fn, *xs), **tol)


def test_stft_round_trip_matches_tensorflow():
    tol = dict(rtol=1e-3, atol=1e-4)
    both(lambda tf: tf.signal.stft(SIGNAL, 16, 8), **tol)
    both(lambda tf: tf.signal.stft(SIGNAL, 15, 4, fft_length=32, pad_end=True), **tol)
    spectrum = tensorflow.signal.stft(SIGNAL, 16, 4).numpy()
    both(lambda tf: tf.signal.inverse_stft(spectrum, 16, 4), **tol)
    both(lambda tf: tf.signal.inverse_stft(
        spectrum, 16, 4, window_fn=tf.signal.inverse_stft_window_fn(4)), **tol)


def test_mel_matrix_matches_tensorflow():
    both(lambda tf: tf.signal.linear_to_mel_weight_matrix(), rtol=1e-3, atol=1e-5)
    both(lambda tf: tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 8000.0,
                                                          dtype=tf.float64))


ERRORS = {
    "fft2d-rank": lambda tf: tf.signal.fft2d(np.ones(4, np.complex64)),
    "fft-real-tensor": lambda tf: tf.signal.fft(tf.constant([1.0, 2.0])),
    "dct-type": lambda tf: tf.signal.dct(np.ones((2, 4), np.float32), type=5),
    "dct-axis": lambda tf: tf.signal.dct(np.ones((2, 4), np.float32), axis=0),
    "dct1-ortho": lambda tf: tf.signal.dct(np.ones((2, 4), np.float32), type=1, norm="ortho"),
    "mdct-length": lambda tf: tf.signal.mdct(np.ones((2, 32), np.float32), 10),
    "mel-nyquist": lambda tf: tf.signal.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0),
    "mel-edges": lambda tf: tf.signal.linear_to_mel_weight_matrix(lower_edge_hertz=4000.0),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None
    assert _raised(ERRORS[name], fasttape) == ref
