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
from fasttape._config import __version__, show_config
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
# tf.conv: named like the convolution family module, so imported by name
from fasttape.ops.conv_extra import conv  # noqa: F401
from fasttape.custom_gradient import custom_gradient, grad_pass_through, recompute_grad
from fasttape.tape import GradientTape, UnconnectedGradients
from fasttape.tensor_shape import TensorShape
from fasttape import linear_operator  # noqa: E402,F401  (before tf.linalg gathers names)
from fasttape import (  # noqa: E402  (namespaces over the ops)
    bitwise, debugging, linalg, math, nn, random, signal, sparse,
)
from fasttape.debugging import (  # noqa: E402,F401  (also at the top level, as in TF)
    Assert, assert_equal, assert_greater, assert_less, assert_rank,
)
from fasttape import experimental  # noqa: E402,F401  (tf.experimental.numpy)
from fasttape.ops._registry import exports as _exports  # noqa: E402

# tf.dtypes.cast and friends: the op layer registers them on the dtypes module
dtypes.cast = cast  # noqa: F405
for _name, _fn in _exports("dtypes").items():
    setattr(dtypes, _name, _fn)
del _exports, _name, _fn
from fasttape import autodiff  # noqa: E402,F401  (tf.autodiff: forward mode)
from fasttape.function import (  # noqa: E402
    TensorSpec, executing_eagerly, function, inside_function, print_ as print,  # noqa: A001
)
from fasttape import config  # noqa: E402,F401

newaxis = None
from fasttape.module import Module, name_scope  # noqa: E402
from fasttape import keras  # noqa: E402
optimizers = keras.optimizers
from fasttape.framework import (  # noqa: E402,F401
    DeviceSpec, VariableAggregation, VariableSynchronization, control_dependencies,
    get_current_name_scope, get_logger, group, numpy_function, py_function, tuple,  # noqa: A001
)
from fasttape.init_ops import (  # noqa: E402,F401
    constant_initializer, ones_initializer, random_normal_initializer,
    random_uniform_initializer, zeros_initializer,
)
initializers = keras.initializers
losses = keras.losses
from fasttape._convert import register_tensor_conversion_function  # noqa: E402,F401
from fasttape.type_spec import TypeSpec  # noqa: E402,F401
from fasttape.specs import (  # noqa: E402,F401
    IndexedSlicesSpec, NoneTensorSpec, SparseTensorSpec, TensorArraySpec, type_spec_from_value,
)
