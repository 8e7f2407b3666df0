"""Creating tensors: constant fills, ranges, and seeded random tensors (`tf.random`).

Most results are constants: nothing flows back through them. As in TF, two creation
ops are differentiable: `fill` with respect to its value, and `linspace` with respect
to start and stop; and the random distributions are built as `rnd * scale + shift`
from recorded ops, so `uniform` has gradients with respect to minval/maxval and
`normal`/`truncated_normal` with respect to mean/stddev (the reparameterisation).

Randomness follows TF's seeding model on numpy Generators: with neither a global
(`set_seed`) nor an op seed, draws are nondeterministic; otherwise each call draws
from a Generator derived from (global seed, op seed, how many times that pair was
used since the last `set_seed`), so a program's sequence of random ops repeats
exactly after `set_seed(s)`. The numbers themselves differ from TF's (Philox).
"""

import builtins
import math
import numbers
import threading

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops._registry import defop, export
from fasttape.ops.elementwise import cast
from fasttape.ops.reductions import reduce_sum
from fasttape.ops.shape import reshape
from fasttape.tensor_shape import TensorShape


def _np_dtype(dtype):
    return np.dtype(dtypes.as_dtype(dtype).as_numpy_dtype)


def _dims(shape, vector_only=False, what="dims"):
    """A tuple of dimensions from a list, tuple, TensorShape, int or int tensor.

    A scalar is a one-dimensional shape unless `vector_only` (the random ops' rule).
    """
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a "
                             f"Tensor.")
        return tuple(shape.as_list())
    if shape is None:
        raise ValueError(f"Attempt to convert a value (None) with an unsupported type "
                         f"({type(None)}) to a Tensor.")
    arr = np.asarray(shape)
    if arr.size and arr.dtype.kind not in "iub":
        raise TypeError(f"Cannot convert {shape!r} to EagerTensor of dtype int32")
    if arr.ndim > 1 or (vector_only and arr.ndim == 0):
        raise errors.InvalidArgumentError(
            f"{what} must be a vector of {{int32,int64}}, got shape {list(arr.shape)}")
    dims = tuple(int(d) for d in arr.reshape(-1))
    for d in dims:
        if d < 0:
            raise errors.InvalidArgumentError(f"Dimension {d} must be >= 0")
    return dims


def _scalar_int(value):
    """A Python int from an int, numpy integer or 0-d integer tensor, else None."""
    if isinstance(value, (bool, int, np.integer)):
        return int(value)
    if isinstance(value, _TensorLike) and value.dtype.is_integer and value.shape.rank == 0:
        return int(np.asarray(value))
    return None


# --- constant fills ------------------------------------------------------------------------

@export("")
def zeros(shape, dtype=dtypes.float32, name=None, layout=None):
    """A tensor of `shape` filled with zeros (float32 unless `dtype` says otherwise).

    Args:
        shape: A list or tuple of ints, a TensorShape, an int (a vector's length) or a
            1-D int tensor.
        dtype: The element type.
        name: Ignored (eager mode).
        layout: Ignored (no DTensor support).

    Raises:
        InvalidArgumentError: for a negative dimension.

    >>> zeros([2])
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([0., 0.], dtype=float32)>
    """
    return _engine.wrap(np.zeros(_dims(shape), dtype=_np_dtype(dtype)))


@export("")
def ones(shape, dtype=dtypes.float32, name=None, layout=None):
    """A tensor of `shape` filled with ones (float32 unless `dtype` says otherwise).

    Takes the same arguments as `zeros`.

    >>> ones([2], dtype="int32")
    <fasttape.Tensor: shape=(2,), dtype=int32, numpy=array([1, 1], dtype=int32)>
    """
    return _engine.wrap(np.ones(_dims(shape), dtype=_np_dtype(dtype)))


@defop(public=False, broadcasts=True)
def _fill(value, dims=()):
    return np.full(dims, value, dtype=value.dtype)


@_fill.defvjp
def _fill_vjp(g):
    # every element is the value: the engine sums g back to the value's (scalar) shape
    return g


@export("")
def fill(dims, value, name=None, layout=None):
    """A tensor of shape `dims` filled with the scalar `value`, whose dtype it takes.

    Differentiable with respect to `value` (its gradient is the sum of the upstream
    gradient), as in TF.

    Raises:
        InvalidArgumentError: if `value` is not a scalar, or for a negative dimension.

    >>> fill([2], 3)
    <fasttape.Tensor: shape=(2,), dtype=int32, numpy=array([3, 3], dtype=int32)>
    """
    dims = _dims(dims)
    value = convert_to_tensor(value)
    if value.shape.rank:
        # TF also takes a one-element vector (a "legacy scalar")
        if value.shape.rank > 1 or value.shape[0] != 1:
            raise errors.InvalidArgumentError(
                f"value must represent a scalar, got shape {value.shape.as_list()} [Op:Fill]")
        value = reshape(value, ())
    return _engine.apply(_fill.op, (value,), (dims,))


@export("", "linalg")
def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """An identity matrix (ones on the diagonal), optionally rectangular and batched.

    Args:
        num_rows: Number of rows (an int or int scalar tensor).
        num_columns: Number of columns; `num_rows` when None.
        batch_shape: Leading batch dimensions of the result; none when None.
        dtype: The element type (float32 by default).
        name: Ignored (eager mode).

    Returns:
        A tensor of shape `batch_shape + [num_rows, num_columns]`.

    Raises:
        TypeError: if a size is not an integer.
        InvalidArgumentError: for a negative size.

    >>> eye(2, 3)
    <fasttape.Tensor: shape=(2, 3), dtype=float32, numpy=
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)>
    """
    rows = _scalar_int(num_rows)
    cols = rows if num_columns is None else _scalar_int(num_columns)
    if rows is None or cols is None:
        shown = num_rows if num_columns is None else num_columns
        raise TypeError(f"Arguments `num_rows` and `num_columns` must be positive integer "
                        f"values. Received: num_rows={num_rows}, num_columns={shown}")
    batch = () if batch_shape is None else _dims(batch_shape)
    for d in (rows, cols):
        if d < 0:
            raise errors.InvalidArgumentError(f"Dimension {d} must be >= 0")
    matrix = np.eye(rows, cols, dtype=_np_dtype(dtype))
    return _engine.wrap(np.broadcast_to(matrix, batch + matrix.shape).copy())


# --- range and linspace -----------------------------------------------------------------

# TF widens range's arguments to the latest of these that any of them has.
_RANGE_ORDER = (dtypes.int32, dtypes.int64, dtypes.float16, dtypes.float32, dtypes.float64)
# dtypes TF's Range op declares but has no CPU kernel for (NotFoundError there)
_RANGE_NO_KERNEL = (dtypes.int8, dtypes.int16, dtypes.uint16, dtypes.uint32, dtypes.uint64)


def _range_scalar(value, dtype, what):
    """One argument of `range` as a numpy scalar of `dtype` (tensors are cast)."""
    if isinstance(value, _TensorLike):
        arr = np.asarray(value)
        if dtype is not None:
            arr = arr.astype(dtype.as_numpy_dtype)
    else:
        arr = np.asarray(convert_to_tensor(value, dtype=dtype))
    if arr.size != 1 or arr.ndim > 1:
        raise errors.InvalidArgumentError(
            f"{what} must be a scalar, not shape {list(arr.shape)} [Op:Range]")
    return arr.reshape(())[()]


def _show(v):
    return f"{v:g}" if isinstance(v, np.floating) else str(v)


@export("")
def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """The sequence start, start + delta, ... up to but excluding `limit`.

    `range(n)` counts from 0. Without `dtype`, the result takes the widest dtype of the
    arguments in the order int32 < int64 < float16 < float32 < float64 (Python ints are
    int32, floats float32). Values are `start + i * delta` in that dtype. No gradient.

    Raises:
        InvalidArgumentError: if delta is 0, or delta's sign points away from limit
            (unlike Python's range, `range(5, 1)` is an error, not empty).
        TypeError: for a float argument with an integer `dtype`.

    >>> range(3)
    <fasttape.Tensor: shape=(3,), dtype=int32, numpy=array([0, 1, 2], dtype=int32)>
    >>> range(1, 2, 0.5)
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([1. , 1.5], dtype=float32)>
    """
    if limit is None:
        start, limit = 0, start
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    args = [_range_scalar(v, dtype, w) for v, w in
            ((start, "start"), (limit, "limit"), (delta, "delta"))]
    found = [dtypes.from_numpy(a.dtype) for a in args]
    if dtypes.bool in found or (dtype is not None and dtype.is_bool):
        raise TypeError("range does not support bool arguments")
    if dtype is None:
        ranked = [d for d in found if d in _RANGE_ORDER]
        dtype = max(ranked, key=_RANGE_ORDER.index) if ranked else found[0]
    if dtype in _RANGE_NO_KERNEL:
        raise errors.NotFoundError(f"Could not find device for node: Range[Tidx={dtype.name}]")
    if dtype not in _RANGE_ORDER:
        raise errors.InvalidArgumentError(
            f"Value for attr 'Tidx' of {dtype.name} is not in the list of allowed values "
            f"[Op:Range]")
    np_type = dtype.as_numpy_dtype
    lo, hi, step = (np_type(a) for a in args)
    if step == 0:
        raise errors.InvalidArgumentError(f"Requires delta != 0: {_show(step)} [Op:Range]")
    if step > 0 and not lo <= hi:
        raise errors.InvalidArgumentError(
            f"Requires start <= limit when delta > 0: {_show(lo)}/{_show(hi)} [Op:Range]")
    if step < 0 and not lo >= hi:
        raise errors.InvalidArgumentError(
            f"Requires start >= limit when delta < 0: {_show(lo)}/{_show(hi)} [Op:Range]")
    if dtype.is_integer:
        span, stride = builtins.abs(int(hi) - int(lo)), builtins.abs(int(step))
        size = (span + stride - 1) // stride
        values = (np.arange(size, dtype=np.int64) * int(step) + int(lo)).astype(np_type)
    else:
        with np.errstate(all="ignore"):
            steps = np.abs((hi - lo) / step)       # in the dtype, as TF sizes it
        if not steps <= np.iinfo(np.int64).max:
            raise errors.InvalidArgumentError(
                f"Requires ((limit - start) / delta) <= {np.iinfo(np.int64).max} [Op:Range]")
        size = math.ceil(steps)
        values = lo + np.arange(size).astype(np_type) * step
    return _engine.wrap(values)


def _weights(num, axis, rank, dtype):
    """k / (num - 1) for k < num, laid out along `axis` of a rank-`rank` result."""
    w = np.arange(num).astype(dtype) / dtype.type(builtins.max(num - 1, 1))
    return w.reshape([num if i == axis else 1 for i in builtins.range(rank)])


@defop(public=False, broadcasts=True)
def _linspace(start, stop, num=0, axis=0):
    shape = np.broadcast_shapes(start.shape, stop.shape)
    first = np.expand_dims(np.broadcast_to(start, shape), axis)
    last = np.expand_dims(np.broadcast_to(stop, shape), axis)
    steps = start.dtype.type(builtins.max(num - 1, 1))
    k = np.arange(num).astype(start.dtype).reshape(
        [num if i == axis else 1 for i in builtins.range(first.ndim)])
    out = first + (last - first) / steps * k
    # the ends are exactly start and stop (even where the step is inf or nan)
    index = (slice(None),) * axis
    if num >= 1:
        out[index + (slice(0, 1),)] = first
    if num >= 2:
        out[index + (slice(num - 1, num),)] = last
    return out


@_linspace.defvjp
def _linspace_vjp(g, num, axis, needs):
    # out_k = start * (1 - w_k) + stop * w_k, w_k = k / (num - 1): linear in both ends
    w = _engine.wrap(_weights(num, axis, len(g.shape), np.dtype(g.dtype.as_numpy_dtype)))
    to_stop = reduce_sum(g * w, axis=axis)
    to_start = reduce_sum(g, axis=axis) - to_stop if needs[0] else None
    return to_start, (to_stop if needs[1] else None)


@export("")
def linspace(start, stop, num, name=None, axis=0):
    """`num` evenly spaced values from `start` to `stop`, both included.

    `start` and `stop` may be tensors of broadcastable shapes: the new axis of length
    `num` is inserted at `axis`. Integer ends give a float64 result. Differentiable with
    respect to `start` and `stop`.

    Raises:
        TypeError: if `num` is not an integer, or stop cannot take start's dtype.
        InvalidArgumentError: for a negative `num`, incompatible shapes, or an axis out
            of range.

    >>> linspace(0., 1., 3)
    <fasttape.Tensor: shape=(3,), dtype=float32, numpy=array([0. , 0.5, 1. ], dtype=float32)>
    """
    start = convert_to_tensor(start)
    stop = convert_to_tensor(stop, dtype=start.dtype)
    if start.dtype.is_integer:
        start, stop = cast(start, dtypes.float64), cast(stop, dtypes.float64)
    count = convert_to_tensor(num)
    if not (count.dtype.is_integer or count.dtype.is_bool) or count.shape.num_elements() != 1:
        raise TypeError(f"Argument `tensor` (name: num) must be of type integer. Received "
                        f"`tensor` = {num} of dtype: {count.dtype}")
    num = int(np.asarray(count).reshape(()))
    if num < 0:
        raise errors.InvalidArgumentError(f"num must be >= 0, got {num} [Op:LinSpace]")
    try:
        shape = np.broadcast_shapes(tuple(start.shape), tuple(stop.shape))
    except ValueError:
        raise errors.InvalidArgumentError(
            f"Incompatible shapes: {start.shape.as_list()} vs. {stop.shape.as_list()} "
            f"[Op:BroadcastArgs]") from None
    rank = len(shape)
    if not -rank - 1 <= axis <= rank:
        raise errors.InvalidArgumentError(
            f"Tried to expand dim index {axis} for tensor with {rank} dimensions. "
            f"[Op:ExpandDims]")
    return _engine.apply(_linspace.op, (start, stop), (num, axis % (rank + 1)))


# --- random --------------------------------------------------------------------------------

_DEFAULT_GLOBAL_SEED = 87654321          # TF's, used when only an op seed is given
_SEED_MASK = (1 << 63) - 1


class _Seeds:
    """The global seed and the per-(global, op seed) call counts since `set_seed`."""

    def __init__(self):
        self.global_seed = None
        self.next_op_seed = 0            # the op seed given to ops called without one
        self.calls = {}
        self.unseeded = np.random.default_rng()
        self.lock = threading.Lock()     # counters advance once per call, even in threads

    def reset(self, global_seed):
        with self.lock:
            self.global_seed = global_seed
            self.next_op_seed = 0
            self.calls = {}

    def generator(self, seed):
        _engine.untraceable()            # a traced function draws anew on every call
        with self.lock:
            if self.global_seed is None and seed is None:
                return self.unseeded
            global_seed = (_DEFAULT_GLOBAL_SEED if self.global_seed is None
                           else self.global_seed)
            if seed is None:
                key = (global_seed, 0, self.next_op_seed)
                self.next_op_seed += 1
            else:
                key = (global_seed, 1, int(seed))
            count = self.calls.get(key, 0)
            self.calls[key] = count + 1
        entropy = [key[0] & _SEED_MASK, key[1], key[2] & _SEED_MASK, count]
        return np.random.default_rng(np.random.SeedSequence(entropy))


_SEEDS = _Seeds()


@export("random")
def set_seed(seed):
    """Set the global random seed, making the following random ops reproducible.

    After `set_seed(s)`, the same program draws the same values: each random op gets
    its own stream from the global seed and its op `seed` (or, without one, its
    position among the unseeded random calls since `set_seed`). `set_seed(None)`
    returns to nondeterministic draws for ops without a seed.

    Args:
        seed: An int, or None.

    Raises:
        TypeError: if `seed` is not an integer.
    """
    if seed is not None:
        if not isinstance(seed, (int, np.integer, float, np.floating)):
            raise TypeError(f"seed must be an integer, got {seed!r}")
        seed = int(seed)
    _SEEDS.reset(seed)


_UNIFORM_TYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)
_FLOAT_TYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


def _check_dtype(dtype, allowed):
    dtype = dtypes.as_dtype(dtype)
    if dtype not in allowed:
        names = ", ".join(repr(d) for d in allowed)
        raise ValueError(f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are "
                         f"({names}).")
    return dtype


def _check_moments(dtype, mean, stddev):
    """The dtype of a normal draw; like TF, mean and stddev are checked against it first
    (so an integer dtype fails converting the default mean 0.0)."""
    dtype = dtypes.as_dtype(dtype)
    for v in (mean, stddev):
        convert_to_tensor(v, dtype=dtype)
    return _check_dtype(dtype, _FLOAT_TYPES)


def _standard(draw, shape, dtype):
    """Draws of a float `dtype` (float16 is drawn in float32 and rounded)."""
    wide = np.float64 if dtype == dtypes.float64 else np.float32
    return draw(shape, dtype=wide).astype(dtype.as_numpy_dtype, copy=False)


def _is_python(value, number):
    """True for a plain number equal to `number` (an op by it can be skipped)."""
    return isinstance(value, numbers.Number) and value == number


def _affine(rnd, scale, shift, dtype):
    """rnd * scale + shift, recorded where scale or shift is a watched tensor.

    Both ops are skipped when they are by the plain numbers 1 and 0; the shift is kept
    after a scaling, which turns its -0.0 into 0.0 as TF's does.
    """
    out = _engine.wrap(rnd)
    if _is_python(scale, 1) and _is_python(shift, 0):
        return out
    if not _is_python(scale, 1):
        out = out * convert_to_tensor(scale, dtype=dtype)
    return out + convert_to_tensor(shift, dtype=dtype)


@export("random")
def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform random values in [minval, maxval).

    Args:
        shape: The result's shape: a list, tuple, TensorShape or 1-D int tensor.
        minval: Lower bound (a scalar or, for floats, a tensor broadcasting with shape).
        maxval: Upper bound; 1 for floats when None. Required for integer dtypes.
        dtype: float16, float32, float64, int32 or int64.
        seed: Optional op seed (see `set_seed`).
        name: Ignored (eager mode).

    Returns:
        For floats `rnd * (maxval - minval) + minval`, differentiable with respect to
        tensor bounds; for integers, values drawn from [minval, maxval).

    Raises:
        ValueError: for another dtype, or an integer dtype without maxval.
        InvalidArgumentError: for integer bounds that are not scalars or not
            minval < maxval, or a bad shape.
    """
    dtype = _check_dtype(dtype, _UNIFORM_TYPES)
    dims = _dims(shape, vector_only=True, what="shape")
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        bounds = [np.asarray(convert_to_tensor(v, dtype=dtype)) for v in (minval, maxval)]
        for b, what in zip(bounds, ("minval", "maxval"), strict=True):
            if b.ndim:
                raise errors.InvalidArgumentError(
                    f"{what} must be 0-D, got shape {list(b.shape)} [Op:RandomUniformInt]")
        lo, hi = (int(b) for b in bounds)
        if lo >= hi:
            raise errors.InvalidArgumentError(
                f"Need minval < maxval, got {lo} >= {hi} [Op:RandomUniformInt]")
        gen = _SEEDS.generator(seed)
        return _engine.wrap(gen.integers(lo, hi, size=dims, dtype=dtype.as_numpy_dtype))
    if maxval is None:
        maxval = 1
    lo = minval if _is_python(minval, 0) else convert_to_tensor(minval, dtype=dtype)
    hi = maxval if _is_python(maxval, 1) else convert_to_tensor(maxval, dtype=dtype)
    rnd = _standard(_SEEDS.generator(seed).random, dims, dtype)
    # float16 rounding could reach 1.0; keep the interval half-open
    rnd = np.minimum(rnd, np.nextafter(dtype.as_numpy_dtype(1), dtype.as_numpy_dtype(0)))
    scale = 1 if _is_python(lo, 0) and _is_python(hi, 1) else hi - lo
    return _affine(rnd, scale, lo, dtype)


@export("random")
def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal random values: `rnd * stddev + mean` with standard normal `rnd`.

    Differentiable with respect to tensor `mean` and `stddev`, which may be tensors
    broadcasting with `shape`.

    Args:
        shape: The result's shape: a list, tuple, TensorShape or 1-D int tensor.
        mean: The mean.
        stddev: The standard deviation.
        dtype: float16, float32 or float64.
        seed: Optional op seed (see `set_seed`).
        name: Ignored (eager mode).
    """
    dtype = _check_moments(dtype, mean, stddev)
    dims = _dims(shape, vector_only=True, what="shape")
    rnd = _standard(_SEEDS.generator(seed).standard_normal, dims, dtype)
    return _affine(rnd, stddev, mean, dtype)


@export("random")
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None,
                     name=None):
    """Like `normal`, but standard draws beyond two standard deviations are redrawn.

    So every value lies within `mean ± 2 * stddev`. Differentiable with respect to
    tensor `mean` and `stddev`.
    """
    dtype = _check_moments(dtype, mean, stddev)
    dims = _dims(shape, vector_only=True, what="shape")
    gen = _SEEDS.generator(seed)
    rnd = gen.standard_normal(dims)
    outside = np.abs(rnd) > 2
    while outside.any():
        rnd[outside] = gen.standard_normal(int(outside.sum()))
        outside = np.abs(rnd) > 2
    return _affine(rnd.astype(dtype.as_numpy_dtype), stddev, mean, dtype)


@export("random")
def shuffle(value, seed=None, name=None):
    """`value` with its first dimension randomly permuted. No gradient.

    >>> sorted(shuffle([3, 1, 2]).numpy().tolist())
    [1, 2, 3]
    """
    arr = np.asarray(convert_to_tensor(value))
    if arr.ndim == 0:
        return _engine.wrap(arr.copy())
    return _engine.wrap(arr[_SEEDS.generator(seed).permutation(arr.shape[0])])


@export("random")
def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Class indices drawn from the softmax of each row of `logits`.

    Args:
        logits: A [batch, num_classes] float tensor of unnormalised log-probabilities.
            -inf (and nan) entries are never drawn; a row of only -inf gives the
            out-of-range index num_classes, as TF does.
        num_samples: Draws per row.
        dtype: int64 (default) or int32.
        seed: Optional op seed (see `set_seed`).
        name: Ignored (eager mode).

    Returns:
        A [batch, num_samples] tensor of indices. No gradient.
    """
    return _categorical(logits, num_samples, dtype, lambda: _SEEDS.generator(seed))


def _categorical(logits, num_samples, dtype, generator):
    """categorical's checks and sampler; `generator()` gives the numpy Generator."""
    dtype = _check_dtype(dtypes.int64 if dtype is None else dtype,
                         (dtypes.int32, dtypes.int64))
    logits = convert_to_tensor(logits)
    if not logits.dtype.is_floating:
        raise errors.NotFoundError(
            f"Could not find device for node: Multinomial[T={logits.dtype.name}]")
    if logits.shape.rank != 2:
        raise errors.InvalidArgumentError(
            f"logits should be a matrix, got shape {logits.shape.as_list()} [Op:Multinomial]")
    num_samples = _scalar_int(num_samples)
    batch, classes = logits.shape.as_list()
    if classes == 0:
        raise errors.InvalidArgumentError("num_classes should be positive, got 0 "
                                          "[Op:Multinomial]")
    if num_samples is None or num_samples < 0:
        raise errors.InvalidArgumentError(
            f"num_samples should be non-negative, got {num_samples} [Op:Multinomial]")
    x = np.asarray(logits, dtype=np.float64)
    x = np.where(np.isnan(x), -np.inf, x)
    with np.errstate(invalid="ignore"):
        weights = np.exp(x - x.max(axis=1, keepdims=True))
    cdf = np.cumsum(np.nan_to_num(weights, nan=0.0), axis=1)
    draws = generator().random((batch, num_samples)) * cdf[:, -1:]
    # the first class whose cumulative weight exceeds the draw
    out = np.empty((batch, num_samples), dtype=dtype.as_numpy_dtype)
    for b in builtins.range(batch):
        out[b] = np.searchsorted(cdf[b], draws[b], side="right")
    return _engine.wrap(out)
