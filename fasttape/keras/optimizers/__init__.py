"""Keras 3 optimizers (`tf.keras.optimizers`, also `tf.optimizers`)."""

from fasttape.keras.optimizers import schedules
from fasttape.keras.optimizers.algorithms import (
    SGD, Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lamb, Lion, Muon, Nadam,
    RMSprop, ScheduleFreeAdamW,
)
from fasttape.keras.optimizers.loss_scale import LossScaleOptimizer
from fasttape.keras.optimizers.base import Optimizer
from fasttape.keras.optimizers.multi import MultiOptimizer, OptimizerMap

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax",
           "Nadam", "Ftrl", "Lion", "Adafactor", "Lamb", "Muon", "ScheduleFreeAdamW",
           "LossScaleOptimizer", "MultiOptimizer", "OptimizerMap", "schedules", "get",
           "serialize", "deserialize"]

_CLASSES = {cls.__name__.lower(): cls for cls in (
    SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion, Adafactor, Lamb,
    Muon, ScheduleFreeAdamW, LossScaleOptimizer, MultiOptimizer)}


def serialize(optimizer):
    """An optimizer as a config dict: module, class_name, config, registered_name."""
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The optimizer a `serialize` dict (or a bare class name) describes."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    name = config.get("class_name", "")
    classes = dict(_CLASSES, **{k.lower(): v for k, v in (custom_objects or {}).items()})
    cls = classes.get(name.lower())
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {name!r}")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """An optimizer from an instance, a name ('adam') or a config dict."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
