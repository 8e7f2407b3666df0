"""Run one function on fasttape and on TensorFlow and compare what comes out: values,
dtypes, and the first-order gradients of every float input (None-ness included)."""

import numpy as np

import fasttape


def run(m, f, xs, dtype):
    """f(m, *tensors) with gradients w.r.t. the float inputs (others are constants)."""
    ts = [m.constant(np.asarray(x, dtype=dtype if np.asarray(x).dtype.kind == "f" else None))
          for x in xs]
    floats = [t for t in ts if t.dtype.is_floating]
    with m.GradientTape(persistent=True) as tape:
        tape.watch(floats)
        out = f(m, *ts)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    grads = []
    for y in outs:
        if y.dtype.is_floating and floats:
            grads += [None if g is None else np.asarray(g) for g in tape.gradient(y, floats)]
    return [np.asarray(y) for y in outs], [y.dtype.name for y in outs], grads


def compare(tf_ref, f, xs, dtype=np.float32, rtol=1e-5, atol=1e-6):
    got = run(fasttape, f, xs, dtype)
    want = run(tf_ref, f, xs, dtype)
    assert got[1] == want[1], f"dtypes {got[1]} vs TF {want[1]}"
    for a, b in zip(got[0], want[0]):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    assert [g is None for g in got[2]] == [g is None for g in want[2]], "None-ness of gradients"
    for a, b in zip(got[2], want[2]):
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=rtol * 10, atol=atol * 10)
