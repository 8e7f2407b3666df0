"""`tf.math`: the math ops under TF's second name."""

from fasttape.ops.elementwise import (  # noqa: F401
    abs, add, cos, divide, equal, exp, expm1, floordiv, floormod, greater, greater_equal, less,
    less_equal, log, log1p, logical_and, logical_not, logical_or, logical_xor, maximum,
    minimum, mod, multiply, negative, not_equal, pow, reciprocal, rsqrt, sigmoid, sign, sin,
    sqrt, square, subtract, tan, tanh, truediv,
)
from fasttape.ops.reductions import reduce_mean, reduce_sum  # noqa: F401
