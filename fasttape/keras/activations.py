"""Keras 3 activations (`tf.keras.activations`): lists, arrays and tensors in, tensors out."""

from fasttape import _convert, nn
from fasttape import math as tfm
from fasttape.ops import exp, minimum, tanh as _tanh, where

__all__ = ["elu", "exponential", "gelu", "hard_sigmoid", "hard_silu", "hard_swish",
           "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6",
           "selu", "sigmoid", "silu", "softmax", "softplus", "softsign", "swish", "tanh",
           "celu", "glu", "hard_shrink", "hard_tanh", "soft_shrink", "sparse_plus",
           "sparse_sigmoid", "sparsemax", "squareplus", "tanh_shrink", "threshold",
           "get", "serialize", "deserialize"]


def _t(x):
    return _convert.convert_to_tensor(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0) with an optional slope below `threshold` and a cap at `max_value`."""
    x = _t(x)
    if threshold:
        y = where(x > threshold, x, negative_slope * (x - threshold) if negative_slope
                  else 0 * x)
    elif negative_slope:
        y = where(x > 0, x, negative_slope * x)
    else:
        y = nn.relu(x)
    if max_value is not None:
        y = minimum(y, max_value)
    return y


def leaky_relu(x, negative_slope=0.2):
    return nn.leaky_relu(_t(x), alpha=negative_slope)


def relu6(x):
    return nn.relu6(_t(x))


def elu(x, alpha=1.0):
    x = _t(x)
    return nn.elu(x) if alpha == 1.0 else where(x > 0, x, alpha * (exp(minimum(x, 0.0)) - 1.0))


def selu(x):
    return nn.selu(_t(x))


def _float_input(x, name):
    x = _t(x)
    if not x.dtype.is_floating:
        raise ValueError(f"`{name}` requires a floating input; received dtype {x.dtype.name}")
    return x


def gelu(x, approximate=False):
    """Exact (erf) by default; `approximate=True` is the tanh form."""
    return nn.gelu(_float_input(x, "gelu"), approximate=approximate)


def sigmoid(x):
    return tfm.sigmoid(_t(x))


def silu(x):
    x = _t(x)
    return x * tfm.sigmoid(x)


swish = silu


def hard_sigmoid(x):
    """relu6(x + 3) / 6."""
    return nn.relu6(_t(x) + 3.0) / 6.0


def hard_silu(x):
    x = _t(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def softmax(x, axis=-1):
    return nn.softmax(_t(x), axis=axis)


def log_softmax(x, axis=-1):
    return nn.log_softmax(_t(x), axis=axis)


def softplus(x):
    return nn.softplus(_t(x))


def softsign(x):
    return nn.softsign(_t(x))


def log_sigmoid(x):
    return tfm.log_sigmoid(_t(x))


def mish(x):
    x = _t(x)
    return x * _tanh(nn.softplus(x))


def exponential(x):
    return exp(_t(x))


def linear(x):
    return _t(x)


def tanh(x):
    return _tanh(_t(x))


def celu(x, alpha=1.0):
    """x for x >= 0, else alpha·(exp(x/alpha) − 1)."""
    x = _t(x)
    return where(x >= 0, x, alpha * (exp(minimum(x, 0.0) / alpha) - 1.0))


def glu(x, axis=-1):
    """a·sigmoid(b), with a and b the two halves of `x` along `axis`."""
    from fasttape.ops import split
    x = _t(x)
    if x.shape[axis] % 2:
        raise ValueError("axis size must be divisible by 2. "
                         f"Received: x.shape={x.shape} with axis={axis}")
    a, b = split(x, 2, axis=axis)
    return a * tfm.sigmoid(b)


def hard_shrink(x, threshold=0.5):
    x = _t(x)
    return where(tfm.abs(x) > threshold, x, 0 * x)


def hard_tanh(x):
    from fasttape.ops import clip_by_value
    return clip_by_value(_t(x), -1.0, 1.0)


def soft_shrink(x, threshold=0.5):
    x = _t(x)
    return where(x > threshold, x - threshold, where(x < -threshold, x + threshold, 0 * x))


def sparse_plus(x):
    """0 below −1, x above 1, (x + 1)²/4 between."""
    x = _t(x)
    return where(x <= -1.0, 0 * x, where(x >= 1.0, x, 0.25 * (x + 1.0) * (x + 1.0)))


def sparse_sigmoid(x):
    """0 below −1, 1 above 1, (x + 1)/2 between."""
    x = _t(x)
    return where(x <= -1.0, 0 * x, where(x >= 1.0, 0 * x + 1.0, 0.5 * (x + 1.0)))


def squareplus(x, b=4):
    """(x + sqrt(x² + b)) / 2."""
    from fasttape.ops import sqrt
    x = _t(x)
    return 0.5 * (x + sqrt(x * x + b))


def tanh_shrink(x):
    x = _t(x)
    return x - _tanh(x)


def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    x = _t(x)
    return where(x > threshold, x, 0 * x + default_value)


def sparsemax(x, axis=-1):
    """The Euclidean projection of `x` onto the simplex (Martins & Astudillo, 2016).

    The support is found in numpy; on it the output is x − tau with tau the mean of the
    supported x minus 1/|support|, so gradients flow through tau.
    """
    import numpy as np
    from fasttape.ops import reduce_sum
    x = _t(x)
    a = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    z = -np.sort(-a, axis=-1)
    k = np.arange(1, a.shape[-1] + 1)
    cums = np.cumsum(z, axis=-1)
    support_size = np.sum(1 + k * z > cums, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cums, support_size - 1, -1) - 1) / support_size
    mask = np.moveaxis((a > tau).astype(x.dtype.as_numpy_dtype), -1, axis)
    mask = _convert.constant(mask)
    tau_t = (reduce_sum(x * mask, axis=axis, keepdims=True) - 1.0) / reduce_sum(
        mask, axis=axis, keepdims=True)
    return mask * (x - tau_t)


_ALL = {name: globals()[name] for name in __all__[:-3]}


def serialize(activation):
    """An activation's name."""
    return activation.__name__


def deserialize(name, custom_objects=None):
    objects = dict(_ALL, **(custom_objects or {}))
    if name not in objects:
        raise ValueError(f"Unknown activation function '{name}'.")
    return objects[name]


def get(identifier):
    """An activation from a name, a callable, or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")
