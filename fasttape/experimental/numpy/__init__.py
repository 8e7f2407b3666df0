"""`fasttape.experimental.numpy` (TF's `tf.experimental.numpy`, "tnp"): NumPy's API on
fasttape tensors, recorded by GradientTapes.

    import fasttape.experimental.numpy as tnp

    x = tnp.asarray([1.0, 2.0, 3.0])          # float64, NumPy's inference
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tnp.sum(tnp.sin(x) ** 2)
    tape.gradient(y, x)                        # sin(2x)

Every function returns fasttape Tensors (`tnp.ndarray is fasttape.Tensor`) and is made
of fasttape ops, so gradients follow TF's conventions. Dtypes follow NumPy: Python
floats are float64, ints int64 (float32 for floats after
`experimental_enable_numpy_behavior(prefer_float32=True)`), and arguments are promoted
to a common dtype. See docs/api/tnp.md for the list and the differences from TF.
"""

from fasttape._engine import Tensor as ndarray
from fasttape.experimental.numpy import random  # noqa: F401 (tnp.random)
from fasttape.experimental.numpy._behavior import *  # noqa: F401,F403
from fasttape.experimental.numpy._behavior import _disable_numpy_behavior  # noqa: F401
from fasttape.experimental.numpy._creation import *  # noqa: F401,F403
from fasttape.experimental.numpy._dtypes import *  # noqa: F401,F403
from fasttape.experimental.numpy._math import *  # noqa: F401,F403
from fasttape.experimental.numpy._shape import *  # noqa: F401,F403
from fasttape.experimental.numpy import (  # noqa: E402
    _behavior, _creation, _dtypes, _math, _shape,
)

__all__ = (["ndarray", "random"] + _dtypes.__all__ + _creation.__all__ + _math.__all__
           + _shape.__all__ + _behavior.__all__)
