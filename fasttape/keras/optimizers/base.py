"""The optimizer base class: state, validation, clipping, weight decay, EMA.

A step validates every (gradient, variable) pair before it changes anything, then
clips, then runs each variable's fused update kernel (`fasttape._optim`), which reads
the variable and its slots and writes fresh arrays that are handed to them. Slots have
the variable's dtype; the learning rate is a float32 value, cast as Keras casts it.
float16 variables are updated in float32 and rounded back.
"""

import itertools
import math
import warnings

import numpy as np

from fasttape import _engine, errors
from fasttape.indexed_slices import IndexedSlices
from fasttape.keras.optimizers import schedules as _schedules

_FLOATS = (np.float32, np.float64)
_name_counts = {}


def _unique_name(base):
    """'adam', then 'adam_1', 'adam_2', ... (process-wide, as Keras names objects)."""
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def _array(x):
    """The numpy value of a Variable or Tensor without a copy (the optimizer's hot path:
    np.asarray goes through `__array__`), of anything else through numpy."""
    if isinstance(x, _engine.Variable):
        return _engine.variable_value(x)
    if isinstance(x, _engine.Tensor):
        return x._value
    return np.asarray(x)


def _slot_base(var):
    return var.name.replace("/", "_").replace(":", "_")


class _Gradient:
    """A validated gradient as flat buffers of the compute dtype: `g` (dense, duplicates
    summed) and, for IndexedSlices, the rows (`values`, `indices`) until densified."""

    __slots__ = ("dense", "values", "indices")

    def __init__(self, dense=None, values=None, indices=None):
        self.dense, self.values, self.indices = dense, values, indices

    @property
    def sparse(self):
        return self.values is not None

    def scale(self, factor):
        if self.sparse:
            self.values = self.values * factor
        else:
            self.dense = self.dense * factor

    def arrays(self):
        return [self.values if self.sparse else self.dense]


class Optimizer:
    """The base of every optimizer (Keras 3's `keras.optimizers.Optimizer`).

    Subclasses declare `_slot_names` (or override `_slots_for`) and implement
    `_update(var, w, g, g2, slots, lr, wd)` over flat buffers.
    """

    _slot_names = ()
    _slot_groups = ()      # slots made together are listed per variable, groups in turn
    _needs_g2 = True       # the kernel reads the sum of squared gradient rows
    _row_stat = "square"   # what g2 sums over the rows of a sparse gradient ("abs": |row|)

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError("`ema_momentum` must be in the range [0, 1]. "
                             f"Received: ema_momentum={ema_momentum}")
        if use_ema and ema_overwrite_frequency is not None and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
            raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                             f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        if gradient_accumulation_steps is not None and (
                not isinstance(gradient_accumulation_steps, int)
                or gradient_accumulation_steps < 2):
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps="
                             f"{gradient_accumulation_steps}")
        self.name = _unique_name(_default_name(name or type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._iterations = _engine.Variable(np.int64(0), trainable=False, name="iteration")
        if isinstance(learning_rate, _engine.Variable):
            raise ValueError("The `learning_rate` argument cannot be a `tf.Variable`; pass "
                             "a float, a LearningRateSchedule or a callable. Received: "
                             f"learning_rate={learning_rate}")
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            self._learning_rate = _engine.Variable(
                np.float32(_as_float(learning_rate, "learning_rate")),
                trainable=False, name="learning_rate")
        self._exclude_names = ()
        self._exclude_ids = set()
        self.built = False
        self._index = {}          # id(var) -> position
        self._vars = []
        self._slots = []          # per variable: a list of slot Variables
        self._averages = []       # EMA per variable
        self._accumulators = []

    # ---- state ------------------------------------------------------------------------

    @property
    def iterations(self):
        """The number of steps taken (an int64 Variable; with gradient accumulation the
        variable counts calls and this is the number of real updates)."""
        if self.gradient_accumulation_steps:
            from fasttape._convert import constant
            return constant(np.int64(self._done_steps()))
        return self._iterations

    def _done_steps(self):
        n = int(self._iterations)
        steps = self.gradient_accumulation_steps
        return n // steps if steps else n

    @property
    def learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            return lr(self.iterations)
        if not isinstance(lr, _engine.Variable):
            return lr()
        return lr

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, _schedules.LearningRateSchedule) or (
                callable(value) and not isinstance(value, _engine.Variable)):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, _schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, you should "
                "instantiate the optimizer with a float `learning_rate` argument.")
        if not isinstance(self._learning_rate, _engine.Variable):
            self._learning_rate = _engine.Variable(np.float32(0.0), trainable=False,
                                                   name="learning_rate")
        self._learning_rate.assign(np.float32(value))

    def _current_lr(self):
        """The learning rate for this step as a float32-rounded Python float."""
        return float(np.float32(_array(self.learning_rate)))

    @property
    def variables(self):
        """[iterations, learning_rate], the EMA averages and gradient accumulators, then
        each variable's slots."""
        out = [self._iterations]
        if isinstance(self._learning_rate, _engine.Variable):
            out.append(self._learning_rate)
        out.extend(a for a in self._averages if a is not None)
        out.extend(self._accumulators)
        start = 0
        for size in self._slot_groups or (max(map(len, self._slots), default=0),):
            out.extend(itertools.chain.from_iterable(s[start:start + size] for s in self._slots))
            start += size
        out.extend(self._extra_variables())
        return out

    def _extra_variables(self):
        return []

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Skip weight decay for these variables, or those whose name contains one of
        `var_names`. Only before the optimizer is built."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before "
                             "the optimizer is built.")
        self._exclude_ids = {id(v) for v in (var_list or ())}
        self._exclude_names = tuple(var_names or ())

    def _uses_weight_decay(self, var):
        if self.weight_decay is None or id(var) in self._exclude_ids:
            return
        return not any(s in var.name for s in self._exclude_names)

    def build(self, var_list):
        """Create the slots for `var_list` (in that order); a second call does nothing."""
        if self.built:
            return
        for var in var_list:
            _check_variable(var)
            self._index[id(var)] = len(self._vars)
            self._vars.append(var)
            self._slots.append(self._slots_for(var))
            self._averages.append(
                _engine.Variable(np.array(np.asarray(var)), trainable=False,
                                 name=_slot_base(var) + "_average")
                if self.use_ema and var.trainable else None)
            if self.gradient_accumulation_steps:
                self._accumulators.append(self._zeros_like(var, "gradient_accumulator"))
        self.built = True

    def _slots_for(self, var):
        return [self._zeros_like(var, name) for name in self._slot_names]

    def _zeros_like(self, var, name, fill=0.0, shape=None):
        dtype = np.asarray(var).dtype
        shape = tuple(var.shape) if shape is None else shape
        return _engine.Variable(np.full(shape, fill, dtype=dtype), trainable=False,
                                name=f"{_slot_base(var)}_{name}")

    # ---- a step -----------------------------------------------------------------------

    def apply_gradients(self, grads_and_vars):
        """Apply (gradient, variable) pairs; returns `iterations`. None gradients are
        skipped with a warning."""
        pairs = list(grads_and_vars)
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        self.apply(grads, variables)
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        """Apply `grads` to `trainable_variables` (or to the variables it was built with)."""
        grads = list(grads)
        if not grads:
            return None
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer "
                                 "must already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            if len(grads) != len(self._vars):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must "
                    f"match `optimizer.variables` one-to-one. Received a list of "
                    f"{len(grads)} gradients, but the optimizer is tracking "
                    f"{len(self._vars)} trainable variables.")
            variables = list(self._vars)
        else:
            variables = list(trainable_variables)
            if len(variables) != len(grads):
                raise ValueError(f"Got {len(grads)} gradients for {len(variables)} variables.")
        for var in variables:
            _check_variable(var)
        if not self.built:
            self.build(variables)
        for var in variables:
            if id(var) not in self._index:
                raise ValueError(
                    f"Unknown variable: {var}. This optimizer can only be called for the "
                    "variables it was originally built with. When working with a new set "
                    "of variables, you should recreate a new optimizer instance.")
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if len(kept) < len(grads):
            missing = [v.name for g, v in zip(grads, variables) if g is None]
            if not kept:
                raise ValueError(f"No gradients provided for any variable. Variables: "
                                 f"{[v.name for v in variables]}")
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing "
                          "the loss. If using `model.compile()`, did you forget to provide "
                          "a `loss` argument?", UserWarning, stacklevel=2)
        # validate everything before any state changes
        prepared = [(_prepare_gradient(g, v), v) for g, v in kept]
        lr = self._current_lr()
        if self.loss_scale_factor is not None:
            for g, v in prepared:
                if g.sparse:
                    # Keras divides each gradient by the factor, which IndexedSlices refuse
                    raise TypeError(
                        f"`loss_scale_factor` cannot unscale the IndexedSlices gradient of "
                        f"variable '{v.name}': unsupported operand type(s) for /: "
                        "'IndexedSlices' and 'float'")
            for g, _ in prepared:
                g.scale(1.0 / self.loss_scale_factor)
        if self.gradient_accumulation_steps:
            self._accumulate_and_maybe_step(prepared, lr)
        else:
            self._step(prepared, lr)
        self._iterations.assign_add(np.int64(1))
        return None

    def _accumulate_and_maybe_step(self, prepared, lr):
        steps = self.gradient_accumulation_steps
        is_update = (int(self._iterations) + 1) % steps == 0
        dense = []
        for g, var in prepared:
            acc = self._accumulators[self._index[id(var)]]
            total = np.asarray(acc) + _dense(g, var).reshape(tuple(var.shape))
            dense.append((total, var, acc))
        if not is_update:
            for total, _, acc in dense:
                _engine.replace_value(acc, total.astype(np.asarray(acc).dtype))
            return
        self._step([(_Gradient(dense=(t / steps).reshape(-1)), v) for t, v, _ in dense], lr)
        for _, _, acc in dense:
            _engine.replace_value(acc, np.zeros_like(np.asarray(acc)))

    def _step(self, prepared, lr):
        _clip(self, prepared)
        self._before_update()
        for g, var in prepared:
            slots = self._slots[self._index[id(var)]]
            self._update_variable(var, g, slots, lr, self._weight_decay_for(var))
        if self.use_ema:
            self._update_ema()

    def _weight_decay_for(self, var):
        """The decay rate for `var` this step (float32-rounded), 0 for none."""
        return float(np.float32(self.weight_decay)) if self._uses_weight_decay(var) else 0.0

    def _before_update(self):
        """Per-step state shared by all variables (Nadam's momentum product)."""

    def _update_variable(self, var, grad, slots, lr, wd):
        w = _array(var)
        dtype = w.dtype
        compute = dtype if dtype in _FLOATS else np.dtype(np.float32)
        g = _dense(grad, var, compute)
        g2 = (_row_sums(grad, var, compute, self._row_stat)
              if grad.sparse and self._needs_g2 else None)
        flat = [_array(s).reshape(-1).astype(compute, copy=False) for s in slots]
        new_w, new_slots = self._update(var, w.reshape(-1).astype(compute, copy=False),
                                        g, g2, flat, lr, wd)
        _engine.replace_value(var, new_w.reshape(w.shape).astype(dtype, copy=False))
        for slot, new in zip(slots, new_slots):
            old = _array(slot)
            _engine.replace_value(slot, new.reshape(old.shape).astype(old.dtype, copy=False))

    def _update(self, var, w, g, g2, slots, lr, wd):
        raise NotImplementedError(f"{type(self).__name__} does not define an update step")

    def _step_number(self):
        return self._done_steps() + 1

    def _update_ema(self):
        from fasttape import _optim
        momentum = self.ema_momentum if self._done_steps() != 0 else 0.0
        overwrite = bool(self.ema_overwrite_frequency) and (
            (self._done_steps() + 1) % self.ema_overwrite_frequency == 0)
        for var, avg in zip(self._vars, self._averages):
            if avg is None:
                continue
            a = np.asarray(avg)
            w = np.asarray(var)
            compute = a.dtype if a.dtype in _FLOATS else np.dtype(np.float32)
            out = np.empty(a.size, dtype=compute)
            _optim.ema(a.reshape(-1).astype(compute, copy=False),
                       w.reshape(-1).astype(compute, copy=False), out, momentum)
            new = out.reshape(a.shape).astype(a.dtype, copy=False)
            _engine.replace_value(avg, new)
            if overwrite:
                _engine.replace_value(var, new.copy())

    def finalize_variable_values(self, var_list):
        """With EMA on, set each variable to its moving average (end of training)."""
        if self.use_ema:
            for var in var_list:
                avg = self._averages[self._index[id(var)]]
                if avg is not None:
                    var.assign(avg)

    # ---- config -------------------------------------------------------------------------

    def _lr_config(self):
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            return _schedules.serialize(lr)
        if isinstance(lr, _engine.Variable):
            return float(np.asarray(lr))
        return lr

    def get_config(self):
        return {
            "name": self.name, "learning_rate": self._lr_config(),
            "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
            "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = _schedules.deserialize(lr, custom_objects)
        return cls(**config)


# the built-in optimizers by lower-case class name (the package fills it)
_CLASSES = {}


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


def _default_name(class_name):
    from fasttape.module import _snake_case
    return _snake_case(class_name)


def _as_float(value, what):
    try:
        return float(np.asarray(value))
    except (TypeError, ValueError):
        raise TypeError(f"`{what}` must be a float, a LearningRateSchedule or a callable. "
                        f"Received: {what}={value!r}") from None


def _check_variable(var):
    if not isinstance(var, _engine.Variable):
        raise TypeError(f"Expected a `tf.Variable` to update, got {type(var).__name__}: "
                        f"{var!r}")


def _prepare_gradient(grad, var):
    """The gradient as float arrays of the variable's compute dtype, checked for shape."""
    shape = tuple(var.shape)
    dtype = _array(var).dtype
    compute = dtype if dtype in _FLOATS else np.dtype(np.float32)
    if isinstance(grad, IndexedSlices):
        values = np.asarray(grad.values)
        indices = np.asarray(grad.indices).reshape(-1)
        if values.dtype.kind not in "fiu" or indices.dtype.kind not in "iu":
            raise TypeError(f"Gradient for variable '{var.name}' has dtype {values.dtype} "
                            f"(indices {indices.dtype}); expected a real number type")
        if not shape or values.shape != (indices.size,) + shape[1:]:
            raise errors.InvalidArgumentError(
                f"Incompatible shapes: IndexedSlices values {list(values.shape)} vs. "
                f"variable '{var.name}' of shape {list(shape)}")
        if indices.size and (indices.min() < 0 or indices.max() >= shape[0]):
            bad = indices[(indices < 0) | (indices >= shape[0])][0]
            raise errors.InvalidArgumentError(
                f"indices[{int(np.argmax(indices == bad))}] = {int(bad)} is not in "
                f"[0, {shape[0]}) for variable '{var.name}'")
        return _Gradient(values=values.astype(compute).reshape(indices.size, -1),
                         indices=indices.astype(np.int64))
    g = _array(grad)
    if g.dtype.kind not in "fiub":
        raise TypeError(f"Gradient for variable '{var.name}' has dtype {g.dtype}; expected a "
                        "real number type")
    if g.shape != shape:
        raise errors.InvalidArgumentError(
            f"Incompatible shapes: gradient {list(g.shape)} vs. variable '{var.name}' of "
            f"shape {list(shape)}")
    return _Gradient(dense=np.ascontiguousarray(g, dtype=compute).reshape(-1))


def _rows(var):
    shape = tuple(var.shape)
    return shape[0], int(np.prod(shape[1:], dtype=np.int64))


def _dense(grad, var, compute=None):
    """The gradient as a flat dense buffer (IndexedSlices rows scatter-added)."""
    if not grad.sparse:
        return grad.dense if compute is None else grad.dense.astype(compute, copy=False)
    from fasttape import _optim
    values = grad.values if compute is None else grad.values.astype(compute, copy=False)
    out = np.zeros(_rows(var), dtype=values.dtype)
    _optim.scatter_rows(values.reshape(-1), grad.indices, out, False)
    return out.reshape(-1)


def _row_sums(grad, var, compute, stat):
    """The per-element sum of the squared ("square") or absolute ("abs") rows of an
    IndexedSlices gradient."""
    from fasttape import _optim
    values = grad.values.astype(compute, copy=False)
    out = np.zeros(_rows(var), dtype=compute)
    if stat == "abs":
        _optim.scatter_rows(np.abs(values).reshape(-1), grad.indices, out, False)
    else:
        _optim.scatter_rows(values.reshape(-1), grad.indices, out, True)
    return out.reshape(-1)


def _clip(opt, prepared):
    """clipnorm (per gradient), global_clipnorm, or clipvalue, in place on the gradients
    of the (gradient, variable) pairs."""
    grads = [g for g, _ in prepared]
    if opt.clipnorm and opt.clipnorm > 0:
        for g in grads:
            (a,) = g.arrays()
            norm = math.sqrt(float(np.dot(a.reshape(-1), a.reshape(-1))))
            g.scale(opt.clipnorm / max(norm, opt.clipnorm))
    elif opt.global_clipnorm and opt.global_clipnorm > 0:
        total = sum(float(np.dot(a.reshape(-1), a.reshape(-1)))
                    for g in grads for a in g.arrays())
        norm = math.sqrt(total)
        c = opt.global_clipnorm
        scale = c * min(1.0 / norm if norm else math.inf, 1.0 / c)
        if not math.isfinite(norm):
            scale = math.nan
        for g, var in prepared:
            g.scale(scale)
            if g.sparse:
                # the norm counts the rows, but the scaled gradient comes out dense
                g.dense, g.values, g.indices = _dense(g, var), None, None
    elif opt.clipvalue and opt.clipvalue > 0:
        v = opt.clipvalue
        for g in grads:
            if g.sparse:
                g.values = np.clip(g.values, -v, v)
            else:
                g.dense = np.clip(g.dense, -v, v)
