"""Load an ADBench objective module against a chosen backend.

The objective files in this directory do ``import fasttape as tf`` and only
ever reference the backend through the global name ``tf``.  To run the very
same source under real TensorFlow (for parity checks and benchmarks) the
harness executes the file with ``sys.modules["fasttape"]`` temporarily
pointing at the ``tensorflow`` module.

    from _load import load_objective
    gmm = load_objective("gmm", "tensorflow")   # or "fasttape"

Every call returns a fresh module object (registered under a unique name),
so loading the same objective with two backends gives two independent
modules.
"""

import importlib
import importlib.util
import itertools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OBJECTIVES = ("gmm", "ba", "ht", "lstm", "lse")
BACKENDS = ("fasttape", "tensorflow")

_counter = itertools.count()
_MISSING = object()


def objective_path(name):
    return os.path.join(HERE, name + ".py")


def load_objective(name, backend="fasttape"):
    """Exec ``examples/adbench/<name>.py`` as a new module using ``backend``.

    ``backend`` is ``"fasttape"`` or ``"tensorflow"``.  During the exec,
    ``sys.modules["fasttape"]`` is the requested backend module; the previous
    entry (or its absence) is restored afterwards, even on error.
    """
    if backend not in BACKENDS:
        raise ValueError("backend must be one of %r, got %r" % (BACKENDS, backend))
    path = objective_path(name)
    if not os.path.isfile(path):
        raise FileNotFoundError(path)
    backend_module = importlib.import_module(backend)

    modname = "_adbench_%s_%s_%d" % (name, backend, next(_counter))
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    module.__adbench_backend__ = backend

    saved = sys.modules.get("fasttape", _MISSING)
    sys.modules["fasttape"] = backend_module
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    finally:
        if saved is _MISSING:
            sys.modules.pop("fasttape", None)
        else:
            sys.modules["fasttape"] = saved
    return module
