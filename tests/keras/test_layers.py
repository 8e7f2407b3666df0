"""Dense, Embedding and Sequential: lazy build, names, weights, training with sparse
gradients."""

import numpy as np
import pytest

import fasttape as tf


def test_dense_builds_on_first_call_with_scoped_names():
    layer = tf.keras.layers.Dense(3, activation="tanh", name="proj",
                                  kernel_initializer=tf.keras.initializers.Ones())
    assert layer.weights == [] and not layer.built
    y = layer(np.ones((2, 4), dtype=np.float32))
    assert tuple(y.shape) == (2, 3) and layer.built
    assert [v.name for v in layer.trainable_variables] == ["proj/kernel:0", "proj/bias:0"]
    np.testing.assert_allclose(y.numpy(), np.tanh(4.0), rtol=1e-6)
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel * 0, bias + 1])
    np.testing.assert_allclose(layer(np.ones((1, 4))).numpy(), np.tanh(1.0), rtol=1e-6)
    with pytest.raises(ValueError, match="weight"):
        layer.set_weights([kernel])
    no_bias = tf.keras.layers.Dense(2, use_bias=False)
    no_bias(np.ones((1, 3)))
    assert len(no_bias.weights) == 1
    with pytest.raises(ValueError, match="units"):
        tf.keras.layers.Dense(0)


def test_embedding_trains_through_indexed_slices():
    emb = tf.keras.layers.Embedding(5, 2, embeddings_initializer="zeros")
    opt = tf.keras.optimizers.SGD(0.5)
    ids = tf.constant([1, 1, 3])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(emb(ids) - 1.0)
    (g,) = tape.gradient(loss, emb.trainable_variables)
    assert isinstance(g, tf.IndexedSlices)
    opt.apply_gradients([(g, emb.embeddings)])
    expected = np.zeros((5, 2))
    expected[1] = -1.0
    expected[3] = -0.5
    np.testing.assert_allclose(emb.embeddings.numpy(), expected)


def test_sequential_collects_weights_in_order():
    model = tf.keras.Sequential([tf.keras.layers.Dense(4), tf.keras.layers.Dense(1)])
    model(np.zeros((3, 2), dtype=np.float32))
    assert [tuple(v.shape) for v in model.trainable_variables] == [(2, 4), (4,), (4, 1),
                                                                  (1,)]
    assert len(model.weights) == 4
    with pytest.raises(TypeError):
        model.add(3)
