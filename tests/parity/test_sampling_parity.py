"""Parity with TensorFlow for fasttape/ops/sampling.py: sampler output shapes, dtypes and
expected counts (where they do not depend on the draws), accidental hits, and the
sampled losses (values and gradients) for given sampled values."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402
from tests.parity.test_conv_parity import _raised  # noqa: E402
from tests.parity.test_linalg_parity import assert_same  # noqa: E402

RNG = np.random.default_rng(8)
TRUE = np.array([[1, 3], [0, 2], [5, 5]], np.int64)
W = RNG.normal(size=(10, 4)).astype(np.float32)
B = RNG.normal(size=10).astype(np.float32)
X = RNG.normal(size=(3, 4)).astype(np.float32)
SAMPLED = (np.array([5, 1, 7, 2], np.int64), np.full((3, 2), 0.3, np.float32),
           np.array([0.1, 0.2, 0.3, 0.4], np.float32))


@pytest.mark.parametrize("name", ["uniform_candidate_sampler", "log_uniform_candidate_sampler"])
@pytest.mark.parametrize("unique", [True, False])
def test_samplers_match_tensorflow_in_form(name, unique):
    ours = getattr(fasttape.random, name)(TRUE, 2, 4, unique, 10, seed=1)
    ref = getattr(tensorflow.random, name)(TRUE, 2, 4, unique, 10, seed=1)
    assert [t.dtype.name for t in ours] == [t.dtype.name for t in ref]
    assert [tuple(t.shape) for t in ours] == [tuple(t.shape) for t in ref]
    if unique:
        assert len(set(ours[0].numpy().tolist())) == 4
    if not unique:
        # with replacement the expected counts do not depend on the draws
        np.testing.assert_allclose(ours[1].numpy(), ref[1].numpy(), rtol=1e-5)


def test_fixed_unigram_and_all_samplers_match_tensorflow():
    args = (TRUE, 2, 4, False, 10)
    ours = fasttape.random.fixed_unigram_candidate_sampler(*args, unigrams=list(range(1, 11)))
    ref = tensorflow.random.fixed_unigram_candidate_sampler(*args, unigrams=list(range(1, 11)))
    assert_same(ours[1], ref[1])
    assert_same(list(fasttape.random.all_candidate_sampler(TRUE, 2, 6, True)),
                list(tensorflow.random.all_candidate_sampler(TRUE, 2, 6, True)))


def test_accidental_hits_match_tensorflow():
    args = (TRUE, np.array([5, 1, 7, 2], np.int64), 2)
    assert_same(list(fasttape.nn.compute_accidental_hits(*args)),
                list(tensorflow.nn.compute_accidental_hits(*args)))


@pytest.mark.parametrize("loss", ["nce_loss", "sampled_softmax_loss"])
@pytest.mark.parametrize("remove_hits", [False, True])
def test_sampled_losses_match_tensorflow(loss, remove_hits):
    def run(tf):
        w, x = tf.constant(W), tf.constant(X)
        with tf.GradientTape() as tape:
            tape.watch([w, x])
            y = getattr(tf.nn, loss)(w, B, TRUE, x, 4, 10, num_true=2, sampled_values=SAMPLED,
                                     remove_accidental_hits=remove_hits)
        g_w, g_x = tape.gradient(y, [w, x])
        return [y, tf.convert_to_tensor(g_w), g_x]
    assert_same(run(fasttape), run(tensorflow), rtol=1e-4, atol=1e-5)


ERRORS = {
    "out-of-range": lambda tf: tf.random.all_candidate_sampler(TRUE, 2, 4, True),
    "unique-too-many": lambda tf: tf.random.uniform_candidate_sampler(TRUE, 2, 12, True, 10),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None
    assert _raised(ERRORS[name], fasttape) == ref
