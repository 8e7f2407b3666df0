"""`tf.custom_gradient`: a function that supplies its own derivative.

The decorated function returns `(value, grad_fn)`. Its forward runs as ordinary code
(its ops are recorded, as in TF, so that tensors `grad_fn` closes over stay connected
for higher derivatives), but what the caller receives are new tensors: each output is
recorded as one node of the `_custom` op, whose inputs are the function's tensor
arguments and the trainable variables it read, and whose rule calls `grad_fn`. So
gradients reach the inputs through `grad_fn` only. `grad_fn` is written in fasttape
ops: under an outer tape its work is recorded and can be differentiated again.

A function with several outputs gets one node per output. `grad_fn` receives one
upstream gradient per (flattened) output, zeros for the outputs a node does not stand
for; grad_fn is linear in its upstreams, so the contributions add up to TF's single call.
"""

import functools
import inspect

from fasttape import _engine, nest
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops._registry import defop, export
from fasttape.ops.elementwise import zeros_like
from fasttape.tape import GradientTape

__all__ = ["custom_gradient"]


@defop(public=False, same_dtype=False)
def _custom(*inputs, value=None, call=None):
    return value


@_custom.defvjp
def _custom_vjp(g, call):
    return call.input_gradients(g)


class _Call:
    """One call of a custom-gradient function: what its nodes' rule needs."""

    def __init__(self, grad_fn, inputs, variables, outputs, index):
        self.grad_fn = grad_fn
        self.inputs = inputs
        self.variables = variables
        self.outputs = outputs          # the flattened values, for zero upstreams
        self.index = index              # which output this node stands for

    def for_output(self, index):
        return _Call(self.grad_fn, self.inputs, self.variables, self.outputs, index)

    def input_gradients(self, g):
        upstreams = [g if k == self.index else zeros_like(out)
                     for k, out in enumerate(self.outputs)]
        if self.variables:
            input_grads, variable_grads = self.grad_fn(*upstreams, variables=self.variables)
            variable_grads = _as_list(variable_grads)
            if len(variable_grads) != len(self.variables):
                raise ValueError("Must return gradient for each variable from "
                                 "@custom_gradient grad_fn.")
        else:
            input_grads, variable_grads = self.grad_fn(*upstreams), []
        input_grads = nest.flatten(input_grads)
        if len(input_grads) != len(self.inputs):
            raise ValueError(f"custom_gradient function expected to return "
                             f"{len(self.inputs)} gradients, but returned "
                             f"{len(input_grads)} instead.")
        return tuple(None if gr is None else convert_to_tensor(gr)
                     for gr in input_grads + variable_grads)


def _as_list(grads):
    return list(grads) if isinstance(grads, (list, tuple)) else [grads]


def _accepts_variables(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return "variables" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def custom_gradient(f=None):
    """Decorate `f(*x) -> (y, grad_fn)` to define the gradient of y w.r.t. x by grad_fn.

    `grad_fn(*upstreams)` gets one upstream gradient per flattened output of `y` and
    returns one gradient per (flattened) positional argument of `f`, None for none;
    Python numbers among the arguments are converted to tensors and count too. When `f` reads
    trainable variables, `grad_fn(*upstreams, variables=...)` must return
    `(input_grads, variable_grads)`, as in TF.

    >>> import fasttape as tf
    >>> @tf.custom_gradient
    ... def clipped_identity(x):
    ...     return tf.identity(x), lambda g: tf.clip_by_value(g, -1.0, 1.0)
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as t:
    ...     t.watch(x)
    ...     y = clipped_identity(x) * 5.0
    >>> print(t.gradient(y, x))
    fasttape.Tensor(1.0, shape=(), dtype=float32)

    Raises:
        TypeError: `f` reads variables but `grad_fn` has no `variables` argument.
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        if not _engine.any_recording():
            value, _ = f(*args, **kwargs)
            return value
        with GradientTape() as probe:        # sees which variables f reads
            value, grad_fn = f(*args, **kwargs)
        # every positional argument is an input, as in TF: Python numbers (the 1.0 of
        # clip_gradient_by_norm(x, 1.0)) become tensors, and grad_fn returns a gradient
        # (or None) for each
        inputs = [x if isinstance(x, _TensorLike) else convert_to_tensor(x)
                  for x in nest.flatten(args)]
        given = [x for x in nest.flatten((args, kwargs)) if isinstance(x, _TensorLike)]
        input_ids = {_engine.source_key(x) for x in given}
        variables = [v for v in probe.watched_variables()
                     if _engine.source_key(v) not in input_ids]
        if variables and not _accepts_variables(grad_fn):
            raise TypeError("@custom_gradient grad_fn must accept keyword argument "
                            "'variables', since function uses variables: "
                            f"{variables}")
        flat = [convert_to_tensor(y) for y in nest.flatten(value)]
        call = _Call(grad_fn, inputs, variables, flat, 0)
        node_inputs = tuple(inputs) + tuple(variables)
        outputs = [_engine.apply(_custom.op, node_inputs,
                                 (y._value, call.for_output(k)))
                   for k, y in enumerate(flat)]
        return nest.pack_sequence_as(value, outputs)

    return decorated


# --- recompute_grad, grad_pass_through ----------------------------------------------

class _Paused:
    """No tape records in this thread inside the block (accumulators still see ops)."""

    def __enter__(self):
        self.tapes = list(_engine._thread.active)
        for tape in reversed(self.tapes):
            _engine.pop_tape(tape)

    def __exit__(self, *exc):
        for tape in self.tapes:
            _engine.push_tape(tape)


def _variables_read(f, args, kwargs):
    """f(*args, **kwargs) and the trainable Variables it read, in creation order: as
    operands of ops or through any other read (convert_to_tensor, read_value).

    A tape watching accessed variables sees every read; emptied after each op, it
    keeps no node (so none of f's activations) while it collects them.
    """
    tape = _engine._Tape(True)
    seen = {}

    def observe(op, inputs, attrs, out):
        if tape.tracked:
            seen.update(tape.watched_vars)
            tape.clear()

    _engine.push_tape(tape)
    _engine.push_observer(observe)
    try:
        value = f(*args, **kwargs)
    finally:
        _engine.pop_observer(observe)
        _engine.pop_tape(tape)
    seen.update(tape.watched_vars)
    tape.clear()
    return value, [seen[k] for k in sorted(seen)]


@export("", name="recompute_grad")
def recompute_grad(f):
    """`f` whose intermediate values are not kept for the backward pass: the gradient
    runs `f` again under a tape. Trades compute for memory (a block's activations are
    live only during its own backward step).

    Values and first-order gradients equal those of `f`, including for trainable
    variables `f` uses as operands.
    """
    def wrapped(*args, **kwargs):
        if not _engine.any_recording():
            return f(*args, **kwargs)
        inputs = [x for x in nest.flatten(args) if isinstance(x, _TensorLike)]
        with _Paused():
            value, variables = _variables_read(f, args, kwargs)
        input_ids = {_engine.source_key(x) for x in inputs}
        variables = [v for v in variables if _engine.source_key(v) not in input_ids]
        flat = [convert_to_tensor(y) for y in nest.flatten(value)]

        def grad_fn(*upstreams, variables=()):
            with GradientTape(watch_accessed_variables=False) as tape:
                tape.watch(inputs + list(variables))
                again = [convert_to_tensor(y) for y in nest.flatten(f(*args, **kwargs))]
            grads = tape.gradient(again, inputs + list(variables),
                                  output_gradients=list(upstreams))
            if variables:
                return grads[:len(inputs)], grads[len(inputs):]
            return grads

        call = _Call(grad_fn, inputs, variables, flat, 0)
        outputs = [_engine.apply(_custom.op, tuple(inputs) + tuple(variables),
                                 (y._value, call.for_output(k)))
                   for k, y in enumerate(flat)]
        return nest.pack_sequence_as(value, outputs)

    wrapped.__name__ = getattr(f, "__name__", "recompute_grad")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    return wrapped


@export("", name="grad_pass_through")
def grad_pass_through(f):
    """`f` in the forward pass, the identity in the backward pass (straight-through):
    each tensor argument receives the upstream gradient of the matching output.

    >>> import fasttape as tf
    >>> x = tf.Variable(1.4)
    >>> with tf.GradientTape() as tape:
    ...     y = tf.grad_pass_through(tf.round)(x) * 3.0
    >>> print(tape.gradient(y, x))
    fasttape.Tensor(3.0, shape=(), dtype=float32)
    """
    @custom_gradient
    def passed(*args):
        def grad(*upstreams, variables=None):
            grads = list(upstreams)
            return (grads, [None] * len(variables)) if variables else grads
        return f(*args), grad

    return passed
