# Stub for the compiled forward-mode observer (src_c/fasttape/_forward.pyx).
from typing import Any

import numpy as np

from fasttape._engine import OpDef, Tensor

class Observer:
    sweep_at: int
    def __init__(self, acc: Any, state: Any, level: int, private: bool,
                 tangents: dict[int, Tensor], outputs: dict[int, Tensor],
                 table: dict[int, Any], fused: dict[int, tuple[int, bool]],
                 binary: dict[int, int], binary_kernels: tuple[int, int, int],
                 sweep_at: int) -> None: ...
    def __call__(self, op: OpDef, inputs: tuple[Any, ...], attrs: tuple[Any, ...],
                 out: Tensor) -> None: ...

def pow_jvp(t: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray | None: ...
