"""Parity with TensorFlow for fasttape/ops/normalization.py: statistics, batch
normalisation, LRN, losses and block rearrangements (values and two derivative
orders), dropout's scaling and masks, and error classes."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402
from tests.parity.test_conv_parity import _raised  # noqa: E402
from tests.parity.test_linalg_parity import assert_same, derivatives  # noqa: E402

RNG = np.random.default_rng(5)
X = RNG.normal(size=(4, 3, 2))
FREQ = RNG.uniform(0.5, 2, size=(4, 3, 1))
MEAN, OFFSET, SCALE = RNG.normal(size=2), RNG.normal(size=2), RNG.normal(size=2)
VAR = RNG.uniform(0.5, 1, size=2)
X4 = RNG.normal(size=(2, 4, 6, 3))
LABELS, LOGITS = RNG.uniform(size=(3, 4)), RNG.normal(size=(3, 4))
TARGETS = np.array([0.0, 1.0, 2.0, 3.0, 0.5])

PROGRAMS = {
    "moments-mean": (lambda tf, x: tf.nn.moments(x, [0, 1])[0], [X]),
    "moments-variance": (lambda tf, x: tf.nn.moments(x, [0, 1])[1], [X]),
    "moments-keepdims": (lambda tf, x: tf.nn.moments(x, [0], keepdims=True), [X]),
    "weighted-moments": (lambda tf, x, w: tf.nn.weighted_moments(x, [0, 1], w), [X, FREQ]),
    "weighted-moments-keepdims": (
        lambda tf, x, w: tf.nn.weighted_moments(x, [0], w, keepdims=True), [X, FREQ]),
    "batch-normalization": (
        lambda tf, x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
        [X, MEAN, VAR, OFFSET, SCALE]),
    "batch-normalization-bare": (
        lambda tf, x, m, v: tf.nn.batch_normalization(x, m, v, None, None, 1e-3), [X, MEAN, VAR]),
    "global-normalization": (
        lambda tf, x, m, v, b, g: tf.nn.batch_norm_with_global_normalization(
            x, m, v, b, g, 1e-3, True), [X, MEAN, VAR, OFFSET, SCALE]),
    "crelu": (lambda tf, x: tf.nn.crelu(x, axis=1), [X]),
    "log-poisson": (lambda tf, x: tf.nn.log_poisson_loss(tf.constant(TARGETS, x.dtype), x),
                    [TARGETS + 0.3]),
    "log-poisson-full": (
        lambda tf, x: tf.nn.log_poisson_loss(tf.constant(TARGETS, x.dtype), x, True),
        [TARGETS - 0.2]),
    "weighted-xent": (lambda tf, z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, 1.7),
                      [LABELS, LOGITS]),
    "average-loss": (lambda tf, x: tf.nn.compute_average_loss(x, global_batch_size=8), [LOGITS]),
    "average-loss-weighted": (lambda tf, x: tf.nn.compute_average_loss(x, sample_weight=0.5),
                              [LOGITS]),
    "regularization-loss": (lambda tf, x: tf.nn.scale_regularization_loss(x), [LOGITS]),
    "space-to-depth": (lambda tf, x: tf.nn.space_to_depth(x, 2), [X4]),
    "depth-to-space": (lambda tf, x: tf.nn.depth_to_space(x, 2), [RNG.normal(size=(2, 2, 3, 8))]),
    "space-to-batch": (lambda tf, x: tf.nn.space_to_batch(x, [2, 3], [[0, 0], [1, 2]]), [X4]),
    "space-to-batch-1d": (lambda tf, x: tf.nn.space_to_batch(x, [2], [[1, 1]]), [X4]),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_values_and_derivatives_match_tensorflow(name, dtype):
    fn, inputs = PROGRAMS[name]
    xs = [np.asarray(x, dtype=dtype) for x in inputs]
    tol = dict(rtol=2e-3, atol=2e-4) if dtype == np.float32 else dict(rtol=1e-7, atol=1e-8)
    assert_same(derivatives(fasttape, fn, *xs), derivatives(tensorflow, fn, *xs), **tol)


def test_lrn_matches_tensorflow():
    # float32 only (TF's kernel), first order only (TF has no gradient of LRNGrad)
    def first(tf):
        x = tf.constant(X4.astype(np.float32))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.local_response_normalization(x, 2, 1.5, 0.3, 0.7)
        return [y, tape.gradient(y, x), tf.nn.lrn(x)]
    assert_same(first(fasttape), first(tensorflow))


def test_statistics_match_tensorflow():
    shift = np.float64(0.3)
    ours = fasttape.nn.sufficient_statistics(X, [0, 2], shift=fasttape.constant(shift))
    ref = tensorflow.nn.sufficient_statistics(X, [0, 2], shift=tensorflow.constant(shift))
    assert_same(list(ours), list(ref))
    assert_same(fasttape.nn.normalize_moments(*ours), tensorflow.nn.normalize_moments(*ref))
    z = np.array([[0.0, 1.0], [0.0, 3.0]])
    assert_same(fasttape.nn.zero_fraction(z), tensorflow.nn.zero_fraction(z))
    half = X.astype(np.float16)
    assert_same(fasttape.nn.moments(half, [0]), tensorflow.nn.moments(half, [0]), rtol=1e-2,
                atol=1e-3)


def test_dropout_scales_the_kept_elements_like_tensorflow():
    ones = np.ones((2000,), np.float32)
    ours = fasttape.nn.dropout(ones, 0.3, seed=1).numpy()
    ref = tensorflow.nn.dropout(ones, 0.3, seed=1).numpy()
    assert set(np.unique(ours)) == set(np.unique(ref))          # {0, 1 / 0.7}
    assert abs((ours == 0).mean() - 0.3) < 0.05
    np.testing.assert_array_equal(fasttape.nn.dropout(ones, 0.0).numpy(), ones)
    rows = fasttape.nn.dropout(np.ones((50, 3)), 0.5, noise_shape=[50, 1], seed=3).numpy()
    assert all(len(set(r)) == 1 for r in rows)                   # whole rows kept or dropped


ERRORS = {
    "dropout-rate-1": lambda tf: tf.nn.dropout(np.ones(3, np.float32), 1.0),
    "dropout-negative": lambda tf: tf.nn.dropout(np.ones(3, np.float32), -0.1),
    "dropout-int": lambda tf: tf.nn.dropout(np.ones(3, np.int32), 0.5),
    "dropout-noise-shape": lambda tf: tf.nn.dropout(np.ones((4, 3), np.float32), 0.5,
                                                    noise_shape=[2, 1]),
    "space-to-depth-indivisible": lambda tf: tf.nn.space_to_depth(np.ones((1, 3, 4, 1)), 2),
    "depth-to-space-indivisible": lambda tf: tf.nn.depth_to_space(np.ones((1, 2, 2, 3)), 2),
    "lrn-rank": lambda tf: tf.nn.local_response_normalization(np.ones((2, 3), np.float32)),
    "average-loss-scalar": lambda tf: tf.nn.compute_average_loss(1.0),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None
    assert _raised(ERRORS[name], fasttape) == ref
