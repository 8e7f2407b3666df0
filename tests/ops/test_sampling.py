"""Candidate samplers, sampled losses and CTC (fasttape/ops/sampling.py, ctc.py):
distributions, reproducibility under set_seed, gradients and argument errors."""

import numpy as np
import pytest

import fasttape as tf
from fasttape.errors import InvalidArgumentError

_TRUE = np.array([[1], [4]], np.int64)


def test_log_uniform_draws_follow_zipf():
    tf.random.set_seed(3)
    draws = tf.random.log_uniform_candidate_sampler(_TRUE, 1, 20000, False, 50)[0].numpy()
    counts = np.bincount(draws, minlength=50) / draws.size
    expected = (np.log(np.arange(50) + 2.0) - np.log(np.arange(50) + 1.0)) / np.log(51.0)
    np.testing.assert_allclose(counts[:5], expected[:5], atol=0.01)
    tf.random.set_seed(3)
    again = tf.random.log_uniform_candidate_sampler(_TRUE, 1, 20000, False, 50)[0].numpy()
    np.testing.assert_array_equal(draws, again)
    tf.random.set_seed(None)


def test_unique_sampling_expected_counts_use_the_number_of_tries():
    sampled, true_count, sampled_count = tf.random.uniform_candidate_sampler(
        _TRUE, 1, 10, True, 10, seed=4)
    assert sorted(sampled.numpy().tolist()) == list(range(10))
    # every class has the same count 1 - (1 - 1/10) ** tries, tries >= 10
    assert np.allclose(sampled_count.numpy(), sampled_count.numpy()[0])
    assert 1 - 0.9 ** 10 - 1e-6 <= true_count.numpy()[0, 0] <= 1


def test_sampled_losses_are_differentiable_twice():
    rng = np.random.default_rng(0)
    w = tf.Variable(rng.normal(size=(6, 3)))
    x = tf.Variable(rng.normal(size=(2, 3)))
    sampled = (np.array([0, 2, 5], np.int64), np.full((2, 1), 0.5), np.array([0.5, 0.5, 0.5]))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = tf.reduce_sum(tf.nn.sampled_softmax_loss(w, np.zeros(6), _TRUE, x, 3, 6,
                                                            sampled_values=sampled))
        g = tf.convert_to_tensor(inner.gradient(loss, w))
        total = tf.reduce_sum(g * g)
    assert outer.gradient(total, x).shape == (2, 3)


def test_ctc_second_derivative_is_none():
    logits = tf.Variable(np.random.default_rng(1).normal(size=(4, 1, 3)))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = tf.nn.ctc_loss(np.array([[1, 2]], np.int32), logits, [2], [4])
        g = inner.gradient(loss, logits)
        total = tf.reduce_sum(g)
    assert np.isfinite(g.numpy()).all()
    assert outer.gradient(total, logits) is None


def test_argument_errors():
    with pytest.raises(InvalidArgumentError, match="int64"):
        tf.random.uniform_candidate_sampler(np.array([[1]], np.int32), 1, 2, False, 5)
    with pytest.raises(InvalidArgumentError, match="num_true"):
        tf.random.uniform_candidate_sampler(_TRUE, 2, 2, False, 5)
    with pytest.raises(NotImplementedError, match="vocab_file"):
        tf.random.fixed_unigram_candidate_sampler(_TRUE, 1, 2, False, 5, vocab_file="v.txt")
    with pytest.raises(InvalidArgumentError, match="labels"):
        tf.nn.ctc_loss(np.array([[7]], np.int32), np.zeros((3, 1, 4)), [1], [3])
    with pytest.raises(InvalidArgumentError, match="logit_length"):
        tf.nn.ctc_loss(np.array([[1]], np.int32), np.zeros((3, 1, 4)), [1], [4])
    with pytest.raises(InvalidArgumentError, match="3-D"):
        tf.nn.ctc_loss(np.array([[1]], np.int32), np.zeros((3, 4)), [1], [3])
