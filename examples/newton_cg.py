"""Newton-CG on a regularised logistic regression, with Hessian-vector products from
forward-over-reverse differentiation.

The Hessian is never formed: conjugate gradients only needs H v, which is the JVP of
the gradient along v (`acc.jvp(tape.gradient(loss, w))` with a ForwardAccumulator
outside the tape). Each Newton step solves H p = g approximately with CG.

Run it with `python examples/newton_cg.py`.
"""

import numpy as np

import fasttape as tf


def make_data(n=200, d=10, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    w_true = rng.standard_normal((d, 1))
    y = (x @ w_true + 0.5 * rng.standard_normal((n, 1)) > 0).astype(np.float64)
    return tf.constant(x), tf.constant(y)


def loss_fn(w, x, y, l2=1e-2):
    logits = x @ tf.reshape(w, (-1, 1))
    data = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    return data + 0.5 * l2 * tf.reduce_sum(w * w)


def gradient(w, x, y):
    with tf.GradientTape() as tape:
        tape.watch(w)
        loss = loss_fn(w, x, y)
    return loss, tape.gradient(loss, w)


def hvp(w, v, x, y):
    """H(w) v by forward-over-reverse."""
    with tf.autodiff.ForwardAccumulator(w, v) as acc:
        _, g = gradient(w, x, y)
    return acc.jvp(g)


def conjugate_gradient(matvec, b, iterations=20, tolerance=1e-12):
    p_sol = tf.zeros_like(b)
    r = b
    d = r
    rr = float(tf.reduce_sum(r * r))
    for _ in range(iterations):
        hd = matvec(d)
        alpha = rr / float(tf.reduce_sum(d * hd))
        p_sol = p_sol + alpha * d
        r = r - alpha * hd
        rr_new = float(tf.reduce_sum(r * r))
        if rr_new < tolerance:
            break
        d = r + (rr_new / rr) * d
        rr = rr_new
    return p_sol


def main(steps=8, verbose=True):
    """Runs Newton-CG; returns the losses, the final gradient norm and the HVP check."""
    x, y = make_data()
    w = tf.zeros([10], dtype=tf.float64)
    # check one HVP against the explicit Hessian from nested tapes
    v = tf.constant(np.linspace(-1.0, 1.0, 10))
    with tf.GradientTape() as outer:
        outer.watch(w)
        _, g = gradient(w, x, y)
    hessian = outer.jacobian(g, w)
    hvp_error = float(np.max(np.abs(hvp(w, v, x, y).numpy() - hessian.numpy() @ v.numpy())))

    initial, _ = gradient(w, x, y)
    for step in range(steps):
        loss, g = gradient(w, x, y)
        p = conjugate_gradient(lambda d: hvp(w, d, x, y), g)
        w = w - p
        if verbose:
            print(f"step {step}  loss {float(loss):.6f}  |g| {float(tf.norm(g)):.2e}")
    final, g = gradient(w, x, y)
    return {"initial_loss": float(initial), "final_loss": float(final),
            "final_gradient_norm": float(tf.norm(g)), "hvp_max_abs_error": hvp_error}


if __name__ == "__main__":
    print(main())
