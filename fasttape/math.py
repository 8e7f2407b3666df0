"""`tf.math`: the math ops under TF's second name (each family's MATH list)."""

from fasttape.experimental.numpy._ops import (  # noqa: F401  (TF's names for tnp's ops)
    arccos as acos,
    arccosh as acosh,
    arcsin as asin,
    arcsinh as asinh,
    arctan as atan,
    arctanh as atanh,
    cosh,
    sinh,
)
from fasttape.ops import namespace

globals().update(namespace("MATH"))


def atan2(y, x, name=None):
    """The angle of (x, y), elementwise: TF's argument order (y first)."""
    from fasttape.experimental.numpy._ops import arctan2

    return arctan2(y, x)


def _special_module():
    import types

    module = types.ModuleType("fasttape.math.special",
                              "`tf.math.special`: Bessel functions, dawsn, expint, fresnel, spence.")
    module.__dict__.update(namespace("MATH.SPECIAL"))
    return module


special = _special_module()
del _special_module
del namespace
