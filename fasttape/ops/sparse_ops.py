"""`tf.SparseTensor` and the `tf.sparse` ops.

A SparseTensor holds int64 `indices` [N, rank], `values` [N] and an int64
`dense_shape` [rank]. Its values are an ordinary Tensor, and every op here computes
its result's values from its inputs' values with recorded ops (gathers, segment sums,
scatters, elementwise math), so results are differentiable w.r.t. the values (and w.r.t.
dense operands) wherever TF's are; the indices are integer data and have no gradient.
Index bookkeeping (sorting, unions, masks) is done in numpy.
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.indexed_slices import IndexedSlices
from fasttape.ops import elementwise as ew
from fasttape.ops._registry import export
from fasttape.ops.creation import ones
from fasttape.ops.indexing import gather, gather_nd, scatter_nd, segment_sum_to_dense
from fasttape.ops.linalg import matrix_transpose
from fasttape.ops.shape import concat as _dense_concat
from fasttape.ops.shape import reshape as _dense_reshape
from fasttape.tensor_shape import TensorShape


def _read(t):
    """A tensor's value as numpy. Sparse ops compute indices and shapes in Python from
    values, so a function being traced through them runs its Python on every call."""
    _engine.untraceable()
    return _engine.read(convert_to_tensor(t))._value


def _int64(x):
    return np.asarray(_read(x) if isinstance(x, _TensorLike) else x, dtype=np.int64)


def _const(a):
    return _engine.wrap(np.ascontiguousarray(a))


@export("", "sparse")
class SparseTensor:
    """A sparse tensor: the dense tensor of shape `dense_shape` that holds `values[i]`
    at `indices[i]` and zero elsewhere.

    Args:
        indices: int64 [N, rank], the positions of the values (row-major order is
            what the ops produce; `tf.sparse.reorder` sorts others).
        values: [N], the values (a Tensor: ops on the SparseTensor differentiate
            through it).
        dense_shape: int64 [rank].

    >>> import fasttape as tf
    >>> st = tf.sparse.SparseTensor([[0, 1], [2, 0]], [1.0, 2.0], [3, 2])
    >>> print(tf.sparse.to_dense(st).numpy())
    [[0. 1.]
     [0. 0.]
     [2. 0.]]
    """

    def __init__(self, indices, values, dense_shape):
        idx = _int64(indices)
        shape = _int64(dense_shape).reshape(-1)
        if idx.ndim != 2:
            raise ValueError(f"Shape {TensorShape(idx.shape)} must have rank 2")
        vals = convert_to_tensor(values)
        if vals.shape.rank != 1:
            raise ValueError(f"Shape {vals.shape} must have rank 1")
        if idx.shape[0] != vals.shape[0]:
            raise ValueError(f"Dimensions {idx.shape[0]} and {vals.shape[0]} are not compatible")
        if idx.shape[1] != shape.size:
            raise ValueError(f"Dimensions {idx.shape[1]} and {shape.size} are not compatible")
        self._indices = _const(idx)
        self._values = vals
        self._dense_shape = _const(shape)

    @classmethod
    def from_value(cls, value):
        """`value` itself if it is a SparseTensor."""
        if isinstance(value, SparseTensor):
            return value
        raise TypeError(f"Neither a SparseTensor nor SparseTensorValue: {value!r}.")

    @property
    def indices(self):
        """The positions, an int64 Tensor [N, rank]."""
        return self._indices

    @property
    def values(self):
        """The values, a Tensor [N]."""
        return self._values

    @property
    def dense_shape(self):
        """The dense shape, an int64 Tensor [rank]."""
        return self._dense_shape

    @property
    def dtype(self):
        """The dtype of the values."""
        return self._values.dtype

    @property
    def shape(self):
        """The dense shape as a TensorShape."""
        return TensorShape([int(d) for d in self._dense_shape._value])

    def get_shape(self):
        """The dense shape as a TensorShape."""
        return self.shape

    @property
    def device(self):
        return self._values.device

    def with_values(self, new_values):
        """A SparseTensor with these indices and shape and `new_values` (same length)."""
        out = SparseTensor.__new__(SparseTensor)
        out._indices, out._dense_shape = self._indices, self._dense_shape
        out._values = convert_to_tensor(new_values)
        if tuple(out._values.shape) != tuple(self._values.shape):
            raise ValueError(f"Shapes {out._values.shape} and {self._values.shape} are "
                             f"not compatible")
        return out

    def _index_array(self):
        return self._indices._value

    def _shape_tuple(self):
        return tuple(int(d) for d in self._dense_shape._value)

    def __str__(self):
        return (f"SparseTensor(indices={self._indices!s}, values={self._values!s}, "
                f"dense_shape={self._dense_shape!s})")

    __repr__ = __str__

    # SparseTensor (*, /) dense: the dense operand read at the sparse positions
    def _scaled(self, other, op):
        dense = convert_to_tensor(other, dtype=self.dtype)
        full = ew.multiply(dense, ones(self._shape_tuple(), dtype=self.dtype)) \
            if tuple(dense.shape) != self._shape_tuple() else dense
        return self.with_values(op(self._values, gather_nd(full, self._indices)))

    def __mul__(self, other):
        return self._scaled(other, ew.multiply)

    def __truediv__(self, other):
        return self._scaled(other, ew.truediv)

    def __neg__(self):
        return self.with_values(ew.negative(self._values))


def _make(indices, values, shape):
    out = SparseTensor.__new__(SparseTensor)
    idx = np.asarray(indices, dtype=np.int64)
    out._indices = _const(idx.reshape(idx.shape[0] if idx.ndim else 0, len(shape)))
    out._values = values
    out._dense_shape = _const(np.asarray(shape, dtype=np.int64))
    return out


def _sparse(sp, what="sp_input"):
    if not isinstance(sp, SparseTensor):
        raise TypeError(f"Input must be a SparseTensor, got {type(sp).__name__} ({what})")
    return sp


def _row_major(indices, shape):
    """The order that sorts `indices` row-major (stable)."""
    if indices.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.lexsort(indices.T[::-1])


def _take(values, positions):
    """values[positions] as a recorded gather (positions: an int array)."""
    return gather(values, _const(np.asarray(positions, dtype=np.int64)))


# --- conversions -----------------------------------------------------------------------

@export("sparse")
def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense Tensor; positions without a value hold `default_value` (0)."""
    sp = _sparse(sp_input)
    shape = sp._shape_tuple()
    out = scatter_nd(sp.indices, sp.values, shape)
    if default_value is not None and np.any(np.asarray(default_value) != 0):
        empty = np.ones(shape, dtype=bool)
        empty[tuple(sp._index_array().T)] = False
        out = out + _const(np.where(empty, np.asarray(default_value, sp.dtype.as_numpy_dtype),
                                    np.zeros((), sp.dtype.as_numpy_dtype)))
    return out


@export("sparse")
def from_dense(tensor, name=None):
    """The SparseTensor of the non-zero entries of `tensor` (row-major)."""
    t = convert_to_tensor(tensor)
    idx = np.argwhere(_read(t) != 0).astype(np.int64)
    return _make(idx, gather_nd(t, _const(idx)), t._value.shape)


@export("sparse")
def eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """The identity as a SparseTensor [num_rows, num_columns]."""
    rows = int(num_rows)
    cols = rows if num_columns is None else int(num_columns)
    k = np.arange(min(rows, cols), dtype=np.int64)
    values = _const(np.ones(k.size, dtype=dtypes.as_dtype(dtype).as_numpy_dtype))
    return _make(np.stack([k, k], axis=1), values, (rows, cols))


@export("sparse")
def to_indicator(sp_input, vocab_size, name=None):
    """A dense bool tensor [..., vocab_size]: True at the ids held in the last
    dimension of each row of `sp_input` (an integer SparseTensor)."""
    sp = _sparse(sp_input)
    ids = np.asarray(_read(sp.values), dtype=np.int64)
    out = np.zeros(sp._shape_tuple()[:-1] + (int(vocab_size),), dtype=bool)
    out[tuple(sp._index_array()[:, :-1].T) + (ids,)] = True
    return _const(out)


# --- structure -------------------------------------------------------------------------

@export("sparse")
def reorder(sp_input, name=None):
    """The same SparseTensor with its entries in row-major order."""
    sp = _sparse(sp_input)
    order = _row_major(sp._index_array(), sp._shape_tuple())
    return _make(sp._index_array()[order], _take(sp.values, order), sp._shape_tuple())


@export("sparse")
def reshape(sp_input, shape, name=None):
    """The SparseTensor with dense shape `shape` (one -1 is inferred), entries moved to
    the positions of the same row-major offsets."""
    sp = _sparse(sp_input)
    old = sp._shape_tuple()
    new = [int(d) for d in np.asarray(shape).reshape(-1)]
    total = int(np.prod(old, dtype=np.int64))
    if new.count(-1) == 1:
        known = int(np.prod([d for d in new if d != -1], dtype=np.int64))
        new[new.index(-1)] = total // known if known else 0
    if int(np.prod(new, dtype=np.int64)) != total:
        raise errors.InvalidArgumentError(
            f"Input to reshape is a SparseTensor with {total} dense values, but the requested "
            f"shape has {int(np.prod(new, dtype=np.int64))} [Op:SparseReshape]")
    flat = np.ravel_multi_index(tuple(sp._index_array().T), old) if old else np.zeros(
        sp._index_array().shape[0], np.int64)
    idx = np.stack(np.unravel_index(flat, new), axis=1) if new else np.zeros((flat.size, 0))
    return _make(idx, sp.values, new)


@export("sparse")
def reset_shape(sp_input, new_shape=None):
    """The SparseTensor with a (no smaller) dense shape, or the tightest one."""
    sp = _sparse(sp_input)
    idx = sp._index_array()
    if new_shape is None:
        shape = tuple(idx.max(axis=0) + 1) if idx.shape[0] else (0,) * idx.shape[1]
    else:
        shape = tuple(int(d) for d in np.asarray(new_shape).reshape(-1))
        if len(shape) != len(sp._shape_tuple()) or any(
                a < b for a, b in zip(shape, sp._shape_tuple())):
            raise ValueError("new_shape must have the same rank as sp_input and be no "
                             "smaller in any dimension")
    return _make(idx, sp.values, shape)


@export("sparse")
def transpose(sp_input, perm=None, name=None):
    """The SparseTensor with its dimensions permuted (reversed by default)."""
    sp = _sparse(sp_input)
    rank = len(sp._shape_tuple())
    perm = list(range(rank))[::-1] if perm is None else [int(p) for p in np.asarray(perm)]
    idx = sp._index_array()[:, perm]
    shape = tuple(sp._shape_tuple()[p] for p in perm)
    order = _row_major(idx, shape)
    return _make(idx[order], _take(sp.values, order), shape)


@export("sparse")
def expand_dims(sp_input, axis=None, name=None):
    """The SparseTensor with a dimension of size 1 inserted at `axis`."""
    sp = _sparse(sp_input)
    rank = len(sp._shape_tuple())
    axis = 0 if axis is None else int(axis)
    if axis < 0:
        axis += rank + 1
    idx = np.insert(sp._index_array(), axis, 0, axis=1)
    shape = sp._shape_tuple()[:axis] + (1,) + sp._shape_tuple()[axis:]
    return _make(idx, sp.values, shape)


@export("sparse")
def concat(axis, sp_inputs, expand_nonconcat_dims=False, name=None):
    """SparseTensors joined along `axis` (the other dimensions must agree, or with
    expand_nonconcat_dims take their maximum)."""
    sps = [_sparse(s, "sp_inputs") for s in sp_inputs]
    rank = len(sps[0]._shape_tuple())
    axis = int(axis) + rank if int(axis) < 0 else int(axis)
    shapes = [s._shape_tuple() for s in sps]
    if expand_nonconcat_dims:
        others = [max(s[d] for s in shapes) for d in range(rank)]
    else:
        others = list(shapes[0])
        for s in shapes[1:]:
            for d in range(rank):
                if d != axis and s[d] != others[d]:
                    raise errors.InvalidArgumentError(
                        f"Input shapes must match: expected {others[d]} for dimension {d} but "
                        f"got {s[d]} [Op:SparseConcat]")
    pieces, offset = [], 0
    for s, shape in zip(sps, shapes):
        idx = s._index_array().copy()
        idx[:, axis] += offset
        pieces.append(idx)
        offset += shape[axis]
    others[axis] = offset
    idx = np.concatenate(pieces, axis=0)
    order = _row_major(idx, others)
    values = _dense_concat([s.values for s in sps], 0)
    return _make(idx[order], _take(values, order), others)


@export("sparse")
def slice(sp_input, start, size, name=None):  # noqa: A001 - TF's name
    """The entries inside the box [start, start + size), re-based to start."""
    sp = _sparse(sp_input)
    start = np.asarray(start, dtype=np.int64).reshape(-1)
    shape = np.asarray(sp._shape_tuple(), dtype=np.int64)
    stop = np.minimum(start + np.asarray(size, dtype=np.int64).reshape(-1), shape)
    idx = sp._index_array()
    keep = np.nonzero(np.all((idx >= start) & (idx < stop), axis=1))[0]
    return _make(idx[keep] - start, _take(sp.values, keep), np.maximum(stop - start, 0))


@export("sparse")
def split(sp_input=None, num_split=None, axis=None, name=None):
    """`num_split` SparseTensors cut along `axis` (the first ones one larger when the
    size does not divide)."""
    sp = _sparse(sp_input)
    shape = list(sp._shape_tuple())
    axis = int(axis) + len(shape) if int(axis) < 0 else int(axis)
    n, total = int(num_split), shape[axis]
    sizes = [total // n + (1 if k < total % n else 0) for k in range(n)]
    out, begin = [], 0
    for size in sizes:
        start = [0] * len(shape)
        start[axis] = begin
        extent = list(shape)
        extent[axis] = size
        out.append(slice(sp, start, extent))
        begin += size
    return out


@export("sparse")
def retain(sp_input, to_retain):
    """The entries where the bool vector `to_retain` is True."""
    sp = _sparse(sp_input)
    keep = np.nonzero(np.asarray(_read(to_retain), dtype=bool))[0]
    return _make(sp._index_array()[keep], _take(sp.values, keep), sp._shape_tuple())


@export("sparse")
def fill_empty_rows(sp_input, default_value, name=None):
    """(SparseTensor with `default_value` at column 0 of each empty row, bool vector
    marking those rows)."""
    sp = _sparse(sp_input)
    shape = sp._shape_tuple()
    idx = sp._index_array()
    empty = np.ones(shape[0], dtype=bool)
    empty[idx[:, 0]] = False
    rows = np.nonzero(empty)[0]
    extra = np.zeros((rows.size, len(shape)), dtype=np.int64)
    extra[:, 0] = rows
    fill = ew.multiply(convert_to_tensor(default_value, dtype=sp.dtype),
                       ones((rows.size,), dtype=sp.dtype))
    all_idx = np.concatenate([idx, extra], axis=0)
    order = _row_major(all_idx, shape)
    values = _take(_dense_concat([sp.values, fill], 0), order)
    return _make(all_idx[order], values, shape), _const(empty)


@export("sparse")
def mask(a, mask_indices, name=None):
    """The IndexedSlices `a` without the slices whose index is in `mask_indices`."""
    if not isinstance(a, IndexedSlices):
        raise TypeError(f"a must be an IndexedSlices, got {type(a).__name__}")
    rows = np.asarray(_read(a.indices))
    keep = np.nonzero(~np.isin(rows, np.asarray(_read(mask_indices))))[0]
    return IndexedSlices(_take(a.values, keep), _const(rows[keep]), a.dense_shape)


@export("sparse")
def map_values(op, *args, **kwargs):
    """op applied to the values of the SparseTensor arguments (which must share their
    indices and shape); other arguments are passed as they are."""
    sparse = [a for a in list(args) + list(kwargs.values()) if isinstance(a, SparseTensor)]
    if not sparse:
        raise ValueError("No SparseTensor in argument list of map_values")
    first = sparse[0]
    for other in sparse[1:]:
        if not (np.array_equal(other._index_array(), first._index_array())
                and other._shape_tuple() == first._shape_tuple()):
            raise errors.InvalidArgumentError("SparseTensors to map_values must share their "
                                              "indices and dense shape")
    unwrap = (lambda a: a.values if isinstance(a, SparseTensor) else a)
    values = op(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()})
    return first.with_values(values)


# --- arithmetic ------------------------------------------------------------------------

def _union(a, b):
    """Row-major union of two index sets: (indices, position of each of a's rows in it,
    position of each of b's rows in it)."""
    both = np.concatenate([a, b], axis=0)
    unique, inverse = np.unique(both, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    return unique, inverse[:a.shape[0]], inverse[a.shape[0]:]


@export("sparse")
def add(a, b, threshold=0):
    """a + b: a SparseTensor when both are (entries whose |sum| < threshold dropped),
    a dense Tensor when one is dense."""
    if not isinstance(a, SparseTensor):
        a, b = b, a
    sp = _sparse(a, "a")
    if not isinstance(b, SparseTensor):
        return ew.add(to_dense(sp), convert_to_tensor(b, dtype=sp.dtype))
    if sp._shape_tuple() != b._shape_tuple():
        raise errors.InvalidArgumentError(
            f"Operands' shapes do not match: {list(sp._shape_tuple())} vs. "
            f"{list(b._shape_tuple())} [Op:SparseAdd]")
    idx, pa, pb = _union(sp._index_array(), b._index_array())
    values = segment_sum_to_dense(_dense_concat([sp.values, b.values], 0),
                                  _const(np.concatenate([pa, pb])), idx.shape[0])
    if threshold:
        # as TF, only sums of entries present in both operands are thresholded
        both = np.zeros(idx.shape[0], dtype=bool)
        both[np.intersect1d(pa, pb)] = True
        keep = np.nonzero(~both | (np.abs(_read(values)) >= threshold))[0]
        idx, values = idx[keep], _take(values, keep)
    return _make(idx, values, sp._shape_tuple())


def _elementwise_union(a, b, op):
    sa, sb = _sparse(a, "sp_a"), _sparse(b, "sp_b")
    idx, _, _ = _union(sa._index_array(), sb._index_array())
    at = _const(idx)
    values = op(gather_nd(to_dense(sa), at), gather_nd(to_dense(sb), at))
    return _make(idx, values, sa._shape_tuple())


@export("sparse")
def maximum(sp_a, sp_b, name=None):
    """Elementwise max over the union of positions (a missing entry counts as 0)."""
    return _elementwise_union(sp_a, sp_b, ew.maximum)


@export("sparse")
def minimum(sp_a, sp_b, name=None):
    """Elementwise min over the union of positions (a missing entry counts as 0)."""
    return _elementwise_union(sp_a, sp_b, ew.minimum)


@export("sparse")
def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """sp_a @ b for a rank-2 SparseTensor sp_a and a dense matrix b (either may be
    adjointed); a dense Tensor. Differentiable w.r.t. sp_a's values and b."""
    if not isinstance(sp_a, SparseTensor):     # dense @ sparse = (sparse^T @ dense^T)^T
        a = convert_to_tensor(sp_a)
        return _transpose2(sparse_dense_matmul(b, a if adjoint_a else _transpose2(a),
                                               adjoint_a=not adjoint_b))
    sp = _sparse(sp_a, "sp_a")
    dense = convert_to_tensor(b, dtype=sp.dtype)
    if adjoint_b:
        dense = _transpose2(dense)
    idx = sp._index_array()
    rows, cols = sp._shape_tuple()
    r, c = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
    if adjoint_a:
        rows, cols = cols, rows
    if dense.shape[0] != cols:
        raise errors.InvalidArgumentError(
            f"Cannot multiply A and B because inner dimension does not match: {cols} vs. "
            f"{dense.shape[0]}. [Op:SparseTensorDenseMatMul]")
    picked = gather(dense, _const(c))                     # [N, k]
    scaled = ew.multiply(_dense_reshape(sp.values, (-1, 1)), picked)
    return segment_sum_to_dense(scaled, _const(r), rows)


def _transpose2(t):
    return matrix_transpose(t)


# --- reductions and softmax -------------------------------------------------------------

def _axes(axis, rank):
    if axis is None:
        return tuple(range(rank))
    axes = np.asarray(axis).reshape(-1)
    return tuple(sorted({int(a) + rank if int(a) < 0 else int(a) for a in axes}))


def _reduce(sp, axis, keepdims, output_is_sparse, combine):
    """Reduce the present values of `sp` over `axis` with `combine(values, ids, n)`."""
    shape = sp._shape_tuple()
    axes = _axes(axis, len(shape))
    kept_dims = [d for d in range(len(shape)) if d not in axes]
    idx = sp._index_array()
    keys = idx[:, kept_dims]
    if not kept_dims:           # everything reduced: one group (if any value)
        unique = np.zeros((1 if keys.shape[0] else 0, 0), np.int64)
        ids = np.zeros(keys.shape[0], np.int64)
    elif keys.shape[0]:
        unique, ids = np.unique(keys, axis=0, return_inverse=True)
    else:
        unique, ids = np.zeros((0, len(kept_dims)), np.int64), np.zeros(0, np.int64)
    ids = ids.reshape(-1)
    values = combine(sp.values, ids, unique.shape[0])
    out_shape = tuple(shape[d] for d in kept_dims)
    if keepdims:
        full = np.zeros((unique.shape[0], len(shape)), dtype=np.int64)
        full[:, kept_dims] = unique
        unique, out_shape = full, tuple(1 if d in axes else shape[d] for d in range(len(shape)))
    result = _make(unique, values, out_shape)
    return result if output_is_sparse else to_dense(result)


def _segment_sum(values, ids, n):
    return segment_sum_to_dense(values, _const(ids), n)


def _segment_max(values, ids, n):
    # the max of each group, picked by a gather so the gradient goes to the maxima
    v = np.asarray(_read(values))
    best = np.full(n, -np.inf)
    np.maximum.at(best, ids, v)
    first = np.zeros(n, dtype=np.int64)
    for pos in range(v.size - 1, -1, -1):      # first position holding each max
        if v[pos] == best[ids[pos]]:
            first[ids[pos]] = pos
    return _take(values, first)


@export("sparse")
def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """Sum of the values over `axis` (all by default): a dense Tensor, or a
    SparseTensor with output_is_sparse."""
    return _reduce(_sparse(sp_input), axis, bool(keepdims), output_is_sparse, _segment_sum)


@export("sparse")
def reduce_max(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """Max of the present values over `axis` (implicit zeros are not counted; a
    position with no value gives 0 in the dense result)."""
    return _reduce(_sparse(sp_input), axis, bool(keepdims), output_is_sparse, _segment_max)


@export("sparse")
def softmax(sp_input, name=None):
    """Softmax over the last dimension, among the present values of each row; the
    result has the same indices."""
    sp = _sparse(sp_input)
    idx = sp._index_array()
    _, ids = np.unique(idx[:, :-1], axis=0, return_inverse=True) if idx.shape[0] else (
        None, np.zeros(0, np.int64))
    ids = ids.reshape(-1)
    v = np.asarray(_read(sp.values))
    shift = np.full(int(ids.max()) + 1 if ids.size else 0, -np.inf)
    np.maximum.at(shift, ids, v)
    e = ew.exp(sp.values - _const(shift[ids].astype(v.dtype)))   # a constant shift
    total = segment_sum_to_dense(e, _const(ids), shift.size)
    return sp.with_values(e / _take(total, ids))


# --- sparse segment ops and bincount ---------------------------------------------------

def _segment_ids(segment_ids, num_segments):
    ids = np.asarray(_read(segment_ids), dtype=np.int64)
    n = int(num_segments) if num_segments is not None else (int(ids.max()) + 1 if ids.size
                                                            else 0)
    return ids, n


@export("sparse")
def segment_sum(data, indices, segment_ids, num_segments=None, name=None):
    """Sum of the rows data[indices[i]] in segment segment_ids[i]."""
    ids, n = _segment_ids(segment_ids, num_segments)
    return segment_sum_to_dense(gather(data, indices), _const(ids), n)


@export("sparse")
def segment_mean(data, indices, segment_ids, num_segments=None, name=None):
    """Mean of the rows data[indices[i]] in segment segment_ids[i] (0 when empty)."""
    ids, n = _segment_ids(segment_ids, num_segments)
    rows = gather(data, indices)
    counts = np.maximum(np.bincount(ids, minlength=n), 1).astype(rows.dtype.as_numpy_dtype)
    total = segment_sum_to_dense(rows, _const(ids), n)
    return total / _const(counts.reshape((n,) + (1,) * (rows.shape.rank - 1)))


@export("sparse")
def segment_sqrt_n(data, indices, segment_ids, num_segments=None, name=None):
    """Sum of the rows in each segment divided by sqrt(its size)."""
    ids, n = _segment_ids(segment_ids, num_segments)
    rows = gather(data, indices)
    counts = np.maximum(np.bincount(ids, minlength=n), 1).astype(rows.dtype.as_numpy_dtype)
    total = segment_sum_to_dense(rows, _const(ids), n)
    scale = (1 / np.sqrt(counts)).astype(counts.dtype)       # TF multiplies by 1/sqrt(n)
    return total * _const(scale.reshape((n,) + (1,) * (rows.shape.rank - 1)))


@export("sparse")
def bincount(values, weights=None, axis=0, minlength=None, maxlength=None,
             binary_output=False, name=None):
    """Counts (or summed weights) of each value, as a SparseTensor over the bins that
    occur; with axis=-1 one row of counts per row of a 2-D input."""
    sp_in = values if isinstance(values, SparseTensor) else None
    v = np.asarray(_read(sp_in.values if sp_in is not None else values))
    if sp_in is not None:
        rows = sp_in._index_array()[:, 0] if axis == -1 else np.zeros(v.size, np.int64)
        flat = v.reshape(-1)
    elif axis == -1 and v.ndim == 2:
        rows = np.repeat(np.arange(v.shape[0]), v.shape[1])
        flat = v.reshape(-1)
    else:
        rows, flat = np.zeros(v.size, np.int64), v.reshape(-1)
    if maxlength is not None:
        keep = flat < int(maxlength)
        rows, flat = rows[keep], flat[keep]
    size = int(flat.max()) + 1 if flat.size else 0
    if minlength is not None:
        size = max(size, int(minlength))
    if maxlength is not None:
        size = min(size, int(maxlength))
    keys = np.stack([rows, flat], axis=1) if axis == -1 else flat[:, None]
    unique, ids = np.unique(keys, axis=0, return_inverse=True) if flat.size else (
        np.zeros((0, keys.shape[1]), np.int64), np.zeros(0, np.int64))
    ids = ids.reshape(-1)
    if binary_output:
        counts = _const(np.ones(unique.shape[0], dtype=v.dtype))
    elif weights is not None:
        w = convert_to_tensor(weights)
        w = _dense_reshape(w.values if isinstance(weights, SparseTensor) else w, (-1,))
        counts = segment_sum_to_dense(w, _const(ids), unique.shape[0])
    else:
        counts = _const(np.bincount(ids, minlength=unique.shape[0]).astype(v.dtype))
    shape = (int(v.shape[0]) if sp_in is None else sp_in._shape_tuple()[0], size) \
        if axis == -1 else (size,)
    return _make(unique, counts, shape)
