"""Sorting and searching: sort, argsort, top_k, in_top_k, unique, searchsorted and
the monotonicity predicates.

Orders follow TensorFlow 2.21, whose sort is built on top_k: ties keep the lower index
first in both directions. Where TF puts nan depends on its kernel's comparison order;
fasttape treats nan as the largest value (first in a descending sort, and, as TF sorts
the negated values, first in an ascending float sort too). The values of
sort and top_k are differentiable: each upstream value goes back to the element that
was moved into its place. Index outputs, unique and searchsorted have no gradient.
"""

import collections

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape.ops._registry import defop, export

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


# --- gathering along an axis, and its gradient ----------------------------------------

@defop(public=False, same_dtype=False)
def _take_along(x, indices, axis=-1):
    return np.take_along_axis(x, indices, axis)


@_take_along.defvjp
def _take_along_vjp(g, x, indices, axis):
    return _engine.apply(_put_along.op, (g, indices), (axis, tuple(x.shape))), None


@defop(public=False, same_dtype=False)
def _put_along(g, indices, axis=-1, shape=()):
    # indices hold distinct positions along the axis (a permutation, or its first k)
    out = np.zeros(shape, dtype=g.dtype)
    np.put_along_axis(out, indices, g, axis)
    return out


@_put_along.defvjp
def _put_along_vjp(gg, indices, axis):
    return _engine.apply(_take_along.op, (gg, indices), (axis,)), None


def _descending_order(a, axis):
    """Stable positions that sort `a` from largest to smallest along `axis`, nan first
    (TF's top_k order)."""
    if a.dtype.kind == "f":
        key = np.where(np.isnan(a), -np.inf, -a)
        return np.lexsort((key, ~np.isnan(a)), axis=axis)
    if a.dtype == np.bool_:
        a = a.astype(np.int8)
    # ~x reverses the order of integers without overflowing (unlike -x at the minimum)
    return np.argsort(np.invert(a), axis=axis, kind="stable")


def _ascending_order(a, axis):
    """TF's ascending order: floats by their negation's top_k (nan first), integers
    smallest first, ties by lower index."""
    if a.dtype.kind == "f":
        return _descending_order(-a, axis)
    return np.argsort(a, axis=axis, kind="stable")


def _sort_args(values, axis, direction, op):
    x = convert_to_tensor(values)
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Argument `direction` should be one of ASCENDING, DESCENDING. "
                         f"Received: direction={direction}")
    if x.dtype.is_complex:
        raise TypeError(f"{op} does not support complex tensors")
    rank = len(x.shape)
    if isinstance(axis, _engine._TensorLike):
        axis = int(np.asarray(axis))
    axis = int(axis)
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"slice index {axis if axis >= 0 else axis + rank} of dimension 0 out of bounds. "
            f"[Op:StridedSlice]")
    order = (_descending_order if direction == "DESCENDING" else _ascending_order)(
        np.asarray(x), axis)
    return x, axis % rank - rank, order


@export("")
def sort(values, axis=-1, direction="ASCENDING", name=None):
    """`values` sorted along `axis` ('ASCENDING' or 'DESCENDING'); differentiable.

    >>> sort([3., 1., 2.], direction="DESCENDING")
    <fasttape.Tensor: shape=(3,), dtype=float32, numpy=array([3., 2., 1.], dtype=float32)>
    """
    x, axis, order = _sort_args(values, axis, direction, "sort")
    return _engine.apply(_take_along.op, (x, _engine.wrap(order)), (axis,))


@export("")
def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The int32 positions that sort `values` along `axis`; ties keep their order
    (whatever `stable` says). No gradient."""
    _, _, order = _sort_args(values, axis, direction, "argsort")
    return _engine.wrap(order.astype(np.int32))


@export("math", "nn")
def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):  # noqa: A002
    """The k largest entries of the last axis and their positions (ties: lower index
    first, nan largest). Returns TopKV2(values, indices); values are differentiable.

    Raises:
        InvalidArgumentError: a scalar input, or k negative or above the last dimension.
    """
    x = convert_to_tensor(input)
    if isinstance(k, _engine._TensorLike):
        k = int(np.asarray(k))
    shape = tuple(x.shape)
    if not shape:
        raise errors.InvalidArgumentError(
            f"input must be >= 1-D, got shape {list(shape)} [Op:TopKV2]")
    if k < 0:
        raise errors.InvalidArgumentError(f"Need k >= 0, got {k} [Op:TopKV2]")
    if k > shape[-1]:
        raise errors.InvalidArgumentError(
            f"input must have at least k columns. Had {shape[-1]}, needed {k} [Op:TopKV2]")
    index_type = dtypes.as_dtype(index_type)
    if index_type not in _INDEX_TYPES:
        raise TypeError(f"index_type must be int32 or int64, got {index_type.name}")
    order = _descending_order(np.asarray(x), -1)[..., :k]
    values = _engine.apply(_take_along.op, (x, _engine.wrap(order)), (-1,))
    return TopKV2(values, _engine.wrap(order.astype(index_type.as_numpy_dtype)))


@export("math")
def in_top_k(targets, predictions, k, name=None):
    """For each row b, whether predictions[b, targets[b]] is among the k largest of the
    row (counting only strictly larger entries, so ties count as in). False when the
    target is out of range or the row holds a non-finite value."""
    preds = np.asarray(convert_to_tensor(predictions))
    tgt = np.asarray(convert_to_tensor(targets))
    if preds.ndim != 2:
        raise errors.InvalidArgumentError(
            f"predictions must be 2-dimensional, got {list(preds.shape)} [Op:InTopKV2]")
    if tgt.ndim != 1 or tgt.shape[0] != preds.shape[0]:
        raise errors.InvalidArgumentError(
            f"First dimension of predictions {preds.shape[0]} must match length of targets "
            f"{tgt.shape[0] if tgt.ndim else 0} [Op:InTopKV2]")
    if tgt.dtype.kind not in "iu":
        raise errors.InvalidArgumentError(
            f"targets must be int32 or int64, got {dtypes.from_numpy(tgt.dtype).name}")
    n_rows, n_classes = preds.shape
    valid = (tgt >= 0) & (tgt < n_classes)
    picked = preds[np.arange(n_rows), np.where(valid, tgt, 0)]
    finite = np.all(np.isfinite(preds), axis=1) & np.isfinite(picked)
    larger = np.sum(preds > picked[:, None], axis=1)
    k = int(np.asarray(k)) if isinstance(k, _engine._TensorLike) else int(k)
    return _engine.wrap(valid & finite & (larger < k))


def _unique_parts(x, out_idx, op):
    x = convert_to_tensor(x)
    a = np.asarray(x)
    if a.ndim != 1:
        raise errors.InvalidArgumentError(f"unique expects a 1D vector. [Op:{op}]")
    out_idx = dtypes.as_dtype(out_idx)
    if out_idx not in _INDEX_TYPES:
        raise TypeError(f"out_idx must be int32 or int64, got {out_idx.name}")
    _, first, inverse, counts = np.unique(a, return_index=True, return_inverse=True,
                                          return_counts=True)
    # TF numbers the unique values in order of first appearance
    rank = np.empty(len(first), dtype=np.int64)
    appearance = np.argsort(first, kind="stable")
    rank[appearance] = np.arange(len(first))
    idx_dtype = out_idx.as_numpy_dtype
    return (_engine.wrap(a[first[appearance]]),
            _engine.wrap(rank[inverse.reshape(-1)].astype(idx_dtype)),
            _engine.wrap(counts[appearance].astype(idx_dtype)))


@export("")
def unique(x, out_idx=dtypes.int32, name=None):
    """The distinct values of 1-D `x` in order of first appearance, and for each element
    of x the position of its value among them. Returns Unique(y, idx)."""
    y, idx, _ = _unique_parts(x, out_idx, "Unique")
    return Unique(y, idx)


@export("")
def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """`unique` plus how often each distinct value occurs: UniqueWithCounts(y, idx,
    count)."""
    return UniqueWithCounts(*_unique_parts(x, out_idx, "UniqueWithCounts"))


@export("")
def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """For each value, the position in the innermost rows of `sorted_sequence` where it
    would be inserted to keep the row sorted ('left': before equal entries, 'right':
    after). The leading dimensions of both arguments index the same rows."""
    if side not in ("left", "right"):
        raise ValueError(f"Argument `side` must be either 'right' or 'left'. Received: "
                         f"`side` = '{side}'.")
    seq, vals = convert_inputs((sorted_sequence, values))
    if seq.dtype != vals.dtype:
        raise errors.InvalidArgumentError(
            f"sorted_sequence and values must have the same dtype, got {seq.dtype.name} and "
            f"{vals.dtype.name}")
    s, v = np.asarray(seq), np.asarray(vals)
    if s.ndim == 0 or v.ndim == 0:
        raise errors.InvalidArgumentError("sorted_sequence and values must have rank >= 1")
    rows = s.reshape(-1, s.shape[-1]) if s.shape[-1] else s.reshape(int(np.prod(s.shape[:-1])), 0)
    if rows.shape[0] == 0 or v.size % rows.shape[0]:
        raise errors.InvalidArgumentError(
            f"Leading dim_size of both tensors must match: {list(s.shape)} and "
            f"{list(v.shape)} [Op:{'LowerBound' if side == 'left' else 'UpperBound'}]")
    queries = v.reshape(rows.shape[0], -1)
    out = np.stack([np.searchsorted(r, q, side=side) for r, q in zip(rows, queries)])
    return _engine.wrap(out.reshape(v.shape).astype(dtypes.as_dtype(out_type).as_numpy_dtype))


def _monotone(x, strict, op):
    a = np.asarray(convert_to_tensor(x))
    if a.dtype.kind not in "iuf":
        raise TypeError(f"Expected x to be numeric, got {dtypes.from_numpy(a.dtype).name}")
    flat = a.reshape(-1)
    step = np.diff(flat)
    return _engine.wrap(np.array(bool(np.all(step > 0) if strict else np.all(step >= 0))))


@export("math")
def is_non_decreasing(x, name=None):
    """True when x (flattened) never decreases; a scalar bool tensor."""
    return _monotone(x, False, "is_non_decreasing")


@export("math")
def is_strictly_increasing(x, name=None):
    """True when x (flattened) always increases; a scalar bool tensor."""
    return _monotone(x, True, "is_strictly_increasing")


@export("math")
def invert_permutation(x, name=None):
    """The inverse of the permutation `x` (int32 or int64): y[x[i]] = i.

    Raises:
        InvalidArgumentError: x is not a 1-D permutation of 0..n-1.
    """
    t = convert_to_tensor(x)
    a = np.asarray(t)
    if a.dtype not in (np.int32, np.int64):
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {t.dtype.name} is not in the list of allowed values: "
            f"int32, int64 [Op:InvertPermutation]")
    if a.ndim != 1:
        raise errors.InvalidArgumentError(
            "invert_permutation expects a 1D vector. [Op:InvertPermutation]")
    n = a.shape[0]
    out = np.full(n, -1, dtype=a.dtype)
    for i, d in enumerate(a):
        if not 0 <= d < n:
            raise errors.InvalidArgumentError(
                f"{d} is not between 0 and {n} [Op:InvertPermutation]")
        if out[d] != -1:
            raise errors.InvalidArgumentError(
                f"{d} is duplicated in the input. [Op:InvertPermutation]")
        out[d] = i
    return _engine.wrap(out)

