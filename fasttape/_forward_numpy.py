"""JVPs computed on numpy arrays, for an accumulator whose JVP computations no tape,
trace or outer accumulator can see (the common case: one accumulator, outermost).

Each entry takes (op, arrays, tangent arrays (None where an input has none), attrs,
output array) and returns the output's tangent array, None when no tangent reaches the
output, or NotImplemented to fall back to the rule-based JVP (which runs as ops).
"""

import numpy as np

from fasttape import _forward, _kernels
from fasttape.ops._registry import JVPS, OPS

__all__ = ["binary_table", "conform", "fused_table", "jvp_table"]


def _only_first(fn):
    """A JVP of a one-input (or first-input-only) op: fn(x, out) * t."""
    def jvp(op, xs, ts, attrs, out):
        if any(t is not None for t in ts[1:]):
            return NotImplemented
        return fn(xs[0], ts[0], out)
    return jvp


def _pow(op, xs, ts, attrs, out):
    if ts[1] is not None:
        return NotImplemented      # the exponent's term has TF's x <= 0 special case
    x, y = xs
    result = _forward.pow_jvp(ts[0], x, y)      # a 0-d exponent, in one loop
    return ts[0] * y * np.power(x, y - 1) if result is None else result


def _add(op, xs, ts, attrs, out):
    t0, t1 = ts
    if t1 is None:
        return t0
    if t0 is None:
        return t1
    return t0 + t1


def _subtract(op, xs, ts, attrs, out):
    t0, t1 = ts
    if t1 is None:
        return t0
    return -t1 if t0 is None else t0 - t1


def _truediv(op, xs, ts, attrs, out):
    (x, y), (t0, t1) = xs, ts
    total = None if t0 is None else t0 / y
    if t1 is not None:
        term = -t1 * x / y / y
        total = term if total is None else total + term
    return total


def _bilinear(op, xs, ts, attrs, out):
    """For ops linear in each input separately: the sum of one term per tangent."""
    total = None
    forward = op.forward
    for k, t in enumerate(ts):
        if t is None:
            continue
        args = list(xs)
        args[k] = t
        term = forward(*args, *attrs)
        total = term if total is None else total + term
    return total


def _linear(op, xs, ts, attrs, out):
    """For ops linear in all inputs together: the op itself applied to the tangents."""
    args = [t if t is not None else np.zeros(x.shape, x.dtype) for t, x in zip(ts, xs)]
    return op.forward(*args, *attrs)


_BY_NAME = {
    "sin": _only_first(lambda x, t, out: np.cos(x) * t),
    "cos": _only_first(lambda x, t, out: -np.sin(x) * t),
    "exp": _only_first(lambda x, t, out: out * t),
    "tanh": _only_first(lambda x, t, out: (1 - out * out) * t),
    "sigmoid": _only_first(lambda x, t, out: out * (1 - out) * t),
    "log": _only_first(lambda x, t, out: t / x),
    "square": _only_first(lambda x, t, out: 2 * x * t),
    "negative": _only_first(lambda x, t, out: -t),
    "identity": _only_first(lambda x, t, out: t),
    "relu": _only_first(lambda x, t, out: t * (x > 0)),
    "pow": _pow,
    "add": _add,
    "subtract": _subtract,
    "truediv": _truediv,
    "multiply": _bilinear,
    "_matmul": _bilinear,
}

_TABLE = None


def _table():
    global _TABLE
    table = {}
    for op in OPS:
        fn = _BY_NAME.get(op.name)
        if fn is None and JVPS.get(op.code, (None,))[0] == "linear":
            fn = _linear
        if fn is not None:
            table[op.code] = fn
    _TABLE = table
    return table


def fused_table():
    """{op code: (backward kernel index, whether it reads the output)} for elementwise
    ops whose fused VJP kernel gives the JVP: J t = t * f'(x) = J^T t."""
    by_name = {op.name: op.code for op in OPS}
    return {by_name[name]: (index, saved == "ans")
            for name, (index, saved) in _kernels.BACKWARD.items()
            if name in _BY_NAME and name in by_name}


def binary_table():
    """({op code: 0 add, 1 subtract, 2 multiply, 3 pow}, the forward kernel indices of
    the first three)."""
    kinds = {"add": 0, "subtract": 1, "multiply": 2, "pow": 3}
    table = {op.code: kinds[op.name] for op in OPS if op.name in kinds}
    kernels = tuple(_kernels.BINARY[name][0] for name in ("add", "subtract", "multiply"))
    return table, kernels


def jvp_table():
    """{op code: JVP on arrays}."""
    return _TABLE if _TABLE is not None else _table()


def conform(result, out):
    """`result` as an array of the output's shape and dtype."""
    result = np.asarray(result, dtype=out.dtype)       # (numpy scalars from reductions)
    if result.shape != out.shape:
        result = np.array(np.broadcast_to(result, out.shape))
    return result
