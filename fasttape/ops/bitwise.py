"""`tf.bitwise`: and, or, xor, invert and shifts of integer tensors (no gradients).

Integer dtypes only (bool and floats raise InvalidArgumentError, as in TF); binary ops
broadcast and need both operands of one dtype. Shift amounts are clamped to
[0, bits - 1], TF's CPU behaviour: `left_shift(1, 33)` on int32 is `1 << 31`, and a
right shift of a negative number fills with its sign bit.
"""

import numpy as np

from fasttape import dtypes, errors
from fasttape.ops._registry import defop

_ALLOWED = "int8, int16, int32, int64, uint8, uint16, uint32, uint64"


def _require_integers(x, op):
    if x.dtype.kind not in "iu":
        raise errors.InvalidArgumentError(
            f"Value for attr 'T' of {dtypes.from_numpy(x.dtype).name} is not in the list of "
            f"allowed values: {_ALLOWED} [Op:{op}]")


def _bitwise(forward):
    return defop(forward, namespaces=("bitwise",), differentiable=False)


@_bitwise
def bitwise_and(x, y):
    """x & y, elementwise with broadcasting."""
    _require_integers(x, "BitwiseAnd")
    return np.bitwise_and(x, y)


@_bitwise
def bitwise_or(x, y):
    """x | y, elementwise with broadcasting."""
    _require_integers(x, "BitwiseOr")
    return np.bitwise_or(x, y)


@_bitwise
def bitwise_xor(x, y):
    """x ^ y, elementwise with broadcasting."""
    _require_integers(x, "BitwiseXor")
    return np.bitwise_xor(x, y)


@_bitwise
def invert(x):
    """~x, every bit flipped (for unsigned types, max - x)."""
    _require_integers(x, "Invert")
    return np.invert(x)


def _clamped_shift(y, bits):
    return np.clip(y, 0, bits - 1).astype(y.dtype)


@_bitwise
def left_shift(x, y):
    """x << y, the shift clamped to [0, bits - 1]; bits shifted out are lost."""
    _require_integers(x, "LeftShift")
    return np.left_shift(x, _clamped_shift(y, x.dtype.itemsize * 8)).astype(x.dtype)


@_bitwise
def right_shift(x, y):
    """x >> y, the shift clamped to [0, bits - 1]; arithmetic (sign-filling) for signed
    types."""
    _require_integers(x, "RightShift")
    return np.right_shift(x, _clamped_shift(y, x.dtype.itemsize * 8)).astype(x.dtype)
