"""Elementwise ops: arithmetic, unary maths, comparisons and selection.

Each op's forward (numpy) sits directly above its derivative rule (fasttape ops).
Binary ops broadcast as numpy does; their rules return output-shaped gradients and the
engine sums them back to each input's shape. Gradient conventions at edge points follow
TensorFlow: abs/sign/relu have derivative 0 at 0; maximum gives ties to its first
argument, minimum too; clip_by_value passes the gradient at both bounds; sqrt, rsqrt
and reciprocal give exactly 0 where the upstream gradient is 0.
"""

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape._engine import Tensor
from fasttape.ops._registry import defop, export


def elementwise_op(forward=None, **options):
    """`defop` for this family. Its rules are made of broadcasting elementwise ops, so
    they also take a leading axis of stacked cotangents (vectorised jacobians)."""
    return defop(forward, batches=True, **options)


def _check_int_divisor(x, y):
    if y.dtype.kind in "iu" and not np.all(y):
        raise errors.InvalidArgumentError("Integer division by zero")


# --- arithmetic ---------------------------------------------------------------------

@export("", "math")
@elementwise_op(broadcasts=True, fused="add")
def add(x, y):
    """x + y, elementwise with broadcasting."""
    return np.add(x, y)


@add.defvjp
def _add_vjp(g):
    return g, g


@export("", "math")
@elementwise_op(broadcasts=True, fused="subtract")
def subtract(x, y):
    """x - y, elementwise with broadcasting."""
    return np.subtract(x, y)


@subtract.defvjp
def _subtract_vjp(g, needs):
    return g, (-g if needs[1] else None)


@export("", "math")
@elementwise_op(broadcasts=True, fused="multiply", holomorphic=True)
def multiply(x, y):
    """x * y, elementwise with broadcasting."""
    return np.multiply(x, y)


@multiply.defvjp
def _multiply_vjp(g, x, y, needs):
    return (g * y if needs[0] else None), (g * x if needs[1] else None)


@export("", "math")
@elementwise_op(broadcasts=True, fused="truediv", holomorphic=True)
def truediv(x, y):
    """x / y; integer inputs give float64 (int32 / int32), as in TF."""
    return np.true_divide(x, y)


@truediv.defvjp
def _truediv_vjp(g, x, y, needs):
    # d(x/y) = 1/y dx - x/y^2 dy
    return (g / y if needs[0] else None), (-g * x / y / y if needs[1] else None)


@export("", "math")
def divide(x, y, name=None):
    """x / y (TF's `tf.math.divide`)."""
    return truediv(x, y)


@export("", "math")
@elementwise_op(broadcasts=True, differentiable=False)
def floordiv(x, y):
    """floor(x / y); integer division by zero raises InvalidArgumentError. Piecewise
    constant: no gradient path, as in TF."""
    _check_int_divisor(x, y)
    return np.floor_divide(x, y)


@export("", "math", name="mod")
@export("", "math")
@elementwise_op(broadcasts=True)
def floormod(x, y):
    """x - floor(x / y) * y, with the sign of y (Python's %)."""
    _check_int_divisor(x, y)
    return np.mod(x, y)


@floormod.defvjp
def _floormod_vjp(g, x, y, needs):
    return (g if needs[0] else None), (-g * floordiv(x, y) if needs[1] else None)


mod = floormod


@export("", "math")
@elementwise_op(broadcasts=True, name="pow", fused="pow", holomorphic=True)
def pow(x, y):  # noqa: A001 - TF's name
    """x ** y; integers to negative integer powers raise InvalidArgumentError."""
    if x.dtype.kind in "iu" and y.dtype.kind in "iu" and np.any(y < 0):
        raise errors.InvalidArgumentError("Integers to negative integer powers are not allowed")
    return np.power(x, y)


@pow.defvjp
def _pow_vjp(g, x, y, ans, needs):
    # d x^y = y x^(y-1) dx + x^y log(x) dy, the latter taken as 0 where x <= 0 (TF)
    gx = g * y * x ** (y - 1) if needs[0] else None
    gy = None
    if needs[1]:
        # complex: log is defined off 0 (TF's mask is x != 0 there)
        positive = not_equal(x, 0) if x._value.dtype.kind == "c" else greater(x, 0)
        # the zero multiplies g (not replaces it): its sign follows g * ans, as in TF
        gy = g * ans * where(positive, log(where(positive, x, ones_like(x))), zeros_like(x))
    return gx, gy


@export("", "math")
@elementwise_op
def negative(x):
    """-x."""
    return np.negative(x)


@negative.defvjp
def _negative_vjp(g):
    return -g


@export("", "math")
@elementwise_op(fused="square", holomorphic=True)
def square(x):
    """x * x."""
    return np.square(x)


@square.defvjp
def _square_vjp(g, x):
    return g * (2 * x)


def _zero_where_g_zero(g, value):
    """TF's sqrt/rsqrt/reciprocal gradient kernels: 0 wherever the upstream is 0."""
    return where(equal(g, 0), zeros_like(value), value)


@export("", "math")
@elementwise_op(float_only=True, fused="sqrt", holomorphic=True)
def sqrt(x):
    """Square root; nan below 0."""
    return np.sqrt(x)


@sqrt.defvjp
def _sqrt_vjp(g, ans):
    return _zero_where_g_zero(g, g * 0.5 / ans)


@export("", "math")
@elementwise_op(float_only=True, fused="rsqrt", holomorphic=True)
def rsqrt(x):
    """1 / sqrt(x)."""
    return 1 / np.sqrt(x)


@rsqrt.defvjp
def _rsqrt_vjp(g, ans):
    return _zero_where_g_zero(g, g * -0.5 * (ans * ans * ans))


@export("", "math")
@elementwise_op(fused="reciprocal", holomorphic=True)
def reciprocal(x):
    """1 / x."""
    return np.reciprocal(x) if x.dtype.kind in "fc" else np.true_divide(1, x).astype(x.dtype)


@reciprocal.defvjp
def _reciprocal_vjp(g, ans):
    return _zero_where_g_zero(g, -g * (ans * ans))


@export("", "math")
@elementwise_op(float_only=True, fused="exp", holomorphic=True)
def exp(x):
    """e ** x."""
    return np.exp(x)


@exp.defvjp
def _exp_vjp(g, ans):
    return g * ans


@export("", "math")
@elementwise_op(float_only=True, fused="expm1", holomorphic=True)
def expm1(x):
    """e ** x - 1, accurate near 0."""
    return np.expm1(x)


@expm1.defvjp
def _expm1_vjp(g, ans):
    return g * (ans + 1)


@export("", "math")
@elementwise_op(float_only=True, fused="log", holomorphic=True)
def log(x):
    """Natural logarithm."""
    return np.log(x)


@log.defvjp
def _log_vjp(g, x):
    return g / x


@export("", "math")
@elementwise_op(float_only=True, fused="log1p", holomorphic=True)
def log1p(x):
    """log(1 + x), accurate near 0."""
    return np.log1p(x)


@log1p.defvjp
def _log1p_vjp(g, x):
    return g / (1 + x)


@export("", "math")
@elementwise_op(float_only=True, fused="sin", holomorphic=True)
def sin(x):
    """Sine."""
    return np.sin(x)


@sin.defvjp
def _sin_vjp(g, x):
    return g * cos(x)


@export("", "math")
@elementwise_op(float_only=True, fused="cos", holomorphic=True)
def cos(x):
    """Cosine."""
    return np.cos(x)


@cos.defvjp
def _cos_vjp(g, x):
    return -(g * sin(x))


@export("", "math")
@elementwise_op(float_only=True, fused="tan", holomorphic=True)
def tan(x):
    """Tangent."""
    return np.tan(x)


@tan.defvjp
def _tan_vjp(g, ans):
    return g * (1 + ans * ans)


@export("", "math", "nn")
@elementwise_op(float_only=True, fused="tanh", holomorphic=True)
def tanh(x):
    """Hyperbolic tangent."""
    return np.tanh(x)


@tanh.defvjp
def _tanh_vjp(g, ans):
    return g * (1 - ans * ans)


def _sigmoid_array(x):
    # 1/(1+e^-x) where x >= 0, e^x/(1+e^x) elsewhere: neither overflows
    if x.dtype.kind == "c":
        return 1 / (1 + np.exp(-x))
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


@export("", "math", "nn")
@elementwise_op(float_only=True, fused="sigmoid", holomorphic=True)
def sigmoid(x):
    """1 / (1 + e ** -x), computed without overflow."""
    return _sigmoid_array(x)


@sigmoid.defvjp
def _sigmoid_vjp(g, ans):
    return g * ans * (1 - ans)


@export("", "math")
@elementwise_op(name="abs")
def abs(x):  # noqa: A001 - TF's name
    """|x|; its derivative at 0 is 0."""
    return np.abs(x)


@abs.defvjp
def _abs_vjp(g, x, ans):
    # complex: d|z| = Re(conj(z/|z|) dz), so TF's gradient is g * z/|z| (0 at 0), as
    # a quotient (not sign(z)) so that it differentiates again
    if x._value.dtype.kind == "c":
        zero = equal(ans, 0)
        safe = where(zero, ones_like(ans), ans)
        return where(zero, zeros_like(x), cast(g, x.dtype) * x / cast(safe, x.dtype))
    return g * sign(x)


@export("", "math")
@elementwise_op
def sign(x):
    """-1, 0 or 1 (nan for nan)."""
    return np.sign(x)


@sign.defvjp
def _sign_vjp(g):
    # piecewise constant, but TF gives zeros rather than no gradient
    return zeros_like(g)


@export("", "math")
@elementwise_op(broadcasts=True)
def maximum(x, y):
    """Elementwise max; at ties the gradient goes to x."""
    return np.maximum(x, y)


@maximum.defvjp
def _maximum_vjp(g, x, y, needs):
    first = greater_equal(x, y)
    return _select_grads(first, g, needs)


@export("", "math")
@elementwise_op(broadcasts=True)
def minimum(x, y):
    """Elementwise min; at ties the gradient goes to x."""
    return np.minimum(x, y)


@minimum.defvjp
def _minimum_vjp(g, x, y, needs):
    first = less_equal(x, y)
    return _select_grads(first, g, needs)


def _select_grads(first, g, needs):
    zero = zeros_like(g)
    return (where(first, g, zero) if needs[0] else None,
            where(first, zero, g) if needs[1] else None)


@elementwise_op(broadcasts=True, public=False)
def _clip(t, lo, hi):
    if np.any(np.asarray(lo) > np.asarray(hi)):
        raise errors.InvalidArgumentError("clip_value_min must be <= clip_value_max")
    return np.minimum(np.maximum(t, lo), hi)


@_clip.defvjp
def _clip_vjp(g, t, lo, hi, needs):
    # the gradient passes inside [lo, hi], both bounds included
    below, above = less(t, lo), greater(t, hi)
    zero = zeros_like(g)
    inside = logical_not(logical_or(below, above))
    return (where(inside, g, zero) if needs[0] else None,
            where(below, g, zero) if needs[1] else None,
            where(above, g, zero) if needs[2] else None)


@export("")
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clamp `t` to [clip_value_min, clip_value_max] (bounds broadcast against t)."""
    t = convert_to_tensor(t)
    lo = convert_to_tensor(clip_value_min, dtype=t.dtype)
    hi = convert_to_tensor(clip_value_max, dtype=t.dtype)
    return _engine.apply(_clip.op, (t, lo, hi), ())


@export("", "nn")
@elementwise_op(fused="relu")
def relu(features):
    """max(features, 0); its derivative at 0 is 0."""
    return np.maximum(features, 0)


@relu.defvjp
def _relu_vjp(g, ans):
    # relu(x) > 0 exactly where x > 0, so the output stands in for the input
    return _relu_grad(g, ans)


@elementwise_op(public=False)
def _relu_grad(g, features):
    return np.where(features > 0, g, np.zeros((), g.dtype))


@_relu_grad.defvjp
def _relu_grad_vjp(gg, features, needs):
    # linear in g; piecewise constant in the features: zeros there, as TF (not None)
    return (_relu_grad(gg, features) if needs[0] else None,
            zeros_like(features) if needs[1] else None)


@export("")
@elementwise_op
def identity(input):  # noqa: A002 - TF's name
    """The same value, as a new tensor (records a read of a variable)."""
    return input


@identity.defvjp
def _identity_vjp(g):
    return g


@export("")
@elementwise_op(differentiable=False)
def stop_gradient(input):  # noqa: A002 - TF's name
    """The same value, with no gradient path through it."""
    return input


@elementwise_op(public=False, same_dtype=False)
def _cast(x, dtype=None, source=None):
    if x.dtype.kind == "c" and dtype.kind != "c":
        return np.real(x).astype(dtype)       # TF keeps the real part
    return x.astype(dtype)


@_cast.defvjp
def _cast_vjp(g, source):
    # complex -> real passes g back as the real part; real -> complex keeps g's real part
    return cast(g, source)


@export("")
def cast(x, dtype, name=None):
    """Convert to `dtype`; floats to integers truncate toward zero. Int outputs have no
    gradient; a float -> float cast passes the gradient back in the input's dtype."""
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype == dtype:
        return x if isinstance(x, Tensor) else identity(x)
    return _engine.apply(_cast.op, (x,),
                         (np.dtype(dtype.as_numpy_dtype), x.dtype))


# --- selection ----------------------------------------------------------------------

@elementwise_op(broadcasts=True, same_dtype=False, public=False)
def _select(condition, x, y):
    if condition.dtype != np.bool_:
        raise errors.InvalidArgumentError(f"condition must be bool, got {condition.dtype}")
    if x.dtype != y.dtype:
        raise errors.InvalidArgumentError(
            f"x and y must have the same dtype, got {x.dtype} and {y.dtype}")
    return np.where(condition, x, y)


@_select.defvjp
def _select_vjp(g, condition, needs):
    # the unselected branch gets exactly 0 (no nan leaks through where itself)
    zero = zeros_like(g)
    return (None,
            where(condition, g, zero) if needs[1] else None,
            where(condition, zero, g) if needs[2] else None)


@export("")
def where(condition, x=None, y=None, name=None):
    """Select from x where condition, else from y (all three broadcast); with only a
    condition, the int64 indices of its true elements, shape [n, rank]."""
    condition = convert_to_tensor(condition)
    if x is None and y is None:
        return _engine.wrap(np.argwhere(np.asarray(condition)).astype(np.int64))
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    x, y = convert_inputs((x, y))
    return _engine.apply(_select.op, (condition, x, y), ())


@export("")
def zeros_like(input, dtype=None, name=None):  # noqa: A002 - TF's name
    """Zeros with the shape (and, by default, the dtype) of `input`; a constant."""
    arr = np.asarray(convert_to_tensor(input))
    return _engine.wrap(np.zeros(arr.shape, dtype=_numpy_dtype(dtype, arr)))


@export("")
def ones_like(input, dtype=None, name=None):  # noqa: A002 - TF's name
    """Ones with the shape (and, by default, the dtype) of `input`; a constant."""
    arr = np.asarray(convert_to_tensor(input))
    return _engine.wrap(np.ones(arr.shape, dtype=_numpy_dtype(dtype, arr)))


def _numpy_dtype(dtype, arr):
    return arr.dtype if dtype is None else np.dtype(dtypes.as_dtype(dtype).as_numpy_dtype)


# --- comparisons and logic: no gradient ---------------------------------------------

@export("", "math")
@elementwise_op(differentiable=False)
def less(x, y):
    """x < y (bool)."""
    return np.less(x, y)


@export("", "math")
@elementwise_op(differentiable=False)
def less_equal(x, y):
    """x <= y (bool)."""
    return np.less_equal(x, y)


@export("", "math")
@elementwise_op(differentiable=False)
def greater(x, y):
    """x > y (bool)."""
    return np.greater(x, y)


@export("", "math")
@elementwise_op(differentiable=False)
def greater_equal(x, y):
    """x >= y (bool)."""
    return np.greater_equal(x, y)


@export("", "math")
@elementwise_op(differentiable=False)
def equal(x, y):
    """x == y (bool)."""
    return np.equal(x, y)


@export("", "math")
@elementwise_op(differentiable=False)
def not_equal(x, y):
    """x != y (bool)."""
    return np.not_equal(x, y)


def _require_bool(*arrays):
    for a in arrays:
        if a.dtype != np.bool_:
            raise errors.InvalidArgumentError(
                f"cannot compute a logical op on a {a.dtype} tensor: bool expected")


@export("", "math")
@elementwise_op(differentiable=False)
def logical_and(x, y):
    """x AND y for bool tensors."""
    _require_bool(x, y)
    return np.logical_and(x, y)


@export("", "math")
@elementwise_op(differentiable=False)
def logical_or(x, y):
    """x OR y for bool tensors."""
    _require_bool(x, y)
    return np.logical_or(x, y)


@export("", "math")
@elementwise_op(differentiable=False)
def logical_xor(x, y):
    """x XOR y for bool tensors."""
    _require_bool(x, y)
    return np.logical_xor(x, y)


@export("", "math")
@elementwise_op(differentiable=False)
def logical_not(x):
    """NOT x for a bool tensor."""
    _require_bool(x)
    return np.logical_not(x)



# --- forward mode -------------------------------------------------------------------
# These ops act elementwise (diagonal Jacobians, J^T = J up to broadcasting): their VJP
# rule applied to a tangent is the JVP, one rule evaluation instead of the derived
# rule plus its sweep.
for _op in (add, subtract, multiply, truediv, floormod, pow, negative, square, sqrt,
            rsqrt, reciprocal, exp, expm1, log, log1p, sin, cos, tan, tanh, sigmoid, abs,
            maximum, minimum, _clip, relu, identity):
    _op.defjvp_elementwise()
