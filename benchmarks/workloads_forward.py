"""Forward-mode and functional-transform workloads (registered beside workloads.py).

* ``hvp_forward``: the Hessian-vector product of the ``hvp`` workload, computed by
  forward-over-reverse (a ForwardAccumulator around a GradientTape), against
  fasttape's own nested-tape HVP, torch's double backward and TF's accumulator.
* ``per_example_grads``: per-example gradients of a small MLP (batch 64) with
  ``vectorized_map`` over a function holding a tape, against a Python loop of tapes
  and ``torch.func.vmap(grad)``.
"""

from __future__ import annotations

import numpy as np

from harness import FASTTAPE, PEER, Bar, Impl, Workload, register
from workloads import F32, HVP_N, hvp_numpy, hvp_tfapi, hvp_torch, standard_impls

# ---------------------------------------------------------------------------
# hvp_forward: forward-over-reverse Hessian-vector product, n = 100
# ---------------------------------------------------------------------------


def hvp_forward_tfapi(tf, x, v):
    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.sin(x) * x ** 3)
        g = tape.gradient(y, x)
    return g, acc.jvp(g)


def _build_hvp_forward(fw, rng):
    x0 = rng.uniform(-2.0, 2.0, HVP_N).astype(F32)
    v0 = rng.standard_normal(HVP_N).astype(F32)

    def make_tfapi(tf):
        x, v = tf.Variable(x0.copy()), tf.constant(v0.copy())
        return lambda: hvp_forward_tfapi(tf, x, v)

    def make_torch(torch):
        x, v = torch.tensor(x0, requires_grad=True), torch.tensor(v0)
        return lambda: hvp_torch(torch, x, v)

    impls = standard_impls(fw, numpy=lambda: (lambda: hvp_numpy(x0, v0)), tfapi=make_tfapi,
                           torch={"torch (double backward)": make_torch})
    if fw.fasttape is not None:
        ft = fw.fasttape

        def make_nested():
            x, v = ft.Variable(x0.copy()), ft.constant(v0.copy())
            return lambda: hvp_tfapi(ft, x, v)
        impls.append(Impl("fasttape (nested tapes)", PEER, "fasttape", make_nested))
    return impls


register(Workload(
    name="hvp_forward",
    title="Hessian-vector product by forward-over-reverse, n = 100",
    description=(
        "f(x) = reduce_sum(sin(x) * x**3), x a (100,) float32 Variable; a "
        "ForwardAccumulator(x, v) around a GradientTape; outputs g = gradient(f, x) and "
        "H v = acc.jvp(g). Peers: fasttape's nested-tape HVP (the hvp workload), torch "
        "double backward, TF's ForwardAccumulator (same code)."
    ),
    build=_build_hvp_forward,
    rtol=1e-3,
    atol=1e-5,
    bars=[
        Bar("forward-over-reverse at most the nested-tape HVP's time", "faster", 1.0,
            "fasttape (nested tapes)"),
        Bar("at most 0.5x torch double backward", "faster", 2.0, "torch (double backward)"),
        Bar("at most 0.02x TF's ForwardAccumulator", "faster", 50.0, "tensorflow"),
    ],
))


# ---------------------------------------------------------------------------
# per_example_grads: per-example gradients of an MLP 10 -> 32 -> 1, batch 64
# ---------------------------------------------------------------------------

PEG_BATCH, PEG_IN, PEG_HIDDEN = 64, 10, 32


def per_example_tfapi(tf, X, Y, params):
    def one(example):
        x, y = example
        with tf.GradientTape() as tape:
            h = tf.tanh(tf.reshape(x, (1, -1)) @ params[0] + params[1])
            loss = tf.reduce_sum((h @ params[2] + params[3] - y) ** 2)
        return tape.gradient(loss, params)
    return tf.vectorized_map(one, (X, Y))


def per_example_loop_tfapi(tf, X, Y, params):
    rows = []
    for i in range(X.shape[0]):
        with tf.GradientTape() as tape:
            h = tf.tanh(tf.reshape(X[i], (1, -1)) @ params[0] + params[1])
            loss = tf.reduce_sum((h @ params[2] + params[3] - Y[i]) ** 2)
        rows.append(tape.gradient(loss, params))
    return [tf.stack([r[k] for r in rows]) for k in range(len(params))]


def per_example_numpy(X, Y, W1, b1, W2, b2):
    h = np.tanh(X @ W1 + b1)                     # (B, H)
    r = 2.0 * (h @ W2 + b2 - Y)                  # (B, 1)
    gW2 = h[:, :, None] * r[:, None, :]          # (B, H, 1)
    dh = (r @ W2.T) * (1.0 - h * h)              # (B, H)
    gW1 = X[:, :, None] * dh[:, None, :]         # (B, D, H)
    return [gW1, dh, gW2, r]


def per_example_torch(torch, X, Y, params):
    from torch.func import grad, vmap

    def loss(ps, x, y):
        h = torch.tanh(x.reshape(1, -1) @ ps[0] + ps[1])
        return ((h @ ps[2] + ps[3] - y) ** 2).sum()
    return list(vmap(grad(loss), in_dims=(None, 0, 0))(params, X, Y))


def _build_per_example(fw, rng):
    X0 = rng.standard_normal((PEG_BATCH, PEG_IN)).astype(F32)
    Y0 = rng.standard_normal((PEG_BATCH, 1)).astype(F32)
    P0 = [(rng.standard_normal((PEG_IN, PEG_HIDDEN)) * 0.3).astype(F32),
          np.zeros(PEG_HIDDEN, F32),
          (rng.standard_normal((PEG_HIDDEN, 1)) * 0.3).astype(F32),
          np.zeros(1, F32)]

    def make_tfapi(tf):
        X, Y = tf.constant(X0), tf.constant(Y0)
        params = [tf.Variable(p.copy()) for p in P0]
        return lambda: per_example_tfapi(tf, X, Y, params)

    def make_torch(torch):
        X, Y = torch.tensor(X0), torch.tensor(Y0)
        params = tuple(torch.tensor(p) for p in P0)
        return lambda: per_example_torch(torch, X, Y, params)

    impls = standard_impls(fw, numpy=lambda: (lambda: per_example_numpy(X0, Y0, *P0)),
                           tfapi=make_tfapi, torch={"torch.func vmap(grad)": make_torch})
    if fw.fasttape is not None:
        ft = fw.fasttape

        def make_loop():
            X, Y = ft.constant(X0), ft.constant(Y0)
            params = [ft.Variable(p.copy()) for p in P0]
            return lambda: per_example_loop_tfapi(ft, X, Y, params)
        impls.append(Impl("fasttape (loop of tapes)", PEER, "fasttape", make_loop))
    return impls


register(Workload(
    name="per_example_grads",
    title="Per-example gradients of an MLP 10-32-1, batch 64",
    description=(
        "vectorized_map over (x_i, y_i) of a function holding a GradientTape: "
        "loss_i = sum((tanh(x_i W1 + b1) W2 + b2 - y_i)^2); outputs the four stacked "
        "per-example gradients. Peers: a Python loop of 64 tapes in fasttape, "
        "torch.func.vmap(grad), TF's vectorized_map (same code)."
    ),
    build=_build_per_example,
    rtol=1e-3,
    atol=1e-5,
    bars=[
        Bar("vectorized_map at least 10x faster than a loop of tapes", "faster", 10.0,
            "fasttape (loop of tapes)"),
        Bar("ahead of torch.func.vmap(grad)", "faster", 1.0, "torch.func vmap(grad)"),
    ],
))
