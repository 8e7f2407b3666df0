"""Inverse trigonometric and hyperbolic functions: tf.math.asin, acos, atan, atan2,
sinh, cosh, asinh, acosh, atanh (also at the top level, as in TF). sin, cos, tan and
tanh are in the elementwise family, where their fused kernels are.

The rules are made of broadcasting elementwise ops, so they also take a leading axis
of stacked cotangents (vectorised jacobians).
"""

import numpy as np

from fasttape.ops._registry import defop
from fasttape.ops.elementwise import sqrt


def _unary(forward):
    return defop(forward, float_only=True, batches=True, namespaces=("", "math"))


@_unary
def asin(x):
    """Inverse sine, elementwise; nan outside [-1, 1]."""
    return np.arcsin(x)


@asin.defvjp
def _asin_vjp(g, x):  # d asin = 1 / sqrt(1 - x^2)
    return g / sqrt(1 - x * x)


@_unary
def acos(x):
    """Inverse cosine, elementwise; nan outside [-1, 1]."""
    return np.arccos(x)


@acos.defvjp
def _acos_vjp(g, x):  # d acos = -1 / sqrt(1 - x^2)
    return -g / sqrt(1 - x * x)


@_unary
def atan(x):
    """Inverse tangent, elementwise."""
    return np.arctan(x)


@atan.defvjp
def _atan_vjp(g, x):  # d atan = 1 / (1 + x^2)
    return g / (1 + x * x)


@_unary
def sinh(x):
    """Hyperbolic sine, elementwise."""
    return np.sinh(x)


@sinh.defvjp
def _sinh_vjp(g, x):
    return g * cosh(x)


@_unary
def cosh(x):
    """Hyperbolic cosine, elementwise."""
    return np.cosh(x)


@cosh.defvjp
def _cosh_vjp(g, x):
    return g * sinh(x)


@_unary
def asinh(x):
    """Inverse hyperbolic sine, elementwise."""
    return np.arcsinh(x)


@asinh.defvjp
def _asinh_vjp(g, ans):  # d asinh(x) = 1 / cosh(asinh(x))
    return g / cosh(ans)


@_unary
def acosh(x):
    """Inverse hyperbolic cosine, elementwise; nan below 1."""
    return np.arccosh(x)


@acosh.defvjp
def _acosh_vjp(g, ans):  # d acosh(x) = 1 / sinh(acosh(x))
    return g / sinh(ans)


@_unary
def atanh(x):
    """Inverse hyperbolic tangent, elementwise; nan outside [-1, 1]."""
    return np.arctanh(x)


@atanh.defvjp
def _atanh_vjp(g, x):  # d atanh = 1 / (1 - x^2)
    return g / (1 - x * x)


@defop(float_only=True, broadcasts=True, batches=True, namespaces=("", "math"))
def atan2(y, x):
    """The angle of the point (x, y), elementwise, in (-pi, pi]: y comes first."""
    return np.arctan2(y, x)


@atan2.defvjp
def _atan2_vjp(g, y, x, needs):
    # d atan2(y, x) = (x dy - y dx) / (x^2 + y^2)
    scaled = g / (y * y + x * x)
    return (scaled * x if needs[0] else None), (-scaled * y if needs[1] else None)
