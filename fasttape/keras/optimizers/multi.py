"""Several optimizers for one set of variables: `OptimizerMap` picks one per variable
path, `MultiOptimizer` hands each variable's gradient to it."""

import re
from collections.abc import MutableMapping

from fasttape.keras.optimizers.algorithms import _variable_path
from fasttape.keras.optimizers.base import (
    Optimizer, _check_variable, _prepare_gradient, deserialize, serialize,
)
from fasttape.keras.optimizers.loss_scale import LossScaleOptimizer


def _check_inner(optimizer, what):
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{what} must be a Keras Optimizer instance. Received: {optimizer}")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError("LossScaleOptimizer cannot be used inside a MultiOptimizer.")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError("MultiOptimizer cannot be used inside a MultiOptimizer.")


class OptimizerMap(MutableMapping):
    """Optimizers by variable path: an exact key first, else the one key that matches
    the whole path as a regular expression, else `default_optimizer`. Calling the map
    on a variable looks up its path (its name without ':0')."""

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError("default_optimizer must be a Keras Optimizer instance. "
                            f"Received: {default_optimizer}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"optimizer_map must be a dictionary. Received: {optimizer_map}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = optimizer_map or {}

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key}.")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(f"'{key}' already exists in the OptimizerMap with value "
                             f"{self._optimizer_map[key]}. Please make sure to not use "
                             "duplicated keys.")
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key}")
        _check_inner(optimizer, "optimizer")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[_variable_path(variable)]

    def get_config(self):
        return {"default_optimizer": serialize(self._default_optimizer),
                "optimizer_map": {k: serialize(v) for k, v in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(deserialize(config["default_optimizer"], custom_objects),
                   {k: deserialize(v, custom_objects)
                    for k, v in config["optimizer_map"].items()})


class MultiOptimizer(Optimizer):
    """Applies each variable's gradient with the optimizer `optimizer_map` (an
    `OptimizerMap` or a callable of the variable) gives it.

    It counts its own `iterations`; `variables` are its own followed by each inner
    optimizer's. It has no learning rate (reading or setting one raises
    AttributeError): the inner optimizers have theirs. `loss_scale_factor` is passed
    on to every inner optimizer.
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._inner_optimizers = []
        inner = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        for opt in inner + ([default] if default is not None else []):
            if not any(opt is o for o in self._inner_optimizers):
                opt.loss_scale_factor = loss_scale_factor
                self._inner_optimizers.append(opt)
        self._owner = {}

    @property
    def optimizers(self):
        return self._inner_optimizers

    @property
    def learning_rate(self):
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer. Access "
                             "the learning rate on the individual sub-optimizers instead.")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("Learning rate cannot be set on a MultiOptimizer. Set the "
                             "learning rate on the individual sub-optimizers instead.")

    @property
    def loss_scale_factor(self):
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for opt in getattr(self, "_inner_optimizers", ()):
            opt.loss_scale_factor = value

    @property
    def iterations(self):
        return self._iterations

    @property
    def variables(self):
        out = [self._iterations, self._learning_rate]
        for opt in self._inner_optimizers:
            out.extend(opt.variables)
        return out

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        for var in var_list:
            _check_variable(var)
        owners = []
        for var in var_list:
            opt = self._optimizer_map(var)
            if not isinstance(opt, Optimizer):
                raise ValueError(f"Optimizer for variable {var.name} is not an Optimizer "
                                 "instance.")
            _check_inner(opt, f"The optimizer for variable {var.name}")
            owners.append(opt)
        groups = {}
        for var, opt in zip(var_list, owners):
            if not any(opt is o for o in self._inner_optimizers):
                opt.loss_scale_factor = self.loss_scale_factor
                self._inner_optimizers.append(opt)
            self._owner[id(var)] = opt
            groups.setdefault(id(opt), []).append(var)
        for opt in self._inner_optimizers:
            if id(opt) in groups:
                opt.build(groups[id(opt)])
        self._vars = var_list
        self._index = {id(v): i for i, v in enumerate(var_list)}
        self.built = True

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if not grads:
            return None
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer "
                                 "must already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            variables = list(self._vars)
        else:
            variables = list(trainable_variables)
        for var in variables:
            _check_variable(var)
        if not self.built:
            self.build(variables)
        if len(grads) != len(self._vars) or len(variables) != len(grads):
            raise ValueError("Gradients must match trainable variables one-to-one. "
                             f"Received {len(grads)} gradients and {len(self._vars)} "
                             "variables.")
        for var in variables:
            if id(var) not in self._owner:
                raise ValueError(
                    f"Unknown variable: {var}. This optimizer can only be called for the "
                    "variables it was originally built with.")
        # every gradient is checked before any inner optimizer changes anything
        for g, var in zip(grads, variables):
            if g is not None:
                _prepare_gradient(g, var)
        per_opt = {}
        for g, var in zip(grads, variables):
            per_opt.setdefault(id(self._owner[id(var)]), []).append((g, var))
        for opt in self._inner_optimizers:
            pairs = per_opt.get(id(opt))
            if pairs:
                opt.apply([g for g, _ in pairs], [v for _, v in pairs])
        self._iterations.assign_add(1)
        return None

    def finalize_variable_values(self, var_list):
        for var in var_list:
            self._owner[id(var)].finalize_variable_values([var])

    def get_config(self):
        optimizer_map = self._optimizer_map
        if isinstance(optimizer_map, OptimizerMap):
            optimizer_map = {"class_name": "OptimizerMap",
                             "config": optimizer_map.get_config()}
        return {"optimizer_map": optimizer_map, "loss_scale_factor": self.loss_scale_factor,
                "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        optimizer_map = config["optimizer_map"]
        if isinstance(optimizer_map, dict) and optimizer_map.get("class_name") == "OptimizerMap":
            config["optimizer_map"] = OptimizerMap.from_config(optimizer_map["config"],
                                                               custom_objects)
        return cls(**config)

