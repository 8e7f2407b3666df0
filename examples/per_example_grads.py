"""Per-example gradients of a small MLP with `tf.vectorized_map` and a tape inside.

Differentially private SGD clips each example's gradient before averaging; that needs
one gradient per example rather than the batch gradient. `vectorized_map` runs the
per-example function (a tape over one example's loss) over the batch and stacks the
results; their mean is the ordinary batch gradient, which the script checks.

Run it with `python examples/per_example_grads.py`.
"""

import numpy as np

import fasttape as tf


def make_model(seed=0, d_in=8, hidden=16):
    rng = np.random.default_rng(seed)
    return [tf.Variable(rng.standard_normal((d_in, hidden)) * 0.3),
            tf.Variable(np.zeros(hidden)),
            tf.Variable(rng.standard_normal((hidden, 1)) * 0.3)]


def predict(params, x):
    w1, b1, w2 = params
    return tf.tanh(x @ w1 + b1) @ w2


def per_example_gradients(params, x, y):
    def one(example):
        xi, yi = example
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((predict(params, tf.reshape(xi, (1, -1))) - yi) ** 2)
        return tape.gradient(loss, params)
    return tf.vectorized_map(one, (x, y))


def clipped_mean(grads, clip):
    norms = tf.sqrt(sum(tf.reduce_sum(tf.reshape(g, (g.shape[0], -1)) ** 2, axis=1)
                        for g in grads))
    scale = tf.minimum(1.0, clip / (norms + 1e-12))
    return [tf.reduce_mean(g * tf.reshape(scale, (-1,) + (1,) * (len(g.shape) - 1)), axis=0)
            for g in grads]


def main(batch=64, steps=30, verbose=True):
    """Trains with clipped per-example gradients; returns the losses and the check."""
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((batch, 8)))
    y = tf.constant(np.sin(np.sum(x.numpy(), axis=1, keepdims=True)))
    params = make_model()
    grads = per_example_gradients(params, x, y)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum((predict(params, x) - y) ** 2) / batch
    batch_grads = tape.gradient(loss, params)
    mean_error = max(float(np.max(np.abs(np.mean(g.numpy(), axis=0) - b.numpy())))
                     for g, b in zip(grads, batch_grads))
    initial = float(loss)
    for step in range(steps):
        update = clipped_mean(per_example_gradients(params, x, y), clip=1.0)
        for p, u in zip(params, update):
            p.assign_sub(0.1 * u)
        if verbose and step % 10 == 0:
            current = tf.reduce_mean((predict(params, x) - y) ** 2)
            print(f"step {step}  loss {float(current):.4f}")
    final = float(tf.reduce_mean((predict(params, x) - y) ** 2))
    return {"initial_loss": initial, "final_loss": final, "mean_grad_max_abs_error": mean_error,
            "grad_shapes": [tuple(g.shape) for g in grads]}


if __name__ == "__main__":
    print(main())
