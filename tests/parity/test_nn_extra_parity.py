"""Parity with TensorFlow for fasttape/ops/nn_extra.py (isotonic_regression): values,
segments, two derivative orders, dtypes and error classes."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402
from tests.parity.test_conv_parity import _raised  # noqa: E402
from tests.parity.test_linalg_parity import assert_same, derivatives  # noqa: E402

RNG = np.random.default_rng(3)
X = RNG.normal(size=(4, 7))
TIES = np.array([[3.0, 3.0, 3.0, 1.0], [1.0, 1.0, 2.0, 2.0], [3.0, 2.0, 2.0, 1.0]])

PROGRAMS = {
    "decreasing": (lambda tf, x: tf.nn.isotonic_regression(x), [X]),
    "increasing": (lambda tf, x: tf.nn.isotonic_regression(x, decreasing=False), [X]),
    "axis-0": (lambda tf, x: tf.nn.isotonic_regression(tf.sin(x), axis=0), [X]),
    "axis-0-squares": (lambda tf, x: tf.nn.isotonic_regression(x * x, axis=0), [X.T]),
    "ties": (lambda tf, x: tf.nn.isotonic_regression(x), [TIES]),
    "ties-increasing": (lambda tf, x: tf.nn.isotonic_regression(x, decreasing=False), [TIES]),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_values_segments_and_derivatives_match_tensorflow(name, dtype):
    fn, inputs = PROGRAMS[name]
    xs = [np.asarray(x, dtype=dtype) for x in inputs]
    tol = dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)
    ours, ref = fn(fasttape, *xs), fn(tensorflow, *xs)
    assert type(ours).__name__ == type(ref).__name__
    assert_same(list(ours), list(ref), **tol)

    def output(tf, x):
        return fn(tf, x)[0]
    assert_same(derivatives(fasttape, output, *xs), derivatives(tensorflow, output, *xs), **tol)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.float16])
def test_output_dtypes_match_tensorflow(dtype):
    x = (np.arange(12) * 7 % 5).reshape(3, 4).astype(dtype)
    assert_same(list(fasttape.nn.isotonic_regression(x)),
                list(tensorflow.nn.isotonic_regression(x)), rtol=1e-3, atol=1e-3)


def test_empty_and_scalar_match_tensorflow():
    for x in (np.ones((2, 0)), np.float64(2.5)):
        assert_same(list(fasttape.nn.isotonic_regression(x)),
                    list(tensorflow.nn.isotonic_regression(x)))


ERRORS = {
    "axis": lambda tf: tf.nn.isotonic_regression(X, axis=2),
    "axis-negative": lambda tf: tf.nn.isotonic_regression(X, axis=-3),
    "uint8": lambda tf: tf.nn.isotonic_regression(np.ones(3, np.uint8)),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None
    assert _raised(ERRORS[name], fasttape) == ref
