"""Parity of the math_ops and nn families with TensorFlow: values, dtypes, first-order
gradients (None-ness included) and second-order gradients, float32, at edge points.

Each case runs the same function with `m` bound to fasttape and to TensorFlow. Known,
deliberate differences (docs/api/math.md, docs/api/nn.md) are not compared here.
"""

import pytest

tf_ref = pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402

import fasttape  # noqa: E402

P = [-100.0, -20.0, -7.0, -1.0, -1e-3, 0.0, 1e-3, 0.5, 3.0, 6.0, 7.0, 20.0, 100.0]
V = [3.0, -4.0, 0.5]
M = [[1.0, -2.0], [3.0, 4.0]]
A24 = (np.arange(24.0).reshape(2, 3, 4) - 10).tolist()


def _run(m, f, xs, dtype, order2):
    ts = [m.constant(np.asarray(x, dtype=dtype)) for x in xs]
    with m.GradientTape(persistent=True) as outer:
        if order2:
            outer.watch(ts)
        with m.GradientTape(persistent=True) as inner:
            inner.watch(ts)
            y = f(m, *ts)
        grads = inner.gradient(y, ts)
        if order2:
            total = m.constant(0.0, dtype=y.dtype)
            for g in grads:
                if g is not None:
                    w = np.arange(1, 1 + int(np.prod(g.shape))).reshape(g.shape) * 0.1
                    total = total + m.reduce_sum(g * m.constant(w, dtype=g.dtype))
    second = outer.gradient(total, ts) if order2 else [None] * len(ts)
    as_np = [None if g is None else np.asarray(g) for g in grads]
    return (np.asarray(y), y.dtype.name, as_np,
            [None if g is None else np.asarray(g) for g in second])


# (id, function of (module, *tensors), inputs, options)
CASES = [
    ("round", lambda m, x: m.round(x), [[0.5, 1.5, 2.5, -0.5, -1.5, 2.4]], {}),
    ("floor", lambda m, x: m.floor(x), [[0.5, -1.5]], {}),
    ("ceil", lambda m, x: m.math.ceil(x), [[0.5, -1.5]], {}),
    ("erf", lambda m, x: m.math.erf(x), [P], dict(rtol=2e-6)),
    ("erfc", lambda m, x: m.math.erfc(x), [P[2:]], dict(rtol=2e-6)),
    ("squared_difference", lambda m, x, y: m.math.squared_difference(x, y),
     [[[1.0, 2.0]], [[3.0], [5.0]]], {}),
    ("divide_no_nan", lambda m, x, y: m.math.divide_no_nan(x, y),
     [[1.0, 0.0, 2.0, np.inf, np.nan], [0.0, 0.0, 4.0, 0.0, 0.0]], {}),
    ("xlogy", lambda m, x, y: m.math.xlogy(x, y),
     [[0.0, 0.0, 1.0, 2.0, 0.0, 0.0], [0.0, 1.0, 0.0, 3.0, -1.0, np.nan]], {}),
    ("xdivy", lambda m, x, y: m.math.xdivy(x, y), [[0.0, 0.0, 1.0, 2.0], [0.0, 1.0, 0.0, 3.0]],
     {}),
    ("log_sigmoid", lambda m, x: m.math.log_sigmoid(x), [P], dict(rtol2=1e-4)),
    ("softplus", lambda m, x: m.nn.softplus(x), [P + [-88.0, -15.0, 15.0, -14.0, 14.0]],
     dict(rtol2=1e-4, order2=False)),
    ("softsign", lambda m, x: m.nn.softsign(x), [P], dict(order2=False)),
    ("l2_loss", lambda m, x: m.nn.l2_loss(x), [M], {}),
    ("cumsum", lambda m, x: m.cumsum(x, axis=1, exclusive=True), [M], {}),
    ("cumprod", lambda m, x: m.math.cumprod(x, axis=0, reverse=True), [M], dict(rtol=1e-6)),
    ("reduce_euclidean_norm", lambda m, x: m.math.reduce_euclidean_norm(x, axis=1),
     [[[3.0, 4.0], [0.0, 0.0]]], {}),
    ("l2_normalize", lambda m, x: m.math.l2_normalize(x, axis=1), [[[3.0, 4.0], [0.0, 0.0]]],
     dict(rtol=1e-5, rtol2=1e-4)),
    ("norm", lambda m, x: m.norm(x), [V], dict(rtol=1e-6)),
    ("norm_zero", lambda m, x: m.norm(x), [[0.0, 0.0]], {}),
    ("norm_1", lambda m, x: m.norm(x, ord=1), [V], {}),
    ("norm_inf_ties", lambda m, x: m.norm(x, ord=np.inf), [[3.0, -3.0, 1.0]], {}),
    ("norm_p", lambda m, x: m.norm(x, ord=3), [V], dict(rtol=1e-5)),
    ("norm_matrix_1", lambda m, x: m.norm(x, ord=1, axis=[2, 0], keepdims=True), [A24], {}),
    ("norm_matrix_inf", lambda m, x: m.norm(x, ord=np.inf, axis=(2, 0)), [A24], {}),
    ("norm_matrix_2", lambda m, x: m.norm(x, ord=2, axis=[2, 0]), [A24],
     dict(rtol=1e-5, order2=False)),
    ("relu6", lambda m, x: m.nn.relu6(x), [P], {}),
    ("leaky_relu", lambda m, x: m.nn.leaky_relu(x, alpha=-0.5), [P], {}),
    ("elu", lambda m, x: m.nn.elu(x), [P], {}),
    ("selu", lambda m, x: m.nn.selu(x), [P], dict(rtol=1e-6)),
    ("gelu", lambda m, x: m.nn.gelu(x), [P], dict(rtol=1e-5)),
    ("gelu_approximate", lambda m, x: m.nn.gelu(x, approximate=True), [P], dict(rtol=1e-5)),
    # away from saturation, where float32 rounding of 1 - sigmoid dominates either way
    ("silu_beta", lambda m, x, b: m.nn.silu(x, beta=b), [P[2:9], 2.0],
     dict(rtol=1e-5, rtol2=1e-3)),
    # gradients that are rounding noise around 0 (TF's exp differs from numpy's by an ulp)
    ("softmax", lambda m, x: m.nn.softmax(x), [[1000.0, 1000.0, 1000.0]], dict(atol=1e-7)),
    ("softmax_rows", lambda m, x: m.nn.softmax(x)[:, 0], [[[1.0, 2.0], [3.0, 5.0]]], {}),
    ("log_softmax", lambda m, x: m.nn.log_softmax(x), [[1000.0, 1000.0, 1000.0]],
     dict(atol=1e-7)),
    ("log_softmax_inf", lambda m, x: m.nn.log_softmax(x), [[-np.inf, 1.0]],
     dict(order2=False)),
    ("sigmoid_xent",
     lambda m, z, x: m.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
     [[0.0, 1.0, 0.5, 1.0], [0.0, 0.0, 100.0, -100.0]], {}),
    # TF's second derivative of this loss misses the labels term (docs/api/nn.md)
    ("softmax_xent",
     lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(labels=z, logits=x)
     * m.constant([1.0, 3.0]),
     [[[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], [[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]]],
     dict(order2=False)),
    ("softmax_xent_axis0",
     lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(labels=z, logits=x, axis=0),
     [[[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]],
     dict(rtol=1e-5, order2=False)),
    ("sparse_softmax_xent",
     lambda m, x: m.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 2], logits=x)
     * m.constant([1.0, 3.0]),
     [[[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]]], dict(rtol=1e-5)),
    ("bias_add", lambda m, v, b: m.nn.bias_add(v, b, data_format="NCHW") ** 2,
     [np.ones((1, 2, 3)).tolist(), [10.0, 20.0]], {}),
]


def _close(a, b, rtol, atol):
    if a is None or b is None:
        return a is None and b is None
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_tensorflow(case):
    _, f, xs, opts = case
    order2 = opts.get("order2", True)
    ours = _run(fasttape, f, xs, np.float32, order2)
    ref = _run(tf_ref, f, xs, np.float32, order2)
    rtol, atol = opts.get("rtol", 1e-6), opts.get("atol", 0.0)
    assert ours[1] == ref[1]
    assert _close(ours[0], ref[0], rtol, atol), (ours[0], ref[0])
    for mine, theirs in zip(ours[2], ref[2], strict=True):
        assert _close(mine, theirs, rtol, atol), (mine, theirs)
    for mine, theirs in zip(ours[3], ref[3], strict=True):
        assert _close(mine, theirs, opts.get("rtol2", rtol), atol), (mine, theirs)
