"""tnp shape manipulation and indexing helpers.

All of these are differentiable with respect to the array they rearrange (the index
arguments never are): reshapes, transposes, joins and splits move the upstream
gradient back into place; `take` (a gather, whose gradient along axis 0 is an
IndexedSlices as in TF), `take_along_axis`, `sort`, `repeat`, `roll` and `compress`
add it back at the positions they read. `argsort` and `nonzero` return integer
positions and have no gradient.
"""

import builtins
import numbers

import numpy as np

from fasttape import _engine, errors
from fasttape._engine import _TensorLike
from fasttape.experimental.numpy import _ops
from fasttape.experimental.numpy._core import (
    axis_arg, normalize_axis, shape_tuple, to_tensor, to_tensors,
)
from fasttape.ops import elementwise as ew
from fasttape.ops import linalg as la
from fasttape.ops import shape as sh
from fasttape.ops.indexing import gather

__all__ = [
    "reshape", "ravel", "flatten", "transpose", "swapaxes", "moveaxis", "expand_dims",
    "squeeze", "concatenate", "stack", "hstack", "vstack", "dstack", "split", "hsplit",
    "vsplit", "dsplit", "tile", "repeat", "broadcast_to", "broadcast_arrays",
    "atleast_1d", "atleast_2d", "atleast_3d", "flip", "fliplr", "flipud", "roll", "rot90",
    "append", "pad", "shape", "ndim", "size", "isscalar", "diff", "take",
    "take_along_axis", "nonzero", "where", "select", "compress", "argsort", "sort",
    "diag", "diagflat", "diagonal", "newaxis",
]

newaxis = None


def _dims(t):
    return tuple(t._value.shape)


# --- reshaping -----------------------------------------------------------------------

def reshape(a, newshape, order="C"):
    """`a` with the shape `newshape` (an int or a sequence; one entry may be -1).

    `order='F'` reads and writes the elements in column-major order.

    Raises:
        ValueError: an order other than 'C' or 'F'.
    """
    if order not in ("C", "F"):
        raise ValueError(f"Unsupported order argument {order}")
    t = to_tensor(a)
    if isinstance(newshape, _TensorLike):
        newshape = np.asarray(newshape).tolist()
    if isinstance(newshape, (numbers.Integral, np.integer)):
        newshape = (int(newshape),)
    newshape = tuple(int(d) for d in newshape)
    if order == "F":
        return sh.transpose(sh.reshape(sh.transpose(t), newshape[::-1]))
    return sh.reshape(t, newshape)


def ravel(a):
    """The elements of `a` as a vector (row-major)."""
    return sh.reshape(to_tensor(a), [-1])


def flatten(a, order="C"):
    """The elements of `a` as a vector: row-major for 'C', 'A', 'K'; column-major 'F'.

    Raises:
        ValueError: another order.
    """
    t = to_tensor(a)
    if order in ("C", "A", "K"):
        return sh.reshape(t, [-1])
    if order == "F":
        return sh.reshape(sh.transpose(t), [-1])
    raise ValueError("order can only be C, A, K (all row major) or F (column major).")


def transpose(a, axes=None):
    """`a` with its axes permuted by `axes` (reversed by default)."""
    t = to_tensor(a)
    if axes is not None:
        axes = [int(x) for x in np.asarray(axes).reshape(-1)]
    return sh.transpose(t, axes)


def swapaxes(a, axis1, axis2):
    """`a` with two axes exchanged."""
    t = to_tensor(a)
    rank = t.ndim
    perm = list(builtins.range(rank))
    i, j = normalize_axis(int(axis1), rank), normalize_axis(int(axis2), rank)
    perm[i], perm[j] = perm[j], perm[i]
    return sh.transpose(t, perm)


def moveaxis(a, source, destination):
    """`a` with the axes `source` moved to the positions `destination`, the others
    keeping their order.

    Raises:
        ValueError: source and destination of different lengths or repeating an axis.
    """
    t = to_tensor(a)
    rank = t.ndim
    source = [source] if isinstance(source, (numbers.Integral, np.integer)) else list(source)
    destination = ([destination] if isinstance(destination, (numbers.Integral, np.integer))
                   else list(destination))
    if len(source) != len(destination):
        raise ValueError("The lengths of source and destination must equal")
    source = [normalize_axis(int(s), rank) for s in source]
    destination = [normalize_axis(int(d), rank) for d in destination]
    if len(set(source)) != len(source) or len(set(destination)) != len(destination):
        raise ValueError("repeated axis in moveaxis")
    perm = [i for i in builtins.range(rank) if i not in source]
    for dest, src in sorted(zip(destination, source, strict=True)):
        perm.insert(dest, src)
    if perm == list(builtins.range(rank)):
        return t
    return sh.transpose(t, perm)


def expand_dims(a, axis):
    """`a` with new axes of length 1 at `axis` (an int or a tuple, as in NumPy)."""
    t = to_tensor(a)
    axis = axis_arg(axis)
    if isinstance(axis, int):
        return sh.expand_dims(t, axis)
    rank = t.ndim + len(axis)
    places = sorted(normalize_axis(x, rank) for x in axis)
    if len(set(places)) != len(places):
        raise ValueError("repeated axis in expand_dims")
    dims = list(_dims(t))
    for p in places:
        dims.insert(p, 1)
    return sh.reshape(t, dims)


def squeeze(a, axis=None):
    """`a` without its length-1 axes (or only those in `axis`).

    Raises:
        InvalidArgumentError: an axis in `axis` whose length is not 1.
    """
    return sh.squeeze(to_tensor(a), axis_arg(axis))


def broadcast_to(array, shape):  # noqa: A002 - numpy's name
    """`array` broadcast to `shape` (its gradient sums over the broadcast axes)."""
    return sh.broadcast_to(to_tensor(array), shape_tuple(shape))


def broadcast_arrays(*args, **kwargs):
    """The arguments broadcast against each other (each keeps its dtype).

    Raises:
        ValueError: subok=True or other keywords.
    """
    if kwargs.pop("subok", False):
        raise ValueError("subok=True is not supported.")
    if kwargs:
        raise ValueError(f"Received unsupported arguments {kwargs.keys()}")
    tensors = [to_tensor(x) for x in args]
    try:
        target = np.broadcast_shapes(*[_dims(t) for t in tensors])
    except ValueError:
        raise errors.InvalidArgumentError(
            "Incompatible shapes: " + " vs. ".join(str(list(_dims(t))) for t in tensors)
        ) from None
    return [sh.broadcast_to(t, target) for t in tensors]


def _atleast(arys, rank, pad):
    out = []
    for a in arys:
        t = to_tensor(a)
        if t.ndim < rank:
            t = sh.reshape(t, pad(_dims(t)))
        out.append(t)
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys):
    """Each argument with at least one axis (a scalar becomes shape (1,))."""
    return _atleast(arys, 1, lambda s: (1,) * (1 - len(s)) + s)


def atleast_2d(*arys):
    """Each argument with at least two axes (new axes in front)."""
    return _atleast(arys, 2, lambda s: (1,) * (2 - len(s)) + s)


def atleast_3d(*arys):
    """Each argument with at least three axes: (N,) becomes (1, N, 1), (M, N) (M, N, 1)."""
    def pad(s):
        if len(s) == 0:
            return (1, 1, 1)
        if len(s) == 1:
            return (1,) + s + (1,)
        return s + (1,)
    return _atleast(arys, 3, pad)


# --- joining and splitting -----------------------------------------------------------

def concatenate(arys, axis=0):
    """The arrays joined along `axis` (promoted to one dtype); axis=None joins them
    flattened.

    Raises:
        ValueError: an empty sequence.
    """
    if not isinstance(arys, (list, tuple)):
        arys = [arys]
    if not arys:
        raise ValueError(f"Need at least one array to concatenate. Received empty input: "
                         f"arys={arys}")
    tensors = to_tensors(*arys)
    if axis is None:
        return sh.concat([sh.reshape(t, [-1]) for t in tensors], 0)
    return sh.concat(tensors, int(axis))


def stack(arrays, axis=0):
    """The arrays (promoted to one dtype) stacked along a new axis `axis`. A single
    tensor is taken as the sequence of its rows."""
    if isinstance(arrays, _TensorLike):
        return moveaxis(arrays, 0, axis) if axis else to_tensor(arrays)
    return sh.stack(to_tensors(*arrays), axis=int(axis))


def hstack(tup):
    """The arrays joined along axis 1 (axis 0 for vectors)."""
    tensors = to_tensors(*[atleast_1d(a) for a in tup])
    return sh.concat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tup):
    """The arrays (vectors as rows) joined along axis 0."""
    return sh.concat(to_tensors(*[atleast_2d(a) for a in tup]), 0)


def dstack(tup):
    """The arrays (made at least 3-D) joined along axis 2."""
    return sh.concat(to_tensors(*[atleast_3d(a) for a in tup]), 2)


def _boundaries_to_sizes(total, boundaries):
    """Split points (NumPy's form) as piece sizes; points past the end give empty
    pieces."""
    sizes, used, prev = [], 0, 0
    for i, b in enumerate(boundaries):
        b = int(b)
        if b < prev:
            raise ValueError(f"The {i}-th boundary {b} is smaller than the previous "
                             f"boundary {prev}")
        size = builtins.min(b - prev, builtins.max(0, total - used))
        sizes.append(size)
        used += size
        prev = b
    sizes.append(builtins.max(0, total - used))
    return sizes


def split(ary, indices_or_sections, axis=0):
    """`ary` cut along `axis` into equal sections (an int) or at the given indices.

    Raises:
        InvalidArgumentError: sections that do not divide the axis evenly.
    """
    t = to_tensor(ary)
    axis = normalize_axis(int(axis), t.ndim)
    if isinstance(indices_or_sections, (numbers.Integral, np.integer)):
        return sh.split(t, int(indices_or_sections), axis=axis)
    sizes = _boundaries_to_sizes(_dims(t)[axis], np.asarray(indices_or_sections).reshape(-1))
    return sh.split(t, sizes, axis=axis)


def _split_along(axis, name):
    def split_fn(ary, indices_or_sections):
        t = to_tensor(ary)
        where_ = 0 if axis == 1 and t.ndim == 1 else axis
        if t.ndim <= where_:
            raise ValueError(f"{name} only works on arrays of {where_ + 1} or more dimensions")
        if isinstance(indices_or_sections, (numbers.Integral, np.integer)):
            if _dims(t)[where_] % int(indices_or_sections):
                raise ValueError("array split does not result in an equal division")
        return split(t, indices_or_sections, axis=where_)
    split_fn.__name__ = split_fn.__qualname__ = name
    split_fn.__doc__ = f"`split` along axis {axis} (axis 0 for a vector in hsplit)."
    return split_fn


hsplit = _split_along(1, "hsplit")
vsplit = _split_along(0, "vsplit")
dsplit = _split_along(2, "dsplit")


def tile(a, reps):
    """`a` repeated `reps` times along each axis (ranks are matched by adding leading
    axes of length 1 to whichever is shorter)."""
    t = to_tensor(a)
    reps = [int(r) for r in np.asarray(reps).reshape(-1)]
    rank = builtins.max(t.ndim, len(reps))
    t = sh.reshape(t, (1,) * (rank - t.ndim) + _dims(t))
    return sh.tile(t, [1] * (rank - len(reps)) + reps)


def repeat(a, repeats, axis=None):
    """Each element (or slice along `axis`) of `a` repeated `repeats` times (an int or
    one count per element); the flattened array when axis is None."""
    t = to_tensor(a)
    if axis is None:
        t, axis = sh.reshape(t, [-1]), 0
    axis = normalize_axis(int(axis), t.ndim)
    counts = np.asarray(repeats.numpy() if isinstance(repeats, _TensorLike) else repeats)
    if counts.dtype.kind not in "iub":
        raise TypeError(f"repeats must be integers, got {counts.dtype}")
    try:
        positions = np.repeat(np.arange(_dims(t)[axis]), counts)
    except ValueError as exc:
        raise errors.InvalidArgumentError(str(exc)) from None
    return _ops.index(t, (slice(None),) * axis + (positions,))


def append(arr, values, axis=None):
    """`values` joined to the end of `arr` along `axis` (both flattened if None)."""
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], 0)
    return concatenate([arr, values], axis=axis)


def pad(array, pad_width, mode, **kwargs):  # noqa: A002 - numpy's name
    """`array` padded by `pad_width` (NumPy's forms: n, (before, after), or one pair per
    axis) in mode 'constant' (keyword `constant_values`, default 0), 'reflect' or
    'symmetric'.

    Raises:
        ValueError: another mode.
    """
    if mode not in ("constant", "reflect", "symmetric"):
        raise ValueError("Unsupported padding mode: " + str(mode))
    t = to_tensor(array)
    widths = np.asarray(pad_width.numpy() if isinstance(pad_width, _TensorLike) else pad_width)
    widths = np.broadcast_to(widths.astype(np.int64), (t.ndim, 2))
    return sh.pad(t, widths.tolist(), mode=mode.upper(),
                  constant_values=kwargs.get("constant_values", 0))


# --- flips and rotations -------------------------------------------------------------

def flip(m, axis=None):
    """`m` reversed along `axis` (an int or a tuple; all axes if None)."""
    t = to_tensor(m)
    axis = axis_arg(axis)
    if axis is None:
        axes = list(builtins.range(t.ndim))
    elif isinstance(axis, int):
        axes = [normalize_axis(axis, t.ndim)]
    else:
        axes = [normalize_axis(x, t.ndim) for x in axis]
    return sh.reverse(t, axes) if axes else t


def fliplr(m):
    """`m` reversed along axis 1."""
    return flip(m, 1)


def flipud(m):
    """`m` reversed along axis 0."""
    return flip(m, 0)


def roll(a, shift, axis=None):
    """`a` with its elements shifted by `shift` along `axis` (or along the flattened
    array), wrapping around; `shift` and `axis` may be matching tuples."""
    t = to_tensor(a)
    if axis is None:
        return sh.reshape(roll(sh.reshape(t, [-1]), shift, 0), _dims(t))
    shifts = np.broadcast_to(np.asarray(shift).reshape(-1), np.asarray(axis).shape or (1,))
    axes = np.asarray(axis).reshape(-1)
    if len(shifts) != len(axes):
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences of the "
                         "same length")
    total = [0] * t.ndim
    for s, ax in zip(shifts, axes, strict=True):
        total[normalize_axis(int(ax), t.ndim)] += int(s)
    positions = [np.roll(np.arange(n), k) for n, k in zip(_dims(t), total, strict=True)]
    if not any(total) or not t.ndim:
        return t
    return _ops.index(t, np.ix_(*positions))


def rot90(m, k=1, axes=(0, 1)):
    """`m` rotated by 90 degrees `k` times in the plane of `axes`, from the first axis
    toward the second.

    Raises:
        ValueError: axes that are not two different axes.
    """
    t = to_tensor(m)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    ax1, ax2 = (normalize_axis(int(x), t.ndim) for x in axes)
    if ax1 == ax2:
        raise ValueError("Axes must be different.")
    k %= 4
    if k == 0:
        return t
    if k == 2:
        return flip(flip(t, ax1), ax2)
    perm = list(builtins.range(t.ndim))
    perm[ax1], perm[ax2] = perm[ax2], perm[ax1]
    if k == 1:
        return sh.transpose(flip(t, ax2), perm)
    return flip(sh.transpose(t, perm), ax2)


# --- shape queries -------------------------------------------------------------------

def shape(a):
    """The shape of `a`, a TensorShape."""
    return to_tensor(a).shape


def ndim(a):
    """The number of axes of `a` (a Python int)."""
    return to_tensor(a).ndim


def size(x, axis=None):
    """The number of elements: the Python 1 for a Python number, else an np.int64.

    Raises:
        NotImplementedError: `axis` given.
    """
    if axis is not None:
        raise NotImplementedError("axis argument is not supported in the current `np.size` "
                                  "implementation")
    if isinstance(x, (int, float, np.int32, np.int64, np.float32, np.float64)):
        return 1
    return np.prod(_dims(to_tensor(x)), dtype=np.int64)


def isscalar(num):
    """True when `num` has no axes (a tensor or value of rank 0)."""
    return ndim(num) == 0


def diff(a, n=1, axis=-1):
    """The n-th differences along `axis` (`!=` for bools).

    Raises:
        ValueError: a negative n or an axis out of range.
    """
    t = to_tensor(a)
    if n < 0:
        raise ValueError(f"Argument `order` must be a non-negative integer. Received: "
                         f"axis={n}")
    rank = t.ndim
    if not -rank <= axis < rank:
        raise ValueError(f"Argument `axis` (received axis={axis}) is out of bounds for "
                         f"input {t} of rank {rank}.")
    later = [slice(None)] * rank
    earlier = [slice(None)] * rank
    later[axis], earlier[axis] = slice(1, None), slice(None, -1)
    op = ew.not_equal if t._value.dtype == np.bool_ else ew.subtract
    for _ in builtins.range(n):
        t = op(t[tuple(later)], t[tuple(earlier)])
    return t


# --- indexing helpers ----------------------------------------------------------------

def take(a, indices, axis=None, out=None, mode="clip"):
    """Elements of `a` (flattened if axis is None) at `indices` along `axis`.

    Out-of-range indices are clipped to the ends (mode 'clip', the default: negative
    indices read the first element) or wrapped around ('wrap'). A gather: the gradient
    with respect to `a` along axis 0 is an IndexedSlices, as in TF.

    Raises:
        ValueError: `out`, mode 'raise' (not supported) or an unknown mode.
    """
    if out is not None:
        raise ValueError("out argument is not supported in take.")
    if mode not in ("raise", "clip", "wrap"):
        raise ValueError(f"Invalid mode '{mode}' for take")
    if mode == "raise":
        raise ValueError("The 'raise' mode to take is not supported.")
    t = to_tensor(a)
    idx = to_tensor(indices)
    if axis is None:
        t, axis = sh.reshape(t, [-1]), 0
    n = _dims(t)[normalize_axis(int(axis), t.ndim)]
    raw = idx._value
    raw = np.clip(raw, 0, n - 1) if mode == "clip" else np.mod(raw, n)
    return gather(t, _engine.wrap(raw.astype(idx._value.dtype)), axis=int(axis))


def _along(rank, axis, index_array):
    """The NumPy key reading `index_array` along `axis` and in place elsewhere."""
    key = []
    for i in builtins.range(rank):
        if i == axis:
            key.append(index_array)
        else:
            shape = [1] * rank
            shape[i] = -1
            key.append(np.arange(index_array.shape[i]).reshape(shape))
    return tuple(key)


def take_along_axis(arr, indices, axis):
    """Values of `arr` at `indices` along `axis` (arr and indices broadcast against
    each other on the other axes); negative indices count from the end.

    Raises:
        InvalidArgumentError: indices out of range, or ranks that differ.
    """
    t = to_tensor(arr)
    idx = np.asarray(to_tensor(indices))
    if axis is None:
        t, axis = sh.reshape(t, [-1]), 0
        idx = idx.reshape(-1)
    if idx.dtype.kind not in "iu":
        raise errors.InvalidArgumentError(f"indices must be integers, got {idx.dtype}")
    rank = t.ndim
    if idx.ndim != rank:
        raise errors.InvalidArgumentError(
            f"indices and arr must have the same number of dimensions, got {idx.ndim} "
            f"and {rank}")
    axis = normalize_axis(int(axis), rank)
    arr_shape, idx_shape = list(_dims(t)), list(idx.shape)
    arr_shape[axis] = idx_shape[axis] = 1
    common = np.broadcast_shapes(tuple(arr_shape), tuple(idx_shape))
    target = list(common)
    target[axis] = _dims(t)[axis]
    if tuple(target) != _dims(t):
        t = sh.broadcast_to(t, target)
    target[axis] = idx.shape[axis]
    idx = np.broadcast_to(idx, target)
    n = _dims(t)[axis]
    if ((idx < -n) | (idx >= n)).any():
        raise errors.InvalidArgumentError(f"indices out of range [{-n}, {n})")
    return _ops.index(t, _along(rank, axis, np.where(idx < 0, idx + n, idx)))


def nonzero(a):
    """The int64 positions of nonzero elements, one vector per axis (a list; a scalar
    counts as a vector of one element)."""
    arr = np.asarray(atleast_1d(a))
    return [_engine.wrap(p.astype(np.int64)) for p in np.nonzero(arr)]


def where(condition, x=None, y=None):
    """Elements of x where condition (nonzero), else of y (promoted to one dtype, all
    three broadcast); with only a condition, `nonzero(condition)`.

    Raises:
        ValueError: only one of x and y given.
    """
    cond = to_tensor(condition, np.dtype(np.bool_))
    if x is None and y is None:
        return nonzero(cond)
    if x is None or y is None:
        raise ValueError("Both x and y must be ndarrays, or both must be None.")
    a, b = to_tensors(x, y)
    return ew.where(cond, a, b)


def select(condlist, choicelist, default=0):
    """For each element, the choice of the first true condition, else `default`.

    Raises:
        ValueError: lists of different lengths, or empty.
    """
    if len(condlist) != len(choicelist):
        raise ValueError(f"condlist must have length equal to choicelist "
                         f"({len(condlist)} vs {len(choicelist)})")
    if not condlist:
        raise ValueError("condlist must be non-empty")
    promoted = to_tensors(default, *choicelist)
    output = promoted[0]
    for cond, choice in zip(condlist[::-1], promoted[1:][::-1], strict=True):
        output = where(cond, choice, output)
    return output


def compress(condition, a, axis=None):
    """The slices of `a` along `axis` (of the flattened array if None) where the 1-D
    `condition` is true; a shorter condition counts as False beyond its end.

    Raises:
        ValueError: a condition that is not 1-D.
    """
    cond = np.asarray(to_tensor(condition, np.dtype(np.bool_)))
    if cond.ndim != 1:
        raise ValueError("condition must be a 1-d array.")
    t = to_tensor(a)
    if axis is None or t.ndim == 0:
        t, axis = sh.reshape(t, [-1]), 0
    axis = normalize_axis(int(axis), t.ndim)
    n = _dims(t)[axis]
    if cond.shape[0] > n and cond[n:].any():
        raise errors.InvalidArgumentError(
            f"condition has {cond.shape[0]} elements, more than the {n} along axis {axis}")
    picked = np.flatnonzero(cond[:n])
    return _ops.index(t, (slice(None),) * axis + (picked,))


def _sort_kind(kind, allowed):
    if kind not in allowed:
        raise ValueError(f"Invalid value for argument `kind`. Only kind={allowed!r} are "
                         f"supported. Received: kind={kind}")


def argsort(a, axis=-1, kind="quicksort", order=None):
    """The int64 positions that sort `a` along `axis` (the flattened array if None);
    equal elements keep their order. No gradient.

    Raises:
        ValueError: `order`, or a kind other than 'quicksort' and 'stable'.
        TypeError: complex input.
    """
    _sort_kind(kind, ("quicksort", "stable"))
    if order is not None:
        raise ValueError("The `order` argument is not supported. Pass order=None")
    t = to_tensor(a)
    if t._value.dtype.kind == "c":
        raise TypeError(f"argsort does not support complex64/complex128 dtypes. Received "
                        f"dtype: {t.dtype}")
    values = t._value
    if values.ndim == 0:
        return _engine.wrap(np.zeros(1, dtype=np.int64))
    if axis is None:
        values, axis = values.reshape(-1), 0
    axis = normalize_axis(int(axis), values.ndim)
    return _engine.wrap(np.argsort(values, axis=axis, kind="stable").astype(np.int64))


def sort(a, axis=-1, kind="quicksort", order=None):
    """`a` sorted along `axis` (the flattened array if None). Differentiable: each
    upstream value goes back to the element sorted into its place.

    Raises:
        ValueError: `order`, or a kind other than 'quicksort'.
    """
    _sort_kind(kind, ("quicksort",))
    if order is not None:
        raise ValueError("The `order` argument is not supported. Pass order=None")
    t = to_tensor(a)
    if axis is None:
        t, axis = sh.reshape(t, [-1]), 0
    axis = normalize_axis(int(axis), t.ndim)
    positions = np.argsort(t._value, axis=axis, kind="stable")
    return _ops.index(t, _along(t.ndim, axis, positions))


# --- diagonals -----------------------------------------------------------------------

def diagonal(a, offset=0, axis1=0, axis2=1):
    """The `offset` diagonal of the (axis1, axis2) planes, along a new last axis
    (empty when the offset is past the edge)."""
    t = to_tensor(a)
    if t.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    t = moveaxis(t, (axis1, axis2), (-2, -1))
    rows, cols = _dims(t)[-2:]
    if offset <= -rows or offset >= cols:
        return _engine.wrap(np.zeros(_dims(t)[:-2] + (0,), dtype=t._value.dtype))
    return la.diag_part(t, k=int(offset))


def diag(v, k=0):
    """A 2-D array with the vector `v` on its k-th diagonal, or the k-th diagonal of
    the 2-D array `v`.

    Raises:
        ValueError: `v` of another rank.
    """
    t = to_tensor(v)
    if t.ndim == 1:
        if _dims(t)[0] == 0:
            return _engine.wrap(np.zeros((builtins.abs(k), builtins.abs(k)),
                                         dtype=t._value.dtype))
        return la.diag(t, k=int(k))
    if t.ndim == 2:
        return diagonal(t, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v, k=0):
    """`diag` of the flattened input."""
    return diag(ravel(v), k)

