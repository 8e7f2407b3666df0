"""Dynamic loss scaling around another optimizer (Keras 3's `LossScaleOptimizer`)."""

import numpy as np

from fasttape import _engine
from fasttape.keras.optimizers import base


class LossScaleOptimizer(base.Optimizer):
    """Scales the loss up (`scale_loss`) and the gradients back down before the inner
    optimizer's step.

    A step with a non-finite gradient is skipped and halves the scale; after
    `dynamic_growth_steps` finite steps in a row the scale doubles.
    """

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. "
                             "Instead, simply set `loss_scale_factor` directly on the "
                             "`inner_optimizer`.")
        # configs of older versions carry the base arguments at their defaults
        defaults = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                    "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                    "ema_overwrite_frequency": None, "loss_scale_factor": None,
                    "gradient_accumulation_steps": None}
        for arg, default in defaults.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{arg}`. "
                                 f"Instead, set `{arg}` on the `inner_optimizer`.")
        if kwargs:
            raise ValueError("LossScaleOptimizer does not support arguments: "
                             f"`{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, base.Optimizer):
            raise ValueError("`inner_optimizer` must be an Optimizer instance. Received: "
                             f"inner_optimizer={inner_optimizer!r}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # the inner optimizer must not unscale a second time
        self.inner_optimizer.loss_scale_factor = None
        self.step_counter = None
        self.dynamic_scale = None

    def build(self, var_list):
        if self.built:
            return
        self.step_counter = _engine.Variable(np.int64(0), trainable=False,
                                             name="step_counter")
        self.dynamic_scale = _engine.Variable(np.float32(self.initial_scale),
                                              trainable=False, name="dynamic_scale")
        self.inner_optimizer.build(var_list)
        self.built = True

    @property
    def variables(self):
        own = [self._iterations, self._learning_rate]
        if self.built:
            own += [self.step_counter, self.dynamic_scale]
        return own + self.inner_optimizer.variables

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    def scale_loss(self, loss):
        """`loss` times the current scale (the initial scale before the first step)."""
        from fasttape import _convert
        from fasttape.ops import cast, multiply
        loss = _convert.convert_to_tensor(loss)
        scale = np.asarray(self.dynamic_scale) if self.built else np.float32(
            self.initial_scale)
        dtype = np.result_type(loss.dtype.as_numpy_dtype, np.float32)
        if loss.dtype.is_floating and loss.dtype.as_numpy_dtype != dtype:
            dtype = loss.dtype.as_numpy_dtype
        return multiply(cast(loss, dtype), _convert.constant(np.asarray(scale, dtype)))

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if not self.built:
            self.build(trainable_variables if trainable_variables is not None else [])
        finite = all(np.isfinite(np.asarray(getattr(g, "values", g))).all()
                     for g in grads if g is not None)
        if not finite:
            self.step_counter.assign(np.int64(0))
            self.dynamic_scale.assign(np.asarray(self.dynamic_scale) * np.float32(0.5))
            return None
        scale = float(np.asarray(self.dynamic_scale))
        self.inner_optimizer.apply([_unscale(g, scale) for g in grads], trainable_variables)
        if int(self.step_counter) == self.dynamic_growth_steps - 1:
            self.step_counter.assign(np.int64(0))
            self.dynamic_scale.assign(np.asarray(self.dynamic_scale) * np.float32(2.0))
        else:
            self.step_counter.assign_add(np.int64(1))
        return None

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        return {"name": self.name, "inner_optimizer": base.serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = base.deserialize(config.pop("inner_optimizer"), custom_objects)
        return cls(inner, **config)


def _unscale(grad, scale):
    """The gradient divided by the scale (IndexedSlices keep their rows)."""
    if grad is None:
        return None
    from fasttape.indexed_slices import IndexedSlices
    if isinstance(grad, IndexedSlices):
        values = np.asarray(grad.values)
        return IndexedSlices(values / np.asarray(scale, values.dtype), grad.indices,
                             grad.dense_shape)
    g = np.asarray(grad)
    return g / np.asarray(scale, g.dtype) if g.dtype.kind == "f" else g / scale
