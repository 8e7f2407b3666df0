"""Traced variants of the built-in workloads: fasttape.function against fasttape eager,
TensorFlow's tf.function and jax.jit (steady state: the timed call is one call of the
compiled function; `first_call.py` times the first call, trace included).

Each ``fn_<name>`` workload reuses the base workload's inputs, numpy baseline and
TF-API code: the TF-API step (tape, forward, gradient) is wrapped, unchanged, in
``fasttape.function`` / ``tf.function``, capturing its Variables as a user's train
step does. The jax version is the same computation with ``jax.grad``/``jacrev`` under
``jax.jit``. torch.compile is not measured: its first compile of these graphs takes
tens of seconds on this machine (it would dominate the run), and its steady state is
not the question these workloads ask.
"""

from __future__ import annotations

import numpy as np

import workloads as base
from harness import BASELINE, FASTTAPE, PEER, Bar, Impl, WORKLOADS, Workload, register

F32 = np.float32


def _jax():
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_platforms", "cpu")
    return jax, jnp


# --- the jax versions (value and gradients, as the numpy baselines return them) --------

def jax_chain(n_ops, reduce):
    jax, jnp = _jax()

    def f(x, a, b):
        y = x
        for _ in range(n_ops // 5):
            y = jnp.tanh(jnp.exp(jnp.sin(y * a + b)))
        return jnp.sum(y) if reduce else y

    step = jax.value_and_grad(f, argnums=(0, 1, 2))
    return lambda x, a, b: (lambda out: (out[0], list(out[1])))(step(x, a, b))


def jax_big():
    jax, jnp = _jax()

    def f(x, w, b):
        return jnp.sum(jnp.tanh(x * w + b) ** 2 + jnp.exp(-x * x))

    step = jax.value_and_grad(f, argnums=(0, 1, 2))
    return lambda x, w, b: (lambda out: (out[0], list(out[1])))(step(x, w, b))


def jax_mlp():
    jax, jnp = _jax()

    def f(params, X, Y):
        W1, b1, W2, b2 = params
        h = jax.nn.relu(X @ W1 + b1)
        logits = h @ W2 + b2
        return jnp.mean(-jnp.sum(Y * jax.nn.log_softmax(logits), axis=-1))

    step = jax.value_and_grad(f)
    return lambda X, Y, *params: (lambda out: (out[0], list(out[1])))(step(params, X, Y))


def jax_hvp():
    jax, jnp = _jax()

    def f(x):
        return jnp.sum(jnp.sin(x) * x ** 3)

    def step(x, v):
        g, hv = jax.jvp(jax.grad(f), (x,), (v,))
        return g, hv
    return step


def jax_jacobian():
    jax, jnp = _jax()
    return jax.jacrev(lambda A, x: jnp.tanh(A @ x), argnums=1)


# --- building the impls ----------------------------------------------------------------

def _function_impls(fw, base_impls, jax_step, jax_args, tf_make):
    """numpy, fasttape.function, fasttape eager, tf.function, jax.jit."""
    by_name = {i.name: i for i in base_impls}
    impls = [i for i in base_impls if i.role == BASELINE]
    ft = [i for i in base_impls if i.role == FASTTAPE][0]
    if fw.fasttape is not None:
        mod = fw.fasttape
        impls.append(Impl("fasttape.function", FASTTAPE, "fasttape",
                          lambda: mod.function(tf_make(mod)), "steady state"))
        impls.append(Impl("fasttape eager", PEER, "fasttape", ft.make))
    else:
        impls.append(Impl("fasttape.function", FASTTAPE, "fasttape", ft.make, ft.note))
    if fw.tf is not None and "tensorflow" in by_name:
        tf_mod = fw.tf
        impls.append(Impl("tf.function", PEER, "tensorflow",
                          lambda: tf_mod.function(tf_make(tf_mod)), "steady state"))
    else:
        impls.append(Impl("tf.function", PEER, "tensorflow", None,
                          f"tensorflow not available: {fw.tf_error}"))
    try:
        jax, _ = _jax()

        def make_jax():
            step = jax.jit(jax_step())
            args = [jax.numpy.asarray(a) for a in jax_args]

            def call():
                out = step(*args)
                jax.block_until_ready(out)
                return out
            return call
        impls.append(Impl("jax.jit", PEER, "jax", make_jax, "steady state"))
    except ImportError as exc:
        impls.append(Impl("jax.jit", PEER, "jax", None, f"jax not available: {exc}"))
    return impls


def _chain_inputs(shape, rng):
    if shape == ():
        return [np.array(v, dtype=F32) for v in (base.CHAIN_X, base.CHAIN_A, base.CHAIN_B)]
    return [rng.uniform(0.2, 0.8, shape).astype(F32),
            (base.CHAIN_A + rng.uniform(-0.05, 0.05, shape)).astype(F32),
            (base.CHAIN_B + rng.uniform(-0.05, 0.05, shape)).astype(F32)]


def _fn_chain(shape, n_ops, reduce):
    build_base = base._chain_builder(shape, n_ops, reduce)

    def build(fw, rng):
        state = rng.bit_generator.state
        impls = build_base(fw, rng)
        rng.bit_generator.state = state          # the same draws as the base builder
        x0, a0, b0 = _chain_inputs(shape, rng)

        def tf_make(tf):
            x, a, b = (tf.Variable(v.copy()) for v in (x0, a0, b0))
            return lambda: base.chain_tfapi(tf, x, a, b, n_ops, reduce)
        return _function_impls(fw, impls, lambda: jax_chain(n_ops, reduce), (x0, a0, b0),
                               tf_make)
    return build


def _fn_big(fw, rng):
    state = rng.bit_generator.state
    impls = base._build_big(fw, rng)
    rng.bit_generator.state = state
    x0 = rng.standard_normal(base.BIG_N).astype(F32)
    w0 = (0.5 * rng.standard_normal(base.BIG_N)).astype(F32)
    b0 = (0.1 * rng.standard_normal(base.BIG_N)).astype(F32)

    def tf_make(tf):
        x, w, b = (tf.Variable(v.copy()) for v in (x0, w0, b0))
        return lambda: base.big_elementwise_tfapi(tf, x, w, b)
    return _function_impls(fw, impls, jax_big, (x0, w0, b0), tf_make)


def _mlp_inputs(rng):
    X0 = rng.random((base.MLP_BATCH, base.MLP_IN), dtype=F32)
    labels = rng.integers(0, base.MLP_OUT, base.MLP_BATCH)
    Y0 = np.eye(base.MLP_OUT, dtype=F32)[labels]
    W10 = (rng.standard_normal((base.MLP_IN, base.MLP_HID)) *
           np.sqrt(2.0 / base.MLP_IN)).astype(F32)
    b10 = (0.01 * rng.standard_normal(base.MLP_HID)).astype(F32)
    W20 = (rng.standard_normal((base.MLP_HID, base.MLP_OUT)) *
           np.sqrt(1.0 / base.MLP_HID)).astype(F32)
    b20 = (0.01 * rng.standard_normal(base.MLP_OUT)).astype(F32)
    return X0, Y0, W10, b10, W20, b20


def _fn_mlp(fw, rng):
    state = rng.bit_generator.state
    impls = base._build_mlp(fw, rng)
    rng.bit_generator.state = state
    X0, Y0, *params0 = _mlp_inputs(rng)

    def tf_make(tf):
        X, Y = tf.constant(X0.copy()), tf.constant(Y0.copy())
        params = [tf.Variable(p.copy()) for p in params0]
        return lambda: base.mlp_step_tfapi(tf, X, Y, *params)
    return _function_impls(fw, impls, jax_mlp, (X0, Y0, *params0), tf_make)


def _fn_hvp(fw, rng):
    state = rng.bit_generator.state
    impls = base._build_hvp(fw, rng)
    rng.bit_generator.state = state
    x0 = rng.uniform(-2.0, 2.0, base.HVP_N).astype(F32)
    v0 = rng.standard_normal(base.HVP_N).astype(F32)

    def tf_make(tf):
        x, v = tf.Variable(x0.copy()), tf.constant(v0.copy())
        return lambda: base.hvp_tfapi(tf, x, v)
    return _function_impls(fw, impls, jax_hvp, (x0, v0), tf_make)


def _fn_jac(fw, rng):
    state = rng.bit_generator.state
    impls = base._build_jac(fw, rng)
    rng.bit_generator.state = state
    A0 = (rng.standard_normal((base.JAC_N, base.JAC_N)) / np.sqrt(base.JAC_N)).astype(F32)
    x0 = rng.standard_normal(base.JAC_N).astype(F32)

    def tf_make(tf):
        A, x = tf.constant(A0.copy()), tf.Variable(x0.copy())
        return lambda: base.jacobian_tanh_Ax_tfapi(tf, A, x)
    return _function_impls(fw, impls, jax_jacobian, (A0, x0), tf_make)


def _register(name, build, bars):
    src = WORKLOADS[name]
    register(Workload(
        name=f"fn_{name}",
        title=f"{src.title} (traced)",
        description=(f"{src.description} Wrapped in fasttape.function / tf.function, "
                     "and the same computation under jax.jit; steady-state calls."),
        build=build, bars=bars, n_ops=src.n_ops, rtol=src.rtol, atol=src.atol,
        notes=["fasttape eager is the base workload's fasttape column."],
    ))


_register("scalar_chain_1000", _fn_chain((), 1000, False), [
    Bar("fasttape.function <= 0.25x the numpy baseline", "max_vs_baseline", 0.25),
    Bar("fasttape.function not slower than jax.jit", "faster", 1.0, "jax.jit"),
])
_register("vector_200", _fn_chain((16,), 200, True), [
    Bar("fasttape.function <= 0.2x the numpy baseline", "max_vs_baseline", 0.2),
])
_register("big_elementwise", _fn_big, [
    Bar("fasttape.function <= 1.0x the numpy baseline", "max_vs_baseline", 1.0),
])
_register("mlp_step", _fn_mlp, [
    Bar("fasttape.function <= 0.95x the numpy baseline", "max_vs_baseline", 0.95),
])
_register("hvp", _fn_hvp, [])
_register("jacobian_tanh_Ax", _fn_jac, [])
