"""Reductions over axes: sums, means, extrema, products, logsumexp, moments, logic,
arg-extrema.

`axis` may be None (all axes), an int (negative counts from the end), a list or tuple,
or an int tensor; duplicates and out-of-range axes raise InvalidArgumentError. The
public functions canonicalise it once, so forwards and rules see a sorted tuple of
non-negative axes, plus the input shape the rule needs to broadcast the gradient back.

Gradient conventions follow TensorFlow: reduce_max/reduce_min share the gradient
equally among tied extrema; reduce_prod's gradient is the product of the *other*
elements, computed without division so that zeros are exact (and so are its
derivatives); reduce_logsumexp's gradient is the max-shifted softmax. reduce_std and
reduce_variance use the population formula (divide by N) and are built from other ops.
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.ops._registry import defop, export
from fasttape.ops.elementwise import abs as _abs
from fasttape.ops.elementwise import exp, sqrt, square

_AXES = {}       # (axis, rank) -> canonical axes, for the hashable common forms


def canonical_axes(axis, rank):
    """A sorted tuple of non-negative axes for `axis` over a tensor of `rank`."""
    kind = type(axis)
    if axis is None or kind is int or (kind is tuple and all([type(a) is int for a in axis])):
        key = (axis, rank)
        axes = _AXES.get(key)
        if axes is None:
            axes = _canonical_axes(axis, rank)       # raises for bad axes: never cached
            if len(_AXES) < 4096:
                _AXES[key] = axes
        return axes
    return _canonical_axes(axis, rank)


def _canonical_axes(axis, rank):
    if axis is None:
        return tuple(range(rank))
    if isinstance(axis, _TensorLike):
        axis = np.asarray(axis)
    if isinstance(axis, (bool, int, np.integer)):
        axes = [int(axis)]
    else:
        arr = np.asarray(axis)
        if arr.size and arr.dtype.kind not in "iub":
            raise TypeError(f"Cannot convert {axis!r} to EagerTensor of dtype int32")
        axes = [int(a) for a in arr.ravel()]
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise errors.InvalidArgumentError(
                f"Invalid reduction dimension ({a} for input with {rank} dimension(s)")
        a %= rank
        if a in out:
            raise errors.InvalidArgumentError(
                f"Invalid reduction arguments: Axes contains duplicate dimension: {a}")
        out.append(a)
    return tuple(sorted(out))


def kept_shape(in_shape, axes):
    """The shape of a keepdims reduction of `in_shape` over `axes`."""
    return tuple(1 if i in axes else d for i, d in enumerate(in_shape))


def _reduced_rank(in_shape, axes, keepdims):
    """The rank of a reduction's output (and so of its gradient, unstacked)."""
    return len(in_shape) - (0 if keepdims else len(axes))


@defop(public=False, batches=True)
def _unreduce_op(g, axes=None, keepdims=False, in_shape=None, scale=None):
    # leading axes beyond the reduced shape are stacked cotangents (jacobians)
    lead = g.shape[:g.ndim - _reduced_rank(in_shape, axes, keepdims)]
    kept = g.reshape(lead + kept_shape(in_shape, axes))
    out = np.empty(lead + tuple(in_shape), dtype=g.dtype)       # filled by broadcasting
    if scale is None:
        out[...] = kept
    else:
        np.multiply(kept, scale, out=out, dtype=g.dtype)
    return out


@_unreduce_op.defvjp
def _unreduce_op_vjp(gg, axes, keepdims, in_shape, scale):
    # the adjoint of a broadcast is a sum over the broadcast axes (then scaled)
    lead = gg._value.ndim - len(in_shape)
    total = reduce_sum(gg, axis=[a + lead for a in axes], keepdims=keepdims)
    return total if scale is None else total * scale


def _unreduce(g, axes, keepdims, in_shape, scale=None):
    """Broadcast a reduced gradient back over the reduced axes (times `scale`), as one
    recorded op."""
    return _engine.apply(_unreduce_op.op, (g,), (axes, bool(keepdims), tuple(in_shape), scale))


def _reduction(op, input_tensor, axis, keepdims):
    x = convert_to_tensor(input_tensor)
    in_shape = x._value.shape
    axes = canonical_axes(axis, len(in_shape))
    return _engine.apply(op, (x,), (axes, bool(keepdims), in_shape))


def _refuse(x, kinds, op_name):
    """TF's error for a dtype the reduction kernel does not have."""
    if x.dtype.kind not in kinds:
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {dtypes.from_numpy(x.dtype).name} is not in the list of "
            f"allowed values [Op:{op_name}]")


# --- sum and mean ------------------------------------------------------------------------

@defop(public=False, batches=True)
def _sum(x, axes=None, keepdims=False, in_shape=None):
    _refuse(x, "iufc", "Sum")
    # dtype=: numpy would widen int32 sums to int64; TF keeps the input dtype
    return np.add.reduce(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


@_sum.defvjp
def _sum_vjp(g, axes, keepdims, in_shape):
    return _unreduce(g, axes, keepdims, in_shape)


@export("", "math")
def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements across `axis` (all axes by default).

    >>> reduce_sum([[1., 2.], [3., 4.]], axis=0)
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([4., 6.], dtype=float32)>
    """
    return _reduction(_sum.op, input_tensor, axis, keepdims)


@defop(public=False, batches=True)
def _mean(x, axes=None, keepdims=False, in_shape=None):
    _refuse(x, "iufc", "Mean")
    count = int(np.prod([x.shape[a] for a in axes]))
    total = np.add.reduce(x, axis=axes, keepdims=keepdims)
    if x.dtype.kind in "iu":
        # integer mean truncates toward zero, as TF's does; TF gives 0 for an empty one
        if count == 0:
            return np.zeros_like(total, dtype=x.dtype)
        return (np.abs(total) // count * np.sign(total)).astype(x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.true_divide(total, count).astype(x.dtype, copy=False)


@_mean.defvjp
def _mean_vjp(g, axes, keepdims, in_shape):
    count = int(np.prod([in_shape[a] for a in axes]))
    return _unreduce(g, axes, keepdims, in_shape, 1.0 / count if count else np.nan)


@export("", "math")
def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean of elements across `axis`; integer tensors give a truncated integer mean.

    >>> reduce_mean([[1., 2.], [3., 4.]], axis=1)
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([1.5, 3.5], dtype=float32)>
    """
    return _reduction(_mean.op, input_tensor, axis, keepdims)


# --- max and min -------------------------------------------------------------------------

def _extreme(x, axes, keepdims, np_fn, op_name, lowest):
    _refuse(x, "iuf", op_name)
    # `initial` is TF's value for an empty reduction: -inf / +inf, or the integer limit.
    # (ufunc.reduce rather than np.max: numpy's warnings are then ours, and filtered.)
    if x.dtype.kind == "f":
        start = -np.inf if lowest else np.inf
    else:
        info = np.iinfo(x.dtype)
        start = info.min if lowest else info.max
    return np_fn(x, axis=axes, keepdims=keepdims, initial=start)


def _extreme_vjp(g, x, ans, axes, keepdims, in_shape):
    return _engine.apply(_extreme_grad.op, (g, x, ans), (axes, keepdims, tuple(in_shape)))


def _shares(x, ans, axes, in_shape):
    """Each tied extremum's equal share (numpy); a nan extremum ties with nothing, so
    the share is 0/0 = nan everywhere, as in TF."""
    hits = x == np.reshape(ans, kept_shape(in_shape, axes))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.true_divide(hits, hits.sum(axis=axes, keepdims=True), dtype=x.dtype)


@defop(public=False, same_dtype=False, batches=True)
def _extreme_grad(g, x, ans, axes=None, keepdims=False, in_shape=None):
    # the gradient of max/min: g, split equally among the tied extrema (one op); axes
    # of g before the reduced shape are stacked cotangents (jacobians)
    lead = g.shape[:g.ndim - _reduced_rank(in_shape, axes, keepdims)]
    return _shares(x, ans, axes, in_shape) * np.reshape(g, lead + kept_shape(in_shape, axes))


@_extreme_grad.defvjp
def _extreme_grad_vjp(gg, x, ans, axes, keepdims, in_shape):
    # linear in g; piecewise constant in x and the extremum (no gradient path there)
    # the shares as an op (the forward on ones), so that a traced function recomputes them
    ones = _engine.wrap(np.ones(kept_shape(in_shape, axes), x.dtype.as_numpy_dtype))
    share = _engine.apply(_extreme_grad.op, (ones, x, ans), (axes, True, in_shape))
    lead = gg._value.ndim - len(in_shape)
    total = reduce_sum(gg * share, axis=[a + lead for a in axes], keepdims=keepdims)
    return total, None, None


@defop(public=False, batches=True)
def _max(x, axes=None, keepdims=False, in_shape=None):
    return _extreme(x, axes, keepdims, np.maximum.reduce, "Max", lowest=True)


@_max.defvjp
def _max_vjp(g, x, ans, axes, keepdims, in_shape):
    return _extreme_vjp(g, x, ans, axes, keepdims, in_shape)


@export("", "math")
def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum of elements across `axis` (all axes by default).

    nan propagates; an empty reduction gives -inf (floats) or the dtype's minimum
    (integers). The gradient is split equally among tied maxima.

    >>> reduce_max([[1., 5.], [4., 2.]], axis=0)
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([4., 5.], dtype=float32)>
    """
    return _reduction(_max.op, input_tensor, axis, keepdims)


@defop(public=False, batches=True)
def _min(x, axes=None, keepdims=False, in_shape=None):
    return _extreme(x, axes, keepdims, np.minimum.reduce, "Min", lowest=False)


@_min.defvjp
def _min_vjp(g, x, ans, axes, keepdims, in_shape):
    return _extreme_vjp(g, x, ans, axes, keepdims, in_shape)


@export("", "math")
def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum of elements across `axis` (all axes by default).

    nan propagates; an empty reduction gives +inf (floats) or the dtype's maximum
    (integers). The gradient is split equally among tied minima.

    >>> reduce_min([[1., 5.], [4., 2.]], axis=1)
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    """
    return _reduction(_min.op, input_tensor, axis, keepdims)


# --- product -----------------------------------------------------------------------------

@defop(public=False, batches=True, holomorphic=True)
def _prod(x, axes=None, keepdims=False, in_shape=None):
    _refuse(x, "iufc", "Prod")
    return np.multiply.reduce(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


@_prod.defvjp
def _prod_vjp(g, x, axes, keepdims, in_shape):
    # d prod / dx_i = the product of the other elements (exact at zeros: no division)
    if not axes:
        return g
    return _unreduce(g, axes, keepdims, in_shape) * _product_of_others(x, axes)


@export("", "math")
def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product of elements across `axis` (all axes by default); 1 for an empty one.

    The gradient at x_i is the product of the other elements, so it stays exact where
    elements are 0 (one zero: only that element gets a nonzero gradient; two: none
    does), and so do higher derivatives.

    >>> reduce_prod([2., 0., 4.])
    <fasttape.Tensor: shape=(), dtype=float32, numpy=0.0>
    """
    return _reduction(_prod.op, input_tensor, axis, keepdims)


@defop(public=False)
def _shift(x, axis=0, k=1, fill=1):
    """`x` moved `k` places along `axis` (backwards for k < 0), vacated places = fill."""
    n = x.shape[axis]
    out = np.full_like(x, fill)
    k = max(-n, min(n, k))
    lead = (slice(None),) * axis
    if k >= 0:
        out[lead + (slice(k, None),)] = x[lead + (slice(0, n - k),)]
    else:
        out[lead + (slice(0, n + k),)] = x[lead + (slice(-k, None),)]
    return out


@_shift.defvjp
def _shift_vjp(g, axis, k):
    # the adjoint moves the other way; what was shifted out receives nothing
    return _engine.apply(_shift.op, (g,), (axis, -k, 0))


def _exclusive_cumprod(x, axis, reverse):
    """prod_{j<i} x_j along `axis` (j > i when reversed): a log-depth scan of multiplies.

    Built from recorded multiplies and shifts, so every derivative is exact at zeros.
    """
    step = -1 if reverse else 1
    n = x.shape[axis]
    y = _engine.apply(_shift.op, (x,), (axis, step, 1))
    span = 1                    # y_i holds the product of the `span` elements before i
    while span < n - 1:
        y = y * _engine.apply(_shift.op, (y,), (axis, step * span, 1))
        span *= 2
    return y


def _product_of_others(x, axes):
    """For each element, the product of the other elements of its reduction block."""
    axis, rest = axes[0], axes[1:]
    others = _exclusive_cumprod(x, axis, False) * _exclusive_cumprod(x, axis, True)
    if rest:
        # the other rows of the block: products along `axis`, then the others of those
        rows = reduce_prod(x, axis=axis, keepdims=True)
        others = others * _product_of_others(rows, rest)
    return others


# --- logsumexp ---------------------------------------------------------------------------

def _finite_max(x, axes):
    """The max over `axes` (kept), or 0 where it is not finite: the logsumexp shift."""
    m = np.maximum.reduce(x, axis=axes, keepdims=True, initial=-np.inf)
    return np.where(np.isfinite(m), m, 0).astype(x.dtype, copy=False)


@defop(public=False, differentiable=False)
def _shift_point(x, axes=None):
    # no rule: the shift is a constant, as the value does not depend on it
    return _finite_max(x, axes)


@defop(public=False, float_only=True, batches=True)
def _logsumexp(x, axes=None, keepdims=False, in_shape=None):
    m = _finite_max(x, axes)
    total = np.add.reduce(np.exp(x - m), axis=axes, keepdims=keepdims)
    return np.log(total) + (m if keepdims else m.reshape(total.shape))


@_logsumexp.defvjp
def _logsumexp_vjp(g, x, axes, keepdims, in_shape):
    # softmax, max-shifted like the forward: exactly 1/n for n equal large inputs
    e = exp(x - _engine.apply(_shift_point.op, (x,), (axes,)))
    return _unreduce(g, axes, keepdims, in_shape) / reduce_sum(e, axis=axes, keepdims=True) * e


@export("", "math")
def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) across `axis`, computed stably by shifting by the max.

    The gradient is the softmax of the input along `axis` (shifted the same way), so
    it stays exact for large inputs: [1000, 1000] gives [0.5, 0.5].

    >>> reduce_logsumexp([1000., 1000.]).numpy()
    np.float32(1000.6932)
    """
    return _reduction(_logsumexp.op, input_tensor, axis, keepdims)


# --- moments -----------------------------------------------------------------------------

@export("math")
def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance (divide by N) across `axis`.

    Complex inputs give a real result. Built from recorded ops, so it differentiates to
    any order.

    Raises:
        TypeError: for integer inputs.

    >>> reduce_variance([[1., 3.], [2., 6.]], axis=1)
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([1., 4.], dtype=float32)>
    """
    x = convert_to_tensor(input_tensor)
    if x.dtype.is_integer:
        raise TypeError(f"Input must be either real or complex. Received integer type "
                        f"{x.dtype}.")
    deviation = x - reduce_mean(x, axis=axis, keepdims=True)
    if x.dtype.is_complex:
        deviation = _abs(deviation)
    return reduce_mean(square(deviation), axis=axis, keepdims=keepdims)


@export("math")
def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation (sqrt of `reduce_variance`) across `axis`.

    Its gradient is nan where the deviation is 0 everywhere (a constant input), as in TF.

    Raises:
        TypeError: for integer inputs.

    >>> reduce_std([[1., 2.], [3., 5.]], axis=1)
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([0.5, 1. ], dtype=float32)>
    """
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


# --- logic -------------------------------------------------------------------------------

_KERNEL_NAMES = {"float16": "half", "float32": "float", "float64": "double"}


def _require_bool(x, op_name):
    if x.dtype != np.bool_:
        name = dtypes.from_numpy(x.dtype).name
        kind = _KERNEL_NAMES.get(name, name)
        raise errors.InvalidArgumentError(
            f"cannot compute {op_name} as input #0(zero-based) was expected to be a bool "
            f"tensor but is a {kind} tensor [Op:{op_name}]")


@defop(public=False, differentiable=False)
def _all(x, axes=None, keepdims=False, in_shape=None):
    _require_bool(x, "All")
    return np.logical_and.reduce(x, axis=axes, keepdims=keepdims)


@export("", "math")
def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Logical AND across `axis` of a bool tensor; True for an empty one.

    >>> reduce_all([[True, False], [True, True]], axis=1)
    <fasttape.Tensor: shape=(2,), dtype=bool, numpy=array([False,  True])>
    """
    return _reduction(_all.op, input_tensor, axis, keepdims)


@defop(public=False, differentiable=False)
def _any(x, axes=None, keepdims=False, in_shape=None):
    _require_bool(x, "Any")
    return np.logical_or.reduce(x, axis=axes, keepdims=keepdims)


@export("", "math")
def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Logical OR across `axis` of a bool tensor; False for an empty one.

    >>> reduce_any([[True, False], [False, False]], axis=1)
    <fasttape.Tensor: shape=(2,), dtype=bool, numpy=array([ True, False])>
    """
    return _reduction(_any.op, input_tensor, axis, keepdims)


# --- argmax and argmin -------------------------------------------------------------------

_INDEX_TYPES = (dtypes.int16, dtypes.uint16, dtypes.int32, dtypes.int64)


def _arg_extreme(x, axis, out_dtype, largest, op_name):
    if x.dtype.kind == "c":
        _refuse(x, "", op_name)
    if x.shape[axis] == 0:
        raise errors.InvalidArgumentError(
            f"Reduction axis {axis} is empty in shape {list(x.shape)} [Op:{op_name}]")
    if x.dtype.kind == "f":
        # TF's kernel compares with > (<), so nan never wins; the first index if all are
        x = np.where(np.isnan(x), -np.inf if largest else np.inf, x)
    index = np.argmax(x, axis=axis) if largest else np.argmin(x, axis=axis)
    return index.astype(out_dtype)


@defop(public=False, same_dtype=False, differentiable=False)
def _argmax(x, axis=0, out_dtype=None):
    return _arg_extreme(x, axis, out_dtype, True, "ArgMax")


@defop(public=False, same_dtype=False, differentiable=False)
def _argmin(x, axis=0, out_dtype=None):
    return _arg_extreme(x, axis, out_dtype, False, "ArgMin")


def _arg_reduction(op, op_name, input, axis, output_type):  # noqa: A002 - TF's name
    x = convert_to_tensor(input)
    rank = len(x.shape)
    if axis is None:
        axis = 0
    if isinstance(axis, _TensorLike):
        if axis.shape.rank != 0 or not axis.dtype.is_integer:
            raise TypeError("axis must be int or Tensor with integer datatype")
        axis = int(np.asarray(axis))
    elif isinstance(axis, (bool, int, np.integer)):
        axis = int(axis)
    else:
        raise TypeError("axis must be int or Tensor with integer datatype")
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"Expected dimension in the range [{-rank}, {rank}), but got {axis} "
            f"[Op:{op_name}]")
    output_type = dtypes.as_dtype(output_type)
    if output_type not in _INDEX_TYPES:
        raise errors.InvalidArgumentError(
            f"Value for attr 'output_type' of {output_type.name} is not in the list of "
            f"allowed values: int16, uint16, int32, int64")
    return _engine.apply(op, (x,), (axis % rank, np.dtype(output_type.as_numpy_dtype)))


@export("", "math")
def argmax(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002 - TF's name
    """Index of the largest value along `axis` (0 when None); the first one at ties.

    nan values are skipped (index 0 if a slice holds only nan). Returns `output_type`
    (int64 by default; int32, int16 or uint16 also work). No gradient.

    Raises:
        TypeError: if `axis` is not an int or a scalar int tensor.
        InvalidArgumentError: for an axis out of range or an empty reduction axis.

    >>> argmax([[1., 5., 3.], [4., 2., 6.]], axis=1)
    <fasttape.Tensor: shape=(2,), dtype=int64, numpy=array([1, 2])>
    """
    return _arg_reduction(_argmax.op, "ArgMax", input, axis, output_type)


@export("", "math")
def argmin(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002 - TF's name
    """Index of the smallest value along `axis` (0 when None); the first one at ties.

    Same conventions as `argmax`.

    >>> argmin([[1., 5., 3.], [4., 2., 6.]], axis=1)
    <fasttape.Tensor: shape=(2,), dtype=int64, numpy=array([0, 1])>
    """
    return _arg_reduction(_argmin.op, "ArgMin", input, axis, output_type)


# Forward mode: these are linear in their input, so each is its own JVP.
for _op in (_unreduce_op, _sum, _mean):
    _op.defjvp_linear()
