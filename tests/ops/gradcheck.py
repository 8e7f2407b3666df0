"""Gradient checking against central finite differences, in float64.

A `Case` says how to call one registered op (through its public function) and where
its inputs live. `check_case` draws inputs, then compares the tape's vector-Jacobian
product with a central-difference directional derivative: for random u and v,

    <v, J^T u>  ==  <u, (f(x + eps v) - f(x - eps v)) / 2 eps>

which costs two evaluations at any input size (HIPS autograd's check). Order 2 applies
the same check to x -> <grad_x <f(x), u>, w>, computed with nested tapes, so the rules
themselves are differentiated.

Each family lists its cases in tests/ops/cases_<family>.py as `CASES`;
tests/ops/test_gradcheck.py runs them all and checks that every op with a rule in the
registry has at least one case.
"""

import dataclasses
from typing import Callable, Optional, Sequence

import numpy as np

import fasttape as tf

# Input domains: (low, high) for the uniform draw, and values to avoid (kinks, poles).
REALS = (-2.0, 2.0)
POSITIVE = (0.2, 2.0)
UNIT_OPEN = (-0.9, 0.9)
NONZERO = "nonzero"          # REALS, but at least 0.2 away from 0


@dataclasses.dataclass
class Case:
    """How to check one op.

    Attributes:
        op: the registry name of the op the case covers (OpDef.name).
        fn: takes float64 Tensors, returns a Tensor (calls the public function).
        shapes: one shape per input; or None to draw mutually broadcastable shapes.
        n_in: the number of float inputs when `shapes` is None.
        domain: one domain for all inputs, or a sequence with one per input.
        order: highest derivative order to check (2 for smooth ops, 1 for piecewise
            linear or where second derivatives are not defined by the rule).
        separation: minimum distance between any two inputs' elements where ties
            matter (max/min): draws closer than this are nudged apart.
        name: test id (defaults to op).
    """

    op: str
    fn: Callable
    shapes: Optional[Sequence[tuple]] = None
    n_in: int = 1
    domain: object = REALS
    order: int = 2
    separation: float = 0.0
    name: Optional[str] = None
    rtol: float = 1e-5
    atol: float = 1e-6
    eps: float = 1e-6

    @property
    def id(self):
        return self.name or self.op

    def domains(self, n):
        if isinstance(self.domain, list):
            return self.domain
        return [self.domain] * n


def draw_inputs(case, rng, shapes):
    xs = []
    for shape, dom in zip(shapes, case.domains(len(shapes))):
        if dom == NONZERO:
            x = rng.uniform(0.2, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        else:
            x = rng.uniform(dom[0], dom[1], size=shape)
        xs.append(np.asarray(x, dtype=np.float64))
    if case.separation:
        # spread values so no two elements anywhere are within `separation` (no ties)
        flat = np.concatenate([x.ravel() for x in xs])
        order = np.argsort(rng.permutation(flat.size))
        spread = np.linspace(-2.0, 2.0, flat.size) if flat.size > 1 else np.zeros(1)
        flat = spread[order]
        out, start = [], 0
        for x in xs:
            out.append(flat[start:start + x.size].reshape(x.shape))
            start += x.size
        xs = out
    return xs


def _value(case, xs):
    return np.asarray(case.fn(*[tf.constant(x) for x in xs]), dtype=np.float64)


def _vjp(case, xs, u):
    ts = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        y = case.fn(*ts)
    grads = tape.gradient(y, ts, output_gradients=[tf.constant(u)],
                          unconnected_gradients="zero")
    return [np.asarray(tf.convert_to_tensor(g)) for g in grads]


def _second_order_fn(case, u, w):
    """x -> <grad <f(x), u>, w>, computed with a nested tape (a scalar function)."""
    def fn(*ts):
        with tf.GradientTape() as inner:
            inner.watch(list(ts))
            y = case.fn(*ts)
            s = tf.reduce_sum(y * tf.constant(u))
        grads = inner.gradient(s, list(ts), unconnected_gradients="zero")
        total = tf.constant(0.0, dtype=tf.float64)
        for g, wk in zip(grads, w):
            total = total + tf.reduce_sum(tf.convert_to_tensor(g) * tf.constant(wk))
        return total
    return fn


def check_vjp(case, fn, xs, rng, eps=1e-6, rtol=None, atol=None):
    """Assert <v, J^T u> == central difference of <u, f> along v."""
    probe = dataclasses.replace(case, fn=fn)
    y = _value(probe, xs)
    u = rng.standard_normal(y.shape)
    vs = [rng.standard_normal(x.shape) for x in xs]
    ts = [tf.constant(x) for x in xs]
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(ts)
        out = fn(*ts)
    grads = outer.gradient(out, ts, output_gradients=[tf.constant(u)],
                           unconnected_gradients="zero")
    analytic = sum(float(np.sum(np.asarray(tf.convert_to_tensor(g)) * v))
                   for g, v in zip(grads, vs))
    plus = _value(probe, [x + eps * v for x, v in zip(xs, vs)])
    minus = _value(probe, [x - eps * v for x, v in zip(xs, vs)])
    numeric = float(np.sum(u * (plus - minus) / (2 * eps)))
    tol = (atol or case.atol) + (rtol or case.rtol) * max(abs(numeric), abs(analytic), 1.0)
    assert abs(analytic - numeric) <= tol * 10, (
        f"{case.id}: analytic {analytic!r} vs finite difference {numeric!r}")
    for g, x in zip(grads, xs):
        assert tuple(g.shape) == x.shape, f"{case.id}: gradient shape {g.shape} vs {x.shape}"
        assert g.dtype == tf.float64


def check_case(case, rng, shapes):
    xs = draw_inputs(case, rng, shapes)
    check_vjp(case, case.fn, xs, rng, eps=case.eps)
    if case.order >= 2:
        y = _value(case, xs)
        u = rng.standard_normal(y.shape)
        w = [rng.standard_normal(x.shape) for x in xs]
        check_vjp(case, _second_order_fn(case, u, w), xs, rng, eps=1e-5, rtol=1e-4, atol=1e-5)
