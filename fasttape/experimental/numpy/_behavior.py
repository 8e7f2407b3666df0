"""`experimental_enable_numpy_behavior`: NumPy methods, promotion and indexing on
tensors, process-wide (as in TF, where it cannot be undone; tests undo it with
`_disable_numpy_behavior`).

What it turns on:

* Tensors (not Variables, as in TF) gain TF's NumPy members: `T`, `size`, `data`,
  `tolist`, `reshape`, `transpose`, `flatten`, `ravel`, `clip`, `astype`, `max`,
  `mean` and `min`, through the engine's fallback attribute tables.
* `prefer_float32=True` makes tnp infer float32 for Python floats.
* With `dtype_conversion_mode='legacy'` (the default), Python operators promote their
  operands as NumPy does (`int32 tensor + 1.5` is float64, `float32 + float64`
  float64) and `@` follows `tnp.matmul`; indexing accepts integer and bool arrays
  (`t[[0, 2]]`, `t[mask]`); `round(t)` rounds like `tnp.around`. These three go
  through the engine's hooks (`_engine.set_numpy_behavior`, `TENSOR_ATTRIBUTES`).
"""


import numpy as np

from fasttape import _engine
from fasttape._engine import _TensorLike
from fasttape.experimental.numpy import _ops
from fasttape.experimental.numpy._core import to_tensor, to_tensors
from fasttape.experimental.numpy._dtypes import STATE, infer_dtype
from fasttape.experimental.numpy._math import amax, amin, around, clip, matmul, mean
from fasttape.experimental.numpy._shape import flatten, ravel, reshape, transpose
from fasttape.ops import elementwise as ew
from fasttape.ops.elementwise import cast

__all__ = ["experimental_enable_numpy_behavior"]

_MODES = ("off", "legacy", "safe", "all")


# --- the members -------------------------------------------------------------------------

def _reshape_method(self, *newshape, order="C"):
    """t.reshape(2, 3), t.reshape((2, 3)) or t.reshape([2, 3])."""
    if len(newshape) == 1 and not isinstance(newshape[0], (int, np.integer)):
        newshape = newshape[0]
    return reshape(self, newshape, order=order)


def _tolist(self):
    """The value as nested Python lists (a Python scalar for a 0-d tensor)."""
    return self.numpy().tolist()


def _astype(self, dtype):
    """The tensor cast to `dtype` (TF's reading of dtypes: `float` is float32)."""
    return cast(self, dtype)


def _round(self, ndigits=None):
    """round(t) and round(t, n): `tnp.around`."""
    return around(self, 0 if ndigits is None else ndigits)


_METHODS = {
    "tolist": _tolist,
    "reshape": _reshape_method,
    "transpose": transpose,
    "flatten": flatten,
    "ravel": ravel,
    "clip": clip,
    "astype": _astype,
    "max": amax,
    "mean": mean,
    "min": amin,
    "__round__": _round,
}

_PROPERTIES = {
    "T": transpose,
    "size": lambda self: np.prod(self._value.shape, dtype=np.int64),
    "data": lambda self: self,
}


def _members():
    """Tensor attributes under numpy behaviour: name -> getter (methods bound by
    `__get__`). Variables get none, as in TF."""
    members = {name: m.__get__ for name, m in _METHODS.items()}
    members.update(_PROPERTIES)
    return members


# --- promotion and indexing for the engine -------------------------------------------------

_OPERATORS = {
    "add": ew.add, "subtract": ew.subtract, "multiply": ew.multiply,
    "truediv": ew.truediv, "floordiv": ew.floordiv, "floormod": ew.floormod,
    "pow": ew.pow, "less": ew.less, "less_equal": ew.less_equal, "greater": ew.greater,
    "greater_equal": ew.greater_equal, "equal": ew.equal, "not_equal": ew.not_equal,
    "logical_and": ew.logical_and, "logical_or": ew.logical_or,
    "logical_xor": ew.logical_xor,
}


def numpy_operator(opname, a, b):
    """A Python operator under NumPy promotion: the result, or NotImplemented where the
    engine's own path already gives it (operands of the result dtype, or Python
    numbers it converts to that dtype)."""
    if opname == "matmul":
        return matmul(a, b)
    if _same_kind(a, b) or _same_kind(b, a):
        return NotImplemented       # the common case, and every rule's: no promotion
    op = _OPERATORS.get(opname)
    if op is None or isinstance(a, (str, bytes)) or isinstance(b, (str, bytes)):
        return NotImplemented
    target = infer_dtype(a, b)
    if all(_fits(v, target) for v in (a, b)):
        return NotImplemented
    return op(*to_tensors(a, b))


def _same_kind(a, b):
    """a is a tensor, and b a tensor of its dtype or a Python number it absorbs."""
    if not isinstance(a, _TensorLike):
        return False
    if isinstance(b, _TensorLike):
        return a.dtype == b.dtype
    kind = np.dtype(a.dtype.as_numpy_dtype).kind
    return (type(b) is float and kind in "fc") or (type(b) is int and kind in "iufc")


def _fits(value, target):
    if isinstance(value, _TensorLike):
        return np.dtype(value.dtype.as_numpy_dtype) == target
    return type(value) in (int, float, bool)


def _advanced(part):
    """Whether one part of an index key is an index array (NumPy's advanced indexing)."""
    if isinstance(part, _TensorLike):
        return part.shape.rank != 0 or part.dtype.is_bool
    if isinstance(part, (list, np.ndarray)):
        return True
    return isinstance(part, np.bool_) or part is True or part is False


def _numpy_part(part):
    if isinstance(part, _TensorLike):
        return np.asarray(part)
    if isinstance(part, list):
        return np.asarray(part)
    return part


def numpy_getitem(tensor, key, basic_getitem):
    """`tensor[key]` with NumPy's indexing: integer and bool arrays (lists, tensors),
    alone or mixed with ints, slices, None and Ellipsis. Keys without index arrays go
    to `basic_getitem` (the engine's own indexing)."""
    parts = key if isinstance(key, tuple) else (key,)
    if not any(_advanced(p) for p in parts):
        return basic_getitem(tensor, key)
    numpy_key = tuple(_numpy_part(p) for p in parts)
    for p in numpy_key:
        if isinstance(p, np.ndarray) and p.dtype.kind not in "iub":
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
                             "(`None`) and integer or boolean arrays are valid indices")
    return _ops.index(to_tensor(tensor), numpy_key)


# --- switching ---------------------------------------------------------------------------

class _Saved:
    """What enabling replaced, to put back when disabling (tests only)."""

    members = None
    prefer_float32 = False


_SAVED = _Saved()


def _engine_hooks(enable, mode):
    if enable:
        _engine.set_numpy_behavior(operator=numpy_operator if mode == "legacy" else None,
                                   getitem=numpy_getitem)
    else:
        _engine.set_numpy_behavior(operator=None, getitem=None)


def experimental_enable_numpy_behavior(prefer_float32=False, dtype_conversion_mode="legacy"):
    """Give tensors NumPy's methods and, for tnp and operators, NumPy's dtype rules.

    Process-wide and, as in TF, meant to be called once at the start of a program.

    Args:
        prefer_float32: Infer float32 rather than float64 for Python floats in tnp.
        dtype_conversion_mode: 'legacy' (NumPy promotion in Python operators) or 'off'
            (operators keep TF's no-promotion rule). 'safe' and 'all' (TF's
            WeakTensor promotion) are not supported.

    Raises:
        ValueError: an unknown `dtype_conversion_mode`.
        NotImplementedError: 'safe' or 'all'.
    """
    if dtype_conversion_mode not in _MODES:
        raise ValueError(
            f"The provided promotion mode {dtype_conversion_mode} does not exist. Make sure "
            "the provided dtype conversion mode is one of the followings: 'off', 'legacy', "
            "'safe' or 'all'.")
    if dtype_conversion_mode in ("safe", "all"):
        raise NotImplementedError(
            f"dtype_conversion_mode={dtype_conversion_mode!r} (TF's WeakTensor promotion) "
            "is not supported by fasttape; use 'legacy' or 'off'.")
    if _SAVED.members is None:
        members = _members()
        _SAVED.members = {name: _engine.TENSOR_ATTRIBUTES.get(name) for name in members}
        _SAVED.prefer_float32 = STATE.prefer_float32
        _engine.TENSOR_ATTRIBUTES.update(members)
    STATE.prefer_float32 = bool(prefer_float32)
    _engine_hooks(True, dtype_conversion_mode)


def _disable_numpy_behavior():
    """Undo `experimental_enable_numpy_behavior` (for tests: TF has no such switch)."""
    if _SAVED.members is None:
        return
    for name, previous in _SAVED.members.items():
        if previous is None:
            _engine.TENSOR_ATTRIBUTES.pop(name, None)
        else:
            _engine.TENSOR_ATTRIBUTES[name] = previous
    STATE.prefer_float32 = _SAVED.prefer_float32
    _SAVED.members = None
    _engine_hooks(False, None)


def is_enabled():
    """Whether numpy behaviour is on."""
    return _SAVED.members is not None
