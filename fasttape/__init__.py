"""fasttape: TensorFlow's eager GradientTape API on numpy, with a Cython tape engine.

    import fasttape as tf

    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.square(x)
    print(tape.gradient(y, x))      # fasttape.Tensor(6.0, shape=(), dtype=float32)
"""

from fasttape import _memory, dtypes, errors, nest  # noqa: F401 (allocator tuning)
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
from fasttape import linear_operator  # noqa: E402,F401  (before tf.linalg gathers names)
from fasttape import debugging, linalg, math, nn, random, sparse  # noqa: E402  (namespaces)
from fasttape.debugging import (  # noqa: E402,F401  (also at the top level, as in TF)
    Assert, assert_equal, assert_greater, assert_less, assert_rank,
)
from fasttape import experimental  # noqa: E402,F401  (tf.experimental.numpy)

__version__ = "0.1.0"
newaxis = None
