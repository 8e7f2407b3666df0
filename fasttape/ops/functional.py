"""Functional transforms: map_fn, scan, foldl/foldr, vectorized_map, TensorArray
(and tf.gradients/tf.hessians, which need graphs). recompute_grad and
grad_pass_through, which need a tape, are in fasttape.custom_gradient.

Everything here runs eagerly in Python over ordinary ops (unstack, stack, the user's
function), so tapes and forward accumulators see every step: gradients and JVPs need
no rule of their own.
"""

import numpy as np

from fasttape import _engine, dtypes, errors, nest
from fasttape._convert import convert_to_tensor
from fasttape._engine import Tensor, _TensorLike
from fasttape.ops._registry import export
from fasttape.ops.shape import concat, split, stack, unstack
from fasttape.tensor_shape import TensorShape

# --- map_fn, scan, foldl, foldr -----------------------------------------------------

def _leading(flat, what):
    """The common length of axis 0 of `flat` tensors."""
    n = None
    for x in flat:
        if x.shape.rank == 0:
            raise ValueError(f"Elements in {what} must be 1+ dimensional Tensors, not scalars")
        size = x.shape[0]
        if n is None:
            n = size
        elif size != n:
            raise ValueError(f"{what}: Dimensions {n} and {size} are not compatible (every "
                             f"entry needs the same length along axis 0)")
    return n


def _rows(elems, what):
    """(structure, [per-index nest of slices], length) of `elems` along axis 0."""
    flat = [convert_to_tensor(e) for e in nest.flatten(elems)]
    n = _leading(flat, what)
    columns = [unstack(x) for x in flat]
    return [nest.pack_sequence_as(elems, [col[i] for col in columns]) for i in range(n)], n


def _spec_dtype(spec):
    return dtypes.as_dtype(spec) if not hasattr(spec, "dtype") else dtypes.as_dtype(spec.dtype)


def _check_like(structure, value, expected_dtypes, fn_name, against):
    """`value` converted leafwise, with `structure` and the expected dtypes."""
    nest.assert_same_structure(structure, value)
    flat = [convert_to_tensor(v) for v in nest.flatten(value)]
    for v, want in zip(flat, expected_dtypes):
        if v.dtype != want:
            # TF's words (its TensorArray refuses the write), then which result it was
            raise errors.InvalidArgumentError(
                f"TensorArray dtype is {want.name} but Op is trying to write dtype "
                f"{v.dtype.name}: {fn_name}'s `fn` returned {v.dtype.name} where {against} "
                f"has {want.name}")
    return flat


def _stack_leaves(columns, dtypes_, n):
    if n == 0:
        return [_engine.wrap(np.zeros((0,), d.as_numpy_dtype)) for d in dtypes_]
    return [stack(col) for col in columns]


@export("", name="map_fn")
def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
           swap_memory=False, infer_shape=True, name=None, fn_output_signature=None):
    """Apply `fn` to each slice of `elems` along axis 0 and stack the results.

    `elems` may be a nest of tensors of the same length; `fn` gets the same nest of
    slices. Without `fn_output_signature` (or the older `dtype`), `fn` must return the
    structure and dtypes of `elems`; a signature is a nest of dtypes or TensorSpecs.

    >>> import fasttape as tf
    >>> print(tf.map_fn(lambda r: tf.reduce_sum(r), tf.constant([[1.0, 2.0], [3.0, 4.0]])))
    fasttape.Tensor([3. 7.], shape=(2,), dtype=float32)

    Raises:
        ValueError: scalar elems, elems of different lengths, or `fn` results of
            another structure than the signature.
        InvalidArgumentError: `fn` results of another dtype than the signature.
    """
    signature = fn_output_signature if fn_output_signature is not None else dtype
    rows, n = _rows(elems, "elems")
    if signature is None:
        structure = elems
        wanted = [convert_to_tensor(e).dtype for e in nest.flatten(elems)]
        against = "`elems` (no fn_output_signature)"
    else:
        structure = signature
        wanted = [_spec_dtype(s) for s in nest.flatten(signature)]
        against = "fn_output_signature"
    columns = [[] for _ in wanted]
    for row in rows:
        for col, v in zip(columns, _check_like(structure, fn(row), wanted, "map_fn", against)):
            col.append(v)
    return nest.pack_sequence_as(structure, _stack_leaves(columns, wanted, n))


def _accumulate(fn, elems, initializer, reverse, name, keep_all):
    rows, n = _rows(elems, "elems")
    order = list(range(n - 1, -1, -1) if reverse else range(n))
    outputs = [None] * n
    if initializer is None:
        if n == 0:
            # TF reads element 0 as the initializer, and that read fails
            raise errors.OutOfRangeError(
                f"Tried to read from index 0 but array size is: 0 ({name}: `elems` is empty "
                f"and no initializer was given)")
        acc = rows[order[0]]
        outputs[order[0]] = acc
        order = order[1:]
    else:
        acc = nest.map_structure(convert_to_tensor, initializer)
    structure = acc
    wanted = [convert_to_tensor(a).dtype for a in nest.flatten(acc)]
    for i in order:
        flat = _check_like(structure, fn(acc, rows[i]), wanted, name, "the accumulator")
        acc = nest.pack_sequence_as(structure, flat)
        outputs[i] = acc
    if not keep_all:
        return nest.map_structure(convert_to_tensor, acc)
    columns = [[convert_to_tensor(v) for v in nest.flatten(out)] for out in outputs]
    stacked = _stack_leaves(list(zip(*columns)) if columns else [[] for _ in wanted],
                            wanted, n)
    return nest.pack_sequence_as(structure, stacked)


@export("", name="scan")
def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """`acc = fn(acc, x)` over the slices of `elems`; returns every acc, stacked.

    Without `initializer` the first slice is both the first accumulator and the first
    output. `reverse=True` runs from the end, each output kept at its slice's index.

    >>> import fasttape as tf
    >>> print(tf.scan(lambda a, x: a + x, tf.constant([1.0, 2.0, 3.0])))
    fasttape.Tensor([1. 3. 6.], shape=(3,), dtype=float32)

    Raises:
        ValueError: `fn` returns another structure than the accumulator.
        InvalidArgumentError: `fn` returns another dtype than the accumulator.
    """
    return _accumulate(fn, elems, initializer, reverse, "scan", True)


@export("", name="foldl")
def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """`acc = fn(acc, x)` over the slices of `elems`, first to last; the final acc."""
    return _accumulate(fn, elems, initializer, False, "foldl", False)


@export("", name="foldr")
def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """`acc = fn(acc, x)` over the slices of `elems`, last to first; the final acc."""
    return _accumulate(fn, elems, initializer, True, "foldr", False)


@export("", name="vectorized_map")
def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """`fn` applied to each slice of `elems` along axis 0, results stacked.

    The results' structure and dtypes are whatever `fn` returns (like `map_fn` with
    no signature check). A `GradientTape` inside `fn` gives per-example gradients;
    tapes outside reach the variables `fn` reads.

    How it runs: `fn` is traced once, on the first slice, recording every op it
    applies (a tape inside `fn` runs its rules as ops, so they are traced too). The
    trace then runs once over the whole batch. Elementwise ops, matmul, sums and
    reshapes take the stacked operands directly; any other op falls back to a loop
    over the rows for that op only. `fn` runs once per row instead when the trace
    cannot stand for every row: when it computes a boolean from the example (a
    predicate, which may steer `tf.cond` or Python control flow), when the last row
    run eagerly disagrees with the batched result, or when a tape or accumulator
    outside is recording (so that they see every op). Python code that reads an
    example's value directly (`float(x)`, `x.numpy()`) is not seen by the trace:
    write such decisions with ops (`tf.where`, `tf.cond`).
    """
    flat = [convert_to_tensor(e) for e in nest.flatten(elems)]
    n = _leading(flat, "elems")
    if n == 0:
        raise ValueError("vectorized_map: `elems` has length 0 along axis 0")
    if n > 1 and not _engine.any_recording() and not _engine.active_observers():
        first, last = (nest.pack_sequence_as(elems, [x[i] for x in flat]) for i in (0, n - 1))
        batched = _vectorized(fn, first, last, flat, n)
        if batched is not None:
            return batched
    rows, _ = _rows(elems, "elems")
    return _stack_results([fn(row) for row in rows])


def _stack_results(results):
    structure = results[0]
    columns = []
    for out in results:
        nest.assert_same_structure(structure, out)
        columns.append([convert_to_tensor(v) for v in nest.flatten(out)])
    return nest.pack_sequence_as(structure, [stack(list(col)) for col in zip(*columns)])


def _vectorized(fn, first, last, flat_elems, n):
    """fn over all rows from one trace, or None when the trace cannot stand for them."""
    program = []

    def observe(op, inputs, attrs, out):
        program.append((op, inputs, attrs, out))

    keeper = _engine._Tape(False)       # makes tape sweeps inside fn run rules as ops
    _engine.push_tape(keeper)
    _engine.push_observer(observe)
    try:
        traced = fn(first)
    finally:
        _engine.pop_observer(observe)
        _engine.pop_tape(keeper)
    leaves = nest.flatten(traced)
    if not all(isinstance(v, _TensorLike) for v in leaves):
        return None
    values = {}                          # tensor id -> batched array [n, ...]
    for x, whole in zip(nest.flatten(first), flat_elems):
        values[x._id] = whole._value
    for op, inputs, attrs, out in program:
        flags = [type(x) is Tensor and x._id in values for x in inputs]
        if True not in flags:
            continue                     # does not depend on the example
        read = [x if type(x) is Tensor else _engine.read(x) for x in inputs]
        arrays = [values[x._id] if f else x._value for x, f in zip(read, flags)]
        shapes = [x._value.shape for x in read]
        if out._value.dtype == np.bool_:
            return None        # a per-example predicate may steer Python control flow
        value = _batched_forward(op, arrays, flags, shapes, attrs, out._value, n)
        if value.shape != (n,) + out._value.shape or value.dtype != out._value.dtype:
            return None
        values[out._id] = value
    stacked = []
    for v in leaves:
        v = _engine.read(v)
        a = values.get(v._id)
        stacked.append(np.broadcast_to(v._value, (n,) + v._value.shape) if a is None else a)
    # the last row, run eagerly, must agree (a trace bakes in Python-level decisions)
    check = nest.flatten(fn(last))
    if len(check) != len(stacked):
        return None
    for a, c in zip(stacked, check):
        c = convert_to_tensor(c)._value
        if c.shape != a.shape[1:] or c.dtype != a.dtype or not _agrees(a[-1], c):
            return None
    return nest.pack_sequence_as(traced, [_engine.wrap(np.ascontiguousarray(a))
                                          for a in stacked])


def _agrees(batched_row, eager):
    """Equal up to float rounding (batched and per-row BLAS calls may differ slightly)."""
    if np.array_equal(batched_row, eager):
        return True                     # the common case: bitwise equal
    if eager.dtype.kind not in "fc":
        return False
    with np.errstate(invalid="ignore"):
        diff = np.abs(batched_row - eager)
    diff = diff[~(np.isnan(batched_row) & np.isnan(eager))]
    scale = float(np.max(np.abs(eager), initial=0.0))
    tol = 1e-5 * scale + (1e-6 if eager.dtype.itemsize <= 4 else 1e-12)
    return diff.size == 0 or float(np.max(diff)) <= tol


# ops whose forward takes operands with a leading batch axis as they are
_ELEMENTWISE_MODULE = "fasttape.ops.elementwise"


def _batched_forward(op, arrays, flags, shapes, attrs, traced, n):
    """op's output for every row at once: [n, *traced.shape]."""
    name = op.name
    try:
        if getattr(op.forward, "__module__", None) == _ELEMENTWISE_MODULE:
            rank = max(len(s) for s in shapes)
            aligned = [a.reshape((n,) + (1,) * (rank - len(s)) + s) if f else a
                       for a, f, s in zip(arrays, flags, shapes)]
            return np.asarray(op.forward(*aligned, *attrs))
        if name in ("_matmul", "_matmul_t") and all(len(s) >= 2 for s in shapes) and all(
                f or len(s) == 2 for f, s in zip(flags, shapes)):
            return np.asarray(op.forward(*arrays, *attrs))   # batch axes broadcast
        if name in ("_sum", "_mean") and flags[0]:
            axes, keepdims = attrs[0], attrs[1]
            axes = tuple(range(1, arrays[0].ndim)) if axes is None else tuple(
                a + 1 for a in axes)
            reduce = np.add.reduce if name == "_sum" else np.mean
            kwargs = {"dtype": arrays[0].dtype} if name == "_sum" else {}
            return np.asarray(reduce(arrays[0], axis=axes, keepdims=keepdims, **kwargs))
        if name == "_reshape" and flags[0]:
            return arrays[0].reshape((n,) + traced.shape)
        if name == "_transpose" and flags[0] and not attrs[1]:
            return np.transpose(arrays[0], (0,) + tuple(p + 1 for p in attrs[0]))
        if name == "_unreduce_op" and flags[0]:      # takes leading axes already
            return np.asarray(op.forward(arrays[0], *attrs))
    except (ValueError, TypeError):
        pass
    # any other op: its forward once per row
    per_row = [np.asarray(op.forward(*[a[b] if f else a for a, f in zip(arrays, flags)],
                                     *attrs)) for b in range(n)]
    return np.stack(per_row)


# --- TensorArray --------------------------------------------------------------------

_CLEARED = object()        # a slot emptied by a read (clear_after_read)


@export("", name="TensorArray")
class TensorArray:
    """A list of tensors of one dtype, indexed by position (TF's eager TensorArray).

    `write` stores in place and returns the array, so `ta = ta.write(i, v)` works as
    in graph code. Values are ordinary tensors: gradients and JVPs flow through
    `write` followed by `read`, `stack`, `gather` or `concat`.

    Args:
        dtype: the dtype of every element.
        size: the initial number of slots.
        dynamic_size: allow writes past the end (the array grows; unwritten slots
            read as zeros in `stack`).
        clear_after_read: a `read` empties its slot.
        element_shape: the shape every element must have (unknown by default; the
            first write fixes it when `infer_shape`).
    """

    # while_loop keeps it as a loop variable rather than converting it to a tensor
    _fasttape_loop_value = True

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        n = 0 if size is None else int(convert_to_tensor(size).numpy())
        self._values = [None] * n
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        self._element_shape = TensorShape(element_shape)

    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def element_shape(self):
        return self._element_shape

    def size(self, name=None):
        """The number of slots, as an int32 tensor."""
        return _engine.wrap(np.asarray(len(self._values), np.int32))

    def _index(self, index):
        return int(convert_to_tensor(index).numpy())

    def _check(self, value, check_shape=True):
        value = convert_to_tensor(value, dtype=self._dtype) if not isinstance(
            value, _TensorLike) else _engine.read(value)
        if value.dtype != self._dtype:
            raise errors.InvalidArgumentError(
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name}")
        if check_shape:
            if not self._element_shape.is_compatible_with(value.shape):
                raise ValueError(f"Incompatible shape for value ({tuple(value.shape)}), "
                                 f"expected ({tuple(self._element_shape)})")
            if self._infer_shape:
                self._element_shape = self._element_shape.merge_with(value.shape)
        return value

    def write(self, index, value, name=None):
        """Store `value` at `index`; returns the array."""
        i = self._index(index)
        value = self._check(value)
        self._store(i, value)
        return self

    def _store(self, i, value):
        if i < 0:
            raise errors.InvalidArgumentError(f"TensorArray: index {i} is negative")
        if i >= len(self._values):
            if not self._dynamic_size:
                raise errors.OutOfRangeError(
                    f"Tried to write to index {i} but array is not resizeable and size is: "
                    f"{len(self._values)}")
            self._values.extend([None] * (i + 1 - len(self._values)))
        self._values[i] = value

    def _get(self, i, clear):
        if not 0 <= i < len(self._values):
            raise errors.OutOfRangeError(f"Tried to read from index {i} but array size is: "
                                         f"{len(self._values)}")
        value = self._values[i]
        if value is _CLEARED:
            raise errors.InvalidArgumentError(
                f"Could not read index {i} twice because it was cleared after a previous "
                f"read (perhaps try setting clear_after_read = false?)")
        if value is None:
            if not self._element_shape.is_fully_defined():
                raise ValueError(f"TensorArray.read: index {i} was never written and the "
                                 f"element shape is unknown")
            return self._zeros()
        if clear and self._clear_after_read:
            self._values[i] = _CLEARED
        return value

    def _zeros(self):
        return _engine.wrap(np.zeros(tuple(self._element_shape), self._dtype.as_numpy_dtype))

    def read(self, index, name=None):
        """The element at `index` (emptied afterwards when clear_after_read)."""
        return self._get(self._index(index), True)

    def _all(self):
        out = []
        for v in self._values:
            if v is None or v is _CLEARED:
                if not self._element_shape.is_fully_defined():
                    raise ValueError("TensorArray: an element was never written and the "
                                     "element shape is unknown")
                v = self._zeros()
            out.append(v)
        return out

    def stack(self, name=None):
        """All elements stacked on a new axis 0 (zeros where never written)."""
        if not self._values:
            shape = (0,) + (tuple(self._element_shape) if self._element_shape.is_fully_defined()
                            else ())
            return _engine.wrap(np.zeros(shape, self._dtype.as_numpy_dtype))
        return stack(self._all())

    def gather(self, indices, name=None):
        """The elements at `indices`, stacked."""
        idx = np.asarray(convert_to_tensor(indices).numpy()).reshape(-1)
        return stack([self._get(int(i), False) for i in idx])

    def concat(self, name=None):
        """All elements joined along their axis 0."""
        if not self._values:
            raise errors.InvalidArgumentError("TensorArray.concat: the array is empty")
        return concat(self._all(), 0)

    def unstack(self, value, name=None):
        """Write the slices of `value` along axis 0 to slots 0, 1, ..."""
        value = self._check(value, check_shape=False)
        rows = unstack(value)
        if len(rows) > len(self._values) and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {len(rows)} tensors into a TensorArray of "
                             f"static size {len(self._values)}")
        for i, row in enumerate(rows):
            self._store(i, self._check(row))
        return self

    def scatter(self, indices, value, name=None):
        """Write the slices of `value` along axis 0 to the slots `indices`."""
        value = self._check(value, check_shape=False)
        idx = np.asarray(convert_to_tensor(indices).numpy()).reshape(-1)
        rows = unstack(value)
        if len(rows) != len(idx):
            raise errors.InvalidArgumentError(f"TensorArray.scatter: {len(idx)} indices for "
                                              f"{len(rows)} values")
        for i, row in zip(idx, rows):
            self._store(int(i), self._check(row))
        return self

    def split(self, value, lengths, name=None):
        """Cut `value` along axis 0 into pieces of `lengths` and write them in order."""
        value = self._check(value, check_shape=False)
        sizes = [int(s) for s in np.asarray(convert_to_tensor(lengths).numpy()).reshape(-1)]
        if sum(sizes) != value.shape[0]:
            raise errors.InvalidArgumentError(
                f"TensorArray.split: lengths sum to {sum(sizes)} but value has "
                f"{value.shape[0]} rows")
        if len(sizes) > len(self._values) and not self._dynamic_size:
            raise ValueError(f"Cannot split into {len(sizes)} pieces a TensorArray of "
                             f"static size {len(self._values)}")
        for i, piece in enumerate(split(value, sizes, 0)):
            self._store(i, piece)
        return self

    def identity(self):
        """A new TensorArray holding the same elements."""
        copy = TensorArray.__new__(TensorArray)
        copy.__dict__.update(self.__dict__)
        copy._values = list(self._values)
        return copy

    def close(self, name=None):
        """Drop every element."""
        self._values = []

    def __repr__(self):
        return (f"<fasttape.TensorArray dtype={self._dtype.name} size={len(self._values)} "
                f"element_shape={self._element_shape}>")


_EAGER_GRADIENTS = ("tf.gradients is not supported when eager execution is enabled. "
                    "Use tf.GradientTape instead.")


@export("", name="gradients")
def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False,
              aggregation_method=None, stop_gradients=None,
              unconnected_gradients="none"):
    """Graph-mode symbolic gradients: not available eagerly (use GradientTape)."""
    raise RuntimeError(_EAGER_GRADIENTS)


@export("", name="hessians")
def hessians(ys, xs, gate_gradients=False, aggregation_method=None, name="hessians"):
    """Graph-mode symbolic Hessians: not available eagerly (use nested GradientTapes)."""
    raise RuntimeError(_EAGER_GRADIENTS)
