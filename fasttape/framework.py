"""Graph-building helpers as they behave eagerly: `tf.group`, `tf.tuple`,
`tf.control_dependencies`, `tf.py_function`, `tf.numpy_function`, plus
`tf.get_logger`, `tf.get_current_name_scope`, `tf.DeviceSpec` and the variable
enums `tf.VariableAggregation` and `tf.VariableSynchronization`.

Eager code runs each op as it is called, so ordering helpers have nothing to order:
`group` returns None, `tuple` returns its argument, and `control_dependencies` is a
context manager that only calls the callables it is given (as TF does eagerly).
"""

import contextlib
import enum
import functools
import logging

import numpy as np

from fasttape import _engine, errors
from fasttape._convert import convert_to_tensor, is_tensor
from fasttape.module import _current_scope

__all__ = ["group", "tuple", "control_dependencies", "py_function", "numpy_function",
           "get_logger", "get_current_name_scope", "DeviceSpec", "VariableAggregation",
           "VariableSynchronization"]

_tuple = tuple


def group(*inputs, **kwargs):
    """Eagerly every input has already run: returns None."""
    return None


def tuple(tensors, control_inputs=None, name=None):  # noqa: A001 - TF's name
    """Eagerly the tensors are already computed: returns `tensors` itself."""
    return tensors


def control_dependencies(control_inputs):
    """A context manager; eagerly it calls each callable in `control_inputs` (None or
    a list) and orders nothing else.

    Raises:
        TypeError: `control_inputs` is neither None nor iterable.
    """
    if control_inputs is not None:
        for control in control_inputs:
            if callable(control):
                control()
    return contextlib.nullcontext()


def get_logger():
    """The logger fasttape writes its warnings to (named "fasttape")."""
    return logging.getLogger("fasttape")


def get_current_name_scope():
    """The current `tf.name_scope` as "a/b" ("" at the top)."""
    return _current_scope().rstrip("/")


# Python exceptions raised inside py_function reach the caller as these OpErrors
# (any other exception becomes UnknownError).
_PY_ERRORS = ((ValueError, errors.InvalidArgumentError), (TypeError, errors.InvalidArgumentError),
              (StopIteration, errors.OutOfRangeError),
              (MemoryError, errors.ResourceExhaustedError),
              (NotImplementedError, errors.UnimplementedError))


def _op_error(exc):
    if isinstance(exc, errors.OpError):
        return exc
    kind = next((cls for py, cls in _PY_ERRORS if isinstance(exc, py)), errors.UnknownError)
    return kind(None, None, f"{type(exc).__name__}: {exc}")


def _missing_tout(which):
    return TypeError(f"Missing required argument: 'Tout'\n  If using tf.{which} as a "
                     f"decorator, set `Tout`\n  **by name** above the function:\n  "
                     f"`@tf.{which}(Tout=tout)`")


def _decorator(which, call, Tout, **kwargs):
    if Tout is None:
        raise _missing_tout(which)

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args):
            return call(func, args, Tout, **kwargs)
        return wrapper
    return decorate


def py_function(func=None, inp=None, Tout=None, name=None):
    """Call `func` on `inp` as Tensors and convert its results to `Tout`.

    `func` runs eagerly under any active GradientTape, so the result is differentiable
    through the ops it uses. `Tout` is a dtype (one Tensor is returned) or a list of
    dtypes (a list is returned; `[]` for a function returning None). Without `func`
    this is a decorator: ``@tf.py_function(Tout=tf.float32)``.

    Raises:
        TypeError: `Tout` is missing.
        InvalidArgumentError: a result does not convert to its dtype, too few results,
            or `func` raised ValueError/TypeError (other exceptions map to TF's classes:
            UnknownError for most).
    """
    if func is None:
        return _decorator("py_function", py_function, Tout)
    if Tout is None:
        raise _missing_tout("py_function")
    single = not isinstance(Tout, (list, _tuple))
    touts = [Tout] if single else list(Tout)
    args = [convert_to_tensor(x) for x in (inp if inp is not None else [])]
    _engine.untraceable()     # arbitrary Python: a traced caller runs it on every call, as TF
    try:
        ret = func(*args)
        results = [] if ret is None else list(ret) if isinstance(ret, (list, _tuple)) else [ret]
        # surplus results are dropped, as TF does
        outputs = [convert_to_tensor(r, dtype=t) for r, t in zip(results, touts)]
    except Exception as exc:  # noqa: BLE001 - every Python error becomes an OpError
        raise _op_error(exc) from exc
    if len(outputs) != len(touts):
        raise errors.InvalidArgumentError(
            None, None, f"{getattr(func, '__name__', 'func')} returns {len(outputs)} values, "
            f"but expects to see {len(touts)} values.")
    return outputs[0] if single else outputs


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):
    """Call `func` on `inp` as numpy arrays; its results become Tensors without a
    gradient (a list for a list or tuple, one Tensor otherwise).

    As in TF's eager mode, the results keep their own dtypes (`Tout` is required but
    not applied), a None result stays None, and exceptions from `func` propagate unchanged.

    Raises:
        TypeError: `Tout` is missing.
    """
    if func is None:
        return _decorator("numpy_function", numpy_function, Tout, stateful=stateful)
    if Tout is None:
        raise _missing_tout("numpy_function")
    # Python values go in as numpy makes them (float64, int64), as in TF
    arrays = [convert_to_tensor(x).numpy() if is_tensor(x) else np.asarray(x)
              for x in (inp if inp is not None else [])]
    _engine.untraceable()     # arbitrary Python: a traced caller runs it on every call, as TF
    ret = func(*arrays)
    if ret is None:
        return None
    if isinstance(ret, (list, _tuple)):
        return [convert_to_tensor(r) for r in ret]
    return convert_to_tensor(ret)


class VariableAggregation(enum.Enum):
    """How replicas' updates to a variable combine (single device here: all alike)."""
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3

    def __repr__(self):
        return f"<VariableAggregationV2.{self.name}: {self.value}>"

    def __str__(self):
        return f"VariableAggregationV2.{self.name}"


class VariableSynchronization(enum.Enum):
    """When a distributed variable is synchronised (single device here: all alike)."""
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


def _device_type(device_type):
    # TF upper-cases the two common names only
    if device_type in ("cpu", "gpu"):
        return device_type.upper()
    return device_type


def _int_or_none(value):
    return None if value is None else int(value)


class DeviceSpec:
    """A device name's parts: job, replica, task, device type and index; immutable.

    >>> import fasttape as tf
    >>> tf.DeviceSpec.from_string("/job:w/gpu:1").to_string()
    '/job:w/device:GPU:1'
    """

    __slots__ = ("_job", "_replica", "_task", "_device_type", "_device_index")

    def __init__(self, job=None, replica=None, task=None, device_type=None,
                 device_index=None):
        self._job = None if job is None else str(job)
        self._replica = _int_or_none(replica)
        self._task = _int_or_none(task)
        self._device_type = _device_type(device_type)
        self._device_index = _int_or_none(device_index)

    job = property(lambda self: self._job)
    replica = property(lambda self: self._replica)
    task = property(lambda self: self._task)
    device_type = property(lambda self: self._device_type)
    device_index = property(lambda self: self._device_index)

    def _fields(self):
        return {"job": self._job, "replica": self._replica, "task": self._task,
                "device_type": self._device_type, "device_index": self._device_index}

    @classmethod
    def from_string(cls, spec):
        """Parse "/job:j/replica:r/task:t/device:TYPE:i" (any part may be left out;
        "/cpu:0" and "/gpu:*" are accepted; a later part overrides an earlier one).

        Raises:
            ValueError: an unknown part.
        """
        fields = {}
        for part in (spec or "").split("/"):
            y = part.split(":")
            head = y[0]
            if len(y) == 2 and head in ("job", "replica", "task"):
                fields[head] = y[1]
            elif len(y) in (1, 2) and head.upper() in ("CPU", "GPU"):
                fields["device_type"] = head.upper()
                fields["device_index"] = y[1] if len(y) == 2 and y[1] != "*" else None
            elif len(y) == 3 and head == "device":
                fields["device_type"] = y[1]
                fields["device_index"] = None if y[2] == "*" else y[2]
            elif head:
                raise ValueError(f"Unknown attribute '{head}' is encountered while "
                                 f"parsing the device spec: '{spec}'.")
        return cls(**fields)

    def parse_from_string(self, spec):
        """A new DeviceSpec parsed from `spec` (see from_string)."""
        return DeviceSpec.from_string(spec)

    def make_merged_spec(self, dev):
        """A new DeviceSpec: this one's parts, overridden by the parts `dev` sets."""
        merged = self._fields()
        merged.update({k: v for k, v in dev._fields().items() if v is not None})
        return DeviceSpec(**merged)

    def replace(self, **kwargs):
        """A new DeviceSpec with the given parts replaced."""
        fields = self._fields()
        fields.update(kwargs)
        return DeviceSpec(**fields)

    def to_string(self):
        out = ""
        if self._job is not None:
            out += f"/job:{self._job}"
        if self._replica is not None:
            out += f"/replica:{self._replica}"
        if self._task is not None:
            out += f"/task:{self._task}"
        if self._device_type is not None:
            index = "*" if self._device_index is None else self._device_index
            out += f"/device:{self._device_type}:{index}"
        return out

    def __repr__(self):
        parts = ", ".join(f"{k}={v}" for k, v in self._fields().items())
        return f"<DeviceSpec({parts})>"

    def __eq__(self, other):
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())
