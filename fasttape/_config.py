"""fasttape.show_config: what this installation runs on."""

import json
import platform
import sys

import numpy as np

from fasttape import _kernels, _memory

__version__ = "0.1.0"          # fasttape.__version__; kept equal to pyproject's version


def show_config(mode="stdout"):
    """Print (mode="stdout") or return (mode="dicts") the build's configuration: the
    fused kernels' SIMD variant in use (FASTTAPE_SIMD forces one), the variants built
    and those the CPU runs, the buffer pool, and the numpy and Python versions."""
    config = {
        "fasttape": {"version": __version__},
        "simd": _kernels.config(),
        "buffer_pool": {"enabled": _memory.ENABLED, **_memory.stats()},
        "numpy": {"version": np.__version__},
        "python": {"version": platform.python_version(), "platform": sys.platform,
                   "machine": platform.machine()},
    }
    if mode == "dicts":
        return config
    if mode != "stdout":
        raise ValueError(f"mode must be 'stdout' or 'dicts', got {mode!r}")
    print(json.dumps(config, indent=2))
    return None
