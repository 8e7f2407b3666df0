"""GradientTape: TF's eager recording API over the engine's `_Tape`.

The facade owns the rules of use (single use of a non-persistent tape, re-entry,
stop_recording, reset, calling gradient() inside the block) and the shapes of
arguments and results (nests, output_gradients, unconnected_gradients, jacobians).
Node storage and the reverse sweep are the engine's.
"""

import contextlib
import enum
import logging
from typing import Any, overload

import numpy as np

from fasttape import _engine, _memory, errors, nest
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, _TensorLike
from fasttape.indexed_slices import IndexedSlices

__all__ = ["GradientTape", "UnconnectedGradients"]

_log = logging.getLogger("fasttape")
_warned = {"int_watch": 0, "persistent_inside": False}

_SINGLE_USE = ("A non-persistent GradientTape can only be used to compute one set of "
               "gradients (or jacobians)")
_NOT_RECORDING = "Tape is not recording."


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def _unconnected(value):
    if isinstance(value, UnconnectedGradients):
        return value
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError(f"Unknown value for unconnected_gradients: {value!r}") from None


def _check_watchable(x):
    if not isinstance(x, _TensorLike):
        raise ValueError(f"Passed in object {x!r} of type {type(x).__name__!r}, not "
                         "tf.Tensor or tf.Variable or ExtensionType.")


def _flatten(structure):
    """(flat list, rebuild function) for a nest; plain cases skip the general nest code."""
    if isinstance(structure, _TensorLike):
        return [structure], _first
    kind = type(structure)
    if kind is list or kind is tuple:
        for x in structure:
            if not isinstance(x, _TensorLike):
                break
        else:
            return list(structure), (list if kind is list else tuple)
    return nest.flatten(structure), lambda flat: nest.pack_sequence_as(structure, flat)


def _first(flat):
    return flat[0]


class GradientTape:
    """Records operations for automatic differentiation.

    Operations run inside the `with` block are recorded when they depend on a watched
    tensor: one passed to `watch()`, or (by default) any trainable variable read in the
    block. `gradient()` then differentiates a target with respect to sources.

    >>> import fasttape as tf
    >>> x = tf.Variable(3.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * x
    >>> print(tape.gradient(y, x))
    fasttape.Tensor(6.0, shape=(), dtype=float32)

    Args:
        persistent: allow more than one gradient/jacobian call.
        watch_accessed_variables: watch trainable variables read while recording.
    """

    __slots__ = ("_persistent", "_watch_accessed_variables", "_tape", "_recording", "_used",
                 "__weakref__")

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._tape = None            # created when first entered
        self._recording = False
        self._used = False

    # --- recording -----------------------------------------------------------------

    def __enter__(self) -> "GradientTape":
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to "
                             "re-enter an already-active tape.")
        if self._tape is None:
            self._tape = _engine._Tape(self._watch_accessed_variables)
        _engine.push_tape(self._tape)
        self._recording = True
        _memory.enter()
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._recording:
            _engine.pop_tape(self._tape)
            self._recording = False
        _memory.exit()

    def __del__(self):
        # a tape dropped inside its block must not stay on the thread's stack
        if getattr(self, "_recording", False):
            _engine.pop_tape(self._tape)
            _memory.exit()

    def watch(self, tensor):
        """Track `tensor` (a Tensor, Variable or a nest of them) from now on.

        Raises:
            ValueError: for anything else (Python numbers, numpy arrays).
        """
        if self._tape is None:
            raise AttributeError("GradientTape.watch() called on a tape that was never "
                                 "entered: use it inside `with tape:`")
        for x in _flatten(tensor)[0]:
            _check_watchable(x)
            if not _engine.is_differentiable(x) and _warned["int_watch"] < 5:
                _warned["int_watch"] += 1
                _log.warning("The dtype of the watched tensor must be floating (e.g. "
                             "fasttape.float32), got %r", x.dtype)
            self._tape.watch(x)

    def watched_variables(self):
        """The variables this tape watches, in creation order (a tuple)."""
        if self._tape is None:
            return ()
        watched = self._tape.watched_vars
        return tuple(watched[k] for k in sorted(watched))

    @contextlib.contextmanager
    def stop_recording(self):
        """A block in which this tape records nothing (other tapes still do)."""
        if self._tape is None:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        if not self._recording:
            raise ValueError(_NOT_RECORDING)
        _engine.pop_tape(self._tape)
        self._recording = False
        try:
            yield
        finally:
            _engine.push_tape(self._tape)
            self._recording = True

    def reset(self):
        """Forget everything recorded so far, as if the block were entered anew."""
        if not self._recording:
            raise ValueError(_NOT_RECORDING)
        # a fresh engine tape, not a cleared one: a gradient running over the old one
        # (in another thread) keeps the storage it reads
        fresh = _engine._Tape(self._watch_accessed_variables)
        _engine.replace_tape(self._tape, fresh)
        self._tape = fresh

    # --- differentiation -----------------------------------------------------------

    def _begin_use(self):
        """Enforce single use, and stop a non-persistent tape recording its own use."""
        if self._tape is None or self._used:
            raise RuntimeError(_SINGLE_USE)
        if not self._persistent:
            self._used = True          # now, so that a concurrent second use is refused
        if self._recording:
            if not self._persistent:
                _engine.pop_tape(self._tape)
                self._recording = False
            elif not _warned["persistent_inside"]:
                _warned["persistent_inside"] = True
                _log.warning("Calling GradientTape.gradient on a persistent tape inside its "
                             "context records the gradient computation on the tape, which "
                             "costs time and memory. Call it outside the context unless you "
                             "want higher-order derivatives.")

    def _end_use(self):
        if not self._persistent:
            self._tape.release()

    # For type checkers: a result per source, in the sources' structure (None, for an
    # unconnected source, is left out of the types as TF users do not test for it).
    @overload
    def gradient(self, target: Any, sources: Tensor, output_gradients: Any = ...,
                 unconnected_gradients: Any = ...) -> Tensor: ...
    @overload
    def gradient(self, target: Any, sources: list[Tensor] | tuple[Tensor, ...],
                 output_gradients: Any = ..., unconnected_gradients: Any = ...
                 ) -> list[Tensor]: ...
    @overload
    def gradient(self, target: Any, sources: dict[str, Tensor], output_gradients: Any = ...,
                 unconnected_gradients: Any = ...) -> dict[str, Tensor]: ...
    @overload
    def gradient(self, target: Any, sources: Any, output_gradients: Any = ...,
                 unconnected_gradients: Any = ...) -> Any: ...

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """The gradient of the sum of all elements of `target` w.r.t. each source.

        Args:
            target: a Tensor or Variable, or a nest of them (their sums are added).
            sources: a Tensor or Variable, or a nest of them; the result has the same
                structure.
            output_gradients: optional weights, one per flattened target (fewer: the rest
                are ones), each broadcastable to its target.
            unconnected_gradients: `UnconnectedGradients.NONE`/`'none'` gives None for
                a source the target does not depend on, `ZERO`/`'zero'` gives zeros.

        Returns:
            Gradients with each source's shape and dtype (None where unconnected).

        Raises:
            RuntimeError: a second call on a non-persistent tape, or a tape never entered.
            TypeError: target or sources None, or not tensors.
            ValueError: unknown `unconnected_gradients`.
            InvalidArgumentError: output_gradients of the wrong shape or dtype.
        """
        if target is None:
            raise TypeError("Argument `target` should be a list or nested structure of "
                            "Tensors, Variables or CompositeTensors to be differentiated, "
                            "but received None.")
        if sources is None:
            raise TypeError("Argument `sources` should be a Tensor, a Variable or a nested "
                            "structure of them, but received None.")
        unconnected = (unconnected_gradients if unconnected_gradients is
                       UnconnectedGradients.NONE else _unconnected(unconnected_gradients))
        # the arguments are read before the tape is used up: a bad one leaves it usable
        flat_sources, rebuild = _flatten(sources)
        flat_targets = _flatten(target)[0]
        self._begin_use()
        try:
            if output_gradients is None:
                seeds = [None] * len(flat_targets)
            else:
                seeds = _seeds(flat_targets, _align_weights(target, output_gradients,
                                                            len(flat_targets)))
            _memory.enter()
            try:
                grads = self._tape.gradients(flat_targets, seeds, flat_sources,
                                             self._persistent)
            finally:
                _memory.exit()
        finally:
            self._end_use()
        if unconnected is UnconnectedGradients.ZERO:
            grads = [_zeros_like(s) if g is None else g for g, s in zip(grads, flat_sources)]
        return rebuild(grads)

    def _sweep(self, targets, seeds, flat_sources, retain=None):
        ids = [_engine.source_key(s) for s in flat_sources]
        keep = self._persistent if retain is None else retain
        return self._tape.sweep(targets, seeds, ids, keep)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """The jacobian of `target` w.r.t. each source: shape target.shape + source.shape.

        All rows come from one reverse sweep over a stack of one-hot seeds (rules that
        cannot take stacked cotangents run per row, for their node only), so the cost
        is close to a few gradients rather than one gradient per output element.

        Args:
            target: one Tensor or Variable.
            sources: a Tensor or Variable, or a nest of them.
            unconnected_gradients: as for `gradient` (zeros have the jacobian's shape).
            parallel_iterations: how many rows one sweep carries at most (default: as
                many as fit a memory budget). The result does not depend on it.
            experimental_use_pfor: False computes the rows one sweep at a time, as TF's
                loop does (needs a persistent tape, as in TF); same result.

        Raises:
            RuntimeError: as `gradient`, or `experimental_use_pfor=False` on a
                non-persistent tape.
        """
        unconnected = _unconnected(unconnected_gradients)
        if not experimental_use_pfor and not self._persistent:
            raise RuntimeError("GradientTape must be created with persistent=True to compute "
                               "the jacobian with eager execution enabled and with  "
                               "experimental_use_pfor set to False.")
        if isinstance(target, IndexedSlices):
            return self._jacobian_of_slices(target, sources, unconnected_gradients,
                                            parallel_iterations, experimental_use_pfor)
        if not isinstance(target, _TensorLike):
            raise TypeError(f"jacobian: `target` must be one Tensor or Variable, got "
                            f"{type(target).__name__}")
        flat_sources, rebuild = _flatten(sources)
        for s in flat_sources:
            _engine.source_key(s)          # a TypeError for non-tensors, as in gradient()
        self._begin_use()
        try:
            target_t = _engine.read(target)
            out_shape = target_t._value.shape
            n_out = int(np.prod(out_shape, dtype=np.int64))
            seeds = np.eye(n_out, dtype=target_t._value.dtype).reshape((n_out,) + out_shape)
            blocks = self._vjp_rows(target_t, seeds, flat_sources, experimental_use_pfor,
                                    parallel_iterations)
            results = [_finish_jacobian(block, src, out_shape + tuple(src.shape), unconnected)
                       for block, src in zip(blocks, flat_sources)]
        finally:
            self._end_use()
        return rebuild(results)

    def _jacobian_of_slices(self, target, sources, *options):
        """The jacobian of the dense tensor an IndexedSlices stands for (as TF, which
        densifies it): the values' jacobian, its rows added at their indices."""
        if target.dense_shape is None:
            raise ValueError("jacobian: an IndexedSlices target needs a dense_shape")
        values, indices = target._merged()
        rows = np.asarray(indices).reshape(-1)
        n_rows = int(np.asarray(target.dense_shape).reshape(-1)[0])
        flat_sources, rebuild = _flatten(sources)
        blocks = self.jacobian(values, flat_sources, *options)
        results = []
        for block in blocks:
            if block is None:
                results.append(None)
                continue
            j = np.asarray(block)
            j = j.reshape((rows.size,) + j.shape[np.ndim(indices):])
            dense = np.zeros((n_rows,) + j.shape[1:], dtype=j.dtype)
            np.add.at(dense, rows, j)
            results.append(_engine.wrap(dense))
        return rebuild(results)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example jacobians: entry i is the jacobian of target[i] w.r.t. source[i].

        The result has shape [batch] + target.shape[1:] + source.shape[1:]; a source the
        target does not depend on gives zeros (never None), as in TF. Examples are
        assumed independent (row i of the target depends on row i of the source only).

        Raises:
            ValueError: target or source of rank < 2, or different batch sizes.
            RuntimeError: as `jacobian`.
        """
        _unconnected(unconnected_gradients)
        if not experimental_use_pfor and not self._persistent:
            raise RuntimeError("GradientTape must be created with persistent=True to compute "
                               "the batch jacobian with eager execution enabled and with  "
                               "experimental_use_pfor set to False.")
        for x in (target, source):
            if not isinstance(x, _TensorLike):
                raise TypeError(f"batch_jacobian takes tensors, got {type(x).__name__}")
            if len(x.shape) < 2:
                raise ValueError(f"Shape {x.shape} must have rank at least 2")
        t_shape, s_shape = tuple(target.shape), tuple(source.shape)
        if t_shape[0] != s_shape[0]:
            raise ValueError(f"Need first dimension of target shape ({t_shape}) and source "
                             f"shape ({s_shape}) to match.")
        self._begin_use()
        try:
            target_t = _engine.read(target)
            batch, inner = t_shape[0], int(np.prod(t_shape[1:], dtype=np.int64))
            # seed j: ones at element j of every example
            eye = np.eye(inner, dtype=target_t._value.dtype)[:, None, :]
            seeds = np.broadcast_to(eye, (inner, batch, inner)).reshape((inner,) + t_shape)
            (block,) = self._vjp_rows(target_t, seeds, [source], experimental_use_pfor,
                                      parallel_iterations)
        finally:
            self._end_use()
        shape = t_shape + s_shape[1:]
        if block is None:
            return _engine.wrap(np.zeros(shape, source.dtype.as_numpy_dtype))
        if isinstance(block, Tensor):        # recorded: keep the rearrangement on the tape
            from fasttape.ops import reshape, transpose
            rows = reshape(block, (inner, batch, -1))
            return reshape(transpose(rows, (1, 0, 2)), shape)
        rows = block.reshape(inner, batch, -1).transpose(1, 0, 2)
        return _engine.wrap(np.asarray(rows.reshape(shape), order="C"))

    def _vjp_rows(self, target, seeds, flat_sources, vectorize, chunk):
        """For each source, the stacked VJPs of `target` with each row of `seeds`:
        an array [rows, *source.shape], or None when no row reaches the source."""
        rows, sources = seeds.shape[0], flat_sources
        if rows == 0:
            return self._empty_rows(target, sources)
        if _engine.any_recording():
            return self._recorded_rows(target, seeds, sources)
        if not vectorize:            # one sweep per row, as TF's loop
            widths = [1] * rows
            # (seeds[i], not iteration: rows of a 0-d target would be numpy scalars)
            blocks = [self._sweep([target], [np.asarray(seeds[i])], sources, retain=True)
                      for i in range(rows)]
        else:                        # one batched sweep per chunk of rows
            widest = max([int(np.prod(seeds.shape[1:], dtype=np.int64))] +
                         [int(np.prod(src.shape, dtype=np.int64)) for src in sources])
            step = int(chunk) if chunk else max(1, _ROW_BUDGET // max(widest, 1))
            ids = [_engine.source_key(s) for s in sources]
            widths = [min(step, rows - start) for start in range(0, rows, step)]
            blocks = [self._tape.sweep([target], [np.asarray(seeds[start:start + step])], ids,
                                       True, True)
                      for start in range(0, rows, step)]
        return [_join_rows([b[k] for b in blocks], widths, src) for k, src in enumerate(sources)]

    def _empty_rows(self, target, sources):
        """An empty target has no rows; one sweep with its (empty) seed still tells
        which sources it reaches (TF: an empty jacobian there, None elsewhere)."""
        empty = np.zeros(target._value.shape, target._value.dtype)
        seed = _engine.wrap(empty) if _engine.any_recording() else empty
        grads = self._sweep([target], [seed], sources, retain=True)
        return [None if g is None or not _differentiable(src) else
                np.zeros((0,) + tuple(src.shape), src.dtype.as_numpy_dtype)
                for g, src in zip(grads, sources)]

    def _recorded_rows(self, target, seeds, sources):
        """Rows one sweep at a time, stacked with recorded ops, so that an outer tape can
        differentiate the jacobian (third and higher derivatives)."""
        from fasttape.ops import stack, zeros_like

        per_row = [self._sweep([target], [_engine.wrap(seed)], sources, retain=True)
                   for seed in seeds]
        out = []
        for k, src in enumerate(sources):
            column = [r[k] for r in per_row]
            if not _differentiable(src) or all(g is None for g in column):
                out.append(None)
                continue
            zero = zeros_like(src)
            out.append(stack([zero if g is None else g for g in column]) if column else
                       _engine.wrap(np.zeros((0,) + tuple(src.shape),
                                             src.dtype.as_numpy_dtype)))
        return out


def _differentiable(x):
    return x.dtype.is_floating or x.dtype.is_complex


# Rows times elements that one vectorised jacobian sweep may carry (memory bound).
_ROW_BUDGET = 1 << 22


def _join_rows(blocks, widths, source):
    """A source's jacobian rows from its blocks (each `width` rows, None where no row of
    the block reaches the source), or None when none does."""
    if not _differentiable(source) or all(b is None for b in blocks):
        return None
    shape, dtype = tuple(source.shape), source.dtype.as_numpy_dtype
    dense = [np.zeros((w,) + shape, dtype) if b is None else
             (b if isinstance(b, np.ndarray) else np.asarray(convert_to_tensor(b)))
             .reshape((w,) + shape)                      # (IndexedSlices are densified)
             for b, w in zip(blocks, widths)]
    return np.concatenate(dense)


def _align_weights(target, output_gradients, n_targets):
    """One weight (or None for ones) per flattened target."""
    if output_gradients is None:
        return [None] * n_targets
    if not nest.is_nested(target):
        weights = list(output_gradients) if (
            isinstance(output_gradients, (list, tuple)) and len(output_gradients) == 1
            and not isinstance(output_gradients[0], (int, float))) else [output_gradients]
    elif isinstance(output_gradients, (list, tuple)):
        weights = list(output_gradients)
    else:
        weights = [output_gradients]
    if len(weights) > n_targets:
        raise ValueError(f"output_gradients has {len(weights)} entries for {n_targets} "
                         "targets")
    for i, w in enumerate(weights):
        if w is None:
            raise ValueError(f"output_gradients[{i}] is None: pass a tensor for every "
                             "target (or fewer entries, and the rest are ones)")
    return weights + [None] * (n_targets - len(weights))


def _seeds(targets, weights):
    """The upstream gradient of each target: None for ones, else its weight broadcast."""
    recorded = _engine.any_recording()
    return [None if w is None else _seed(_engine.read(t), w, recorded)
            for t, w in zip(targets, weights)]


def _seed(target, weight, recorded):
    """A target's weight, checked and broadcast to the target's shape."""
    shape, dtype = tuple(target.shape), target.dtype
    w = convert_to_tensor(weight)
    if w.dtype != dtype:
        raise errors.InvalidArgumentError(
            f"output_gradients: expected a {dtype.name} tensor for a {dtype.name} target but "
            f"got {w.dtype.name} [Op:Mul]")
    try:
        broadcast = np.broadcast_shapes(tuple(w.shape), shape)
    except ValueError:
        broadcast = None
    if broadcast != shape:
        raise errors.InvalidArgumentError(
            f"Incompatible shapes: {list(w.shape)} vs. {list(shape)} [Op:Mul]")
    if recorded:
        from fasttape.ops.shape import broadcast_to
        return broadcast_to(w, shape)
    return np.asarray(np.broadcast_to(np.asarray(w), shape), order="C")


def _zeros_like(source):
    """The 'zero' gradient of an unconnected source: its shape and dtype."""
    return _engine.wrap(np.zeros(tuple(source.shape), source.dtype.as_numpy_dtype))


def _finish_jacobian(block, source, shape, unconnected):
    if block is None:
        if unconnected is UnconnectedGradients.ZERO:
            return _engine.wrap(np.zeros(shape, source.dtype.as_numpy_dtype))
        return None
    if isinstance(block, Tensor):
        from fasttape.ops import reshape
        return reshape(block, shape)
    return _engine.wrap(np.asarray(block.reshape(shape), order="C"))
