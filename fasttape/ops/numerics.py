"""Numeric checks: check_numerics, an identity that raises on NaN or Inf.

Its gradient checks the cotangent the same way (TF's CheckNumerics gradient), so a
NaN arising in the backward pass is reported where it passes through.
"""

import numpy as np

from fasttape import _engine, errors
from fasttape._convert import convert_to_tensor
from fasttape.ops._registry import defop, export

_FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))


def _bad_values(a):
    """TF's wording for what is wrong with `a`, or None when all values are finite."""
    nan = bool(np.isnan(a).any())
    inf = bool(np.isinf(a).any())
    if nan and inf:
        return "Inf and NaN"
    return "NaN" if nan else "Inf" if inf else None


def _check(a, message):
    if a.dtype not in _FLOATS:
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {a.dtype.name} is not in the list of allowed values: "
            f"bfloat16, half, float, double [Op:CheckNumerics]")
    bad = _bad_values(a)
    if bad is not None:
        raise errors.InvalidArgumentError(f"{message} : Tensor had {bad} values "
                                          f"[Op:CheckNumerics]")


@defop(public=False)
def _check_numerics(tensor, message=""):
    _check(tensor, message)
    return tensor


@_check_numerics.defvjp
def _check_numerics_vjp(g, message):
    return _engine.apply(_check_numerics.op, (g,), (
        "Not a number (NaN) or infinity (Inf) values detected in gradient. " + message,))


@export("debugging")
def check_numerics(tensor, message, name=None):
    """`tensor` itself, after checking that it holds no NaN or Inf.

    Raises:
        InvalidArgumentError: `tensor` has a NaN or an Inf (the message starts with
            `message`), or is not of a floating dtype.
    """
    return _engine.apply(_check_numerics.op, (convert_to_tensor(tensor),), (str(message),))


@export("debugging")
def assert_all_finite(x, message, name=None):
    """`x` itself, after checking that it holds no NaN or Inf (as check_numerics)."""
    return check_numerics(x, message)
