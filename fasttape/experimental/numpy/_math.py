"""tnp mathematics: elementwise functions, comparisons, reductions, linear algebra.

Binary functions first convert their arguments to one dtype by NumPy's promotion
(`int32 tensor + 1.5` is float64); bool operands turn `add`/`maximum` into logical or,
`multiply`/`minimum` into logical and. Functions NumPy computes in floating point
(`sqrt`, `exp`, `sin`, `mean`, ...) cast integer and bool inputs to float64 first.
Gradients are those of the fasttape ops each function is made of, so TF's conventions
at special points carry over: `abs` and `sign` give 0 at 0, `maximum(x, 0)` is
`relu` (0 at 0) while `maximum(x, y)` gives ties to x, `max`/`min` share ties,
`clip` passes the gradient at both bounds, `round`/`floor`/`ceil` have none.
"""

import builtins
import math

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._engine import Tensor
from fasttape.experimental.numpy._core import (
    as_float, axis_arg, dtype_arg, to_tensor, to_tensors,
)
from fasttape.experimental.numpy._dtypes import infer_dtype, is_inexact, np_dtype
from fasttape.ops import elementwise as ew
from fasttape.ops import linalg as la
from fasttape.ops import math_ops, reductions
from fasttape.ops import trigonometric as trig
from fasttape.experimental.numpy._shape import diagonal, moveaxis
from fasttape.ops.shape import broadcast_to, concat, reshape

__all__ = [
    # constants
    "pi", "e", "inf",
    # unary
    "abs", "absolute", "fabs", "negative", "positive", "sign", "signbit", "sqrt", "cbrt",
    "square", "reciprocal", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
    "arccosh", "arctanh", "deg2rad", "rad2deg", "floor", "ceil", "fix", "around", "round",
    "sinc", "isnan", "isinf", "isfinite", "isneginf", "isposinf", "real", "imag", "conj",
    "conjugate", "angle", "iscomplex", "isreal", "iscomplexobj", "isrealobj",
    # binary
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod",
    "remainder", "divmod", "power", "float_power", "maximum", "minimum", "arctan2",
    "hypot", "heaviside", "logaddexp", "logaddexp2", "nextafter", "clip", "gcd", "lcm",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    # comparisons and logic
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "isclose", "allclose",
    "array_equal",
    # reductions
    "sum", "prod", "mean", "std", "var", "amax", "amin", "max", "min", "ptp", "argmax",
    "argmin", "all", "any", "cumsum", "cumprod", "count_nonzero", "average", "nansum",
    "nanprod", "nanmean",
    # linear algebra
    "dot", "matmul", "tensordot", "inner", "outer", "vdot", "kron", "cross", "einsum",
    "trace", "polyval",
]

pi = np.pi
e = np.e
inf = np.inf


def _bool(t):
    return t._value.dtype == np.bool_


def _floats(x):
    return as_float(to_tensor(x))


# --- unary ---------------------------------------------------------------------------

def abs(x):  # noqa: A001 - numpy's name
    """|x| (its gradient at 0 is 0)."""
    return ew.abs(to_tensor(x))


absolute = abs
fabs = abs


def negative(x):
    """-x."""
    return ew.negative(to_tensor(x))


def positive(x):
    """+x: `x` as a tensor."""
    return to_tensor(x)


def sign(x, out=None, where=None, **kwargs):
    """-1, 0 or 1 (nan for nan), in x's dtype; its gradient is 0.

    Raises:
        ValueError: `out`, `where` or other NumPy keywords (not supported).
    """
    if out:
        raise ValueError("tf.numpy doesnt support setting out.")
    if where:
        raise ValueError("tf.numpy doesnt support setting where.")
    if kwargs:
        raise ValueError(f"tf.numpy doesnt support setting {kwargs.keys()}")
    return ew.sign(to_tensor(x))


def signbit(x):
    """x < 0, elementwise (False for bools; -0.0 counts as not negative, as in TF)."""
    t = to_tensor(x)
    if _bool(t):
        return _engine.wrap(np.zeros(t._value.shape, dtype=bool))
    return ew.less(t, 0)


def sqrt(x):
    """Square root (integers computed in float64)."""
    return ew.sqrt(_floats(x))


def cbrt(x):
    """Cube root, negative for negative x."""
    t = _floats(x)
    root = ew.abs(t) ** (1.0 / 3)
    return ew.where(ew.less(t, 0), -root, root)


def square(x):
    """x * x, in x's dtype."""
    return ew.square(to_tensor(x))


def reciprocal(x):
    """1 / x, in x's dtype."""
    return ew.reciprocal(to_tensor(x))


def exp(x):
    """e ** x."""
    return ew.exp(_floats(x))


def exp2(x):
    """2 ** x."""
    t = _floats(x)
    return ew.pow(to_tensor(2, t._value.dtype), t)


def expm1(x):
    """e ** x - 1."""
    return ew.expm1(_floats(x))


def log(x):
    """Natural logarithm."""
    return ew.log(_floats(x))


def log2(x):
    """Base-2 logarithm."""
    return log(x) / np.log(2)


def log10(x):
    """Base-10 logarithm."""
    return log(x) / np.log(10)


def log1p(x):
    """log(1 + x)."""
    return ew.log1p(_floats(x))


def sin(x):
    """Sine."""
    return ew.sin(_floats(x))


def cos(x):
    """Cosine."""
    return ew.cos(_floats(x))


def tan(x):
    """Tangent."""
    return ew.tan(_floats(x))


def arcsin(x):
    """Inverse sine."""
    return trig.asin(_floats(x))


def arccos(x):
    """Inverse cosine."""
    return trig.acos(_floats(x))


def arctan(x):
    """Inverse tangent."""
    return trig.atan(_floats(x))


def sinh(x):
    """Hyperbolic sine."""
    return trig.sinh(_floats(x))


def cosh(x):
    """Hyperbolic cosine."""
    return trig.cosh(_floats(x))


def tanh(x):
    """Hyperbolic tangent."""
    return ew.tanh(_floats(x))


def arcsinh(x):
    """Inverse hyperbolic sine."""
    return trig.asinh(_floats(x))


def arccosh(x):
    """Inverse hyperbolic cosine."""
    return trig.acosh(_floats(x))


def arctanh(x):
    """Inverse hyperbolic tangent."""
    return trig.atanh(_floats(x))


def deg2rad(x):
    """Degrees to radians."""
    return _floats(x) * (np.pi / 180.0)


def rad2deg(x):
    """Radians to degrees."""
    return _floats(x) * (180.0 / np.pi)


def floor(x):
    """Largest integer <= x, as a float (no gradient)."""
    return math_ops.floor(_floats(x))


def ceil(x):
    """Smallest integer >= x, as a float (no gradient)."""
    return math_ops.ceil(_floats(x))


def fix(x):
    """Round toward zero, as a float (no gradient)."""
    t = _floats(x)
    return ew.where(ew.less(t, 0), math_ops.ceil(t), math_ops.floor(t))


def around(a, decimals=0):
    """Round to `decimals` places, halves to even; keeps a's dtype (no gradient).

    Integers are rounded in float64 (so negative `decimals` work) and cast back.
    """
    t = to_tensor(a)
    dtype = t._value.dtype
    factor = math.pow(10, decimals)
    work = t if is_inexact(dtype) else ew.cast(t, dtypes.float64)
    scale = to_tensor(factor, work._value.dtype)
    result = math_ops.round(work * scale) / scale
    return result if result._value.dtype == dtype else ew.cast(result, dtypes.as_dtype(dtype))


round = around  # noqa: A001 - numpy's name


def sinc(x):
    """sin(pi x) / (pi x), 1 at 0."""
    t = _floats(x)
    scaled = t * np.pi
    return ew.where(ew.equal(t, 0), ew.ones_like(t), ew.sin(scaled) / scaled)


def isnan(x):
    """x is nan (False for integers)."""
    return math_ops.is_nan(_floats(x))


def isfinite(x):
    """x is neither inf nor nan (True for integers)."""
    return math_ops.is_finite(_floats(x))


def isinf(x):
    """x is +inf or -inf; the Python False for an integer or bool tensor, as in TF."""
    t = to_tensor(x)
    if not is_inexact(t._value.dtype):
        return False
    return math_ops.is_inf(t)


def isneginf(x):
    """x is -inf; the Python False for an integer or bool tensor."""
    t = to_tensor(x)
    if not is_inexact(t._value.dtype):
        return False
    return ew.equal(t, -np.inf)


def isposinf(x):
    """x is +inf; the Python False for an integer or bool tensor."""
    t = to_tensor(x)
    if not is_inexact(t._value.dtype):
        return False
    return ew.equal(t, np.inf)


# fasttape's tapes do not differentiate complex tensors (as ints, they get no
# gradient), so the complex cases below are constants computed by NumPy.

def real(val):
    """The real part (`val` itself, differentiable, for real dtypes)."""
    t = to_tensor(val)
    if t._value.dtype.kind != "c":
        return t
    return _engine.wrap(np.real(t._value).copy())


def imag(val):
    """The imaginary part (zeros, a constant, for real dtypes)."""
    t = to_tensor(val)
    if t._value.dtype.kind != "c":
        return ew.zeros_like(t)
    return _engine.wrap(np.imag(t._value).copy())


def conj(x):
    """The complex conjugate (`x` itself, differentiable, for real dtypes)."""
    t = to_tensor(x)
    if t._value.dtype.kind != "c":
        return t
    return _engine.wrap(np.conj(t._value))


conjugate = conj


def angle(z, deg=False):
    """The argument of complex `z` (pi for negative reals, 0 otherwise), in radians
    or, with `deg`, degrees."""
    t = to_tensor(z)
    if t._value.dtype.kind == "c":
        result = arctan2(imag(t), real(t))
    else:
        t = as_float(t)
        result = ew.where(ew.less(t, 0), ew.ones_like(t) * np.pi, ew.zeros_like(t))
    return rad2deg(result) if deg else result


def iscomplex(x):
    """The imaginary part is nonzero."""
    return ew.not_equal(imag(x), 0)


def isreal(x):
    """The imaginary part is zero."""
    return ew.equal(imag(x), 0)


def iscomplexobj(x):
    """True for a complex dtype (a Python bool)."""
    return to_tensor(x)._value.dtype.kind == "c"


def isrealobj(x):
    """True for a non-complex dtype (a Python bool)."""
    return not iscomplexobj(x)


# --- binary --------------------------------------------------------------------------

def add(x1, x2):
    """x1 + x2 (logical or for bools)."""
    a, b = to_tensors(x1, x2)
    return ew.logical_or(a, b) if _bool(a) else ew.add(a, b)


def subtract(x1, x2):
    """x1 - x2."""
    a, b = to_tensors(x1, x2)
    return ew.subtract(a, b)


def multiply(x1, x2):
    """x1 * x2 (logical and for bools)."""
    a, b = to_tensors(x1, x2)
    return ew.logical_and(a, b) if _bool(a) else ew.multiply(a, b)


def true_divide(x1, x2):
    """x1 / x2; integers and bools give float64."""
    a, b = to_tensors(x1, x2)
    if _bool(a):
        a, b = ew.cast(a, dtypes.float64), ew.cast(b, dtypes.float64)
    return ew.truediv(a, b)


divide = true_divide


def _as_int8_if_bool(a, b):
    if _bool(a):
        return ew.cast(a, dtypes.int8), ew.cast(b, dtypes.int8)
    return a, b


def floor_divide(x1, x2):
    """floor(x1 / x2) (no gradient)."""
    return ew.floordiv(*_as_int8_if_bool(*to_tensors(x1, x2)))


def mod(x1, x2):
    """x1 - floor(x1 / x2) * x2, with the sign of x2."""
    return ew.floormod(*_as_int8_if_bool(*to_tensors(x1, x2)))


remainder = mod


def divmod(x1, x2):  # noqa: A001 - numpy's name
    """(floor_divide(x1, x2), mod(x1, x2))."""
    return floor_divide(x1, x2), mod(x1, x2)


def power(x1, x2):
    """x1 ** x2 in the promoted dtype; integers to negative integer powers raise
    InvalidArgumentError."""
    return ew.pow(*to_tensors(x1, x2))


def float_power(x1, x2):
    """x1 ** x2 computed in float64 at least (NumPy's rule; complex stays complex)."""
    a, b = to_tensors(x1, x2)
    if not is_inexact(a._value.dtype) or a._value.dtype.itemsize < 8:
        if a._value.dtype.kind != "c":
            a, b = ew.cast(a, dtypes.float64), ew.cast(b, dtypes.float64)
    return ew.pow(a, b)


def maximum(x1, x2):
    """Elementwise max; ties give the gradient to x1, except `maximum(x, 0)` with a
    Python 0, which is `relu` (gradient 0 at 0), as in TF. Logical or for bools."""
    if (isinstance(x2, (int, float)) and not isinstance(x2, bool) and x2 == 0
            and isinstance(x1, Tensor) and not _bool(x1)):
        return ew.relu(x1)
    a, b = to_tensors(x1, x2)
    return ew.logical_or(a, b) if _bool(a) else ew.maximum(a, b)


def minimum(x1, x2):
    """Elementwise min; ties give the gradient to x1. Logical and for bools."""
    a, b = to_tensors(x1, x2)
    return ew.logical_and(a, b) if _bool(a) else ew.minimum(a, b)


def clip(a, a_min, a_max):
    """`a` clamped to [a_min, a_max]; one bound may be None.

    The gradient passes where a_min <= a <= a_max (both bounds included); tensor
    bounds get the gradient where they clamp.

    Raises:
        ValueError: both bounds None.
    """
    if a_min is None and a_max is None:
        raise ValueError("Not more than one of `a_min` and `a_max` may be `None`.")
    if a_min is None:
        return minimum(a, a_max)
    if a_max is None:
        return maximum(a, a_min)
    t, lo, hi = to_tensors(a, a_min, a_max)
    shape = np.broadcast_shapes(t._value.shape, lo._value.shape, hi._value.shape)
    return ew.clip_by_value(broadcast_to(t, shape), broadcast_to(lo, shape),
                            broadcast_to(hi, shape))


def arctan2(x1, x2):
    """The angle of the point (x2, x1), elementwise, in (-pi, pi]."""
    a, b = to_tensors(x1, x2)
    return trig.atan2(as_float(a), as_float(b))


def hypot(x1, x2):
    """sqrt(x1**2 + x2**2)."""
    a, b = to_tensors(x1, x2)
    a, b = as_float(a), as_float(b)
    return ew.sqrt(ew.square(a) + ew.square(b))


def heaviside(x1, x2):
    """0 where x1 < 0, 1 where x1 > 0, x2 where x1 == 0 (float64 for integers)."""
    a, b = to_tensors(x1, x2)
    zero, one = ew.zeros_like(b), ew.ones_like(b)
    y = ew.where(ew.less(a, 0), zero, ew.where(ew.greater(a, 0), one, b))
    return as_float(y)


def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)), computed without overflow."""
    a, b = to_tensors(x1, x2)
    a, b = as_float(a), as_float(b)
    delta = a - b
    big = ew.maximum(a, b)
    return ew.where(math_ops.is_nan(delta), a + b, big + ew.log1p(ew.exp(-ew.abs(delta))))


def logaddexp2(x1, x2):
    """log2(2**x1 + 2**x2), computed without overflow."""
    a, b = to_tensors(x1, x2)
    a, b = as_float(a), as_float(b)
    delta = a - b
    big = ew.maximum(a, b)
    two = to_tensor(2, a._value.dtype)
    return ew.where(math_ops.is_nan(delta), a + b,
                    big + ew.log1p(ew.pow(two, -ew.abs(delta))) / np.log(2))


def _numpy_binary(fn, x1, x2, kinds, what):
    """A binary function without gradient, computed by NumPy on promoted inputs."""
    a, b = to_tensors(x1, x2)
    if a._value.dtype.kind not in kinds:
        raise errors.InvalidArgumentError(
            f"{what} is not defined for {dtypes.from_numpy(a._value.dtype).name} tensors")
    return _engine.wrap(np.asarray(fn(a._value, b._value)))


def nextafter(x1, x2):
    """The next float after x1 toward x2 (no gradient)."""
    return _numpy_binary(np.nextafter, x1, x2, "f", "nextafter")


def gcd(x1, x2):
    """Greatest common divisor of integers (non-negative).

    Raises:
        ValueError: non-integer arguments.
    """
    a, b = to_tensors(x1, x2)
    if a._value.dtype.kind not in "iu":
        raise ValueError("Arguments to gcd must be integers.")
    return _engine.wrap(np.asarray(np.gcd(a._value, b._value)))


def lcm(x1, x2):
    """Least common multiple of integers (non-negative; 0 if either is 0).

    Raises:
        ValueError: non-integer arguments.
    """
    a, b = to_tensors(x1, x2)
    if a._value.dtype.kind not in "iu":
        raise ValueError("Arguments to lcm must be integers.")
    return _engine.wrap(np.asarray(np.lcm(a._value, b._value)))


def bitwise_and(x1, x2):
    """Bitwise and of integers or bools."""
    return _numpy_binary(np.bitwise_and, x1, x2, "iub", "bitwise_and")


def bitwise_or(x1, x2):
    """Bitwise or of integers or bools."""
    return _numpy_binary(np.bitwise_or, x1, x2, "iub", "bitwise_or")


def bitwise_xor(x1, x2):
    """Bitwise xor of integers or bools."""
    return _numpy_binary(np.bitwise_xor, x1, x2, "iub", "bitwise_xor")


def bitwise_not(x):
    """Bitwise not of integers (logical not for bools)."""
    t = to_tensor(x)
    if t._value.dtype.kind not in "iub":
        raise errors.InvalidArgumentError(
            f"bitwise_not is not defined for {dtypes.from_numpy(t._value.dtype).name} tensors")
    return _engine.wrap(np.asarray(np.invert(t._value)))


# --- comparisons and logic -----------------------------------------------------------

def _compare(op, x1, x2, bools_as_int=False):
    a, b = to_tensors(x1, x2)
    if bools_as_int and _bool(a):
        a, b = ew.cast(a, dtypes.int32), ew.cast(b, dtypes.int32)
    return op(a, b)


def equal(x1, x2):
    """x1 == x2 (bool), after promotion."""
    return _compare(ew.equal, x1, x2)


def not_equal(x1, x2):
    """x1 != x2 (bool), after promotion."""
    return _compare(ew.not_equal, x1, x2)


def less(x1, x2):
    """x1 < x2 (bool), after promotion."""
    return _compare(ew.less, x1, x2, True)


def less_equal(x1, x2):
    """x1 <= x2 (bool), after promotion."""
    return _compare(ew.less_equal, x1, x2, True)


def greater(x1, x2):
    """x1 > x2 (bool), after promotion."""
    return _compare(ew.greater, x1, x2, True)


def greater_equal(x1, x2):
    """x1 >= x2 (bool), after promotion."""
    return _compare(ew.greater_equal, x1, x2, True)


def _to_bool(x):
    return to_tensor(x, np.dtype(np.bool_))


def logical_and(x1, x2):
    """x1 AND x2, nonzero values counting as True."""
    return ew.logical_and(_to_bool(x1), _to_bool(x2))


def logical_or(x1, x2):
    """x1 OR x2, nonzero values counting as True."""
    return ew.logical_or(_to_bool(x1), _to_bool(x2))


def logical_xor(x1, x2):
    """x1 XOR x2, nonzero values counting as True."""
    return ew.logical_xor(_to_bool(x1), _to_bool(x2))


def logical_not(x):
    """NOT x, nonzero values counting as True."""
    return ew.logical_not(_to_bool(x))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a - b| <= atol + rtol * |b| (exact equality for integers)."""
    x, y = to_tensors(a, b)
    if not is_inexact(x._value.dtype):
        return ew.equal(x, y)
    result = ew.less_equal(ew.abs(x - y), atol + rtol * ew.abs(y))
    if equal_nan:
        result = ew.logical_or(result, ew.logical_and(math_ops.is_nan(x), math_ops.is_nan(y)))
    return result


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """All elements `isclose` (a bool tensor)."""
    return reductions.reduce_all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def array_equal(a1, a2):
    """Same shape and elements (a bool tensor)."""
    x, y = to_tensors(a1, a2)
    if x._value.shape != y._value.shape:
        return _engine.wrap(np.array(False))
    return reductions.reduce_all(ew.equal(x, y))


# --- reductions ----------------------------------------------------------------------

def _reduction_axis(axis):
    axis = axis_arg(axis)
    return list(axis) if isinstance(axis, tuple) else axis


def _widen_int(t):
    """Integers narrower than int64 (and bools) widened as NumPy's sum does."""
    dt = t._value.dtype
    if dt == np.bool_ or (dt.kind == "i" and dt.itemsize < 8):
        return ew.cast(t, dtypes.int64)
    if dt.kind == "u" and dt.itemsize < 8:
        return ew.cast(t, dtypes.uint64)
    return t


def _reduce(fn, a, axis, dtype, keepdims, promote="int", bool_fn=None, keep_bool=False):
    dtype = dtype_arg(dtype)
    t = to_tensor(a, dtype)
    axis = _reduction_axis(axis)
    keepdims = bool(keepdims)
    if bool_fn is not None and (dtype == np.bool_ or (keep_bool and _bool(t))):
        return bool_fn(t, axis=axis, keepdims=keepdims)
    if dtype is None and not is_inexact(t._value.dtype):
        if promote == "int":
            t = _widen_int(t)
        elif promote == "float":
            t = ew.cast(t, dtypes.float64)
    return fn(t, axis=axis, keepdims=keepdims)


def _no_out(out):
    if out is not None:
        raise ValueError("Setting out is not supported.")


def sum(a, axis=None, dtype=None, keepdims=None):  # noqa: A001 - numpy's name
    """Sum over `axis` (None: all; an int or a tuple). Integers and bools are summed
    in int64 unless `dtype` says otherwise."""
    return _reduce(reductions.reduce_sum, a, axis, dtype, keepdims,
                   bool_fn=reductions.reduce_any)


def prod(a, axis=None, dtype=None, keepdims=None):
    """Product over `axis`; integers and bools in int64 unless `dtype` says otherwise."""
    return _reduce(reductions.reduce_prod, a, axis, dtype, keepdims,
                   bool_fn=reductions.reduce_all)


def mean(a, axis=None, dtype=None, out=None, keepdims=None):
    """Mean over `axis`; integers and bools give float64.

    Raises:
        ValueError: `out` given.
    """
    _no_out(out)
    return _reduce(reductions.reduce_mean, a, axis, dtype, keepdims, promote="float")


def amax(a, axis=None, out=None, keepdims=None):
    """Maximum over `axis` (the gradient is shared among ties); bools give any().

    Raises:
        ValueError: `out` given.
    """
    _no_out(out)
    return _reduce(reductions.reduce_max, a, axis, None, keepdims, promote=None,
                   bool_fn=reductions.reduce_any, keep_bool=True)


def amin(a, axis=None, out=None, keepdims=None):
    """Minimum over `axis` (the gradient is shared among ties); bools give all().

    Raises:
        ValueError: `out` given.
    """
    _no_out(out)
    return _reduce(reductions.reduce_min, a, axis, None, keepdims, promote=None,
                   bool_fn=reductions.reduce_all, keep_bool=True)


def max(a, axis=None, keepdims=None):  # noqa: A001 - numpy's name
    """Same as `amax`."""
    return amax(a, axis=axis, keepdims=keepdims)


def min(a, axis=None, keepdims=None):  # noqa: A001 - numpy's name
    """Same as `amin`."""
    return amin(a, axis=axis, keepdims=keepdims)


def ptp(a, axis=None, keepdims=None):
    """max - min over `axis`."""
    return amax(a, axis=axis, keepdims=keepdims) - amin(a, axis=axis, keepdims=keepdims)


def _count(t, axis):
    """The number of elements reduced over `axis` (an int or a list)."""
    shape = t._value.shape
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    axes = [axis] if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in reductions.canonical_axes(axes, len(shape))],
                       dtype=np.int64))


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=None):
    """Variance over `axis`, dividing by N - ddof; integers give float64.

    Raises:
        ValueError: `out` given.
    """
    _no_out(out)
    work = None if dtype is None else infer_dtype(a, np_dtype(dtype))

    def variance(t, axis, keepdims):
        if ddof == 0:
            return reductions.reduce_variance(t, axis=axis, keepdims=keepdims)
        centered = t - reductions.reduce_mean(t, axis=axis, keepdims=True)
        squares = ew.square(ew.abs(centered) if t._value.dtype.kind == "c" else centered)
        total = reductions.reduce_sum(squares, axis=axis, keepdims=keepdims)
        return total / (_count(t, axis) - ddof)

    result = _reduce(variance, a, axis, work, keepdims, promote="float")
    if dtype is not None:
        result = ew.cast(result, dtypes.as_dtype(np_dtype(dtype)))
    return result


def std(a, axis=None, keepdims=None):
    """Standard deviation over `axis` (population: divide by N); integers give float64.
    Its gradient is nan where all reduced elements are equal, as in TF."""
    return _reduce(reductions.reduce_std, a, axis, None, keepdims, promote="float")


def _arg_extreme(fn, a, axis):
    t = to_tensor(a)
    if axis is None:
        t = reshape(t, [-1])
        return fn(t, axis=0)
    if t.ndim == 0:
        t = reshape(t, [1])
    return fn(t, axis=int(axis))


def argmax(a, axis=None):
    """Index (int64) of the first maximum along `axis`, of the flattened array if None."""
    return _arg_extreme(reductions.argmax, a, axis)


def argmin(a, axis=None):
    """Index (int64) of the first minimum along `axis`, of the flattened array if None."""
    return _arg_extreme(reductions.argmin, a, axis)


def all(a, axis=None, keepdims=None):  # noqa: A001 - numpy's name
    """All elements nonzero over `axis`."""
    return reductions.reduce_all(_to_bool(a), axis=_reduction_axis(axis),
                                 keepdims=bool(keepdims))


def any(a, axis=None, keepdims=None):  # noqa: A001 - numpy's name
    """Any element nonzero over `axis`."""
    return reductions.reduce_any(_to_bool(a), axis=_reduction_axis(axis),
                                 keepdims=bool(keepdims))


def _scan(fn, a, axis, dtype):
    t = to_tensor(a, dtype_arg(dtype))
    if dtype is None and not is_inexact(t._value.dtype):
        t = _widen_int(t)
    if axis is None:
        return fn(reshape(t, [-1]), axis=0)
    return fn(t, axis=int(axis))


def cumsum(a, axis=None, dtype=None):
    """Running sums along `axis` (the flattened array if None); integers in int64."""
    return _scan(math_ops.cumsum, a, axis, dtype)


def cumprod(a, axis=None, dtype=None):
    """Running products along `axis` (the flattened array if None); integers in int64."""
    return _scan(math_ops.cumprod, a, axis, dtype)


def count_nonzero(a, axis=None):
    """The number of nonzero elements over `axis` (int64)."""
    t = to_tensor(a)
    nonzero = ew.cast(ew.not_equal(t, ew.zeros_like(t)), dtypes.int64)
    return reductions.reduce_sum(nonzero, axis=_reduction_axis(axis))


def average(a, axis=None, weights=None, returned=False):
    """The (weighted) mean over `axis` (None or an int); integers give float64.

    `weights` has a's shape, or is 1-D along `axis`. With `returned`, also the sum of
    the weights, broadcast to the result's shape.

    Raises:
        ValueError: an `axis` that is not an int, or weights of a mismatched shape.
    """
    if axis is not None and not isinstance(axis, (int, np.integer)):
        raise ValueError(f"Argument `axis` must be an integer. Received axis={axis} "
                         f"(of type {type(axis)})")
    t = to_tensor(a)
    if weights is None:
        t = as_float(t)
        avg = reductions.reduce_mean(t, axis=axis)
        total = _engine.wrap(np.array(_count(t, axis), dtype=t._value.dtype))
    else:
        t, w = to_tensors(t, weights)
        t, w = as_float(t), as_float(w)
        if w._value.shape == t._value.shape:
            total = reductions.reduce_sum(w, axis=axis)
            avg = reductions.reduce_sum(t * w, axis=axis) / total
        elif axis is not None and w.ndim == 1 and w._value.shape[0] == t._value.shape[axis]:
            total = reductions.reduce_sum(w)
            avg = la.tensordot(t, w, [[axis], [0]]) / total
        else:
            raise ValueError(f"Shape of weights {w._value.shape} does not match a "
                             f"{t._value.shape} along axis {axis}.")
    if returned:
        return avg, broadcast_to(total, avg._value.shape)
    return avg


def _nan_reduction(reduce_fn, init):
    def nan_reduce(a, axis=None, dtype=None, keepdims=False):
        t = to_tensor(a)
        if is_inexact(t._value.dtype):
            t = ew.where(math_ops.is_nan(t), ew.ones_like(t) * init, t)
        return reduce_fn(t, axis=axis, dtype=dtype, keepdims=keepdims)
    return nan_reduce


def nansum(a, axis=None, dtype=None, keepdims=False):
    """`sum`, with nan counted as 0."""
    return _nan_reduction(sum, 0)(a, axis, dtype, keepdims)


def nanprod(a, axis=None, dtype=None, keepdims=False):
    """`prod`, with nan counted as 1."""
    return _nan_reduction(prod, 1)(a, axis, dtype, keepdims)


def nanmean(a, axis=None, dtype=None, keepdims=None):
    """`mean` of the elements that are not nan."""
    t = to_tensor(a)
    if not is_inexact(t._value.dtype):
        return mean(t, axis=axis, dtype=dtype, keepdims=keepdims)
    counted = ew.logical_not(math_ops.is_nan(t))
    work = t._value.dtype if dtype is None else dtype
    count = sum(counted, axis=axis, dtype=work, keepdims=keepdims)
    return nansum(t, axis=axis, dtype=work, keepdims=keepdims) / count


# --- linear algebra ------------------------------------------------------------------

def dot(a, b):
    """NumPy's dot: a product with a scalar, the inner product of vectors, and otherwise
    a sum over the last axis of `a` and the second-to-last of `b` (last if 1-D)."""
    x, y = to_tensors(a, b)
    if x.ndim == 0 or y.ndim == 0:
        return x * y
    return la.tensordot(x, y, [[-1], [-1 if y.ndim == 1 else -2]])


def matmul(x1, x2):
    """NumPy's matmul: matrix products over the last two axes with broadcast batch
    axes; a 1-D operand is a vector (its axis is contracted and dropped).

    Raises:
        ValueError: a scalar operand or mismatched dimensions.
    """
    a, b = to_tensors(x1, x2)
    try:
        if a.ndim == 0 or b.ndim == 0:
            raise errors.InvalidArgumentError(
                "matmul: Input operand does not have enough dimensions (scalars are not "
                "allowed; use multiply)")
        if b.ndim == 1:
            return la.tensordot(a, b, [[-1], [0]])
        if a.ndim == 1:
            return la.tensordot(a, b, [[0], [-2]])
        return la.matmul(a, b)
    except errors.InvalidArgumentError as exc:
        raise ValueError(str(exc)) from None


def tensordot(a, b, axes=2):
    """Sum of products over `axes` (an int: the last axes of a with the first of b;
    or a pair of axis lists)."""
    x, y = to_tensors(a, b)
    return la.tensordot(x, y, axes)


def inner(a, b):
    """Sum of products over the last axes (a product if either is a scalar)."""
    x, y = to_tensors(a, b)
    if x.ndim == 0 or y.ndim == 0:
        return x * y
    return la.tensordot(x, y, [[-1], [-1]])


def outer(a, b):
    """outer[i, j] = a.ravel()[i] * b.ravel()[j]."""
    x, y = to_tensors(a, b)
    return reshape(x, [-1, 1]) * reshape(y, [-1])


def vdot(a, b):
    """The dot product of the flattened arrays, conjugating `a` if complex."""
    x, y = to_tensors(a, b)
    x, y = reshape(x, [-1]), reshape(y, [-1])
    return dot(conj(x), y)


def kron(a, b):
    """The Kronecker product: blocks a[i, j] * b."""
    x, y = to_tensors(a, b)
    rank = builtins.max(x.ndim, y.ndim)
    xs = (1,) * (rank - x.ndim) + tuple(x._value.shape)
    ys = (1,) * (rank - y.ndim) + tuple(y._value.shape)
    left = reshape(x, [d for s in xs for d in (s, 1)])
    right = reshape(y, [d for s in ys for d in (1, s)])
    return reshape(left * right, [p * q for p, q in zip(xs, ys, strict=True)])


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross products of 3-vectors (or 2-vectors, taken with z = 0) along the given
    axes; two 2-vectors give the z component only."""
    x, y = to_tensors(a, b)
    if axis is not None:
        axisa = axisb = axisc = axis
    x, y = moveaxis(x, axisa, -1), moveaxis(y, axisb, -1)
    nx, ny = x._value.shape[-1], y._value.shape[-1]
    for n in (nx, ny):
        if n not in (2, 3):
            raise ValueError("incompatible dimensions for cross product (dimension must "
                             "be 2 or 3)")

    def to_3d(v, n):
        if n == 3:
            return v
        return concat([v, ew.zeros_like(v[..., :1])], axis=-1)

    x, y = to_3d(x, nx), to_3d(y, ny)
    shape = np.broadcast_shapes(x._value.shape, y._value.shape)
    c = la.cross(broadcast_to(x, shape), broadcast_to(y, shape))
    if nx == 2 and ny == 2:
        return c[..., 2]
    return moveaxis(c, -1, axisc)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation (`casting='safe'` promotes the operands to one dtype,
    'no' requires them equal).

    Raises:
        ValueError: another casting or optimize value.
    """
    casting = kwargs.pop("casting", "safe")
    optimize = kwargs.pop("optimize", False)
    if casting == "safe":
        operands = to_tensors(*operands)
    elif casting == "no":
        operands = [to_tensor(x) for x in operands]
    else:
        raise ValueError(f'Invalid value for argument `casting`. Expected casting="safe" '
                         f'or casting="no". Received: casting={casting}')
    if optimize not in (False, True, "greedy", "optimal"):
        raise ValueError(f'Invalid value for argument `optimize`. Expected one of {{True, '
                         f'"greedy", "optimal"}}. Received: optimize={optimize}')
    if kwargs:
        raise TypeError(f"einsum() got unexpected keyword arguments {sorted(kwargs)}")
    return la.einsum(subscripts, *operands)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None):
    """Sum along a diagonal (see `diagonal`), in `dtype` when given."""
    d = diagonal(to_tensor(a, dtype_arg(dtype)), offset, axis1, axis2)
    return sum(d, axis=-1, dtype=dtype)


def polyval(p, x):
    """The polynomial with coefficients `p` (highest power first) at `x`."""
    coeffs, points = to_tensors(p, x)
    if coeffs.ndim == 0:
        coeffs = reshape(coeffs, [1])
    n = int(coeffs._value.shape[0])
    if n == 0:
        return ew.zeros_like(points)
    result = coeffs[0]
    for i in builtins.range(1, n):
        result = coeffs[i] + result * points
    if n == 1:
        result = broadcast_to(result, points._value.shape)
    return result

