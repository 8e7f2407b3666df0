"""The built-in workloads and their performance targets.

Each workload is written three ways, side by side:

* ``*_tfapi(tf, ...)``: TensorFlow-API code, written ONCE with the module passed in as
  ``tf``; the fasttape column runs it with ``fasttape``, the TensorFlow column with
  ``tensorflow``.  It does what a TF user writes inside the timed call: tape,
  forward, ``gradient``/``jacobian``.
* ``*_numpy(...)``: the hand-written numpy value and gradient, the practical limit
  (the baseline every ratio divides by).
* ``*_torch(torch, ...)``: the same computation written the way a PyTorch user would.

All inputs are float32 numpy arrays drawn from a seeded generator; every impl
returns its value(s) and gradient(s), which the harness compares before timing.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from harness import BASELINE, FASTTAPE, PEER, Bar, Impl, Workload, register

F32 = np.float32


# ---------------------------------------------------------------------------
# Helpers that turn the three versions into the impl list of a workload
# ---------------------------------------------------------------------------


def _raiser(message: str) -> Callable[[], Callable[[], Any]]:
    def make():
        raise ImportError(message)

    return make


def standard_impls(
    fw,
    *,
    numpy: Callable[[], Callable[[], Any]] | None,
    tfapi: Callable[[Any], Callable[[], Any]],
    torch: dict[str, Callable[[Any], Callable[[], Any]]] | None = None,
) -> list[Impl]:
    """The impl list: numpy baseline, fasttape, TensorFlow, then the torch variants.

    ``numpy()`` and ``tfapi(tf)`` / ``torch[label](torch)`` do their set-up and
    return the zero-argument callable that is timed.
    """
    impls: list[Impl] = []
    if numpy is not None:
        impls.append(Impl("numpy", BASELINE, "numpy", numpy, "hand-written value + gradient"))

    ft_label = "fasttape" if not fw.standin else f"fasttape [stand-in: {fw.fasttape_name}]"
    if fw.fasttape is not None:
        ft_mod = fw.fasttape
        impls.append(Impl(ft_label, FASTTAPE, "fasttape", lambda: tfapi(ft_mod)))
    else:
        impls.append(Impl(ft_label, FASTTAPE, "fasttape",
                          _raiser(f"import {fw.fasttape_name} failed: {fw.fasttape_error}")))

    if fw.tf is not None:
        tf_mod = fw.tf
        impls.append(Impl("tensorflow", PEER, "tensorflow", lambda: tfapi(tf_mod), "eager"))
    else:
        impls.append(Impl("tensorflow", PEER, "tensorflow", None,
                          f"tensorflow not available: {fw.tf_error}"))

    for label, make in (torch or {}).items():
        if fw.torch is not None:
            impls.append(Impl(label, PEER, "torch", (lambda m=make, t=fw.torch: m(t))))
        else:
            impls.append(Impl(label, PEER, "torch", None,
                              f"torch not available: {fw.torch_error}"))
    return impls


# ---------------------------------------------------------------------------
# 1. seed_tutorial: every GradientTape cell of the seed tutorial, values returned
# ---------------------------------------------------------------------------


def seed_tutorial_tfapi(tf):
    """One pass over the seed tutorial's tape cells (In[0] ... In[27]) in order."""
    out = []
    # In[0]/In[4]
    x = tf.Variable(3.)
    with tf.GradientTape() as tape:
        y = tf.square(x)
    dy_dx = tape.gradient(y, x)
    out += [y, dy_dx]

    # In[5]: persistent
    x = tf.Variable(3.)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.square(x)
        z = pow(x, 3)
    dy_dx = tape.gradient(y, x)
    dz_dx = tape.gradient(z, x)
    out += [y, dy_dx, z, dz_dx]
    del tape

    # In[8]: watch_accessed_variables=False -> None
    x = tf.Variable(3.)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = tf.square(x)
    dy_dx_1 = tape.gradient(y, x)
    out += [dy_dx_1]

    # In[10]: explicit watch of a variable
    x = tf.Variable(3.)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = tf.square(x)
    dy_dx_1 = tape.gradient(y, x)
    out += [dy_dx_1]

    # In[11]: explicit watch of a constant
    x = tf.constant(3.)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = tf.square(x)
    dy_dx_1 = tape.gradient(y, x)
    out += [dy_dx_1]

    # In[24]: several sources
    x = tf.Variable(3.)
    y = tf.Variable(4.)
    with tf.GradientTape() as tape:
        f = tf.square(x) + 2 * tf.square(y) + 1
    df_dx, df_dy = tape.gradient(f, [x, y])
    out += [df_dx, df_dy]

    # In[26]: nested tapes, second order
    x = tf.Variable(3.)
    y = tf.Variable(4.)
    with tf.GradientTape(persistent=True) as tape2:
        with tf.GradientTape(persistent=True) as tape1:
            f = tf.square(x) + 2 * tf.square(y) + 1
        first_grads = tape1.gradient(f, [x, y])
    second_grads = [tape2.gradient(first_grads, [x, y])]
    out += [f, first_grads, second_grads]
    del tape1
    del tape2

    # In[27]: vectors
    x = tf.Variable([1., 2., 3.])
    y = tf.Variable([4., 5., 6.])
    with tf.GradientTape() as tape:
        f = tf.square(x) + 2 * tf.square(y) + 1
    df_dx, df_dy = tape.gradient(f, [x, y])
    out += [f, df_dx, df_dy]
    return out


def seed_tutorial_numpy():
    """The same values, by hand (float32 scalars and arrays)."""
    out = []
    x = F32(3.0)
    y = x * x
    out += [y, 2 * x]
    y = x * x
    z = x * x * x
    out += [y, 2 * x, z, 3 * x * x]
    out += [None]
    out += [2 * x]
    out += [2 * x]
    x, y = F32(3.0), F32(4.0)
    out += [2 * x, 4 * y]
    f = x * x + 2 * (y * y) + 1
    out += [f, [2 * x, 4 * y], [[F32(2.0), F32(4.0)]]]
    x = np.array([1.0, 2.0, 3.0], dtype=F32)
    y = np.array([4.0, 5.0, 6.0], dtype=F32)
    f = x * x + 2 * (y * y) + 1
    out += [f, 2 * x, 4 * y]
    return out


def seed_tutorial_torch(torch):
    """The tutorial as a torch user writes it (autograd.grad, requires_grad)."""
    grad = torch.autograd.grad
    out = []
    x = torch.tensor(3., requires_grad=True)
    y = torch.square(x)
    (dy_dx,) = grad(y, x)
    out += [y, dy_dx]

    # persistent tape: two gradients from one recording
    x = torch.tensor(3., requires_grad=True)
    y = torch.square(x)
    z = pow(x, 3)
    (dy_dx,) = grad(y, x)
    (dz_dx,) = grad(z, x)
    out += [y, dy_dx, z, dz_dx]

    # not watched: a tensor without requires_grad has no gradient
    x = torch.tensor(3.)
    y = torch.square(x)
    dy_dx_1 = grad(y, x)[0] if y.requires_grad else None
    out += [dy_dx_1]

    # watch(): turn tracking on
    x = torch.tensor(3.)
    x.requires_grad_()
    y = torch.square(x)
    (dy_dx_1,) = grad(y, x)
    out += [dy_dx_1]
    x = torch.tensor(3.).requires_grad_()
    y = torch.square(x)
    (dy_dx_1,) = grad(y, x)
    out += [dy_dx_1]

    x = torch.tensor(3., requires_grad=True)
    y = torch.tensor(4., requires_grad=True)
    f = torch.square(x) + 2 * torch.square(y) + 1
    df_dx, df_dy = grad(f, [x, y])
    out += [df_dx, df_dy]

    x = torch.tensor(3., requires_grad=True)
    y = torch.tensor(4., requires_grad=True)
    f = torch.square(x) + 2 * torch.square(y) + 1
    first_grads = grad(f, [x, y], create_graph=True)
    second_grads = [list(grad(first_grads, [x, y]))]
    out += [f, list(first_grads), second_grads]

    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = torch.tensor([4., 5., 6.], requires_grad=True)
    f = torch.square(x) + 2 * torch.square(y) + 1
    df_dx, df_dy = grad(f, [x, y], grad_outputs=torch.ones_like(f))
    out += [f, df_dx, df_dy]
    return out


def _build_seed(fw, rng):
    return standard_impls(
        fw,
        numpy=lambda: seed_tutorial_numpy,
        tfapi=lambda tf: (lambda: seed_tutorial_tfapi(tf)),
        torch={"torch": lambda torch: (lambda: seed_tutorial_torch(torch))},
    )


register(Workload(
    name="seed_tutorial",
    title="Seed tutorial, all GradientTape cells",
    description=(
        "One full pass of the tape code of the seed tutorial (simple, persistent, "
        "watch_accessed_variables=False, watch of a variable and of a constant, "
        "several sources, nested second order, vectors), values returned instead of "
        "printed. Each call creates its Variables, as the tutorial does."
    ),
    build=_build_seed,
    bars=[
        Bar("fasttape >= 50x faster than TensorFlow", "faster", 50, "tensorflow"),
        Bar("fasttape >= 5x faster than PyTorch", "faster", 5, "torch"),
    ],
    notes=["The numpy 'baseline' here is the closed-form values (a floor, not a target)."],
))


# ---------------------------------------------------------------------------
# 2./3. Chains of small ops: y <- tanh(exp(sin(y * a + b)))  (mul, add, sin, exp, tanh)
#
# With a ~ 2.2, b ~ 1.5 the map has an attracting fixed point (y ~ 0.75) with slope
# ~ -0.93 per cycle, so values stay in (0, 1), exp sees [-1, 1], and d y / d x decays
# only to ~1e-6 over 200 cycles: the gradient w.r.t. the start is still meaningful.
# ---------------------------------------------------------------------------

CHAIN_A, CHAIN_B, CHAIN_X = 2.2, 1.5, 0.5


def chain_tfapi(tf, x, a, b, n_ops, reduce):
    with tf.GradientTape() as tape:
        y = x
        for _ in range(n_ops // 5):
            y = tf.tanh(tf.exp(tf.sin(y * a + b)))
        if reduce:
            y = tf.reduce_sum(y)
    return y, tape.gradient(y, [x, a, b])


def chain_numpy(x, a, b, n_ops, reduce):
    """Forward keeping what the reverse sweep needs, then the hand-written sweep."""
    n_cycles = n_ops // 5
    ins, pre, ex, outs = [], [], [], []
    y = x
    for _ in range(n_cycles):
        ins.append(y)
        t = y * a + b
        e = np.exp(np.sin(t))
        y = np.tanh(e)
        pre.append(t)
        ex.append(e)
        outs.append(y)
    value = y.sum() if reduce else y
    gy = np.ones_like(y)
    ga = np.zeros_like(a)
    gb = np.zeros_like(b)
    for c in range(n_cycles - 1, -1, -1):
        yc = outs[c]
        gt = gy * (1 - yc * yc) * ex[c] * np.cos(pre[c])
        gb = gb + gt
        ga = ga + gt * ins[c]
        gy = gt * a
    return value, [gy, ga, gb]


def chain_torch(torch, x, a, b, n_ops, reduce):
    y = x
    for _ in range(n_ops // 5):
        y = torch.tanh(torch.exp(torch.sin(y * a + b)))
    if reduce:
        y = y.sum()
    return y, list(torch.autograd.grad(y, [x, a, b]))


def _chain_builder(shape, n_ops, reduce):
    def build(fw, rng):
        if shape == ():
            x0 = np.array(CHAIN_X, dtype=F32)
            a0 = np.array(CHAIN_A, dtype=F32)
            b0 = np.array(CHAIN_B, dtype=F32)
        else:
            x0 = rng.uniform(0.2, 0.8, shape).astype(F32)
            a0 = (CHAIN_A + rng.uniform(-0.05, 0.05, shape)).astype(F32)
            b0 = (CHAIN_B + rng.uniform(-0.05, 0.05, shape)).astype(F32)

        def make_numpy():
            if shape == ():  # numpy scalars, as a numpy user would for 0-d values
                x, a, b = F32(x0), F32(a0), F32(b0)
            else:
                x, a, b = x0.copy(), a0.copy(), b0.copy()
            return lambda: chain_numpy(x, a, b, n_ops, reduce)

        def make_tfapi(tf):
            x, a, b = (tf.Variable(v.copy()) for v in (x0, a0, b0))
            return lambda: chain_tfapi(tf, x, a, b, n_ops, reduce)

        def make_torch(torch):
            x, a, b = (torch.tensor(v, requires_grad=True) for v in (x0, a0, b0))
            return lambda: chain_torch(torch, x, a, b, n_ops, reduce)

        return standard_impls(fw, numpy=make_numpy, tfapi=make_tfapi,
                              torch={"torch": make_torch})

    return build


register(Workload(
    name="scalar_chain_1000",
    title="Scalar chain, 1,000 ops",
    description=(
        "0-d float32 Variables x, a, b; 200 cycles of y = tanh(exp(sin(y * a + b))) "
        "(mul, add, sin, exp, tanh: 1,000 recorded ops), then the gradient of y w.r.t. "
        "[x, a, b]. Timed: forward + recording + backward."
    ),
    build=_chain_builder((), 1000, reduce=False),
    n_ops=1000,
    rtol=1e-3,
    atol=1e-6,
    bars=[Bar("fasttape >= 5x faster than PyTorch per op", "faster", 5, "torch")],
    notes=["numpy baseline uses np.float32 scalars (0-d) and a hand-written reverse loop."],
))

register(Workload(
    name="vector_200",
    title="16-element vector chain, 200 ops",
    description=(
        "float32 Variables x, a, b of shape (16,); 40 cycles of "
        "y = tanh(exp(sin(y * a + b))) (200 ops) then reduce_sum, gradient w.r.t. "
        "[x, a, b]."
    ),
    build=_chain_builder((16,), 200, reduce=True),
    n_ops=200,
    rtol=1e-3,
    atol=1e-6,
    bars=[Bar("fasttape >= 3x faster than PyTorch", "faster", 3, "torch")],
))


# ---------------------------------------------------------------------------
# 4. big_elementwise: sum(tanh(x*w + b)**2 + exp(-x*x)) on 1,000,000 float32
# ---------------------------------------------------------------------------

BIG_N = 1_000_000


def big_elementwise_tfapi(tf, x, w, b):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.tanh(x * w + b) ** 2 + tf.exp(-x * x))
    return loss, tape.gradient(loss, [x, w, b])


def big_elementwise_numpy(x, w, b):
    """Value and gradient with few temporaries (in-place ufuncs).

    t = tanh(x w + b), e = exp(-x^2), L = sum(t^2 + e);
    dL/dz = 2 t (1 - t^2) with z = x w + b, so dL/dw = gz x, dL/db = gz,
    dL/dx = gz w - 2 x e.
    """
    t = np.multiply(x, w)
    t += b
    np.tanh(t, out=t)
    t2 = t * t
    e = np.multiply(x, x)
    np.negative(e, out=e)
    np.exp(e, out=e)
    loss = t2.sum() + e.sum()
    gz = np.subtract(1, t2, out=t2)  # reuse t2's buffer
    gz *= t
    gz *= 2
    gw = gz * x
    gx = gz * w
    e *= x
    e *= 2
    gx -= e
    return loss, [gx, gw, gz]


def big_elementwise_torch(torch, x, w, b):
    loss = (torch.tanh(x * w + b) ** 2 + torch.exp(-x * x)).sum()
    return loss, list(torch.autograd.grad(loss, [x, w, b]))


def _build_big(fw, rng):
    x0 = rng.standard_normal(BIG_N).astype(F32)
    w0 = (0.5 * rng.standard_normal(BIG_N)).astype(F32)
    b0 = (0.1 * rng.standard_normal(BIG_N)).astype(F32)

    def make_tfapi(tf):
        x, w, b = (tf.Variable(v.copy()) for v in (x0, w0, b0))
        return lambda: big_elementwise_tfapi(tf, x, w, b)

    def make_torch(torch):
        x, w, b = (torch.tensor(v, requires_grad=True) for v in (x0, w0, b0))
        return lambda: big_elementwise_torch(torch, x, w, b)

    return standard_impls(
        fw,
        numpy=lambda: (lambda: big_elementwise_numpy(x0, w0, b0)),
        tfapi=make_tfapi,
        torch={"torch": make_torch},
    )


register(Workload(
    name="big_elementwise",
    title="1M-element elementwise loss",
    description=(
        "loss = reduce_sum(tanh(x*w + b)**2 + exp(-x*x)) with x, w, b all float32 "
        "Variables of 1,000,000 elements; gradient w.r.t. [x, w, b]."
    ),
    build=_build_big,
    rtol=1e-4,
    atol=1e-5,  # gx = gz*w - 2*x*e cancels; float32 tanh/exp differ by a few ulp
    bars=[Bar("fasttape <= 1.3x the numpy baseline", "max_vs_baseline", 1.3)],
    notes=[
        "w and b are full 1M-element vectors (not scalars), so no broadcasting is "
        "involved and all three gradients are 1M-element arrays.",
        "The numpy baseline is single-pass-per-ufunc with reused buffers "
        "(9 ufunc passes + 2 sums over 1M floats).",
    ],
))


# ---------------------------------------------------------------------------
# 5. mlp_step: batch 64, 784 -> 256 -> 10, relu, softmax cross-entropy
# ---------------------------------------------------------------------------

MLP_BATCH, MLP_IN, MLP_HID, MLP_OUT = 64, 784, 256, 10


def mlp_step_tfapi(tf, X, Y, W1, b1, W2, b2):
    with tf.GradientTape() as tape:
        h = tf.nn.relu(tf.matmul(X, W1) + b1)
        logits = tf.matmul(h, W2) + b2
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=logits))
    return loss, tape.gradient(loss, [W1, b1, W2, b2])


def mlp_step_numpy(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    h = X @ W1
    h += b1
    np.maximum(h, 0, out=h)
    z = h @ W2
    z += b2
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    log_s = np.log(s)
    loss = (log_s.sum() - (Y * z).sum()) / n  # mean of log-sum-exp(z) - z[label]
    e /= s  # softmax
    e -= Y
    e /= n  # d loss / d logits
    dW2 = h.T @ e
    db2 = e.sum(axis=0)
    dh = e @ W2.T
    dh *= h > 0
    dW1 = X.T @ dh
    db1 = dh.sum(axis=0)
    return loss, [dW1, db1, dW2, db2]


def mlp_step_torch(torch, X, labels, W1, b1, W2, b2):
    h = torch.relu(X @ W1 + b1)
    logits = h @ W2 + b2
    loss = torch.nn.functional.cross_entropy(logits, labels)
    return loss, list(torch.autograd.grad(loss, [W1, b1, W2, b2]))


def _build_mlp(fw, rng):
    X0 = rng.random((MLP_BATCH, MLP_IN), dtype=F32)
    labels = rng.integers(0, MLP_OUT, MLP_BATCH)
    Y0 = np.eye(MLP_OUT, dtype=F32)[labels]
    W10 = (rng.standard_normal((MLP_IN, MLP_HID)) * np.sqrt(2.0 / MLP_IN)).astype(F32)
    b10 = (0.01 * rng.standard_normal(MLP_HID)).astype(F32)
    W20 = (rng.standard_normal((MLP_HID, MLP_OUT)) * np.sqrt(1.0 / MLP_HID)).astype(F32)
    b20 = (0.01 * rng.standard_normal(MLP_OUT)).astype(F32)

    def make_tfapi(tf):
        X, Y = tf.constant(X0.copy()), tf.constant(Y0.copy())
        params = [tf.Variable(p.copy()) for p in (W10, b10, W20, b20)]
        return lambda: mlp_step_tfapi(tf, X, Y, *params)

    def make_torch(torch):
        X = torch.tensor(X0)
        lab = torch.from_numpy(labels.astype(np.int64))
        params = [torch.tensor(p, requires_grad=True) for p in (W10, b10, W20, b20)]
        return lambda: mlp_step_torch(torch, X, lab, *params)

    return standard_impls(
        fw,
        numpy=lambda: (lambda: mlp_step_numpy(X0, Y0, W10, b10, W20, b20)),
        tfapi=make_tfapi,
        torch={"torch": make_torch},
    )


register(Workload(
    name="mlp_step",
    title="MLP training step (gradient), batch 64, 784-256-10",
    description=(
        "h = relu(X @ W1 + b1); logits = h @ W2 + b2; loss = reduce_mean("
        "softmax_cross_entropy_with_logits(one-hot labels, logits)); gradients of "
        "[W1, b1, W2, b2], float32. The optimizer update is not included."
    ),
    build=_build_mlp,
    rtol=1e-3,
    atol=1e-5,
    bars=[
        Bar("fasttape <= 1.15x the numpy baseline", "max_vs_baseline", 1.15),
        Bar("fasttape ahead of PyTorch", "faster", 1.0, "torch"),
    ],
    notes=["torch uses F.cross_entropy with integer class labels (its idiomatic form)."],
))


# ---------------------------------------------------------------------------
# 6. jacobian_tanh_Ax: jacobian of tanh(A x), R^100 -> R^100
# ---------------------------------------------------------------------------

JAC_N = 100


def jacobian_tanh_Ax_tfapi(tf, A, x):
    with tf.GradientTape() as tape:
        y = tf.tanh(tf.linalg.matvec(A, x))
    return tape.jacobian(y, x)


def jacobian_tanh_Ax_numpy(A, x):
    t = np.tanh(A @ x)
    return (1 - t * t)[:, None] * A


def _build_jac(fw, rng):
    A0 = (rng.standard_normal((JAC_N, JAC_N)) / np.sqrt(JAC_N)).astype(F32)
    x0 = rng.standard_normal(JAC_N).astype(F32)

    def make_tfapi(tf):
        A, x = tf.constant(A0.copy()), tf.Variable(x0.copy())
        return lambda: jacobian_tanh_Ax_tfapi(tf, A, x)

    def torch_functional(vectorize):
        def make(torch):
            A, x = torch.tensor(A0), torch.tensor(x0)

            def f(x):
                return torch.tanh(A @ x)

            jac = torch.autograd.functional.jacobian
            return lambda: jac(f, x, vectorize=vectorize)

        return make

    def torch_func_jacrev(torch):
        A, x = torch.tensor(A0), torch.tensor(x0)
        jacrev = torch.func.jacrev(lambda x: torch.tanh(A @ x))
        return lambda: jacrev(x)

    return standard_impls(
        fw,
        numpy=lambda: (lambda: jacobian_tanh_Ax_numpy(A0, x0)),
        tfapi=make_tfapi,
        torch={
            "torch (vectorize=True)": torch_functional(True),
            "torch (vectorize=False)": torch_functional(False),
            "torch.func.jacrev": torch_func_jacrev,
        },
    )


register(Workload(
    name="jacobian_tanh_Ax",
    title="Jacobian of tanh(A x), 100 -> 100",
    description=(
        "y = tanh(tf.linalg.matvec(A, x)) with A a (100, 100) constant and x a (100,) "
        "Variable; J = tape.jacobian(y, x), shape (100, 100). Peers: TF tape.jacobian "
        "(default experimental_use_pfor=True), torch.autograd.functional.jacobian with "
        "vectorize=True and =False, and torch.func.jacrev."
    ),
    build=_build_jac,
    rtol=1e-4,
    atol=1e-6,
    bars=[
        Bar("fasttape >= 10x faster than TensorFlow", "faster", 10, "tensorflow"),
        Bar("fasttape faster than torch (vectorize=True)", "faster", 1.0,
            "torch (vectorize=True)"),
    ],
))


# ---------------------------------------------------------------------------
# 7. hvp: Hessian-vector product of sum(sin(x) * x**3), n = 100
# ---------------------------------------------------------------------------

HVP_N = 100


def hvp_tfapi(tf, x, v):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.sin(x) * x ** 3)
        g = inner.gradient(y, x)
        gv = tf.reduce_sum(g * v)
    return g, outer.gradient(gv, x)


def hvp_numpy(x, v):
    """f = sum(sin x * x^3): f' = x^3 cos x + 3 x^2 sin x,
    f'' = -x^3 sin x + 6 x^2 cos x + 6 x sin x (diagonal Hessian)."""
    s, c = np.sin(x), np.cos(x)
    x2 = x * x
    g = x2 * (x * c + 3 * s)
    h = x * (6 * s + x * (6 * c - x * s))
    return g, h * v


def hvp_torch(torch, x, v):
    y = (torch.sin(x) * x ** 3).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (hv,) = torch.autograd.grad((g * v).sum(), x)
    return g, hv


def _build_hvp(fw, rng):
    x0 = rng.uniform(-2.0, 2.0, HVP_N).astype(F32)
    v0 = rng.standard_normal(HVP_N).astype(F32)

    def make_tfapi(tf):
        x, v = tf.Variable(x0.copy()), tf.constant(v0.copy())
        return lambda: hvp_tfapi(tf, x, v)

    def make_torch(torch):
        x, v = torch.tensor(x0, requires_grad=True), torch.tensor(v0)
        return lambda: hvp_torch(torch, x, v)

    return standard_impls(
        fw,
        numpy=lambda: (lambda: hvp_numpy(x0, v0)),
        tfapi=make_tfapi,
        torch={"torch (double backward)": make_torch},
    )


register(Workload(
    name="hvp",
    title="Hessian-vector product, nested tapes, n = 100",
    description=(
        "f(x) = reduce_sum(sin(x) * x**3), x a (100,) float32 Variable; inner tape "
        "g = gradient(f, x), outer tape gradient(reduce_sum(g * v), x). Outputs g and "
        "H v. torch: autograd.grad(create_graph=True) then a second autograd.grad."
    ),
    build=_build_hvp,
    rtol=1e-3,
    atol=1e-5,
    bars=[Bar("fasttape ahead of every peer measured", "faster", 1.0, "*")],
))


# ---------------------------------------------------------------------------
# 9. adam_mlp_step / adam_update: the mlp_step gradient plus a Keras-style Adam update,
#    and the Adam update alone on the same parameters (the optimizer's share of a step
#    is adam_update / adam_mlp_step, per framework)
# ---------------------------------------------------------------------------

ADAM_LR, ADAM_B1, ADAM_B2, ADAM_EPS = 1e-3, 0.9, 0.999, 1e-7


class NumpyAdam:
    """Adam written the usual numpy way (in-place where numpy allows), Keras' formula."""

    def __init__(self, params):
        self.params = params
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        alpha = ADAM_LR * np.sqrt(1 - ADAM_B2 ** self.t) / (1 - ADAM_B1 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m += (g - m) * (1 - ADAM_B1)
            v += (g * g - v) * (1 - ADAM_B2)
            p -= alpha * m / (np.sqrt(v) + ADAM_EPS)
        return self.params


def _stateful(step, snapshot):
    """`step`, timed as is, but returning the parameters after the FIRST step on every
    call: the update is stateful, and the harness compares the outputs once more after
    timing. The first call's outputs are the ones checked against the numpy baseline."""
    first = []

    def call():
        params = step()
        if not first:
            first.append(snapshot(params))
        return first[0]
    return call


def _np_copy(params):
    return [np.array(p) for p in params]


def _torch_copy(params):
    return [p.detach().numpy().copy() for p in params]


def _mlp_init(rng):
    X0 = rng.random((MLP_BATCH, MLP_IN), dtype=F32)
    labels = rng.integers(0, MLP_OUT, MLP_BATCH)
    Y0 = np.eye(MLP_OUT, dtype=F32)[labels]
    params = [(rng.standard_normal((MLP_IN, MLP_HID)) * np.sqrt(2.0 / MLP_IN)).astype(F32),
              (0.01 * rng.standard_normal(MLP_HID)).astype(F32),
              (rng.standard_normal((MLP_HID, MLP_OUT)) * np.sqrt(1.0 / MLP_HID)).astype(F32),
              (0.01 * rng.standard_normal(MLP_OUT)).astype(F32)]
    return X0, labels, Y0, params


def _torch_adam(torch, params):
    # Keras adds epsilon to the uncorrected sqrt(v), torch to the bias-corrected one: this
    # epsilon makes torch's first step (the one compared) the same update
    eps = ADAM_EPS / np.sqrt(1 - ADAM_B2)
    return torch.optim.Adam(params, lr=ADAM_LR, betas=(ADAM_B1, ADAM_B2), eps=eps,
                            foreach=True)


def _build_adam_step(fw, rng):
    X0, labels, Y0, P0 = _mlp_init(rng)

    def make_numpy():
        params = [p.copy() for p in P0]
        opt = NumpyAdam(params)

        def step():
            _, grads = mlp_step_numpy(X0, Y0, *params)
            return opt.step(grads)
        return _stateful(step, _np_copy)

    def make_tfapi(tf):
        X, Y = tf.constant(X0.copy()), tf.constant(Y0.copy())
        params = [tf.Variable(p.copy()) for p in P0]
        opt = tf.keras.optimizers.Adam(ADAM_LR, beta_1=ADAM_B1, beta_2=ADAM_B2, epsilon=ADAM_EPS)

        def step():
            _, grads = mlp_step_tfapi(tf, X, Y, *params)
            opt.apply_gradients(zip(grads, params))
            return params
        return _stateful(step, _np_copy)

    def make_torch(torch):
        X = torch.tensor(X0)
        lab = torch.from_numpy(labels.astype(np.int64))
        params = [torch.tensor(p, requires_grad=True) for p in P0]
        opt = _torch_adam(torch, params)

        def step():
            _, grads = mlp_step_torch(torch, X, lab, *params)
            for p, g in zip(params, grads):
                p.grad = g
            opt.step()
            return params
        return _stateful(step, _torch_copy)

    return standard_impls(fw, numpy=make_numpy, tfapi=make_tfapi,
                          torch={"torch (Adam foreach=True)": make_torch})


def _build_adam_update(fw, rng):
    _, _, _, P0 = _mlp_init(rng)
    G0 = [(0.01 * rng.standard_normal(p.shape)).astype(F32) for p in P0]

    def make_numpy():
        opt = NumpyAdam([p.copy() for p in P0])
        return _stateful(lambda: opt.step(G0), _np_copy)

    def make_tfapi(tf):
        params = [tf.Variable(p.copy()) for p in P0]
        grads = [tf.constant(g) for g in G0]
        opt = tf.keras.optimizers.Adam(ADAM_LR, beta_1=ADAM_B1, beta_2=ADAM_B2, epsilon=ADAM_EPS)

        def step():
            opt.apply_gradients(zip(grads, params))
            return params
        return _stateful(step, _np_copy)

    def make_torch(torch):
        params = [torch.tensor(p, requires_grad=True) for p in P0]
        for p, g in zip(params, G0):
            p.grad = torch.tensor(g)
        opt = _torch_adam(torch, params)

        def step():
            opt.step()
            return params
        return _stateful(step, _torch_copy)

    return standard_impls(fw, numpy=make_numpy, tfapi=make_tfapi,
                          torch={"torch (Adam foreach=True)": make_torch})


register(Workload(
    name="adam_mlp_step",
    title="MLP training step with Adam, batch 64, 784-256-10",
    description=(
        "The mlp_step gradient, then one Adam update of [W1, b1, W2, b2] "
        "(tf.keras.optimizers.Adam; torch.optim.Adam(foreach=True); numpy: the usual "
        "hand-written in-place Adam). Returns the updated parameters."
    ),
    build=_build_adam_step,
    rtol=1e-3,
    atol=1e-5,
    bars=[Bar("fasttape <= 1.25x the numpy baseline", "max_vs_baseline", 1.25)],
    notes=["The optimizer's share of the step is adam_update / adam_mlp_step."],
))

register(Workload(
    name="adam_update",
    title="Adam update alone on the MLP's parameters (203k floats)",
    description=(
        "One Adam update of [W1 (784x256), b1, W2 (256x10), b2] with fixed gradients; "
        "fasttape runs one fused kernel pass per variable."
    ),
    build=_build_adam_update,
    rtol=1e-3,
    atol=1e-5,
    bars=[Bar("fasttape <= the numpy Adam", "max_vs_baseline", 1.0)],
))


# ---------------------------------------------------------------------------
# 10. index_rows: a loop of x[i] on a watched (64, 16) tensor, then stack
# ---------------------------------------------------------------------------

ROWS_N, ROWS_D = 64, 16


def index_rows_tfapi(tf, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        rows = [x[i] * x[i] for i in range(ROWS_N)]
        y = tf.reduce_sum(tf.stack(rows))
    return y, tape.gradient(y, x)


def index_rows_numpy(x):
    return np.sum(x * x), 2 * x


def index_rows_torch(torch, x):
    rows = [x[i] * x[i] for i in range(ROWS_N)]
    y = torch.stack(rows).sum()
    (g,) = torch.autograd.grad(y, x)
    return y, g


def _build_rows(fw, rng):
    x0 = rng.standard_normal((ROWS_N, ROWS_D)).astype(F32)

    def make_tfapi(tf):
        x = tf.constant(x0.copy())
        return lambda: index_rows_tfapi(tf, x)

    def make_torch(torch):
        x = torch.tensor(x0, requires_grad=True)
        return lambda: index_rows_torch(torch, x)

    return standard_impls(
        fw,
        numpy=lambda: (lambda: index_rows_numpy(x0)),
        tfapi=make_tfapi,
        torch={"torch": make_torch},
    )


register(Workload(
    name="index_rows",
    title="64 recorded x[i] row reads, squared, stacked and summed, with the gradient",
    description=(
        "x a watched (64, 16) float32 tensor; rows = [x[i] * x[i] for i in range(64)], "
        "y = reduce_sum(stack(rows)), gradient w.r.t. x. 130 recorded ops (64 reads, 64 "
        "products, a 64-piece stack, a sum) and their backward: each read's gradient "
        "lands in one buffer of x's shape, not in a zero-filled copy per row."
    ),
    build=_build_rows,
    n_ops=2 * ROWS_N + 2,
    rtol=1e-4,
    atol=1e-5,
    bars=[Bar("fasttape faster than torch", "faster", 2.0, "torch")],
))


# ---------------------------------------------------------------------------
# 10b. index_reads: only the recorded reads, so the table's µs/op is one x[i]
# ---------------------------------------------------------------------------

READS_N = 256


def index_reads_tfapi(tf, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        rows = [x[i] for i in range(READS_N)]
    return rows[0], rows[-1]


def index_reads_numpy(x):
    rows = [x[i] for i in range(READS_N)]
    return rows[0], rows[-1]


def index_reads_torch(torch, x):
    rows = [x[i] for i in range(READS_N)]
    return rows[0], rows[-1]


def _build_reads(fw, rng):
    x0 = rng.standard_normal((READS_N, ROWS_D)).astype(F32)

    def make_tfapi(tf):
        x = tf.constant(x0.copy())
        return lambda: index_reads_tfapi(tf, x)

    def make_torch(torch):
        x = torch.tensor(x0, requires_grad=True)
        return lambda: index_reads_torch(torch, x)

    return standard_impls(
        fw,
        numpy=lambda: (lambda: index_reads_numpy(x0)),
        tfapi=make_tfapi,
        torch={"torch": make_torch},
    )


register(Workload(
    name="index_reads",
    title="256 recorded x[i] row reads (the cost of one x[i] on a tape)",
    description=(
        "x a watched (256, 16) float32 tensor; rows = [x[i] for i in range(256)] inside "
        "one GradientTape (torch: x requires grad, so each read is an autograd node). The "
        "µs/op column is the cost of one recorded x[i]; numpy's is a plain view."
    ),
    build=_build_reads,
    n_ops=READS_N,
    rtol=0.0,
    atol=0.0,
    bars=[
        Bar("fasttape faster than torch", "faster", 1.5, "torch"),
        Bar("fasttape within 10x of numpy's plain view", "max_vs_baseline", 10.0),
    ],
))
