# Stub for the compiled replay engine (src_c/fasttape/_replay.pyx).
from typing import Any

import numpy as np

from fasttape._engine import OpDef, Tensor, Variable

OP: int
READ: int
ASSIGN: int
GUARD: int
PRINT: int
FUSED: int
UFUNC: int
PLAIN_TYPES: tuple[type, ...]

class Program:
    code: list[tuple[Any, ...]]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    constants: dict[int, np.ndarray]
    run_code: list[tuple[Any, ...]]
    run_constants: dict[int, np.ndarray]
    run_outputs: tuple[int, ...]
    n_slots: int
    has_effects: bool
    guard_after_effect: bool
    def __init__(self, code: list[tuple[Any, ...]], constants: dict[int, np.ndarray],
                 inputs: tuple[int, ...], outputs: tuple[int, ...], n_slots: int,
                 example: list[np.ndarray], run_code: list[tuple[Any, ...]] | None = ...,
                 run_constants: dict[int, np.ndarray] | None = ...,
                 run_outputs: tuple[int, ...] | None = ...) -> None: ...
    @property
    def num_instructions(self) -> int: ...
    @property
    def num_register_instructions(self) -> int: ...
    @property
    def register_size(self) -> int: ...
    def run(self, arrays: list[np.ndarray], variables: list[Variable]
            ) -> list[np.ndarray | None] | None: ...

class Recorder:
    code: list[tuple[Any, ...]]
    n_slots: int
    slot_of: dict[int, int]
    keep: list[Any]
    example: list[np.ndarray]
    constants: dict[int, np.ndarray]
    var_slot: dict[int, int]
    var_ref: dict[int, Any]
    array_slot: dict[int, int]
    opaque: bool
    list_key: dict[int, int]
    def __init__(self, var_args: Any = ...) -> None: ...
    def bind(self, tensor: Tensor) -> int: ...
    def slot(self, x: Any) -> int: ...
    def read(self, v: Variable) -> int: ...
    def on_op(self, op: OpDef, inputs: tuple[Any, ...], attrs: tuple[Any, ...],
              out: Tensor) -> None: ...
    def on_read(self, v: Variable, snapshot: Tensor) -> None: ...
