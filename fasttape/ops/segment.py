"""Segment reductions (tf.math.segment_* and unsorted_segment_*) and counting ops
(bincount, confusion_matrix, histogram_fixed_width).

Sorted segment ops take 1-D non-decreasing, non-negative ids with one id per row of
`data`, and give ids[-1] + 1 segments; empty segments are 0 (1 for products).
Unsorted ones take ids of any shape that starts data's shape, and `num_segments`;
negative ids drop their rows; empty segments are 0 for sums and means, 1 for
products, and the lowest (max) or highest (min) value of the dtype, as in TF.

Gradients are TensorFlow's: sums and means pass the upstream back to each row; max and
min share it evenly between the rows that attain the extreme; a product's gradient
is the product of the other rows, exact where a row is 0. Counting ops have none.
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops import elementwise as ew
from fasttape.ops._registry import defop, export
from fasttape.ops.indexing import _segment_sum, _take_rows

_ID_DTYPES = (np.dtype(np.int32), np.dtype(np.int64))


def _ids_tensor(segment_ids, op):
    ids = convert_to_tensor(segment_ids)
    if np.asarray(ids).dtype not in _ID_DTYPES:
        raise errors.InvalidArgumentError(
            f"Value for attr 'Tindices' of {ids.dtype.name} is not in the list of allowed "
            f"values: int32, int64 [Op:{op}]")
    return ids


def _sorted_args(data, segment_ids, op):
    """data, ids and the number of segments for a sorted segment op, validated."""
    data = convert_to_tensor(data)
    ids = _ids_tensor(segment_ids, op)
    a = np.asarray(ids)
    if a.ndim != 1:
        raise errors.InvalidArgumentError(f"segment_ids should be a vector. [Op:{op}]")
    if not data.shape or a.shape[0] != data.shape[0]:
        raise errors.InvalidArgumentError(
            f"segment_ids should be the same size as dimension 0 of input. [Op:{op}]")
    if a.size and a[0] < 0:
        raise errors.InvalidArgumentError(f"segment ids must be >= 0 [Op:{op}]")
    if np.any(np.diff(a) < 0):
        raise errors.InvalidArgumentError(f"segment ids are not increasing [Op:{op}]")
    return data, ids, int(a[-1]) + 1 if a.size else 0


def _unsorted_args(data, segment_ids, num_segments, op):
    data = convert_to_tensor(data)
    ids = _ids_tensor(segment_ids, op)
    if isinstance(num_segments, _TensorLike):
        num_segments = np.asarray(num_segments)
        if num_segments.ndim:
            raise errors.InvalidArgumentError(
                f"num_segments should be a scalar, not shape {list(num_segments.shape)} "
                f"[Op:{op}]")
    n = int(num_segments)
    if n < 0:
        raise errors.InvalidArgumentError(f"Input num_segments == {n} must not be negative.")
    a, d = np.asarray(ids), tuple(data.shape)
    if d[:a.ndim] != a.shape:
        raise errors.InvalidArgumentError(
            f"data.shape = {list(d)} does not start with segment_ids.shape = "
            f"{list(a.shape)} [Op:{op}]")
    high = a.reshape(-1) >= n
    if high.any():
        at = int(np.flatnonzero(high)[0])
        raise errors.InvalidArgumentError(
            f"segment_ids[{at}] = {a.reshape(-1)[at]} is out of range [0, {n}) [Op:{op}]")
    return data, ids, n


def _counts(ids, n, data):
    """Rows per segment as a constant shaped to broadcast against the segment output."""
    a = np.asarray(ids).reshape(-1)
    counts = np.bincount(a[a >= 0], minlength=n)[:n]
    out_rank = len(data.shape) - np.asarray(ids).ndim + 1
    return counts.reshape((n,) + (1,) * (out_rank - 1))


def _sum(data, ids, n):
    return _engine.apply(_segment_sum.op, (data, ids), (n,))


def _gather_rows(x, ids, n):
    """Row ids[i] of x for each i (zeros at negative ids): the adjoint of _sum."""
    return _engine.apply(_take_rows.op, (x, ids), (n,))


def _mean(data, ids, n):
    total = _sum(data, ids, n)
    counts = _counts(ids, n, data)
    if data.dtype.is_floating:
        return total / _engine.wrap(np.maximum(counts, 1).astype(data.dtype.as_numpy_dtype))
    # integer means truncate, as TF's integer kernels do
    quotient = np.trunc(np.asarray(total) / np.maximum(counts, 1))
    return _engine.wrap(quotient.astype(np.asarray(total).dtype))


def _sqrt_n(data, ids, n):
    total = _sum(data, ids, n)
    root = np.sqrt(np.maximum(_counts(ids, n, data), 1).astype(data.dtype.as_numpy_dtype))
    return total / _engine.wrap(root)


# --- max, min and prod ------------------------------------------------------------------

def _rows(data, ids):
    flat = ids.reshape(-1)
    rows = data.reshape(flat.shape + data.shape[ids.ndim:])
    keep = flat >= 0
    return flat[keep], rows[keep]


def _fill_value(dtype, kind):
    if kind == "prod":
        return 1
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return info.min if kind == "max" else info.max


_UFUNCS = {"max": np.maximum, "min": np.minimum, "prod": np.multiply}


@defop(public=False, same_dtype=False)
def _segment_reduce(data, segment_ids, num_segments=0, kind="max", empty_zero=False):
    if data.dtype == np.bool_:
        raise errors.InvalidArgumentError("segment reductions do not take bool tensors")
    flat, rows = _rows(data, segment_ids)
    out = np.full((num_segments,) + rows.shape[1:], _fill_value(data.dtype, kind),
                  dtype=data.dtype)
    _UFUNCS[kind].at(out, flat, rows)
    if empty_zero and kind != "prod":     # sorted max/min: empty segments are 0
        empty = np.bincount(flat, minlength=num_segments)[:num_segments] == 0
        out[empty] = 0
    return out


@_segment_reduce.defvjp
def _segment_reduce_vjp(g, data, segment_ids, ans, num_segments, kind):
    if kind == "prod":
        return _prod_grad(g, data, segment_ids, ans, num_segments), None
    # the upstream is shared evenly between the rows that attain the extreme
    x, ids = np.asarray(data), np.asarray(segment_ids)
    flat, _ = _rows(x, ids)
    selected = (x == _gather_np(np.asarray(ans), ids)) & _valid_rows(ids, x)
    share = np.zeros(tuple(ans.shape), dtype=np.int64)
    np.add.at(share, flat, selected.reshape((ids.size,) + share.shape[1:])[ids.reshape(-1) >= 0])
    scale = selected / np.maximum(_gather_np(share, ids), 1)
    weights = _engine.wrap(scale.astype(x.dtype))
    return _gather_rows(g, segment_ids, num_segments) * weights, None


def _valid_rows(ids, x):
    return (ids >= 0).reshape(ids.shape + (1,) * (x.ndim - ids.ndim))


def _gather_np(values, ids):
    return values[np.maximum(ids, 0)]


def _prod_grad(g, data, ids, ans, n):
    # the product of the other rows of the segment: ans / x where no row is 0; at the
    # only 0 of a segment the product of the nonzero rows; 0 with two zeros or more
    x, a = np.asarray(data), np.asarray(ids)
    zero = x == 0
    n_zeros = np.asarray(_sum(_engine.wrap(zero.astype(np.int32)), ids, n))
    several = _engine.wrap(_gather_np(n_zeros, a) > 1)
    nonzero = ew.where(_engine.wrap(zero), ew.ones_like(data), data)
    nonzero_prod = _engine.apply(_segment_reduce.op, (nonzero, ids), (n, "prod", False))
    at_zero = _gather_rows(nonzero_prod, ids, n)
    elsewhere = _gather_rows(ans, ids, n) / nonzero
    partial = ew.where(_engine.wrap(zero), at_zero, elsewhere)
    partial = ew.where(several, ew.zeros_like(partial), partial)
    return _gather_rows(g, ids, n) * partial


def _reduce(data, ids, n, kind, empty_zero):
    return _engine.apply(_segment_reduce.op, (data, ids), (n, kind, empty_zero))


# --- public functions -------------------------------------------------------------------

@export("math")
def segment_sum(data, segment_ids, name=None):
    """Sums of the rows of `data` in each segment (ids sorted; ids[-1] + 1 segments)."""
    data, ids, n = _sorted_args(data, segment_ids, "SegmentSum")
    return _sum(data, ids, n)


@export("math")
def segment_mean(data, segment_ids, name=None):
    """Means of the rows in each segment (empty segments are 0)."""
    data, ids, n = _sorted_args(data, segment_ids, "SegmentMean")
    return _mean(data, ids, n)


@export("math")
def segment_max(data, segment_ids, name=None):
    """Elementwise maxima of the rows in each segment (empty segments are 0)."""
    data, ids, n = _sorted_args(data, segment_ids, "SegmentMax")
    return _reduce(data, ids, n, "max", True)


@export("math")
def segment_min(data, segment_ids, name=None):
    """Elementwise minima of the rows in each segment (empty segments are 0)."""
    data, ids, n = _sorted_args(data, segment_ids, "SegmentMin")
    return _reduce(data, ids, n, "min", True)


@export("math")
def segment_prod(data, segment_ids, name=None):
    """Products of the rows in each segment (empty segments are 1)."""
    data, ids, n = _sorted_args(data, segment_ids, "SegmentProd")
    return _reduce(data, ids, n, "prod", False)


@export("math")
def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sums into `num_segments` segments; ids of any shape that starts data's shape,
    negative ids dropped."""
    data, ids, n = _unsorted_args(data, segment_ids, num_segments, "UnsortedSegmentSum")
    return _sum(data, ids, n)


@export("math")
def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """Means into `num_segments` segments (empty ones 0)."""
    data, ids, n = _unsorted_args(data, segment_ids, num_segments, "UnsortedSegmentMean")
    return _mean(data, ids, n)


@export("math")
def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """Sums divided by the square root of each segment's row count (empty ones 0)."""
    data, ids, n = _unsorted_args(data, segment_ids, num_segments, "UnsortedSegmentSqrtN")
    return _sqrt_n(data, ids, n)


@export("math")
def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """Maxima into `num_segments` segments (empty ones: the dtype's lowest value)."""
    data, ids, n = _unsorted_args(data, segment_ids, num_segments, "UnsortedSegmentMax")
    return _reduce(data, ids, n, "max", False)


@export("math")
def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """Minima into `num_segments` segments (empty ones: the dtype's highest value)."""
    data, ids, n = _unsorted_args(data, segment_ids, num_segments, "UnsortedSegmentMin")
    return _reduce(data, ids, n, "min", False)


@export("math")
def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """Products into `num_segments` segments (empty ones 1)."""
    data, ids, n = _unsorted_args(data, segment_ids, num_segments, "UnsortedSegmentProd")
    return _reduce(data, ids, n, "prod", False)


# --- counting -----------------------------------------------------------------------------

def _optional_int(value):
    if value is None:
        return None
    return int(np.asarray(value)) if isinstance(value, _TensorLike) else int(value)


@export("math")
def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32,
             name=None, axis=None, binary_output=False):
    """How often each value 0, 1, ... occurs in `arr` (or the sum of its `weights`).

    The output has max(arr) + 1 bins, at least `minlength` and at most `maxlength`
    (values beyond are not counted). With axis=-1, one count per row of a 2-D arr.
    `binary_output` gives 1 where a value occurs. With weights, the result has their
    dtype; otherwise `dtype`.

    Raises:
        InvalidArgumentError: a negative value in arr.
    """
    a = np.asarray(convert_to_tensor(arr))
    if a.dtype.kind not in "iu":
        raise errors.InvalidArgumentError(
            f"arr must be an integer tensor, got {dtypes.from_numpy(a.dtype).name}")
    if a.size and a.min() < 0:
        raise errors.InvalidArgumentError("Input arr must be non-negative! [Op:DenseBincount]")
    if axis not in (None, 0, -1):
        raise ValueError(f"Unsupported axis value {axis}. Only 0 and -1 are supported.")
    w = None
    if weights is not None:
        w = np.asarray(convert_to_tensor(weights))
        if w.shape != a.shape:
            raise errors.InvalidArgumentError(
                f"weights must have the same shape as arr, got {list(w.shape)} and "
                f"{list(a.shape)}")
    out_dtype = w.dtype if w is not None else np.dtype(dtypes.as_dtype(dtype).as_numpy_dtype)
    size = int(a.max()) + 1 if a.size else 0
    minlength, maxlength = _optional_int(minlength), _optional_int(maxlength)
    if minlength is not None:
        size = max(size, minlength)
    if maxlength is not None:
        size = min(size, maxlength)
    rows = a.reshape(a.shape[0], -1) if axis == -1 and a.ndim == 2 else a.reshape(1, -1)
    wrows = None if w is None else w.reshape(rows.shape)
    out = np.zeros((rows.shape[0], size), dtype=out_dtype)
    for r, row in enumerate(rows):
        keep = row < size
        if binary_output:
            out[r, row[keep]] = 1
        else:
            np.add.at(out[r], row[keep], 1 if wrows is None else wrows[r][keep])
    return _engine.wrap(out if axis == -1 and a.ndim == 2 else out[0])


@export("math")
def confusion_matrix(labels, predictions, num_classes=None, weights=None,
                     dtype=dtypes.int32, name=None):
    """The num_classes x num_classes matrix counting (label, prediction) pairs: row is
    the label, column the prediction; `weights` replace the counts of 1.

    Raises:
        InvalidArgumentError: negative labels or predictions, or ones >= num_classes.
    """
    lab = np.asarray(convert_to_tensor(labels)).reshape(-1).astype(np.int64)
    pred = np.asarray(convert_to_tensor(predictions)).reshape(-1).astype(np.int64)
    if lab.shape != pred.shape:
        raise ValueError(f"labels and predictions must have the same size, got "
                         f"{lab.size} and {pred.size}")
    for what, v in (("labels", lab), ("predictions", pred)):
        if v.size and v.min() < 0:
            raise errors.InvalidArgumentError(f"`{what}` contains negative values.")
    if num_classes is None:
        n = int(max(lab.max(initial=-1), pred.max(initial=-1))) + 1
    else:
        n = _optional_int(num_classes)
        for what, v in (("labels", lab), ("predictions", pred)):
            if v.size and v.max() >= n:
                raise errors.InvalidArgumentError(f"`{what}` out of bound")
    out_dtype = np.dtype(dtypes.as_dtype(dtype).as_numpy_dtype)
    out = np.zeros((n, n), dtype=out_dtype)
    w = 1 if weights is None else np.asarray(convert_to_tensor(weights)).reshape(-1)
    np.add.at(out, (lab, pred), w)
    return _engine.wrap(out)


def _histogram_bins(values, value_range, nbins, op):
    v = np.asarray(convert_to_tensor(values))
    lo_hi = np.asarray(convert_to_tensor(value_range)).astype(np.float64)
    nbins = _optional_int(nbins)
    if lo_hi.shape != (2,):
        raise errors.InvalidArgumentError(
            f"value_range should be a vector of 2 elements, got shape {list(lo_hi.shape)} "
            f"[Op:{op}]")
    if nbins <= 0:
        raise errors.InvalidArgumentError(f"nbins should be a positive number, but got "
                                          f"'{nbins}' [Op:{op}]")
    lo, hi = lo_hi
    if not lo < hi:
        raise errors.InvalidArgumentError(
            f"value_range should satisfy value_range[0] < value_range[1], but got "
            f"'[{lo:g}, {hi:g}]' [Op:{op}]")
    if v.dtype.kind == "f" and np.isnan(v).any():
        raise errors.InvalidArgumentError(f"Histogram values must not contain NaN [Op:{op}]")
    scaled = (v.astype(np.float64) - lo) / (hi - lo) * nbins
    return np.clip(np.floor(scaled), 0, nbins - 1).astype(np.int64), nbins


@export("")
def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """Counts of `values` in `nbins` equal bins spanning value_range = [lo, hi]; values
    below lo go to the first bin and values at or above hi to the last."""
    bins, nbins = _histogram_bins(values, value_range, nbins, "HistogramFixedWidth")
    counts = np.bincount(bins.reshape(-1), minlength=nbins)
    return _engine.wrap(counts.astype(dtypes.as_dtype(dtype).as_numpy_dtype))


@export("")
def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32,
                               name=None):
    """The bin of each value, as `histogram_fixed_width` assigns them (values' shape)."""
    bins, _ = _histogram_bins(values, value_range, nbins, "HistogramFixedWidthBins")
    return _engine.wrap(bins.astype(dtypes.as_dtype(dtype).as_numpy_dtype))

