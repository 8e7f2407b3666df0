"""`tf.math`: the math ops under TF's second name (published there by their declarations)."""

from fasttape.ops import namespace

globals().update(namespace("MATH"))


def _special_module():
    import types

    module = types.ModuleType("fasttape.math.special",
                              "`tf.math.special`: Bessel functions, dawsn, expint, fresnel, spence.")
    module.__dict__.update(namespace("MATH.SPECIAL"))
    return module


special = _special_module()
del _special_module
del namespace
