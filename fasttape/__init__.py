"""fasttape: TensorFlow's eager GradientTape API on numpy, with a Cython tape engine.

    import fasttape as tf

    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.square(x)
    print(tape.gradient(y, x))      # fasttape.Tensor(6.0, shape=(), dtype=float32)
"""

import importlib.util as _util

if _util.find_spec("fasttape._engine") is None:
    raise ImportError(
        "fasttape's compiled modules are not built here "
        f"({__path__[0]}): run `pip install -e .` in this checkout, or import fasttape "
        "from outside the checkout to use the installed copy")
del _util

from fasttape import dtypes, errors, nest
from fasttape._config import show_config
from fasttape._convert import constant, convert_to_tensor, is_tensor
from fasttape._engine import Tensor, Variable
from fasttape.dtypes import (
    DType, as_dtype, bool, complex64, complex128, double, float16, float32, float64, half,
    int8, int16, int32, int64, uint8, uint16, uint32, uint64,
)
from fasttape.indexed_slices import IndexedSlices
from fasttape.ops import *  # noqa: F401,F403
# tf.shape: not in the shape family's __all__, where it would shadow that module
from fasttape.ops.shape import shape  # noqa: F401
from fasttape.custom_gradient import custom_gradient
from fasttape.tape import GradientTape, UnconnectedGradients
from fasttape.tensor_shape import TensorShape
from fasttape import linalg, math, nn, random  # noqa: E402  (namespaces over the ops)
from fasttape import experimental  # noqa: E402,F401  (tf.experimental.numpy)

__version__ = "0.1.0"
newaxis = None
