"""`fasttape.config` (TF's `tf.config`): devices, threading and function execution.

fasttape runs on the CPU only, so there is one physical device (`/physical_device:CPU:0`)
and one logical device (`/device:CPU:0`), as TF reports on a CPU-only machine. Thread
counts are recorded and reported back (0 means "let the system choose", TF's default);
numpy's BLAS threads are not changed by them.
"""

import collections
import sys
import types

from fasttape.function import functions_run_eagerly, run_functions_eagerly

__all__ = [
    "LogicalDevice", "LogicalDeviceConfiguration", "PhysicalDevice",
    "experimental_functions_run_eagerly", "experimental_run_functions_eagerly",
    "functions_run_eagerly", "get_logical_device_configuration", "get_soft_device_placement",
    "get_visible_devices", "list_logical_devices", "list_physical_devices",
    "run_functions_eagerly", "set_logical_device_configuration", "set_soft_device_placement",
    "set_visible_devices", "threading",
]

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])


class LogicalDeviceConfiguration(
        collections.namedtuple("LogicalDeviceConfiguration",
                               ["memory_limit", "experimental_priority",
                                "experimental_device_ordinal"])):
    """How a physical device is split into logical devices (accepted, CPU only)."""

    def __new__(cls, memory_limit=None, experimental_priority=None,
                experimental_device_ordinal=None):
        return super().__new__(cls, memory_limit, experimental_priority,
                               experimental_device_ordinal)


_CPU = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
_LOGICAL_CPU = LogicalDevice(name="/device:CPU:0", device_type="CPU")
_state = {"soft_placement": True, "visible": [_CPU], "logical": {}}


def _check_type(device_type):
    if device_type is not None and not isinstance(device_type, str):
        raise TypeError(f"device_type must be a string such as 'CPU', got "
                        f"{type(device_type).__name__}")


def list_physical_devices(device_type=None):
    """The physical devices of `device_type` ('CPU', 'GPU', ...; None for all)."""
    _check_type(device_type)
    return [_CPU] if device_type in (None, "CPU") else []


def list_logical_devices(device_type=None):
    """The logical devices of `device_type` (None for all)."""
    _check_type(device_type)
    return [_LOGICAL_CPU] if device_type in (None, "CPU") else []


def get_visible_devices(device_type=None):
    _check_type(device_type)
    return [d for d in _state["visible"] if device_type in (None, d.device_type)]


def set_visible_devices(devices, device_type=None):
    """Only the CPU exists; hiding it is refused as TF refuses it."""
    if isinstance(devices, PhysicalDevice):
        devices = [devices]
    devices = list(devices)
    for d in devices:
        if d != _CPU:
            raise ValueError(f"Unrecognized device: {d!r}")
    if device_type in (None, "CPU") and _CPU not in devices:
        raise ValueError("CPU devices cannot be hidden: the CPU must stay visible")


def get_logical_device_configuration(device):
    """The configuration set for `device`, or None."""
    return _state["logical"].get(device)


def set_logical_device_configuration(device, logical_devices):
    if device != _CPU:
        raise ValueError(f"Unrecognized device: {device!r}")
    _state["logical"][device] = list(logical_devices)


def get_soft_device_placement():
    return _state["soft_placement"]


def set_soft_device_placement(enabled):
    _state["soft_placement"] = bool(enabled)


def experimental_run_functions_eagerly(run_eagerly):
    """The older name of `run_functions_eagerly`."""
    run_functions_eagerly(run_eagerly)


def experimental_functions_run_eagerly():
    """The older name of `functions_run_eagerly`."""
    return functions_run_eagerly()


# tf.config.threading: a module in TF
threading = types.ModuleType(__name__ + ".threading",
                             "Thread pool sizes (recorded; 0 lets the system choose).")
_threads = {"inter": 0, "intra": 0}


def _getter(kind):
    def get():
        return _threads[kind]
    get.__name__ = f"get_{kind}_op_parallelism_threads"
    return get


def _setter(kind):
    def set_(num_threads):
        if not isinstance(num_threads, int) or num_threads < 0:
            raise ValueError(f"num_threads must be a non-negative int, got {num_threads!r}")
        _threads[kind] = num_threads
    set_.__name__ = f"set_{kind}_op_parallelism_threads"
    return set_


for _kind in ("inter", "intra"):
    setattr(threading, f"get_{_kind}_op_parallelism_threads", _getter(_kind))
    setattr(threading, f"set_{_kind}_op_parallelism_threads", _setter(_kind))
sys.modules[threading.__name__] = threading
