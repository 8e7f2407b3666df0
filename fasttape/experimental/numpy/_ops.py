"""Ops tnp needs that fasttape's families do not declare (yet): inverse trigonometric
and hyperbolic functions, arctan2, and NumPy indexing with index arrays.

Each forward sits above its derivative rule, as in fasttape/ops. `_index` is the one
gathering op behind `sort`, `take_along_axis`, `repeat`, `roll` and NumPy-style
indexing: its key is a tuple of numpy index arrays and slices (an attribute, never
differentiated), and its gradient adds the upstream values back at those positions
(`_index_add`, whose own gradient is `_index` again, so every order works).
"""

import numpy as np

from fasttape import _engine, errors
from fasttape.ops._registry import defop
from fasttape.ops.elementwise import sqrt

__all__ = []


def _unary(forward):
    return defop(forward, float_only=True, batches=True)


# --- inverse trigonometric and hyperbolic functions --------------------------------------

@_unary
def arcsin(x):
    """Inverse sine; nan outside [-1, 1]."""
    return np.arcsin(x)


@arcsin.defvjp
def _arcsin_vjp(g, x):  # d asin = 1 / sqrt(1 - x^2)
    return g / sqrt(1 - x * x)


@_unary
def arccos(x):
    """Inverse cosine; nan outside [-1, 1]."""
    return np.arccos(x)


@arccos.defvjp
def _arccos_vjp(g, x):  # d acos = -1 / sqrt(1 - x^2)
    return -g / sqrt(1 - x * x)


@_unary
def arctan(x):
    """Inverse tangent."""
    return np.arctan(x)


@arctan.defvjp
def _arctan_vjp(g, x):  # d atan = 1 / (1 + x^2)
    return g / (1 + x * x)


@_unary
def sinh(x):
    """Hyperbolic sine."""
    return np.sinh(x)


@sinh.defvjp
def _sinh_vjp(g, x):
    return g * cosh(x)


@_unary
def cosh(x):
    """Hyperbolic cosine."""
    return np.cosh(x)


@cosh.defvjp
def _cosh_vjp(g, x):
    return g * sinh(x)


@_unary
def arcsinh(x):
    """Inverse hyperbolic sine."""
    return np.arcsinh(x)


@arcsinh.defvjp
def _arcsinh_vjp(g, ans):  # d asinh(x) = 1 / cosh(asinh(x))
    return g / cosh(ans)


@_unary
def arccosh(x):
    """Inverse hyperbolic cosine; nan below 1."""
    return np.arccosh(x)


@arccosh.defvjp
def _arccosh_vjp(g, ans):  # d acosh(x) = 1 / sinh(acosh(x))
    return g / sinh(ans)


@_unary
def arctanh(x):
    """Inverse hyperbolic tangent; nan outside [-1, 1]."""
    return np.arctanh(x)


@arctanh.defvjp
def _arctanh_vjp(g, x):  # d atanh = 1 / (1 - x^2)
    return g / (1 - x * x)


@defop(float_only=True, broadcasts=True, batches=True)
def arctan2(x1, x2):
    """The angle of the point (x2, x1), in (-pi, pi]."""
    return np.arctan2(x1, x2)


@arctan2.defvjp
def _arctan2_vjp(g, x1, x2, needs):
    # d atan2(y, x) = (x dy - y dx) / (x^2 + y^2)
    scaled = g / (x1 * x1 + x2 * x2)
    return (scaled * x2 if needs[0] else None), (-scaled * x1 if needs[1] else None)


# --- indexing with index arrays ----------------------------------------------------------

@defop(public=False)
def _index(x, key=(), in_shape=()):
    try:
        return np.ascontiguousarray(x[key])
    except IndexError as exc:
        raise errors.InvalidArgumentError(str(exc)) from None


@_index.defvjp
def _index_vjp(g, key, in_shape):
    return _engine.apply(_index_add.op, (g,), (key, in_shape))


@defop(public=False)
def _index_add(g, key=(), in_shape=()):
    # the adjoint of _index: each upstream value added where it was read from
    out = np.zeros(in_shape, dtype=g.dtype)
    np.add.at(out, key, g)
    return out


@_index_add.defvjp
def _index_add_vjp(g, key, in_shape):
    return _engine.apply(_index.op, (g,), (key, in_shape))


def index(x, key):
    """`x[key]` for a NumPy key of integer arrays, slices, ints, None and Ellipsis;
    differentiable (repeated positions accumulate their gradients)."""
    return _engine.apply(_index.op, (x,), (key, tuple(x.shape)))

