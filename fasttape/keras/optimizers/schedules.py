"""Learning-rate schedules: `schedule(step)` is a float32 scalar tensor.

Values are computed in float32, as Keras computes them.
"""

import math

import numpy as np

__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
           "PolynomialDecay", "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts",
           "serialize", "deserialize"]

_F = np.float32


def _step(step):
    return _F(np.asarray(step))


def _out(value):
    from fasttape._convert import constant
    return constant(_F(value), dtype="float32")


class LearningRateSchedule:
    """The base class: subclasses define `__call__(step)` and `get_config()`."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, "
            "step)`.")

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
            "in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (floored exponent
    with `staircase`)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        if decay_steps <= 0:
            raise ValueError("Argument `decay_steps` must be > 0. "
                             f"Received: decay_steps={decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = _step(step) / _F(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return _out(_F(self.initial_learning_rate) * np.power(_F(self.decay_rate), p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[i]` for the first `step <= boundaries[i]`, else the last value."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        s = np.asarray(step)
        for b, v in zip(self.boundaries, self.values):
            if s <= b:
                return _out(v)
        return _out(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """A polynomial decay from `initial_learning_rate` to `end_learning_rate` over
    `decay_steps` (repeated with growing periods when `cycle`)."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False, name="PolynomialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        s = _step(step)
        steps = _F(self.decay_steps)
        if self.cycle:
            mult = _F(1.0) if s == 0 else np.ceil(s / steps)
            steps = steps * mult
        else:
            s = np.minimum(s, steps)
        frac = _F(1) - s / steps
        lr0, end = _F(self.initial_learning_rate), _F(self.end_learning_rate)
        return _out((lr0 - end) * np.power(frac, _F(self.power)) + end)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power,
                "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = _step(step) / _F(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return _out(_F(self.initial_learning_rate) / (_F(1) + _F(self.decay_rate) * p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """A cosine decay to `alpha * initial_learning_rate` over `decay_steps`, optionally
    after a linear warmup to `warmup_target` over `warmup_steps`."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        if decay_steps <= 0:
            raise ValueError("Argument `decay_steps` must be > 0. "
                             f"Received: decay_steps={decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, s, lr_from):
        cos = _F(0.5) * (_F(1) + np.cos(_F(math.pi) * (s / _F(self.decay_steps))))
        return lr_from * ((_F(1) - _F(self.alpha)) * cos + _F(self.alpha))

    def __call__(self, step):
        s = _step(step)
        lr0 = _F(self.initial_learning_rate)
        if self.warmup_target is None:
            return _out(self._decay(np.minimum(s, _F(self.decay_steps)), lr0))
        warm = _F(self.warmup_steps)
        target = _F(self.warmup_target)
        s = np.minimum(s, _F(self.decay_steps) + warm)
        if s < warm:
            return _out((target - lr0) * (s / warm) + lr0)
        return _out(self._decay(s - warm, target))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by `t_mul`, peaks by
    `m_mul`."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        if first_decay_steps <= 0:
            raise ValueError("Argument `first_decay_steps` must be > 0. "
                             f"Received: first_decay_steps={first_decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        frac = _step(step) / _F(self.first_decay_steps)
        t_mul, m_mul = _F(self._t_mul), _F(self._m_mul)
        if t_mul == 1:
            i_restart = np.floor(frac)
            frac = frac - i_restart
        else:
            i_restart = np.floor(np.log(_F(1) - frac * (_F(1) - t_mul)) / np.log(t_mul))
            sum_r = (_F(1) - np.power(t_mul, i_restart)) / (_F(1) - t_mul)
            frac = (frac - sum_r) / np.power(t_mul, i_restart)
        cos = _F(0.5) * np.power(m_mul, i_restart) * (_F(1) + np.cos(_F(math.pi) * frac))
        alpha = _F(self.alpha)
        return _out(_F(self.initial_learning_rate) * ((_F(1) - alpha) * cos + alpha))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_BUILTIN = {name: globals()[name] for name in __all__[:-2]}


def serialize(learning_rate_schedule):
    """A schedule as a config dict: module, class_name, config, registered_name."""
    return {"module": "keras.optimizers.schedules",
            "class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The schedule a `serialize` dict describes (`custom_objects` adds classes)."""
    classes = dict(_BUILTIN, **(custom_objects or {}))
    name = config.get("class_name")
    if name not in classes:
        raise ValueError(f"Could not interpret learning rate schedule class name: {name!r}")
    return classes[name].from_config(config["config"])
