"""Forward mode: `ForwardAccumulator` pushes tangents through ops as they run.

An accumulator is an op observer (`_engine.push_observer`). After each op whose float
inputs carry tangents, it computes the output's tangent, a Jacobian-vector product.
An op declaring `.defjvp` uses that rule. Any other op with a VJP rule gets its JVP
from the rule itself. The rule is linear in the cotangent g, v(g) = J^T g, so

    J t = d/du <v(u), t>        (u a cotangent, at any value: ones)

This is one evaluation of the rule under a private tape watching u, plus the sweep
of that tape ("double VJP"). No op needs a second hand-written derivative.

Nesting follows TF. While an accumulator computes a JVP, it and the accumulators
entered after it ignore the ops involved, and tapes entered after it do not record
them. Accumulators and tapes entered before it see them as ordinary ops:
`outer.jvp(inner.jvp(y))` is a second directional derivative, and an outer tape can
differentiate a JVP. While any accumulator is active, a recording-free tape stays on
the thread's stack. This makes tape sweeps run their rules as ops, which accumulators
can see, so `acc.jvp(tape.gradient(y, x))` gives a Hessian-vector product.

When nothing entered before an accumulator can see its JVP computations, the compiled
observer (`fasttape._forward`) computes common ops' JVPs on arrays instead
(`fasttape._forward_numpy`); the rule-based path above handles the rest.
"""

import sys
import threading

import numpy as np

from fasttape import _engine, _forward, _forward_numpy, nest
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, _TensorLike
from fasttape.ops._registry import JVPS, RULE_READS
from fasttape.ops.complex_ops import _conj, _real
from fasttape.tape import UnconnectedGradients, _unconnected

__all__ = ["ForwardAccumulator", "jvp_of"]

_SPEC_ANS = _engine.SPEC["ans"]
_SPEC_INPUTS = _engine.SPEC["inputs"]
_SPEC_ATTR = _engine.SPEC["attr"]


class _State(threading.local):
    def __init__(self):
        self.active = []        # accumulators entered in this thread, outermost first
        self.busy = None        # level of the accumulator computing a JVP, or None
        self.keeper = None      # the recording-free tape kept while any is active


_state = _State()
_ARRAY_JVPS = _forward_numpy.jvp_table()
_FUSED_JVPS = _forward_numpy.fused_table()
_BINARY_JVPS, _BINARY_KERNELS = _forward_numpy.binary_table()
# sys.getrefcount of a tensor held only by the outputs dict, seen from
# ForwardAccumulator._drop_unreferenced (the dict, the argument)
_UNREFERENCED = 2
_SWEEP_MIN = 256        # outputs held before the first sweep for unreferenced ones


def _key(x):
    return x._id if type(x) is Tensor else _engine.source_key(x)


def _reads(spec, tensors, inputs, attrs, out):
    """The values a rule with `spec` reads, from an op application."""
    values = []
    for s in spec:
        if s >= 0:
            values.append(tensors[s])
        elif s == _SPEC_ANS:
            values.append(out)
        elif s == _SPEC_INPUTS:
            values.append(tuple(tensors))
        else:
            values.append(attrs[_SPEC_ATTR - s])
    return values


def _dense(x):
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def jvp_of(op, inputs, attrs, out, tangents):
    """The tangent of `out = op(*inputs, *attrs)` given one tangent per input (None
    where an input has none), or None when no tangent reaches the output.

    Uses the op's explicit JVP when it declares one, else the derived one.
    """
    tensors = [x if type(x) is Tensor else _engine.read(x) for x in inputs]
    for t, x in zip(tangents, tensors):
        if t is not None and t._value.shape != x._value.shape:
            raise ValueError(f"ForwardAccumulator: a tangent of shape {list(t._value.shape)} "
                             f"was given for a primal of shape {list(x._value.shape)} "
                             f"(input of {op.name}); `tangents` must match the shapes of "
                             f"`primals`")
    explicit = JVPS.get(op.code)
    if explicit is None:
        return derived_jvp(op, tensors, attrs, out, tangents)
    fn, spec = explicit
    if fn != "linear" and _has_complex(out, tangents):
        # the elementwise and explicit forms are written for real values; the derived
        # JVP holds for complex ones too
        return derived_jvp(op, tensors, attrs, out, tangents)
    if fn == "elementwise":
        return _elementwise_jvp(op, tensors, attrs, out, tangents)
    if fn == "linear":
        ts = [t if t is not None else _engine.wrap(np.zeros(x._value.shape, x._value.dtype))
              for t, x in zip(tangents, tensors)]
        return _engine.apply(op, tuple(ts), attrs)
    result = fn(*tangents, *_reads(spec, tensors, inputs, attrs, out))
    return None if result is None else _dense(result)


def _has_complex(out, tangents):
    return out._value.dtype.kind == "c" or any(
        t is not None and t._value.dtype.kind == "c" for t in tangents)


def _elementwise_jvp(op, tensors, attrs, out, tangents):
    """For a diagonal Jacobian J_k = diag(d_k), J_k t = d_k * t = the rule's k-th
    gradient for the cotangent t (at the output's shape)."""
    spec, wants_needs = RULE_READS[op.code]
    args = _reads(spec, tensors, tensors, attrs, out)
    shape = out._value.shape
    total = None
    for k, t in enumerate(tangents):
        if t is None:
            continue
        if t._value.shape != shape:
            from fasttape.ops import broadcast_to
            t = broadcast_to(t, shape)
        if wants_needs:
            grads = op.rule(t, *args, tuple(j == k for j in range(len(tangents))))
        else:
            grads = op.rule(t, *args)
        g = grads[k] if isinstance(grads, (tuple, list)) else grads
        if g is None:
            continue
        g = _dense(g)
        total = g if total is None else total + g
    return total


def derived_jvp(op, tensors, attrs, out, tangents):
    """J t from the op's VJP rule: the gradient of <vjp(u), t> w.r.t. u.

    For complex values the pairing is the real inner product Re(sum(conj(a) * b)),
    for which TF's complex gradients are the adjoints: its gradient w.r.t. u is J t.
    """
    if op.rule is None:
        return None
    spec, wants_needs = RULE_READS[op.code]
    args = _reads(spec, tensors, tensors, attrs, out)
    if wants_needs:
        args.append(tuple(t is not None for t in tangents))
    # any u will do (linear); ones rather than zeros, because some rules (sqrt's)
    # special-case a zero cotangent
    u = _engine.wrap(np.ones(out._value.shape, out._value.dtype))
    tape = _engine._Tape(False)
    tape.watch(u)
    _engine.push_tape(tape)
    try:
        grads = op.rule(u, *args)
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        total = None
        from fasttape.ops import reduce_sum
        for g, t in zip(grads, tangents):
            if g is None or t is None:
                continue
            # broadcasting ops give output-shaped g: <sum_to_shape(g), t> = <g, t>
            g = _dense(g)
            if g._value.dtype.kind == "c":
                term = reduce_sum(_real(_conj(g) * t))
            else:
                term = reduce_sum(g * t)
            total = term if total is None else total + term
    finally:
        _engine.pop_tape(tape)
    if total is None:
        return None
    (result,) = tape.gradients([total], [None], [u], False)
    return None if result is None else _dense(result)


class ForwardAccumulator:
    """Computes Jacobian-vector products along `tangents` while ops run (forward mode).

    Ops executed inside the `with` block that depend on `primals` get tangents; `jvp`
    reads them. JVPs are linear in the tangents, and accumulators nest with each other
    and with `GradientTape` in either order (Hessian-vector products).

    >>> import fasttape as tf
    >>> x = tf.constant([1.0, 2.0])
    >>> with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
    ...     y = tf.reduce_sum(x * x * x)
    >>> print(acc.jvp(y))
    fasttape.Tensor(3.0, shape=(), dtype=float32)

    Args:
        primals: a Tensor or Variable, or a nest of them.
        tangents: the same nest: one tangent per primal, converted to its dtype.

    Raises:
        ValueError: tangents of another structure or dtype than the primals, or None.
        AttributeError: a primal that is not a Tensor or Variable.
    """

    def __init__(self, primals, tangents):
        self._tangents = {}
        self._int_tangents = {}         # integer primals: jvp() returns them, ops ignore them
        self._level = None
        self._depth = 0                 # tapes recording when it was entered
        # The op outputs with a tangent, by id: a tangent is dropped once nothing but
        # this dict holds its tensor (nothing can use or ask for it any more).
        self._outputs = {}
        self._observer = None
        if isinstance(primals, _TensorLike) and isinstance(tangents, _TensorLike):
            self._watch(primals, tangents)          # the common case, without nest
            return
        nest.assert_same_structure(primals, tangents)
        for primal, tangent in zip(nest.flatten(primals), nest.flatten(tangents)):
            self._watch(primal, tangent)

    def _watch(self, primal, tangent):
        if not isinstance(primal, _TensorLike):
            raise AttributeError(f"ForwardAccumulator: every entry of `primals` must be a "
                                 f"Tensor or Variable, got {type(primal).__name__}")
        if tangent is None:
            raise ValueError("ForwardAccumulator: a tangent is None; pass a tensor for "
                             "every entry of `primals`")
        dtype = primal.dtype
        if isinstance(tangent, _TensorLike):
            if tangent.dtype != dtype:
                raise ValueError(f"ForwardAccumulator: the tangent for a {dtype.name} "
                                 f"primal has dtype {tangent.dtype.name} (`tangents` must "
                                 f"match the dtypes of `primals`)")
            tangent = _engine.read(tangent)
        else:
            tangent = convert_to_tensor(tangent, dtype=dtype)
        store = self._tangents if _engine.is_differentiable(primal) else self._int_tangents
        key = _key(primal)
        held = store.get(key)
        store[key] = tangent if held is None else held + tangent

    def __enter__(self):
        if self._level is not None:
            raise ValueError("Accumulator is already recording.")
        self._level = len(_state.active)
        self._depth = len(_engine._thread.active)
        # with no tape, observer or accumulator before it, nothing can see how this
        # accumulator computes its JVPs: they may run on arrays
        private = self._level == 0 and self._depth == 0 and not _engine.active_observers()
        self._observer = _forward.Observer(self, _state, self._level, private,
                                           self._tangents, self._outputs, _ARRAY_JVPS,
                                           _FUSED_JVPS, _BINARY_JVPS, _BINARY_KERNELS,
                                           _SWEEP_MIN)
        _state.active.append(self)
        if _state.keeper is None:
            _state.keeper = _engine._Tape(False)
            _engine.push_tape(_state.keeper)
        _engine.push_observer(self._observer)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._level is None:
            return
        _engine.pop_observer(self._observer)
        self._observer = None           # (it refers back to self: no cycle left)
        self._outputs.clear()           # only needed to drop tangents while active
        _state.active.remove(self)
        self._level = None
        if not _state.active and _state.keeper is not None:
            _engine.pop_tape(_state.keeper)
            _state.keeper = None

    def _rule_jvp(self, op, inputs, attrs, out, ts):
        """The output's tangent from the op's rules, computed as ops (the observer's
        path when it cannot compute it on arrays)."""
        busy = _state.busy
        _state.busy = self._level
        # tapes entered after this accumulator do not see its JVP computations
        hidden = _engine._thread.active[self._depth:]
        for tape in reversed(hidden):
            _engine.pop_tape(tape)
        try:
            return jvp_of(op, inputs, attrs, out, ts)
        finally:
            for tape in hidden:
                _engine.push_tape(tape)
            _state.busy = busy

    _conform = staticmethod(_forward_numpy.conform)

    def _drop_unreferenced(self):
        outputs = self._outputs
        tangents = self._tangents
        for key in list(outputs):
            if sys.getrefcount(outputs[key]) <= _UNREFERENCED:
                del outputs[key]
                tangents.pop(key, None)
        self._observer.sweep_at = max(_SWEEP_MIN, 2 * len(outputs))

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """The tangents of `primals` (a nest of tensors computed inside the block).

        Args:
            primals: a Tensor or Variable, or a nest of them.
            unconnected_gradients: `'none'` gives None for a tensor with no tangent,
                `'zero'` zeros of its shape and dtype.

        Returns:
            The same nest, with a tangent (or None) for each leaf.

        Raises:
            ValueError: an unknown `unconnected_gradients`.
            AttributeError: a leaf of `primals` that is not a Tensor or Variable.
        """
        unconnected = _unconnected(unconnected_gradients)

        def lookup(x):
            if not isinstance(x, _TensorLike):
                raise AttributeError(f"ForwardAccumulator.jvp: `primals` must hold Tensors "
                                     f"or Variables, got {type(x).__name__}")
            t = self._tangents.get(_key(x))
            if t is None:
                t = self._int_tangents.get(_key(x))
            if t is None and unconnected is UnconnectedGradients.ZERO:
                t = _engine.wrap(np.zeros(tuple(x.shape), x.dtype.as_numpy_dtype))
            return t

        if isinstance(primals, _TensorLike):
            return lookup(primals)
        return nest.map_structure(lookup, primals)
