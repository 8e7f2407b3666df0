"""Keras 3 optimizers (`tf.keras.optimizers`, also `tf.optimizers`)."""

from fasttape.keras.optimizers import schedules
from fasttape.keras.optimizers.algorithms import (
    SGD, Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lamb, Lion, Muon, Nadam,
    RMSprop, ScheduleFreeAdamW,
)
from fasttape.keras.optimizers.loss_scale import LossScaleOptimizer
from fasttape.keras.optimizers import base
from fasttape.keras.optimizers.base import Optimizer, deserialize, serialize
from fasttape.keras.optimizers.multi import MultiOptimizer, OptimizerMap

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax",
           "Nadam", "Ftrl", "Lion", "Adafactor", "Lamb", "Muon", "ScheduleFreeAdamW",
           "LossScaleOptimizer", "MultiOptimizer", "OptimizerMap", "schedules", "get",
           "serialize", "deserialize"]

# deserialize (in base, where LossScaleOptimizer reaches it) looks the built-in classes
# up here, once they are all defined
base._CLASSES.update({cls.__name__.lower(): cls for cls in (
    SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion, Adafactor, Lamb,
    Muon, ScheduleFreeAdamW, LossScaleOptimizer, MultiOptimizer)})


def get(identifier):
    """An optimizer from an instance, a name ('adam') or a config dict."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
