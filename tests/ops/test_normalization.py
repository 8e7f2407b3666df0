"""fasttape/ops/normalization.py: statistics against numpy for drawn shapes, the block
rearrangements' inverses, dropout's mask and scaling, and argument errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import fasttape as tf
from fasttape.errors import InvalidArgumentError


@settings(max_examples=20, deadline=None)
@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_moments_match_numpy(shape, data):
    axes = data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True))
    x = np.random.default_rng(len(shape)).normal(size=shape)
    mean, var = tf.nn.moments(x, axes)
    np.testing.assert_allclose(mean.numpy(), x.mean(axis=tuple(axes)), atol=1e-12)
    np.testing.assert_allclose(var.numpy(), x.var(axis=tuple(axes)), atol=1e-12)
    ones = np.ones(shape)
    w_mean, w_var = tf.nn.weighted_moments(x, axes, ones)
    np.testing.assert_allclose(w_mean.numpy(), mean.numpy(), atol=1e-12)
    np.testing.assert_allclose(w_var.numpy(), var.numpy(), atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(block=st.integers(2, 3), h=st.integers(1, 3), w=st.integers(1, 3), c=st.integers(1, 3))
def test_depth_to_space_inverts_space_to_depth(block, h, w, c):
    x = np.arange(2 * h * block * w * block * c, dtype=np.float64).reshape(
        2, h * block, w * block, c)
    deep = tf.nn.space_to_depth(x, block)
    assert deep.shape == (2, h, w, block * block * c)
    np.testing.assert_array_equal(tf.nn.depth_to_space(deep, block).numpy(), x)
    first = tf.nn.space_to_depth(np.transpose(x, (0, 3, 1, 2)), block, data_format="NCHW")
    np.testing.assert_array_equal(np.transpose(first.numpy(), (0, 2, 3, 1)), deep.numpy())


def test_moments_of_float16_are_float16():
    mean, var = tf.nn.moments(np.array([1, 2, 3], np.float16), [0])
    assert mean.dtype == var.dtype == tf.float16
    assert mean.numpy() == 2 and np.isclose(var.numpy(), 2 / 3, atol=1e-3)


def test_dropout_gradient_is_the_scaled_mask():
    x = tf.Variable(np.ones(100))
    with tf.GradientTape() as tape:
        y = tf.nn.dropout(x, 0.25, seed=5)
    g = tape.gradient(y, x).numpy()
    np.testing.assert_array_equal(g, y.numpy())
    assert set(np.unique(g)) == {0.0, 1 / 0.75}
    same = tf.nn.experimental.stateless_dropout(np.ones(100), 0.25, seed=[3, 4]).numpy()
    again = tf.nn.experimental.stateless_dropout(np.ones(100), 0.25, seed=[3, 4]).numpy()
    np.testing.assert_array_equal(same, again)
    tensor_rate = tf.nn.dropout(np.ones(10), tf.constant(0.5), seed=1).numpy()
    assert set(np.unique(tensor_rate)) <= {0.0, 2.0}


def test_argument_errors():
    with pytest.raises(ValueError, match="rate"):
        tf.nn.dropout(np.ones(3), 1.0)
    with pytest.raises(ValueError, match="rate"):
        tf.nn.dropout(np.ones(3), tf.constant([0.5]))
    with pytest.raises(InvalidArgumentError, match="block_size"):
        tf.nn.space_to_depth(np.ones((1, 2, 2, 1)), 1)
    with pytest.raises(InvalidArgumentError, match="data_format"):
        tf.nn.depth_to_space(np.ones((1, 2, 2, 4)), 2, data_format="HWCN")
    with pytest.raises(InvalidArgumentError, match="block_shape"):
        tf.nn.space_to_batch(np.ones((1, 4, 4, 1)), [2, 2], [[0, 0]])
    with pytest.raises(InvalidArgumentError, match="divisible"):
        tf.nn.space_to_batch(np.ones((1, 3, 4, 1)), [2, 2], [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match="shape"):
        tf.nn.log_poisson_loss(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="shape"):
        tf.nn.weighted_cross_entropy_with_logits(np.ones(3), np.ones(2), 1.0)
    with pytest.raises(TypeError, match="global_batch_size"):
        tf.nn.compute_average_loss(np.ones(3), global_batch_size=2.5)
    with pytest.raises(InvalidArgumentError, match="depth_radius"):
        tf.nn.lrn(np.ones((1, 1, 1, 3), np.float32), depth_radius=-1)
