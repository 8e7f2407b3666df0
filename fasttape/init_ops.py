"""TF's own initializers (`tf.zeros_initializer`, `tf.ones_initializer`,
`tf.constant_initializer`, `tf.random_normal_initializer`,
`tf.random_uniform_initializer`).

Unlike Keras's, they are called as ``init(shape, dtype=tf.float32)`` (float32 by
default, not Keras's floatx), validate the dtype, and draw random values through
`tf.random.normal` / `tf.random.uniform` with the initializer's `seed`.
"""

import numpy as np

from fasttape import dtypes
from fasttape._convert import constant

__all__ = ["zeros_initializer", "ones_initializer", "constant_initializer",
           "random_normal_initializer", "random_uniform_initializer"]

_PARTITION_KWARGS = ["partition_shape", "partition_offset"]


def _check_kwargs(kwargs):
    for key in kwargs:
        if key not in _PARTITION_KWARGS:
            raise TypeError(f"Keyword argument should be one of {_PARTITION_KWARGS}. "
                            f"Received: {key}")


def _shape(shape):
    return [int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape)]


class Initializer:
    """The base class: `__call__(shape, dtype=None, **kwargs)` returns a Tensor."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError("Initializer subclasses must implement the "
                                  "`__call__()` method.")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)                 # written by older versions
        return cls(**config)


class _Fill(Initializer):
    _value = None

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        _check_kwargs(kwargs)
        dtype = dtypes.as_dtype(dtype)
        if not (dtype.is_floating or dtype.is_integer or dtype.is_complex or dtype.is_bool):
            raise ValueError(f"Expected numeric or boolean dtype, got {dtype.name}.")
        return constant(np.full(_shape(shape), self._value, dtype=dtype.as_numpy_dtype))


class zeros_initializer(_Fill):  # noqa: N801 - TF's name
    """Fills with zeros."""
    _value = 0


class ones_initializer(_Fill):  # noqa: N801
    """Fills with ones."""
    _value = 1


class constant_initializer(Initializer):  # noqa: N801
    """Fills with `value`: a scalar fills any shape; a list or array with as many
    elements as the shape is reshaped to it (as `tf.constant(value, dtype, shape)`).

    Raises:
        TypeError: `value` is not a scalar, list, tuple or array; or, when called,
            its element count does not fit the shape.
    """

    def __init__(self, value=0, support_partition=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(f"Invalid type for initial value={value} of type: "
                            f"{type(value).__name__}. Expected Python scalar, list or "
                            f"tuple of values, or numpy.ndarray.")
        self.value = value
        self.support_partition = support_partition

    def __call__(self, shape, dtype=None, **kwargs):
        _check_kwargs(kwargs)
        if kwargs and not self.support_partition:
            raise ValueError(f"{type(self).__name__} initializer doesn't support "
                             f"partition-related arguments")
        return constant(self.value, dtype=None if dtype is None else dtypes.as_dtype(dtype),
                        shape=_shape(shape))

    def get_config(self):
        return {"value": self.value, "support_partition": self.support_partition}


class random_normal_initializer(Initializer):  # noqa: N801
    """Normal draws with `mean` and `stddev` (floating dtypes only)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        from fasttape.ops.creation import normal
        _check_kwargs(kwargs)
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise ValueError(f"Argument `dtype` is expected to be floating point. "
                             f"Received: {dtype!r}.")
        return normal(_shape(shape), self.mean, self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class random_uniform_initializer(Initializer):  # noqa: N801
    """Uniform draws in [minval, maxval) (floating or integer dtypes)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=dtypes.float32, **kwargs):
        from fasttape.ops.creation import uniform
        _check_kwargs(kwargs)
        dtype = dtypes.as_dtype(dtype)
        if not (dtype.is_floating or dtype.is_integer):
            raise ValueError(f"Argument `dtype` is expected to be floating point or "
                             f"integer. Received: {dtype!r}.")
        return uniform(_shape(shape), self.minval, self.maxval, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}
