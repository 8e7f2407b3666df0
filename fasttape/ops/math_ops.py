"""Math ops beyond the elementwise basics: rounding, erf, safe divisions, softplus and
friends, norms and cumulative scans.

TensorFlow's conventions, checked against TF 2.21:

* round, floor, ceil and rint are piecewise constant and have no gradient (None).
  round rounds half to even and returns integer tensors unchanged.
* divide_no_nan, xlogy and xdivy are 0 where the divisor (divide_no_nan) or x (xlogy,
  xdivy) is 0, whatever the other operand, and so are their gradients there.
* softplus and log_sigmoid use TF's thresholds and, like TF's CPU kernels (which run
  with flush-to-zero), return 0 instead of subnormal numbers: softplus(-100.) is 0 with
  gradient 0, log_sigmoid(100.) is -0.0 with gradient 0.
* norm composes recorded ops exactly as TF does, so its edge gradients are TF's: nan
  for the euclidean norm of a zero vector, ties of the inf-norm split evenly.
* cumprod's gradient is exact where an element is 0 (TF's divides and gives 0 at the
  first zero of each scan; see docs/api/math.md).
"""

import math

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape._engine import _TensorLike
from fasttape.indexed_slices import IndexedSlices
from fasttape.ops import elementwise as ew
from fasttape.ops._registry import defop, export
from fasttape.ops.complex_ops import conj
from fasttape.ops.reductions import canonical_axes, kept_shape, reduce_max, reduce_sum
from fasttape.ops.shape import reshape

try:        # optional: a vectorised erf; math.erf element by element otherwise
    from scipy import special as _special
except ImportError:  # pragma: no cover - depends on the environment
    _special = None

def _flush_subnormal(a):
    """Zero the subnormal values of a float array, as TF's flush-to-zero CPU kernels do
    (keeping the sign, so -tiny becomes -0.0)."""
    small = np.abs(a) < np.finfo(a.dtype).tiny
    small &= a != 0
    if small.any():
        a = np.where(small, a * 0, a)
    return a


def _not_allowed(dtype, op):
    return errors.InvalidArgumentError(
        f"Value for attr 'T' of {dtypes.from_numpy(dtype).name} is not in the list of "
        f"allowed values [Op:{op}]")


# --- rounding: no gradient ----------------------------------------------------------

@defop(name="round", namespaces=("", "math"), differentiable=False)
def round(x):  # noqa: A001 - TF's name
    """Round to the nearest integer, halves to even; integer tensors come back unchanged.

    No gradient (None), as in TF.

    >>> round([0.5, 1.5, 2.5, -1.5])
    <fasttape.Tensor: shape=(4,), dtype=float32, numpy=array([ 0.,  2.,  2., -2.], dtype=float32)>
    """
    if x.dtype == np.bool_:
        raise _not_allowed(x.dtype, "Round")
    return x if x.dtype.kind in "iu" else np.round(x)


@defop(float_only=True, namespaces=("", "math"), differentiable=False)
def floor(x):
    """The largest integer not greater than x (float tensors only); no gradient."""
    return np.floor(x)


@defop(float_only=True, namespaces=("math",), differentiable=False)
def ceil(x):
    """The smallest integer not less than x (float tensors only); no gradient."""
    return np.ceil(x)


@defop(float_only=True, namespaces=("math",), differentiable=False)
def rint(x):
    """Round to the nearest integer, halves to even (float tensors only); no gradient."""
    return np.rint(x)


@defop(float_only=True, namespaces=("math",), differentiable=False)
def is_nan(x):
    """Elementwise x != x (bool)."""
    return np.isnan(x)


@defop(float_only=True, namespaces=("math",), differentiable=False)
def is_inf(x):
    """Elementwise |x| == inf (bool)."""
    return np.isinf(x)


@defop(float_only=True, namespaces=("math",), differentiable=False)
def is_finite(x):
    """Elementwise: neither nan nor infinite (bool)."""
    return np.isfinite(x)


# --- error function -----------------------------------------------------------------

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_MATH_ERF = {"erf": np.frompyfunc(math.erf, 1, 1), "erfc": np.frompyfunc(math.erfc, 1, 1)}


def _erf_array(x, which):
    if _special is not None:
        out = np.asarray(getattr(_special, which)(x), dtype=x.dtype)
    else:
        out = np.asarray(_MATH_ERF[which](x), dtype=x.dtype)
    return _flush_subnormal(out)


@defop(float_only=True, batches=True, namespaces=("math",))
def erf(x):
    """The Gauss error function, 2/sqrt(pi) * integral from 0 to x of exp(-t**2)."""
    return _erf_array(x, "erf")


@erf.defvjp
def _erf_vjp(g, x):  # d erf = 2/sqrt(pi) exp(-x^2)
    return g * (_TWO_OVER_SQRT_PI * ew.exp(-ew.square(x)))


@defop(float_only=True, batches=True, namespaces=("math",))
def erfc(x):
    """The complementary error function 1 - erf(x), accurate where erf(x) is near 1."""
    return _erf_array(x, "erfc")


@erfc.defvjp
def _erfc_vjp(g, x):  # d erfc = -2/sqrt(pi) exp(-x^2)
    return g * (-_TWO_OVER_SQRT_PI * ew.exp(-ew.square(x)))


# --- differences and safe divisions -------------------------------------------------

@defop(broadcasts=True, batches=True, namespaces=("math",))
def squared_difference(x, y):
    """(x - y) ** 2, elementwise with broadcasting (float, int32 and int64 tensors)."""
    if x.dtype.kind not in "fc" and x.dtype not in (np.int32, np.int64):
        raise _not_allowed(x.dtype, "SquaredDifference")
    d = np.subtract(x, y)
    return d * np.conj(d) if d.dtype.kind == "c" else d * d      # TF: |x - y|^2 for complex


@squared_difference.defvjp
def _squared_difference_vjp(g, x, y, needs):
    gx = (2 * g) * (x - y)
    return (gx if needs[0] else None), (-gx if needs[1] else None)


@defop(broadcasts=True, public=False, batches=True, holomorphic=True)
def _div_no_nan(x, y):
    if x.dtype.kind not in "fc":
        raise _not_allowed(x.dtype, "DivNoNan")
    return np.where(y == 0, np.zeros((), x.dtype), np.true_divide(x, y))


@_div_no_nan.defvjp
def _div_no_nan_vjp(g, x, y, needs):
    # d(x/y) = dx/y - x dy/y^2, each term 0 where y == 0
    gx = divide_no_nan(g, y) if needs[0] else None
    gy = g * divide_no_nan(divide_no_nan(-x, y), y) if needs[1] else None
    return gx, gy


# Integer operands are divided in floating point, with TF's truediv dtypes.
_QUOTIENT_DTYPE = {
    np.dtype(np.int8): np.float32, np.dtype(np.uint8): np.float32,
    np.dtype(np.int16): np.float32, np.dtype(np.uint16): np.float32,
    np.dtype(np.int32): np.float64, np.dtype(np.uint32): np.float64,
    np.dtype(np.int64): np.float64, np.dtype(np.uint64): np.float64,
}


@export("math")
def divide_no_nan(x, y, name=None):
    """x / y, but 0 wherever y is 0 (even for x = inf or nan); its gradients are 0 there.

    Integer operands are divided as floats (int32 / int32 gives float64, as in TF).

    Raises:
        TypeError: x and y are tensors of different dtypes.

    >>> divide_no_nan([1., 3.], [0., 2.])
    <fasttape.Tensor: shape=(2,), dtype=float32, numpy=array([0. , 1.5], dtype=float32)>
    """
    x, y = convert_inputs((x, y))
    if x.dtype != y.dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != "
                        f"{y.dtype!r}.")
    quotient = _QUOTIENT_DTYPE.get(np.dtype(x.dtype.as_numpy_dtype))
    if quotient is not None:
        x, y = ew.cast(x, quotient), ew.cast(y, quotient)
    return _engine.apply(_div_no_nan.op, (x, y), ())


@defop(float_only=True, broadcasts=True, batches=True, namespaces=("math",))
def xlogy(x, y):
    """x * log(y), and 0 wherever x is 0 (even for y = 0 or nan)."""
    return np.where(x == 0, np.zeros((), x.dtype), x * np.log(y))


@xlogy.defvjp
def _xlogy_vjp(g, x, y, needs):
    # d/dx = log(y) and d/dy = x/y, both 0 where x == 0 (TF's convention)
    gx = gy = None
    if needs[0]:
        gx = g * xlogy(ew.cast(ew.not_equal(x, 0), x.dtype), y)
    if needs[1]:
        gy = g * xdivy(x, y)
    return gx, gy


@defop(float_only=True, broadcasts=True, batches=True, namespaces=("math",))
def xdivy(x, y):
    """x / y, and 0 wherever x is 0 (even for y = 0)."""
    return np.where(x == 0, np.zeros((), x.dtype), np.true_divide(x, y))


@xdivy.defvjp
def _xdivy_vjp(g, x, y, needs):
    # d/dx = 1/y and d/dy = -x/y^2, both 0 where x == 0
    gx = gy = None
    if needs[0]:
        gx = g * xdivy(ew.cast(ew.not_equal(x, 0), x.dtype), y)
    if needs[1]:
        gy = g * xdivy(-x, ew.square(y))
    return gx, gy


# --- softplus and friends -----------------------------------------------------------

def _softplus_array(x):
    # TF's kernel: x above -t, exp(x) below t, log1p(exp(x)) between, t = log(eps) + 2
    threshold = np.log(np.finfo(x.dtype).eps) + 2
    e = np.exp(x)
    out = np.where(x > -threshold, x, np.where(x < threshold, e, np.log1p(e)))
    return _flush_subnormal(out.astype(x.dtype, copy=False))


@defop(float_only=True, batches=True, namespaces=("math", "nn"))
def softplus(features):
    """log(exp(features) + 1), without overflow: softplus(100.) is 100 with gradient 1,
    softplus(-100.) is 0 with gradient 0.

    >>> softplus([-100., 0., 100.]).numpy()
    array([  0.       ,   0.6931472, 100.       ], dtype=float32)
    """
    return _softplus_array(features)


@softplus.defvjp
def _softplus_vjp(g, features):  # d softplus = sigmoid
    return g * _flushed_sigmoid(features)


@defop(float_only=True, public=False, batches=True)
def _flushed_sigmoid(x):
    """sigmoid(x) with subnormal results flushed to 0, as TF computes softplus' and
    log_sigmoid's gradients: exactly 0 at x = -100 in float32."""
    return _flush_subnormal(ew._sigmoid_array(x))


@_flushed_sigmoid.defvjp
def _flushed_sigmoid_vjp(g, ans):
    return g * ans * (1 - ans)


@defop(float_only=True, batches=True, namespaces=("math",))
def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), without overflow: log_sigmoid(-100.) is -100 with
    gradient 1, log_sigmoid(100.) is -0.0 with gradient 0."""
    return -_softplus_array(-x)


@log_sigmoid.defvjp
def _log_sigmoid_vjp(g, x):  # d log sigmoid(x) = sigmoid(-x)
    return g * _flushed_sigmoid(-x)


@defop(float_only=True, batches=True, namespaces=("math", "nn"))
def softsign(features):
    """features / (1 + |features|)."""
    return features / (1 + np.abs(features))


@softsign.defvjp
def _softsign_vjp(g, features):
    return g / ew.square(1 + ew.abs(features))


@defop(float_only=True, namespaces=("nn",))
def l2_loss(t):
    """sum(t ** 2) / 2, a scalar of t's dtype (tf.nn.l2_loss)."""
    return np.asarray(np.sum(np.square(t)) * 0.5, dtype=t.dtype)


@l2_loss.defvjp
def _l2_loss_vjp(g, t):
    return g * t


# --- cumulative sums and products ---------------------------------------------------

def _scan(x, ufunc, identity, axis, exclusive, reverse, op_name):
    if x.dtype == np.bool_:
        raise _not_allowed(x.dtype, op_name)
    if reverse:
        x = np.flip(x, axis)
    out = ufunc.accumulate(x, axis=axis, dtype=x.dtype)
    if exclusive and out.shape[axis]:
        # shift one step along the scan: element i gets the scan of elements before i
        head = [slice(None)] * out.ndim
        head[axis] = slice(0, 1)
        body = list(head)
        body[axis] = slice(None, -1)
        out = np.concatenate([np.full_like(out[tuple(head)], identity), out[tuple(body)]],
                             axis=axis)
    return np.flip(out, axis) if reverse else out


@defop(public=False, batches=True)
def _cumsum(x, axis=-1, exclusive=False, reverse=False):
    return _scan(x, np.add, 0, axis, exclusive, reverse, "Cumsum")


@_cumsum.defvjp
def _cumsum_vjp(g, axis, exclusive, reverse):
    # each input feeds the outputs after it, so the gradient is the scan the other way
    return _engine.apply(_cumsum.op, (g,), (axis, exclusive, not reverse))


@defop(public=False)
def _cumprod(x, axis=-1, exclusive=False, reverse=False):
    return _scan(x, np.multiply, 1, axis, exclusive, reverse, "Cumprod")


@_cumprod.defvjp
def _cumprod_vjp(g, x, ans, axis, exclusive, reverse):
    # d/dx_k sum_i g_i y_i is the product of the other factors, summed over the outputs
    # x_k feeds: sum (g_i y_i) / x_k where x_k != 0. At a zero that term is recomputed
    # with that factor replaced by 1; it is only nonzero at the first zero of a scan.
    later = (axis, exclusive, not reverse)
    grad = divide_no_nan(_engine.apply(_cumsum.op, (g * ans,), later), x)
    if not np.any(np.asarray(x) == 0):      # a value test, nothing recorded
        return grad
    zero = ew.equal(x, 0)
    zeros_before = _engine.apply(_cumsum.op, (ew.cast(zero, x.dtype),), (axis, True, reverse))
    first_zero = ew.logical_and(zero, ew.equal(zeros_before, 0))
    skipped = _engine.apply(_cumprod.op, (ew.where(first_zero, ew.ones_like(x), x),),
                            (axis, exclusive, reverse))
    at_zero = _engine.apply(_cumsum.op, (g * skipped,), later)
    return ew.where(first_zero, at_zero, grad)


def _scan_args(x, axis, exclusive, reverse, op_name):
    x = convert_to_tensor(x)
    if isinstance(axis, _TensorLike):
        arr = np.asarray(axis)
        if arr.ndim:
            raise errors.InvalidArgumentError(
                f"ScanOp: axis must be a scalar, not {list(arr.shape)} [Op:{op_name}]")
        axis = arr.item()
    elif isinstance(axis, (list, tuple)):
        raise errors.InvalidArgumentError(
            f"ScanOp: axis must be a scalar, not [{len(axis)}] [Op:{op_name}]")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"Cannot convert {axis!r} to EagerTensor of dtype int32")
    for flag, value in (("exclusive", exclusive), ("reverse", reverse)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"Expected bool for argument '{flag}' not {value!r}.")
    rank = len(x.shape)
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            f"ScanOp: Expected scan axis in the range [{-rank}, {rank}), but got {axis} "
            f"[Op:{op_name}]")
    # a negative axis, so that rules also apply to stacked (batched) cotangents
    return x, (int(axis) - rank if axis >= 0 else int(axis), bool(exclusive), bool(reverse))


@export("", "math")
def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along `axis`.

    Args:
        x: A numeric tensor (not bool) of rank >= 1.
        axis: A Python int or scalar int tensor in [-rank, rank).
        exclusive: If True, element i sums the elements before i (the first is 0).
        reverse: If True, sum from the end of the axis.
        name: Ignored.

    Returns:
        A tensor of x's shape and dtype (integers wrap on overflow, as in TF).

    >>> cumsum([1., 2., 3.], exclusive=True)
    <fasttape.Tensor: shape=(3,), dtype=float32, numpy=array([0., 1., 3.], dtype=float32)>
    """
    x, attrs = _scan_args(x, axis, exclusive, reverse, "Cumsum")
    return _engine.apply(_cumsum.op, (x,), attrs)


@export("math")
def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along `axis`; `exclusive` and `reverse` as in `cumsum`
    (an exclusive product starts at 1). Its gradient is exact at zeros."""
    x, attrs = _scan_args(x, axis, exclusive, reverse, "Cumprod")
    return _engine.apply(_cumprod.op, (x,), attrs)


# --- norms --------------------------------------------------------------------------

@defop(public=False)
def _euclidean_norm(x, axes=(), keepdims=False):
    if x.dtype == np.bool_:
        raise _not_allowed(x.dtype, "EuclideanNorm")
    squares = x * np.conj(x) if x.dtype.kind == "c" else x * x      # |x|^2 for complex
    total = np.sum(squares, axis=axes, keepdims=keepdims)
    if x.dtype.kind in "iu":     # integer square root, truncated (TF's integer kernel)
        return np.floor(np.sqrt(total)).astype(x.dtype)
    return np.sqrt(total).astype(x.dtype, copy=False)


@_euclidean_norm.defvjp
def _euclidean_norm_vjp(g, x, ans, axes):
    # d|x| = x / |x|, written as TF does: x / (|x| / g), nan at a zero norm
    kept = kept_shape(tuple(x.shape), axes)
    return x / (reshape(ans, kept) / reshape(g, kept))


@export("math")
def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x ** 2)) across `axis` (all axes by default); gradient nan at a zero norm.

    Integer tensors give the truncated integer root, as in TF.
    """
    x = convert_to_tensor(input_tensor)
    axes = canonical_axes(axis, len(x.shape))
    return _engine.apply(_euclidean_norm.op, (x,), (axes, bool(keepdims)))


@export("math", "nn", "linalg")
def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x ** 2, axis), epsilon)); `dim` is the deprecated name of axis."""
    x = convert_to_tensor(x)
    if axis is None:
        axis = dim
    square_sum = reduce_sum(ew.square(x), axis, keepdims=True)
    return x * ew.rsqrt(ew.maximum(square_sum, epsilon))


_VECTOR_ORDS = ("euclidean", 1, 2, np.inf)
_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)


def _is_int(a):
    return isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))


def _norm_spec(ord, axis):
    """Validate (ord, axis) as TF does; returns (is_matrix_norm, axes or None)."""
    if isinstance(axis, (tuple, list)) and len(axis) == 2:
        axis = tuple(axis)
        if not (_is_int(axis[0]) and _is_int(axis[1])) or axis[0] == axis[1]:
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique "
                             f"integers, got {axis}")
        if not any(_same_ord(ord, o) for o in _MATRIX_ORDS):
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', "
                             f"1, 2, inf], got {ord}")
        return True, axis
    if not (axis is None or _is_int(axis)):
        raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, "
                         f"got {axis}")
    positive = (isinstance(ord, (int, float, np.integer, np.floating))
                and not isinstance(ord, (bool, np.bool_)) and ord > 0)
    if not (positive or ord == "euclidean"):
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    return False, (None if axis is None else (axis,))


def _same_ord(ord, candidate):
    if isinstance(ord, str) or isinstance(candidate, str):
        return ord == candidate
    return not isinstance(ord, (bool, np.bool_)) and ord == candidate


@export("", "linalg")
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """A vector norm, or a matrix norm over two axes (tf.norm / tf.linalg.norm).

    Args:
        tensor: A float tensor.
        ord: 'euclidean' (default), 'fro', 1, 2, np.inf, or for vector norms any
            positive real p. 'fro' needs a pair of axes; for a pair, only 'euclidean',
            'fro', 1, 2 and np.inf are supported.
        axis: None (all elements, as one vector), an int (vector norms along it), or a
            pair of distinct ints (matrix norms over those axes).
        keepdims: If True, the reduced axes are kept with size 1.
        name: Ignored.

    Returns:
        The norms, of tensor's dtype.

    Raises:
        ValueError: an unsupported `ord` or `axis`.

    The euclidean norm's gradient is nan at a zero vector, as in TF; the inf-norm
    splits its gradient evenly between tied maxima. A matrix 2-norm (largest singular
    value) has a first-order gradient only.

    >>> norm([3., -4.])
    <fasttape.Tensor: shape=(), dtype=float32, numpy=5.0>
    """
    is_matrix, axes = _norm_spec(ord, axis)
    x = convert_to_tensor(tensor)
    rank = len(x.shape)
    if axes is not None:
        for a in axes:
            if not -rank <= a < max(rank, 1):
                raise errors.InvalidArgumentError(
                    f"Invalid reduction dimension {a} for input with {rank} dimensions.")
        axes = tuple(a % max(rank, 1) for a in axes)
        if is_matrix and axes[0] == axes[1]:
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique "
                             f"integers, got {tuple(axis)}")
    if is_matrix and _same_ord(ord, 2):
        result = _engine.apply(_spectral_norm.op, (x,), (axes,))
    elif ord in ("euclidean", "fro") or _same_ord(ord, 2):
        result = ew.sqrt(reduce_sum(x * conj(x), axes, keepdims=True))    # |x|^2 if complex
    elif _same_ord(ord, 1):
        result = ew.abs(x)
        if is_matrix:       # largest column sum: sum over the first axis, max over the second
            result = reduce_max(reduce_sum(result, axes[0], keepdims=True), axes[1],
                                keepdims=True)
        else:
            result = reduce_sum(result, axes, keepdims=True)
    elif _same_ord(ord, np.inf):
        result = ew.abs(x)
        if is_matrix:       # largest row sum
            result = reduce_max(reduce_sum(result, axes[1], keepdims=True), axes[0],
                                keepdims=True)
        else:
            result = reduce_max(result, axes, keepdims=True)
    else:
        result = ew.pow(reduce_sum(ew.pow(ew.abs(x), ord), axes, keepdims=True), 1.0 / ord)
    if keepdims:
        return result
    dropped = range(rank) if axes is None else axes
    return reshape(result, [d for i, d in enumerate(x.shape) if i not in dropped])


def _tracked_by_a_recording_tape(x):
    return _engine.is_tracked(x)


def _to_matrices(x, axes):
    return np.moveaxis(x, axes, (-2, -1))


@defop(public=False)
def _spectral_norm(x, axes=(0, 1)):
    if x.dtype == np.float16:       # TF's Svd has no half kernel on CPU
        raise errors.NotFoundError(
            "Could not find device for node: {{node Svd}} = Svd[T=DT_HALF, "
            "compute_uv=false, full_matrices=false]")
    m = _to_matrices(x, axes)
    if m.shape[-1] == 0 or m.shape[-2] == 0:
        top = np.zeros(m.shape[:-2], dtype=x.dtype)
    else:
        top = np.linalg.svd(m, compute_uv=False)[..., 0].astype(x.dtype, copy=False)
    return np.moveaxis(top[..., None, None], (-2, -1), axes)


@_spectral_norm.defvjp
def _spectral_norm_vjp(g, x, axes):
    # d sigma_max = u1 v1^T (top singular vectors), built here as a constant: its own
    # derivative would need the SVD's. So when a recording tape tracks x (a higher-order
    # gradient is being taken) refuse loudly rather than return a wrong one.
    if _tracked_by_a_recording_tape(x):
        raise NotImplementedError(
            "fasttape: higher-order derivatives of the matrix 2-norm (tf.norm with ord=2 "
            "and a pair of axes) are not implemented")
    m = _to_matrices(np.asarray(x), axes)
    if m.size == 0:
        return ew.zeros_like(x)
    u, _, vt = np.linalg.svd(m, full_matrices=False)
    direction = u[..., :, :1] * vt[..., :1, :]
    return g * _engine.wrap(np.moveaxis(direction, (-2, -1), axes).astype(m.dtype))


@export("")
def clip_by_norm(t, clip_norm, axes=None, name=None):
    """`t` scaled so that its l2 norm over `axes` (all by default) is at most `clip_norm`.

    Computed as TF does, t * clip_norm / max(norm, clip_norm), with a zero norm handled
    without nan (the gradient there is finite). An IndexedSlices input gives an
    IndexedSlices with its values clipped (the norm taken over all its values).
    """
    if isinstance(t, IndexedSlices):
        return IndexedSlices(clip_by_norm(t.values, clip_norm, axes), t.indices, t.dense_shape)
    t = convert_to_tensor(t)
    clip = convert_to_tensor(clip_norm, dtype=t.dtype)
    l2sum = reduce_sum(t * t, axes, keepdims=True)
    positive = ew.greater(l2sum, 0)
    # sqrt of a safe value: no inf derivative where the norm is 0
    l2norm = ew.where(positive, ew.sqrt(ew.where(positive, l2sum, ew.ones_like(l2sum))), l2sum)
    return t * clip / ew.maximum(l2norm, clip)


# Forward mode: linear in its input, so its own JVP.
_cumsum.defjvp_linear()
