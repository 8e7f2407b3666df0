"""Linear regression by gradient descent, checked against the least-squares solution.

Synthetic data y = X w_true + b_true + noise. The model `X @ w + b` is fitted by
full-batch gradient descent on the mean squared error, with gradients from a
GradientTape and updates by `assign_sub`. The result is compared with the closed-form
least-squares fit (numpy's `lstsq` on `[X, 1]`).

Run it with `python examples/linear_regression.py`.
"""

import numpy as np

import fasttape as tf


def make_data(n=256, seed=0):
    """Features (n, 3) and targets (n, 1), float32, from a fixed linear model plus noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    w_true = np.array([[2.0], [-3.0], [0.5]], np.float32)
    y = x @ w_true + 1.0 + 0.1 * rng.normal(size=(n, 1)).astype(np.float32)
    return x, y.astype(np.float32)


def mse(x, y, w, b):
    return tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))


def main(steps=300, learning_rate=0.1, verbose=True):
    """Trains the model; returns the losses and the distance to the least-squares fit."""
    x_np, y_np = make_data()
    x, y = tf.constant(x_np), tf.constant(y_np)
    w = tf.Variable(tf.zeros([3, 1]), name="w")
    b = tf.Variable(0.0, name="b")

    initial_loss = float(mse(x, y, w, b))
    for step in range(steps):
        with tf.GradientTape() as tape:
            loss = mse(x, y, w, b)
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(learning_rate * dw)
        b.assign_sub(learning_rate * db)
        if verbose and step % 100 == 0:
            print(f"step {step:4d}  loss {float(loss):.6f}")
    final_loss = float(mse(x, y, w, b))

    # Closed form: least squares on the features plus a column of ones.
    design = np.hstack([x_np, np.ones((len(x_np), 1), np.float32)]).astype(np.float64)
    exact, *_ = np.linalg.lstsq(design, y_np.astype(np.float64), rcond=None)
    fitted = np.concatenate([w.numpy().ravel(), [b.numpy()]])
    lstsq_loss = float(np.mean((design @ exact - y_np) ** 2))
    metrics = {
        "initial_loss": initial_loss,
        "final_loss": final_loss,
        "lstsq_loss": lstsq_loss,
        "max_param_error": float(np.max(np.abs(fitted - exact.ravel()))),
    }
    if verbose:
        print(f"fitted w, b: {np.round(fitted, 4)}")
        print(f"lstsq  w, b: {np.round(exact.ravel(), 4)}")
        print(f"loss {initial_loss:.4f} -> {final_loss:.6f} (least squares {lstsq_loss:.6f}), "
              f"max parameter error {metrics['max_param_error']:.2e}")
    return metrics


if __name__ == "__main__":
    main()
