"""Module-based layers for custom training loops: Dense, Embedding, and `Sequential`.

A layer creates its variables on its first call (inside its name scope, so they are
named `dense/kernel:0` and so on). There is no `fit`/`compile`.
"""

import numpy as np

from fasttape import _convert, _engine
from fasttape.keras import activations, initializers
from fasttape.module import Module, _snake_case
from fasttape.ops import cast, gather, matmul, tensordot

__all__ = ["Layer", "Dense", "Embedding", "Sequential"]

_layer_counts = {}


def _unique(base):
    n = _layer_counts.get(base, 0)
    _layer_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


class Layer(Module):
    """A Module that builds its variables on the first call."""

    def __init__(self, trainable=True, name=None, dtype=None):
        super().__init__(name=name or _unique(_snake_case(type(self).__name__)))
        self.trainable = trainable
        self.dtype = dtype or "float32"
        self.built = False

    def build(self, input_shape):
        self.built = True

    def add_weight(self, name, shape, initializer, trainable=True, dtype=None):
        dtype = dtype or self.dtype
        init = initializers.get(initializer)
        with self.name_scope:
            return _engine.Variable(init(tuple(shape), dtype=dtype),
                                    trainable=trainable and self.trainable, name=name)

    def __call__(self, inputs, *args, **kwargs):
        inputs = _convert.convert_to_tensor(inputs)
        if not self.built:
            self.build(tuple(inputs.shape))
            self.built = True
        return self.call(inputs, *args, **kwargs)

    def call(self, inputs):
        return inputs

    @property
    def weights(self):
        """The layer's variables, in creation order."""
        return list(self._weights())

    def _weights(self):
        return ()

    def get_weights(self):
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(f"Layer {self.name} expects {len(mine)} weights, but the "
                             f"received weights contain {len(weights)} arrays.")
        for v, w in zip(mine, weights):
            if tuple(np.shape(w)) != tuple(v.shape):
                raise ValueError(f"Layer {self.name} weight shape {tuple(v.shape)} is not "
                                 f"compatible with provided weight shape {np.shape(w)}.")
        for v, w in zip(mine, weights):
            v.assign(np.asarray(w))

    # Keras lists a layer's variables in creation order, not by attribute name
    @property
    def variables(self):
        return self.weights

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    @property
    def trainable_weights(self):
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        return [v for v in self.weights if not v.trainable]


class Dense(Layer):
    """`activation(inputs @ kernel + bias)` over the last axis."""

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 name=None, dtype=None, trainable=True, **kwargs):
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to Dense: {kwargs}")
        if not isinstance(units, int) or units <= 0:
            raise ValueError("Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        super().__init__(trainable=trainable, name=name, dtype=dtype)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units),
                                      self.kernel_initializer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer)
        self.built = True

    def _weights(self):
        return [w for w in (self.kernel, self.bias) if w is not None]

    def call(self, inputs):
        inputs = cast(inputs, self.dtype) if inputs.dtype != self.kernel.dtype else inputs
        if len(inputs.shape) == 2:
            y = matmul(inputs, self.kernel)
        else:
            y = tensordot(inputs, self.kernel, [[len(inputs.shape) - 1], [0]])
        if self.bias is not None:
            y = y + self.bias
        return self.activation(y)


class Embedding(Layer):
    """Rows of a trainable (input_dim, output_dim) table, looked up by integer ids."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", name=None,
                 dtype=None, trainable=True, **kwargs):
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to Embedding: {kwargs}")
        super().__init__(trainable=trainable, name=name, dtype=dtype)
        self.input_dim = input_dim
        self.output_dim = output_dim
        init = embeddings_initializer
        self.embeddings_initializer = (initializers.RandomUniform() if init == "uniform"
                                       else initializers.get(init))
        self.embeddings = None

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer)
        self.built = True

    def _weights(self):
        return [self.embeddings] if self.embeddings is not None else []

    def call(self, inputs):
        if inputs.dtype.is_floating:
            inputs = cast(inputs, "int32")
        return gather(self.embeddings, inputs)


class Sequential(Layer):
    """Layers applied in turn."""

    def __init__(self, layers=None, name=None, trainable=True):
        super().__init__(trainable=trainable, name=name)
        self.layers = []
        for layer in layers or ():
            self.add(layer)

    def add(self, layer):
        if not callable(layer):
            raise TypeError(f"Only layers can be added to a Sequential model; received "
                            f"{layer!r} of type {type(layer).__name__}")
        self.layers.append(layer)

    def pop(self):
        if not self.layers:
            raise IndexError("There are no layers in the model.")
        return self.layers.pop()

    def call(self, inputs):
        for layer in self.layers:
            inputs = layer(inputs)
        return inputs

    def _weights(self):
        for layer in self.layers:
            yield from getattr(layer, "weights", ())
