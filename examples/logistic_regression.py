"""Logistic regression by gradient descent, with the gradient checked in closed form.

Two Gaussian blobs in 4-D, labels 0/1. The loss is the mean of
`tf.nn.sigmoid_cross_entropy_with_logits`, whose gradient with respect to the weights
is Xᵀ(p − y)/n with p = sigmoid(X w + b). The tape's gradient is compared with that
formula, then the model is trained by full-batch gradient descent.

Run it with `python examples/logistic_regression.py`.
"""

import numpy as np

import fasttape as tf


def make_data(n=400, seed=1):
    """Two overlapping blobs: features (n, 4) float32, labels (n, 1) float32."""
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.5).astype(np.float32)
    centers = np.where(labels[:, None] > 0, 1.0, -1.0) * np.array([1.0, 0.5, -0.5, 0.0])
    x = (centers + rng.normal(size=(n, 4))).astype(np.float32)
    return x, labels[:, None]


def loss_fn(x, y, w, b):
    logits = tf.matmul(x, w) + b
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))


def closed_form_gradient(x, y, w, b):
    """Xᵀ(p − y)/n and mean(p − y), in numpy."""
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    return x.T @ (p - y) / len(x), float(np.mean(p - y))


def accuracy(x, y, w, b):
    predicted = tf.cast(tf.matmul(x, w) + b > 0.0, tf.float32)
    return float(tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32)))


def main(steps=200, learning_rate=0.5, verbose=True):
    """Checks the gradient, trains, and returns the losses, accuracy and gradient error."""
    x_np, y_np = make_data()
    x, y = tf.constant(x_np), tf.constant(y_np)
    w = tf.Variable(np.full((4, 1), 0.1, np.float32), name="w")
    b = tf.Variable(-0.2, name="b")

    # The tape's gradient against the closed form, at the starting point.
    with tf.GradientTape() as tape:
        initial_loss = loss_fn(x, y, w, b)
    dw, db = tape.gradient(initial_loss, [w, b])
    dw_exact, db_exact = closed_form_gradient(x_np, y_np, w.numpy(), b.numpy())
    grad_error = max(float(np.max(np.abs(dw.numpy() - dw_exact))),
                     abs(float(db) - db_exact))

    for step in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(x, y, w, b)
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(learning_rate * dw)
        b.assign_sub(learning_rate * db)
        if verbose and step % 50 == 0:
            print(f"step {step:4d}  loss {float(loss):.5f}")

    metrics = {
        "initial_loss": float(initial_loss),
        "final_loss": float(loss_fn(x, y, w, b)),
        "accuracy": accuracy(x, y, w, b),
        "grad_max_abs_error": grad_error,
    }
    if verbose:
        print(f"gradient vs X^T(p - y)/n: max abs error {grad_error:.2e}")
        print(f"loss {metrics['initial_loss']:.4f} -> {metrics['final_loss']:.4f}, "
              f"training accuracy {metrics['accuracy']:.3f}")
    return metrics


if __name__ == "__main__":
    main()
