"""A two-layer perceptron trained by plain SGD on a 2-D spiral (3 classes).

Hidden layer: `relu(X W1 + b1)`; output logits `H W2 + b2`; loss: the mean of
`tf.nn.sparse_softmax_cross_entropy_with_logits`. Weights start from
`tf.random.normal` under `tf.random.set_seed`, and are updated in place with
`assign_sub` on random minibatches.

Run it with `python examples/mlp.py`.
"""

import numpy as np

import fasttape as tf


def make_spiral(points_per_class=100, classes=3, seed=0):
    """The classic interleaved spiral arms: features (n, 2) float32, labels (n,) int32."""
    rng = np.random.default_rng(seed)
    features, labels = [], []
    for k in range(classes):
        radius = np.linspace(0.0, 1.0, points_per_class)
        angle = (np.linspace(k * 4.0, (k + 1) * 4.0, points_per_class)
                 + 0.2 * rng.normal(size=points_per_class))
        features.append(np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1))
        labels.append(np.full(points_per_class, k))
    return (np.concatenate(features).astype(np.float32),
            np.concatenate(labels).astype(np.int32))


def forward(x, params):
    w1, b1, w2, b2 = params
    hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
    return tf.matmul(hidden, w2) + b2


def loss_fn(x, labels, params):
    logits = forward(x, params)
    return tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))


def accuracy(x, labels, params):
    predicted = tf.argmax(forward(x, params), axis=1, output_type=tf.int32)
    return float(tf.reduce_mean(tf.cast(tf.equal(predicted, labels), tf.float32)))


def main(epochs=300, batch_size=100, learning_rate=0.5, hidden=64, verbose=True):
    """Trains the network; returns the initial and final loss and the training accuracy."""
    tf.random.set_seed(0)
    x_np, y_np = make_spiral()
    x, y = tf.constant(x_np), tf.constant(y_np)
    params = [
        tf.Variable(tf.random.normal([2, hidden], stddev=1.0), name="w1"),
        tf.Variable(tf.zeros([hidden]), name="b1"),
        tf.Variable(tf.random.normal([hidden, 3], stddev=0.1), name="w2"),
        tf.Variable(tf.zeros([3]), name="b2"),
    ]
    initial_loss = float(loss_fn(x, y, params))

    order = np.random.default_rng(0)
    for epoch in range(epochs):
        batches = order.permutation(len(x_np)).reshape(-1, batch_size)
        for idx in batches:
            xb, yb = tf.constant(x_np[idx]), tf.constant(y_np[idx])
            with tf.GradientTape() as tape:
                loss = loss_fn(xb, yb, params)
            grads = tape.gradient(loss, params)
            for p, g in zip(params, grads, strict=True):
                p.assign_sub(learning_rate * g)
        if verbose and epoch % 50 == 0:
            print(f"epoch {epoch:4d}  loss {float(loss_fn(x, y, params)):.4f}")

    metrics = {
        "initial_loss": initial_loss,
        "final_loss": float(loss_fn(x, y, params)),
        "accuracy": accuracy(x, y, params),
    }
    if verbose:
        print(f"loss {metrics['initial_loss']:.4f} -> {metrics['final_loss']:.4f}, "
              f"training accuracy {metrics['accuracy']:.3f}")
    return metrics


if __name__ == "__main__":
    main()
