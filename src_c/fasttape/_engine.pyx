# The engine: tensors, op application, tape storage and the reverse sweep.
#
# Terms (as in TensorFlow's C tape):
#   op      an OpDef: a forward function over numpy arrays and a derivative rule
#           (vector-Jacobian product) over Tensors, declared together in fasttape/ops.
#   tensor  an immutable, read-only, C-contiguous numpy array plus an int64 id.
#           Ids are unique per process and increase in creation order. A Variable
#           has one id for its lifetime; every op that reads it sees its current
#           array under that id.
#   tape    a _Tape: C arrays of node_t (one per recorded op) grown by doubling, the
#           flat arrays of input ids, and `saved`, one tuple per node holding exactly
#           what that op's rule asked for. `tracked` maps every id the tape can
#           differentiate (watched ids, outputs of recorded nodes) to the index of
#           the node that produced it, or -1 for a watched leaf.
#
# Recording: `apply` runs the forward on arrays, wraps the result, and, only when
# some tape is recording in some thread (one C counter, the cheap check), asks each
# tape active in this thread whether it tracks one of the inputs; if so the node is
# appended. Nodes are appended in execution order, so every node's inputs were
# produced by earlier nodes: the reverse sweep is a plain backwards loop, never a
# recursion, and only touches nodes on a path from the sources to the targets.
#
# The sweep has two modes. First order (no tape recording in this thread): cotangents
# are numpy arrays, owned buffers are accumulated in place, and ops with a fused
# kernel skip their Python rule. Higher order (some tape is recording): cotangents are
# Tensors and every rule runs as ordinary recorded ops, so an outer tape sees the
# backward computation and can differentiate it again.
#
# Everything here runs with the GIL held; only the kernels in _kernels release it.

cimport cython
cimport numpy as cnp
from cpython.dict cimport PyDict_GetItem
from cpython.pythread cimport PyThread_get_thread_ident
from cpython.ref cimport PyObject, Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from libc.stdint cimport int32_t
from libc.stdlib cimport free, realloc

from fasttape._kernels cimport (
    SMALL_FORWARD, run_backward, run_backward_binary, run_forward, run_forward_binary,
    same_shape,
)
from fasttape._types cimport node_t, tensor_id_t

import collections
import operator
import threading

import numpy as np

from fasttape import dtypes as _dtypes
from fasttape import errors as _errors
from fasttape.tensor_shape import TensorShape

cnp.import_array()


# --- ids and the per-thread tape stack ----------------------------------------------------

cdef tensor_id_t _next_id = 1
cdef Py_ssize_t _n_recording = 0      # tapes recording, all threads together


cdef inline object new_id():
    global _next_id
    _next_id += 1
    return _next_id - 1


class _ThreadTapes(threading.local):
    def __init__(self):
        self.active = []              # _Tape objects recording in this thread, innermost last


_thread = _ThreadTapes()


# The last thread's stack, so that the common case (one thread) skips the
# threading.local lookup. Any push or pop invalidates it.
cdef unsigned long _cached_thread = 0
cdef list _cached_active = None


cdef inline list _active_tapes():
    """The tapes recording in this thread, or None when no tape records anywhere."""
    global _cached_thread, _cached_active
    if _n_recording == 0:
        return None
    cdef unsigned long ident = PyThread_get_thread_ident()
    if ident != _cached_thread or _cached_active is None:
        _cached_active = _thread.active
        _cached_thread = ident
    return _cached_active if _cached_active else None


cdef bint _remove_last(list stack, object item):
    """Remove the innermost occurrence of `item` (by identity) from a per-thread stack of
    tapes, observers or tracers; False when it is not there."""
    cdef Py_ssize_t i
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is item:
            del stack[i]
            return True
    return False


def push_tape(_Tape tape):
    """Make `tape` record in this thread (GradientTape.__enter__)."""
    global _n_recording, _cached_active
    cdef list active = _thread.active
    active.append(tape)
    tape.stack = active
    _n_recording += 1
    _cached_active = None


def pop_tape(_Tape tape):
    """Stop `tape` recording (exit, stop_recording, gradient). The tape leaves the stack
    of the thread that pushed it, whichever thread calls this."""
    global _n_recording, _cached_active
    _cached_active = None
    cdef list active = tape.stack if tape.stack is not None else _thread.active
    if _remove_last(active, tape):
        _n_recording -= 1
        if tape not in active:
            tape.stack = None
        return True
    return False


def replace_tape(_Tape old, _Tape new):
    """Put `new` where `old` records, on the stack of the thread that pushed `old`
    (GradientTape.reset: a sweep still running over `old` keeps its storage)."""
    global _cached_active
    _cached_active = None
    cdef list active = old.stack
    if active is None:
        return False
    for i in range(len(active) - 1, -1, -1):
        if active[i] is old:
            active[i] = new
            new.stack = active
            if old not in active:
                old.stack = None
            return True
    return False


def is_tracked(x):
    """True when a tape recording in this thread tracks `x` (a Tensor or Variable)."""
    cdef list active = _active_tapes()
    if active is None:
        return False
    key = _source_key(x)
    return any(key in (<_Tape>tape).tracked for tape in active)


def any_recording():
    """True when some tape records in this thread (or a function trace is taken)."""
    return _sweep_records()


# --- op observers: what sees every op applied in a thread, beside the tapes ---------------
# (forward-mode accumulators, function tracing). One C counter keeps `apply` free of any
# cost while none is registered anywhere.

cdef Py_ssize_t _n_observing = 0       # observers registered, all threads together


class _ThreadObservers(threading.local):
    def __init__(self):
        self.observers = []           # callables, outermost first


_thread_observers = _ThreadObservers()


def push_observer(observer):
    """Call `observer(op, inputs, attrs, out)` after every op this thread applies, until
    `pop_observer`. `inputs` are the op's operands as passed (Variables stay Variables)."""
    global _n_observing
    _thread_observers.observers.append(observer)
    _n_observing += 1


def pop_observer(observer):
    """Stop calling `observer`; False when it was not registered in this thread."""
    global _n_observing
    if not _remove_last(_thread_observers.observers, observer):
        return False
    _n_observing -= 1
    return True


def active_observers():
    """The observers registered in this thread, outermost first (a copy)."""
    return list(_thread_observers.observers)


cdef void _notify(OpDef op, tuple inputs, tuple attrs, Tensor out) except *:
    cdef list observers = _thread_observers.observers
    if not observers:
        return
    for observer in tuple(observers):      # an observer may pop itself
        observer(op, inputs, attrs, out)


# --- function tracing: what tf.function's tracer sees besides ops -------------------------
# Variable reads, creations and assigns and Tensor -> Python conversions are not ops; while
# a tracer is pushed in this thread they are reported to it. One C counter keeps eager
# code free of any cost while no tracer exists anywhere.

cdef Py_ssize_t _n_tracing = 0         # tracers pushed, all threads together


class _ThreadTracers(threading.local):
    def __init__(self):
        self.tracers = []             # innermost last


_thread_tracers = _ThreadTracers()


def push_tracer(tracer):
    """Report to `tracer` (on_read, on_create, on_assign, on_value) until pop_tracer."""
    global _n_tracing
    _thread_tracers.tracers.append(tracer)
    _n_tracing += 1


def pop_tracer(tracer):
    global _n_tracing
    if not _remove_last(_thread_tracers.tracers, tracer):
        return False
    _n_tracing -= 1
    return True


cdef inline object _tracer():
    """The innermost tracer of this thread, or None."""
    if _n_tracing == 0:
        return None
    cdef list tracers = _thread_tracers.tracers
    return tracers[len(tracers) - 1] if tracers else None   # (no wraparound here)


def current_tracer():
    return _tracer()


def untraceable():
    """Called by code that makes a tensor without an op from values a trace cannot
    replay (random draws, arrays computed from a tensor's value): a function being
    traced then runs its Python on every call instead of replaying."""
    tracer = _tracer()
    if tracer is not None:
        tracer.opaque = True


cdef inline bint _sweep_records():
    """Whether a reverse sweep must run as ops: a tape records, or a trace is taken (so the
    backward computation lands in the traced program)."""
    return _active_tapes() is not None or _tracer() is not None


# --- ops ----------------------------------------------------------------------------------

# What a rule parameter receives, encoded in OpDef.spec:
#   k >= 0          the k-th input tensor
#   SPEC_ANS        the op's output tensor
#   SPEC_INPUTS     the tuple of all inputs (variadic ops)
#   SPEC_ATTR - j   the j-th attribute value
cdef enum:
    SPEC_ANS = -1
    SPEC_INPUTS = -2
    SPEC_ATTR = -3
    MAX_SPEC = 16

OPS = []            # the registry: OpDef by code


@cython.final
cdef class OpDef:
    """One op: its forward over arrays and its derivative rule over Tensors.

    Built by fasttape.ops._registry.defop; the engine only reads it.
    """
    # forward: (*arrays, *attrs) -> ndarray; rule: (g, *saved[, needs]) -> gradient(s).
    # n_in is -1 for variadic ops; fused_* index _kernels' tables, or are -1.

    def __init__(self, str name, forward, int n_in, *, bint float_only=False,
                 bint complex_ok=False, bint same_dtype=True, bint broadcasts=False,
                 int fused_forward=-1, bint batches=False, tuple defaults=()):
        self.defaults = defaults
        self.batches = batches
        self.name = name
        self.forward = forward
        self.n_in = n_in
        self.float_only = float_only
        self.complex_ok = complex_ok
        self.same_dtype = same_dtype
        self.broadcasts = broadcasts
        self.fused_forward = fused_forward
        self.fused_backward = -1
        self.rule = None
        self.n_spec = 0
        self.code = len(OPS)
        OPS.append(self)

    def set_rule(self, rule, spec, bint wants_needs, int fused_backward=-1):
        """Attach the derivative rule and what it reads (see SPEC_* above)."""
        if len(spec) > MAX_SPEC:
            raise ValueError(f"{self.name}: a rule may read at most {MAX_SPEC} values")
        self.rule = rule
        self.n_spec = len(spec)
        for i, s in enumerate(spec):
            self.spec[i] = s
        self.rule_wants_needs = wants_needs
        self.fused_backward = fused_backward

    def __repr__(self):
        return f"<OpDef {self.name} #{self.code}>"

    def __call__(self, *args):
        """Apply to tensors (already converted) followed by attribute values."""
        n = len(args) if self.n_in < 0 else self.n_in
        return apply(self, tuple(args[:n]), tuple(args[n:]))


SPEC = {"ans": SPEC_ANS, "inputs": SPEC_INPUTS, "attr": SPEC_ATTR}


# --- tensors ------------------------------------------------------------------------------

cdef inline tuple shape_of(cnp.ndarray a):
    return (<object>a).shape


cdef inline bint _is_floating(cnp.ndarray a) noexcept:
    cdef int t = cnp.PyArray_TYPE(a)
    return t == cnp.NPY_FLOAT32 or t == cnp.NPY_FLOAT64 or t == cnp.NPY_FLOAT16


cdef inline bint _is_differentiable(cnp.ndarray a) noexcept:
    """Floating or complex: the dtypes gradients flow through (TF's)."""
    cdef int t = cnp.PyArray_TYPE(a)
    return t == cnp.NPY_FLOAT32 or t == cnp.NPY_FLOAT64 or t == cnp.NPY_FLOAT16 \
        or t == cnp.NPY_CFLOAT or t == cnp.NPY_CDOUBLE


cdef inline bint _tensor_type(int t) noexcept:
    """A numpy type that has a fasttape dtype (bool, integers, half/float/double,
    complex64/128): never object, strings, datetimes, void or long double."""
    return t <= cnp.NPY_DOUBLE or t == cnp.NPY_CFLOAT or t == cnp.NPY_CDOUBLE \
        or t == cnp.NPY_FLOAT16


cdef inline cnp.ndarray _freeze(object value):
    """A read-only C-contiguous array of `value` (no copy when it already is one)."""
    cdef cnp.ndarray a
    if cnp.PyArray_CheckExact(value):
        a = <cnp.ndarray>value
    else:
        a = np.asarray(value)
    if not _tensor_type(cnp.PyArray_TYPE(a)):
        raise TypeError(f"fasttape has no {a.dtype} tensors")
    if not cnp.PyArray_IS_C_CONTIGUOUS(a):
        a = np.ascontiguousarray(a)
    if cnp.PyArray_FLAGS(a) & cnp.NPY_ARRAY_WRITEABLE:
        cnp.PyArray_CLEARFLAGS(a, cnp.NPY_ARRAY_WRITEABLE)
    return a


cdef inline Tensor make_tensor(object value, object tid=None):
    """Wrap an array (or numpy scalar) as a Tensor; `value` must not be written later."""
    cdef Tensor t = Tensor.__new__(Tensor)
    t._value = _freeze(value)
    t._id = new_id() if tid is None else tid
    return t


def wrap(value):
    """Wrap an array or numpy scalar as a new Tensor without copying it."""
    return make_tensor(value)


# Filled by the facade at import time (fasttape/ops/__init__.py): the ops behind the
# Python operators and the Python-level helpers the engine calls back into.
cdef dict _operators = {}
cdef object _getitem = None
cdef object _convert_to_tensor = None
cdef object _sum_to_shape = None       # recorded version, used by the higher-order sweep
cdef object _combine = None           # sum where a gradient is not dense (IndexedSlices)
cdef object _densify = None           # such a gradient as an array / Tensor
cdef OpDef _ADD = None

# tf.experimental.numpy's numpy behaviour: operators that promote like numpy and numpy
# indexing, installed by experimental_enable_numpy_behavior (None when off).
cdef object _numpy_operator = None
cdef object _numpy_getitem = None


def set_numpy_behavior(operator=None, getitem=None):
    """Install (or, with None, remove) the numpy-behaviour operator and indexing hooks."""
    global _numpy_operator, _numpy_getitem
    _numpy_operator = operator
    _numpy_getitem = getitem


# Attributes added from Python, per type: name -> getter(obj), the value of obj.name
# (for a method, `function.__get__` binds it). Variable.scatter_* live in
# VARIABLE_ATTRIBUTES, tnp's ndarray members in TENSOR_ATTRIBUTES. Looked up only when
# normal attribute lookup fails, so they cost nothing on the hot path.
TENSOR_ATTRIBUTES = {}
VARIABLE_ATTRIBUTES = {}


cdef OpDef _SLICE = None     # operators["strided_slice"]: forward t[key], attrs (key, shape)
cdef object _variable_slice_type = None   # what variable[key] returns (set_variable_slice_type)


cdef inline bint _plain_slice(object k):
    """A slice of Python ints and Nones with a nonzero step: numpy takes it as it is."""
    cdef slice s = <slice>k
    return ((s.start is None or type(s.start) is int)
            and (s.stop is None or type(s.stop) is int)
            and (s.step is None or (type(s.step) is int and s.step != 0)))


cdef inline bint _in_range(object k, cnp.npy_intp d) noexcept:
    """k (a Python int) indexes an axis of size d."""
    cdef long long i
    try:
        i = k
    except OverflowError:
        return False
    return -d <= i < d


cdef tuple _basic_key(object key, cnp.ndarray a):
    """The canonical key when `key` is an in-range int, a plain slice, or a tuple of those
    no longer than the rank (what loops index with); None when the slow path decides."""
    cdef Py_ssize_t i, n = cnp.PyArray_NDIM(a)
    cdef object k
    if type(key) is int:
        return (key,) if n and _in_range(key, cnp.PyArray_DIM(a, 0)) else None
    if type(key) is slice:
        return (key,) if n and _plain_slice(key) else None
    if type(key) is not tuple or len(<tuple>key) > n:
        return None
    for i in range(len(<tuple>key)):
        k = (<tuple>key)[i]
        if type(k) is int:
            if not _in_range(k, cnp.PyArray_DIM(a, i)):
                return None
        elif type(k) is not slice or not _plain_slice(k):
            return None
    return <tuple>key


cdef Tensor _apply_slice(Tensor t, tuple key):
    """apply(strided_slice, (t,), (key, shape)) for a canonical key, without the generic
    path's lists and Python forward call: the cost of a loop's x[i]."""
    cdef object value
    try:
        value = t._value[key]
    except ValueError as exc:         # (a zero step): TF's error class, as in apply
        raise _errors.InvalidArgumentError(f"{exc} [Op:{_SLICE.name}]") from None
    cdef Tensor out = make_tensor(value)
    cdef tuple attrs
    if _n_recording or _n_observing:
        attrs = (key, shape_of(t._value))
        if _n_recording:
            _record(_SLICE, [t], out, attrs)
        if _n_observing:
            _notify(_SLICE, (t,), attrs, out)
    return out


cdef object _slice_of_variable(Variable v, Tensor value, tuple key):
    """variable[key], `value` being the variable's read: the slice, as the type
    set_variable_slice_type installed, whose `assign` writes back into the variable."""
    cdef Tensor row = _apply_slice(value, key)
    if _variable_slice_type is None:
        return row
    cdef VariableSlice out = _variable_slice_type.__new__(_variable_slice_type)
    out._value = row._value
    out._id = row._id
    out._variable = v
    out._key = key
    return out


def set_variable_slice_type(cls):
    """Make `variable[key]` return `cls` instances (a Python subclass of VariableSlice)."""
    global _variable_slice_type
    if not (isinstance(cls, type) and issubclass(cls, VariableSlice)):
        raise TypeError("set_variable_slice_type: cls must be a subclass of VariableSlice")
    _variable_slice_type = cls


cdef object _basic_slice(object x, object key):
    """x[key] (x a Tensor or Variable) through the fast path when `key` is an in-range
    int, a plain slice or a tuple of those; None when it is not."""
    cdef tuple fast
    if _SLICE is None:
        return None
    if type(x) is Tensor:
        fast = _basic_key(key, (<Tensor>x)._array())
        return None if fast is None else _apply_slice(<Tensor>x, fast)
    if isinstance(x, Variable):
        fast = _basic_key(key, (<Variable>x)._array())
        return None if fast is None else _slice_of_variable(<Variable>x, (<Variable>x)._read(), fast)
    return None


def basic_slice(x, key):
    """x[key] through the engine's fast path (see _basic_slice); None when it does not
    apply."""
    return _basic_slice(x, key)


def slice_variable(Variable v, Tensor value, tuple key):
    """v[key] for a canonical key, `value` being v's read (see _slice_of_variable)."""
    return _slice_of_variable(v, value, key)


def slice_pieces(Tensor t, list keys):
    """[t[key] for key in keys], each one recorded strided_slice (keys canonical and in
    range: unstack, split, and the rules of stack and concat)."""
    t._array()
    return [_apply_slice(t, <tuple?>key) for key in keys]


def install(operators, getitem, convert_to_tensor, sum_to_shape, combine=None, densify=None):
    global _getitem, _convert_to_tensor, _sum_to_shape, _ADD, _combine, _densify
    _operators.update(operators)
    _getitem = getitem
    _convert_to_tensor = convert_to_tensor
    _sum_to_shape = sum_to_shape
    _ADD = operators["add"]
    global _SLICE
    _SLICE = operators.get("strided_slice")
    if combine is not None:
        _combine = combine
        _densify = densify


cdef str _dtype_name(cnp.ndarray a):
    return _dtypes.from_numpy(a.dtype).name


# 0-d constants for Python numbers met as operands (`x * 0.5`), per float dtype. Zeros
# (0.0 == -0.0) and nan (never equal to itself) are left out; the caches are bounded.
cdef dict _f32_scalars = {}
cdef dict _f64_scalars = {}
cdef Py_ssize_t MAX_CACHED_SCALARS = 4096


cdef Tensor _operand(object value, cnp.ndarray like):
    """Convert a non-tensor operand to the dtype of the tensor it meets (TF's rule)."""
    cdef int type_num = cnp.PyArray_TYPE(like)
    cdef dict cache
    cdef PyObject* hit
    cdef Tensor t
    if (type(value) is float or type(value) is int) and (
            type_num == cnp.NPY_FLOAT32 or type_num == cnp.NPY_FLOAT64) and value:
        cache = _f32_scalars if type_num == cnp.NPY_FLOAT32 else _f64_scalars
        hit = PyDict_GetItem(cache, value)
        if hit != NULL:
            return <Tensor>hit
        t = make_tensor(np.array(value, dtype=like.dtype))
        if value == value:
            if len(cache) >= MAX_CACHED_SCALARS:
                cache.clear()
            cache[value] = t
        return t
    return _convert_to_tensor(value, dtype=_dtypes.from_numpy(like.dtype))


cpdef tuple convert_inputs(tuple values):
    """An op's inputs as tensors: non-tensors adopt the dtype of the first tensor among
    them (`f32 + 2` is float32), or TF's defaults when there is none."""
    cdef object v, first = None
    cdef bint all_tensors = True
    for v in values:
        if isinstance(v, _TensorLike):
            if first is None:
                first = v
        else:
            all_tensors = False
    if all_tensors:
        return values
    if first is None:             # no tensor: the first value sets the dtype (TF)
        first = _convert_to_tensor(values[0])
        values = (first,) + values[1:]
    cdef cnp.ndarray like = (<_TensorLike>first)._array()
    return tuple([v if isinstance(v, _TensorLike) else _operand(v, like) for v in values])


cdef object _binary(str opname, object a, object b):
    cdef object out
    if _numpy_operator is not None:
        out = _numpy_operator(opname, a, b)      # NotImplemented: TF's rules below
        if out is not NotImplemented:
            return out
    cdef OpDef op = _operators[opname]
    if not isinstance(a, _TensorLike):
        if isinstance(a, (str, bytes)):
            return NotImplemented
        a = _operand(a, (<_TensorLike>b)._array())
    elif not isinstance(b, _TensorLike):
        if isinstance(b, (str, bytes)):
            return NotImplemented
        b = _operand(b, (<_TensorLike>a)._array())
    return apply(op, (a, b), ())


cdef inline dict _added_attributes(object obj):
    return VARIABLE_ATTRIBUTES if isinstance(obj, Variable) else TENSOR_ATTRIBUTES


cdef class _TensorLike:
    """What Tensor and Variable share: numpy interop, protocols and operators.

    Variable is deliberately not a Tensor subclass (isinstance(v, tf.Tensor) is False
    in TensorFlow), so the shared behaviour lives here.
    """
    __array_priority__ = 100

    cdef cnp.ndarray _array(self):
        raise NotImplementedError

    cdef Tensor _read(self):
        raise NotImplementedError

    # numpy interop
    def numpy(self):
        """The value as a numpy array (a numpy scalar for 0-d tensors); a copy."""
        if _n_tracing:
            _on_value(self, "numpy")
        cdef cnp.ndarray a = self._array()
        if cnp.PyArray_NDIM(a) == 0:
            return a[()]
        return a.copy()

    def __array__(self, dtype=None, copy=None):
        if _n_tracing:
            _on_value(self, "array")
        cdef cnp.ndarray a = self._array()
        if copy:
            a = a.copy()
        return a if dtype is None else a.astype(dtype, copy=False)

    @property
    def dtype(self):
        return _dtypes.from_numpy(self._array().dtype)

    @property
    def shape(self):
        return TensorShape(shape_of(self._array()))

    def get_shape(self):
        return TensorShape(shape_of(self._array()))

    @property
    def ndim(self):
        return cnp.PyArray_NDIM(self._array())

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    # Python protocols
    def __float__(self):
        if _n_tracing:
            _on_value(self, "float")
        return float(self._array())

    def __int__(self):
        if _n_tracing:
            _on_value(self, "int")
        return int(self._array())

    def __index__(self):
        if _n_tracing:
            _on_value(self, "index")
        cdef cnp.ndarray a = self._array()
        if cnp.PyArray_NDIM(a) != 0 or not np.issubdtype(a.dtype, np.integer):
            raise TypeError("Only integer scalar tensors can be converted to an index")
        return operator.index(a[()])

    def __bool__(self):
        if _n_tracing:
            _on_value(self, "bool")
        cdef cnp.ndarray a = self._array()
        if cnp.PyArray_SIZE(a) == 0:
            return False          # TF: an empty tensor is falsy (numpy raises)
        return bool(a)

    def __format__(self, spec):
        if _n_tracing:
            _on_value(self, "format")
        return format(self._array(), spec)

    def __iter__(self):
        cdef cnp.ndarray a = self._array()
        if cnp.PyArray_NDIM(a) == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        cdef Tensor t = self._read()
        return (t[i] for i in range(cnp.PyArray_DIM(a, 0)))

    def __getitem__(self, key):
        if _numpy_getitem is not None:
            return _numpy_getitem(self, key, _getitem)
        out = _basic_slice(self, key)
        return _getitem(self, key) if out is None else out

    def __round__(self, ndigits=None):
        getter = _added_attributes(self).get("__round__")   # numpy behaviour only, as TF
        if getter is None:
            raise TypeError(f"type {type(self).__name__} doesn't define __round__ method")
        return getter(self)(ndigits)

    def __getattr__(self, name):
        if name == "name":        # (a property raising AttributeError would land here)
            raise AttributeError("Tensor.name is undefined when eager execution is enabled.")
        getter = _added_attributes(self).get(name)
        if getter is not None:
            return getter(self)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setitem__(self, key, value):
        raise TypeError(
            f"'{type(self).__name__}' object does not support item assignment")

    # arithmetic: every operator is an op, so all of them record
    def __add__(self, other): return _binary("add", self, other)
    def __radd__(self, other): return _binary("add", other, self)
    def __sub__(self, other): return _binary("subtract", self, other)
    def __rsub__(self, other): return _binary("subtract", other, self)
    def __mul__(self, other): return _binary("multiply", self, other)
    def __rmul__(self, other): return _binary("multiply", other, self)
    def __truediv__(self, other): return _binary("truediv", self, other)
    def __rtruediv__(self, other): return _binary("truediv", other, self)
    def __floordiv__(self, other): return _binary("floordiv", self, other)
    def __rfloordiv__(self, other): return _binary("floordiv", other, self)
    def __mod__(self, other): return _binary("floormod", self, other)
    def __rmod__(self, other): return _binary("floormod", other, self)
    def __matmul__(self, other): return _binary("matmul", self, other)
    def __rmatmul__(self, other): return _binary("matmul", other, self)

    def __pow__(self, other, modulo=None):
        if (type(other) is int or type(other) is float) and other == 2:
            return apply(_operators["square"], (self,), ())   # x**2: same values, cheaper rule
        return _binary("pow", self, other)

    def __rpow__(self, other, modulo=None):
        return _binary("pow", other, self)

    def __neg__(self):
        return apply(_operators["negative"], (self,), ())

    def __pos__(self):
        return self._read()

    def __abs__(self):
        return apply(_operators["abs"], (self,), ())

    def __invert__(self):
        return apply(_operators["logical_not"], (self,), ())

    def __and__(self, other): return _binary("logical_and", self, other)
    def __rand__(self, other): return _binary("logical_and", other, self)
    def __or__(self, other): return _binary("logical_or", self, other)
    def __ror__(self, other): return _binary("logical_or", other, self)
    def __xor__(self, other): return _binary("logical_xor", self, other)
    def __rxor__(self, other): return _binary("logical_xor", other, self)

    def __lt__(self, other): return _binary("less", self, other)
    def __le__(self, other): return _binary("less_equal", self, other)
    def __gt__(self, other): return _binary("greater", self, other)
    def __ge__(self, other): return _binary("greater_equal", self, other)

    def __eq__(self, other):
        # TF: elementwise with broadcasting, a scalar False on incompatible shapes,
        # and the Python bool for None
        if other is None:
            return False
        if isinstance(other, (str, bytes)):
            raise TypeError(f"Cannot compare a tensor with {type(other).__name__!r}")
        try:
            return _binary("equal", self, other)
        except _errors.InvalidArgumentError:
            return make_tensor(np.array(False))

    def __ne__(self, other):
        if other is None:
            return True
        if isinstance(other, (str, bytes)):
            raise TypeError(f"Cannot compare a tensor with {type(other).__name__!r}")
        try:
            return _binary("not_equal", self, other)
        except _errors.InvalidArgumentError:
            return make_tensor(np.array(True))

    # (defined here, not in the subclasses: a type that sets tp_hash without
    # tp_richcompare would not inherit the comparisons above)
    def __hash__(self):
        if isinstance(self, Variable):
            raise TypeError("Variable is unhashable. Instead, use variable.ref() as the key. "
                            f"(Variable: {self!r})")
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def ref(self):
        """A hashable reference to this object (`ref().deref() is self`)."""
        return Reference(self)

    def experimental_ref(self):
        return Reference(self)


@cython.final
cdef class Reference:
    """The hashable stand-in for a tensor or variable, by identity."""
    cdef readonly object _wrapped

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def deref(self):
        return self._wrapped

    def __hash__(self):
        return id(self._wrapped)

    def __eq__(self, other):
        return isinstance(other, Reference) and (<Reference>other)._wrapped is self._wrapped

    def __repr__(self):
        return f"<Reference wrapping {self._wrapped!r}>"


cdef str _value_text(cnp.ndarray a, bint as_repr):
    if not as_repr:
        text = str(a)
    elif cnp.PyArray_NDIM(a) == 0:
        text = repr(a.item())
    else:
        text = repr(a)
    return "\n" + text if "\n" in text else text


cdef int _uninitialised() except -1:
    raise ValueError("This Tensor was never initialised (made by Tensor.__new__): tensors "
                     "are made by fasttape.constant / fasttape.convert_to_tensor")


cdef class Tensor(_TensorLike):
    """An immutable n-dimensional value: `fasttape.constant`, op results, gradients."""

    # Every use of an uninitialised Tensor (Tensor.__new__(Tensor) from Python) meets
    # one of the None checks in _array, _read and apply, never a None array.
    cdef cnp.ndarray _array(self):
        if self._value is None:
            _uninitialised()
        return self._value

    cdef Tensor _read(self):
        if self._value is None:
            _uninitialised()
        return self

    def __init__(self, *args, **kwargs):
        raise TypeError("Tensors are made by fasttape.constant / fasttape.convert_to_tensor")

    @property
    def _tensor_id(self):
        return self._id

    def __len__(self):
        if cnp.PyArray_NDIM(self._array()) == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return shape_of(self._value)[0]

    def __repr__(self):
        if self._value is None:
            return "<fasttape.Tensor (uninitialised)>"
        return (f"<fasttape.Tensor: shape={TensorShape(shape_of(self._value))}, "
                f"dtype={_dtype_name(self._value)}, numpy={_value_text(self._value, True)}>")

    def __str__(self):
        if self._value is None:
            return "fasttape.Tensor(uninitialised)"
        return (f"fasttape.Tensor({_value_text(self._value, False)}, "
                f"shape={TensorShape(shape_of(self._value))}, dtype={_dtype_name(self._value)})")

    def __reduce__(self):
        return (wrap, (np.array(self._array()),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


cdef class VariableSlice(Tensor):
    """Base of what `variable[key]` returns: a Tensor (same value and id as the read
    slice) that remembers the variable and the key, for the facade's `assign`."""
    cdef readonly object _variable
    cdef readonly tuple _key


# Maps a new Variable's name to its full name (fasttape.module installs the name-scope
# prefix); None while nothing is installed.
cdef object _variable_name_hook = None


def set_variable_name_hook(hook):
    """Install `hook(name) -> str`, applied to the name of every new Variable."""
    global _variable_name_hook
    _variable_name_hook = hook


cdef class Variable(_TensorLike):
    """A mutable tensor with a stable identity, watched automatically when trainable."""

    def __init__(self, initial_value=None, trainable=True, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 import_scope=None, constraint=None, synchronization=None,
                 aggregation=None, shape=None, experimental_enable_variable_lifting=None):
        if initial_value is None:
            raise ValueError("The initial_value must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        cdef Tensor init
        if type(initial_value) is float and dtype is None:      # Variable(3.): float32
            self._value = _freeze(np.array(initial_value, dtype=np.float32))
        else:
            init = _convert_to_tensor(initial_value, dtype=dtype)
            self._value = init._array()
        self._id = new_id()
        self._trainable = bool(trainable)
        name = "Variable" if name is None else str(name)
        if _variable_name_hook is not None:
            name = _variable_name_hook(name)
        self._name = name + ":0"
        self._snapshot = None
        self._target = None
        if _n_tracing and _tracer() is not None:
            _tracer().on_create(self)

    cdef Variable _root(self):
        return self._target if self._target is not None else self

    cdef cnp.ndarray _array(self):
        return self._root()._value

    cdef Tensor _read(self):
        """The current value under the variable's id; auto-watched by recording tapes."""
        cdef Variable v = self._root()
        cdef list active = _active_tapes()
        if active is not None and v._trainable:
            for tape in active:
                (<_Tape>tape).on_variable_read(v)
        if v._snapshot is None:
            v._snapshot = make_tensor(v._value, v._id)
        if _n_tracing:
            _on_read(v)
        return v._snapshot

    @property
    def _tensor_id(self):
        return self._root()._id

    @property
    def name(self):
        return self._root()._name

    @property
    def trainable(self):
        return self._root()._trainable

    @property
    def initial_value(self):
        raise RuntimeError("This property is not supported when eager execution is enabled.")

    @property
    def constraint(self):
        return None

    @property
    def handle(self):
        return self._root()

    def value(self):
        """The current value as a Tensor (recorded like any read)."""
        return _operators["identity"](self)

    def read_value(self):
        """The current value as a Tensor (recorded like any read)."""
        return _operators["identity"](self)

    def _assign(self, value, int how, bint read_value):
        cdef Variable v = self._root()
        cdef Tensor new = _convert_to_tensor(value, dtype=_dtypes.from_numpy(v._value.dtype))
        if shape_of(new._array()) != shape_of(v._value):
            if how != 0:
                raise _errors.InvalidArgumentError(
                    f"Cannot update variable with shape {list(shape_of(v._value))} using a "
                    f"Tensor with shape {list(shape_of(new._value))}, shapes must be equal.")
            raise ValueError(
                f"Cannot assign value to variable ' {v._name}': Shape mismatch."
                f"The variable shape {TensorShape(shape_of(v._value))}, and the assigned value "
                f"shape {TensorShape(shape_of(new._value))} are incompatible.")
        if how == 0:
            result = new._value
        elif how == 1:
            result = v._value + new._value
        else:
            result = v._value - new._value
        if _n_tracing:
            _on_assign(v, how, new)
        # a new array, never a write into the old one: tapes may have saved it
        v._value = _freeze(np.array(result, dtype=v._value.dtype, copy=True if how == 0 else None))
        v._snapshot = None
        if not read_value:
            return None
        cdef Variable alias = _UnreadVariable.__new__(_UnreadVariable)
        alias._target = v
        return alias

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Set the value in place; returns the variable (a live alias) or None."""
        return self._assign(value, 0, read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Add `delta` in place; returns the variable (a live alias) or None."""
        return self._assign(delta, 1, read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtract `delta` in place; returns the variable (a live alias) or None."""
        return self._assign(delta, 2, read_value)

    def __len__(self):
        raise TypeError("object of type 'ResourceVariable' has no len()")

    def _repr_name(self):
        return self._name

    def __repr__(self):
        cdef Variable v = self._root()
        return (f"<fasttape.Variable '{self._repr_name()}' shape={TensorShape(shape_of(v._value))} "
                f"dtype={_dtype_name(v._value)}, numpy={_value_text(v._value, True)}>")

    __str__ = __repr__

    def __reduce__(self):
        v = self._root()
        return (_rebuild_variable, (np.array(v._value), v._trainable, v._name[:-2]))

    def __deepcopy__(self, memo):
        v = self._root()
        return Variable(np.array(v._value), trainable=v._trainable, name=v._name[:-2])


def replace_value(Variable v, cnp.ndarray value):
    """Hand `v` a fresh array of its shape and dtype, without a copy (optimizer updates:
    the caller keeps no other reference to `value`)."""
    cdef Variable root = v._root()
    if value.dtype != root._value.dtype or shape_of(value) != shape_of(root._value):
        raise ValueError(f"replace_value: {value.dtype}{shape_of(value)} for variable "
                         f"'{root._name}' of {root._value.dtype}{shape_of(root._value)}")
    if _n_tracing:
        tracer = _tracer()
        if tracer is not None:
            # computed outside any op, so no program can replay it: the function runs
            # its Python on every call (and a dry trace puts the old value back)
            tracer.opaque = True
            tracer.on_replace(root)
    root._value = _freeze(value)
    root._snapshot = None


def _rebuild_variable(value, trainable, name):
    return Variable(value, trainable=trainable, name=name)


cdef class _UnreadVariable(Variable):
    """What `assign*` return: a live alias that reads and writes the original."""

    def _repr_name(self):
        return "UnreadVariable"


cdef void _on_value(_TensorLike x, str kind) except *:
    tracer = _tracer()
    if tracer is not None:
        tracer.on_value(x, kind)


cdef void _on_read(Variable v) except *:
    tracer = _tracer()
    if tracer is not None:
        tracer.on_read(v, v._snapshot)


cdef void _on_assign(Variable v, int how, Tensor new) except *:
    tracer = _tracer()
    if tracer is not None:
        tracer.on_assign(v, how, new)


def set_variable_value(Variable v, cnp.ndarray value):
    """Replace a variable's array with `value` (same shape and dtype, never written
    later): how a replayed function applies an assign."""
    v = v._root()
    v._value = _freeze(value)
    v._snapshot = None


def variable_value(Variable v):
    """A variable's current array, without reporting a read."""
    return v._root()._value


def is_floating(_TensorLike x):
    """True for float16/32/64 tensors and variables."""
    return _is_floating(x._array())


def is_differentiable(_TensorLike x):
    """True for the tensors gradients flow through: float16/32/64, complex64/128."""
    return _is_differentiable(x._array())


# --- applying an op -------------------------------------------------------------------

cdef _dtype_error(OpDef op, Py_ssize_t k, cnp.ndarray first, cnp.ndarray other):
    raise _errors.InvalidArgumentError(
        f"cannot compute {op.name} as input #{k}(zero-based) was expected to be a "
        f"{_dtype_name(first)} tensor but is a {_dtype_name(other)} tensor [Op:{op.name}]")


cpdef object apply(OpDef op, tuple inputs, tuple attrs):
    """Run `op` on tensors (and attribute values) and record it where tapes watch.

    Inputs must already be Tensors or Variables: conversion of Python values is the
    caller's job (the public op functions and the operators do it). `attrs` has one
    value per attribute of the op; an empty tuple stands for all the defaults.
    """
    cdef Py_ssize_t n = len(inputs), k
    if len(attrs) != len(op.defaults):
        if len(attrs) != 0:
            raise TypeError(f"{op.name} takes {len(op.defaults)} attributes, got {len(attrs)}")
        attrs = op.defaults
    if op.n_in >= 0 and n != op.n_in:
        raise TypeError(f"{op.name} takes {op.n_in} inputs, got {n}")
    cdef list tensors = [None] * n
    cdef list arrays = [None] * n
    cdef object x
    cdef Tensor t
    cdef cnp.ndarray a, first = None
    for k in range(n):
        x = inputs[k]
        if type(x) is Tensor:
            t = <Tensor>x
            if t._value is None:
                _uninitialised()
        elif isinstance(x, _TensorLike):
            t = (<_TensorLike>x)._read()
        else:
            raise TypeError(f"{op.name}: expected a Tensor or Variable, got {type(x).__name__}")
        tensors[k] = t
        a = t._value
        arrays[k] = a
        if k == 0:
            first = a
            if op.float_only and not _is_floating(a) and not (
                    op.complex_ok and _is_differentiable(a)):
                raise _errors.InvalidArgumentError(
                    f"Value for attr 'T' of {_dtype_name(a)} is not in the list of allowed "
                    f"values: half, float, double"
                    f"{', complex64, complex128' if op.complex_ok else ''}"
                    f"\n\t; NodeDef: {{{op.name}}} [Op:{op.name}]")
        elif op.same_dtype and cnp.PyArray_TYPE(a) != cnp.PyArray_TYPE(first):
            _dtype_error(op, k, first, a)

    cdef object value = None
    if op.fused_forward >= 0:
        if n == 1:
            if cnp.PyArray_SIZE(first) <= SMALL_FORWARD and (
                    cnp.PyArray_TYPE(first) == cnp.NPY_FLOAT32
                    or cnp.PyArray_TYPE(first) == cnp.NPY_FLOAT64):
                value = run_forward(op.fused_forward, first)
        else:
            value = run_forward_binary(op.fused_forward, first, <cnp.ndarray>arrays[1])
    if value is None:
        try:
            value = op.forward(*arrays, *attrs)
        except ValueError as exc:
            # numpy's broadcasting and shape errors are TF's InvalidArgumentError
            raise _errors.InvalidArgumentError(f"{exc} [Op:{op.name}]") from None
    cdef Tensor out = make_tensor(value)
    if _n_recording:
        _record(op, tensors, out, attrs)
    if _n_observing:
        _notify(op, inputs, attrs, out)
    return out


cdef tuple _saved_for(OpDef op, list tensors, Tensor out, tuple attrs):
    """Exactly what the op's rule reads, in its parameter order."""
    cdef int i, s
    cdef object value
    if op.n_spec == 0:
        return ()
    cdef tuple saved = PyTuple_New(op.n_spec)
    for i in range(op.n_spec):
        s = op.spec[i]
        if s >= 0:
            value = tensors[s]
        elif s == SPEC_ANS:
            value = out
        elif s == SPEC_INPUTS:
            value = tuple(tensors)
        else:
            value = attrs[SPEC_ATTR - s]
        Py_INCREF(value)                   # PyTuple_SET_ITEM steals a reference
        PyTuple_SET_ITEM(saved, i, value)
    return saved


cdef void _record(OpDef op, list tensors, Tensor out, tuple attrs) except *:
    cdef list active = _active_tapes()
    if active is None or op.rule is None or not _is_differentiable(out._value):
        return
    cdef tuple saved = None
    cdef object in_shapes = None
    cdef _Tape tape
    for tape_obj in active:
        tape = <_Tape>tape_obj
        if not tape.stage_inputs(tensors):
            continue              # this tape tracks none of the inputs
        if saved is None:
            saved = _saved_for(op, tensors, out, attrs)
            if op.broadcasts:
                in_shapes = _broadcast_shapes(tensors, out)
            # building those may run a finalizer and so another thread, which may have
            # staged its own node on this tape: stage again, right before committing
            tape.stage_inputs(tensors)
        tape.commit_node(op, len(tensors), out, saved, in_shapes)


cdef object _broadcast_shapes(list tensors, Tensor out):
    """The input shapes of a broadcasting node, or None when none was broadcast."""
    cdef Tensor t
    for t in tensors:
        if not same_shape(t._value, out._value):
            return tuple([shape_of(t._value) for t in tensors])
    return None


# --- the tape -------------------------------------------------------------------------

cdef enum:
    REF_LEAF = -1        # a watched tensor or variable not produced on this tape
    REF_CONSTANT = -2    # not tracked, or not float/complex: no gradient flows there


cdef class _Tape:
    """Node storage of one GradientTape, and its reverse sweep.

    watched_vars maps id -> Variable for variables watched or read while recording.
    """
    def __cinit__(self):
        self.nodes = NULL
        self.in_ids = NULL
        self.in_refs = NULL
        self.n_sweeps = 0
        self.stack = None
        self.clear()

    def __init__(self, bint watch_accessed_variables=True):
        self.watch_accessed = watch_accessed_variables

    def __dealloc__(self):
        free(self.nodes)
        free(self.in_ids)
        free(self.in_refs)

    def clear(self):
        """Forget everything recorded and watched (reset, and freeing after use).

        Refused while a sweep over this tape runs (in another thread, or from a rule):
        the sweep reads the node storage this would free.
        """
        if self.n_sweeps:
            raise RuntimeError("Cannot reset or free a GradientTape while a gradient is "
                               "being computed from it (in another thread?)")
        free(self.nodes)
        free(self.in_ids)
        free(self.in_refs)
        self.nodes = NULL
        self.in_ids = NULL
        self.in_refs = NULL
        self.n_nodes = self.cap_nodes = self.n_edges = self.cap_edges = 0
        self.saved = []
        self.tracked = {}
        self.in_shapes = {}
        self.watched_vars = {}

    def release(self):
        """Free the recorded nodes after a non-persistent tape's single use; what it
        watched stays readable (watched_variables())."""
        watched = self.watched_vars
        self.clear()
        self.watched_vars = watched

    @property
    def num_nodes(self):
        return self.n_nodes

    cdef int _grow(self, Py_ssize_t edges) except -1:
        cdef Py_ssize_t cap
        cdef void* p
        if self.n_nodes == self.cap_nodes:
            cap = max(64, 2 * self.cap_nodes)
            p = realloc(self.nodes, cap * sizeof(node_t))
            if p == NULL:
                raise MemoryError()
            self.nodes = <node_t*>p
            self.cap_nodes = cap
        if self.n_edges + edges > self.cap_edges:
            cap = max(128, 2 * self.cap_edges, self.n_edges + edges)
            p = realloc(self.in_ids, cap * sizeof(tensor_id_t))
            if p == NULL:
                raise MemoryError()
            self.in_ids = <tensor_id_t*>p
            p = realloc(self.in_refs, cap * sizeof(Py_ssize_t))
            if p == NULL:
                raise MemoryError()
            self.in_refs = <Py_ssize_t*>p
            self.cap_edges = cap
        return 0

    cdef bint stage_inputs(self, list tensors) except -1:
        """Write the inputs' ids and refs past the last edge, uncommitted; True when this
        tape tracks one of them (one dict lookup per input serves both)."""
        cdef Py_ssize_t k, n = len(tensors), e
        cdef Tensor t
        cdef PyObject* ref
        cdef bint hit = False
        self._grow(n)
        for k in range(n):
            t = <Tensor>tensors[k]
            e = self.n_edges + k
            self.in_ids[e] = <tensor_id_t>t._id
            ref = PyDict_GetItem(self.tracked, t._id)
            if ref != NULL:
                hit = True
            if ref == NULL or not _is_differentiable(t._value):
                self.in_refs[e] = REF_CONSTANT
            else:
                self.in_refs[e] = <Py_ssize_t>(<object>ref)
        return hit

    cdef int commit_node(self, OpDef op, Py_ssize_t n, Tensor out, tuple saved,
                         object in_shapes) except -1:
        """Append the node whose n inputs stage_inputs has just written."""
        if self.n_nodes >= self.cap_nodes or self.n_edges + n > self.cap_edges:
            raise RuntimeError("GradientTape: a node was committed without staging")
        cdef node_t* node = &self.nodes[self.n_nodes]
        node.op = op.code
        node.n_in = <int32_t>n
        node.in_start = self.n_edges
        node.out_id = <tensor_id_t>out._id
        self.n_edges += n
        if in_shapes is not None:
            self.in_shapes[self.n_nodes] = in_shapes
        self.saved.append(saved)
        self.tracked[out._id] = self.n_nodes
        self.n_nodes += 1
        return 0

    cdef on_variable_read(self, Variable v):
        if self.watch_accessed and v._id not in self.tracked:
            self.tracked[v._id] = REF_LEAF
            self.watched_vars[v._id] = v

    def watch(self, x):
        """Track a Tensor or Variable from now on."""
        if isinstance(x, Variable):
            v = (<Variable>x)._root()
            self.watched_vars[v._id] = v
            if v._id not in self.tracked:
                self.tracked[v._id] = REF_LEAF
        else:
            tid = (<Tensor>x)._id
            if tid not in self.tracked:
                self.tracked[tid] = REF_LEAF

    def gradients(self, list targets, list seeds, list sources, bint retain_saved):
        """The gradient of sum(seed_i * target_i) w.r.t. each source, as Tensors.

        Targets and sources are Tensors or Variables; a None seed means ones. A source
        that no path reaches gets None. Under a recording
        tape the results are recorded Tensors; sparse results stay IndexedSlices.
        """
        if len(seeds) != len(targets):
            raise ValueError(f"{len(seeds)} seeds for {len(targets)} targets")
        cdef bint recorded = _sweep_records()
        cdef list read = [_as_tensor(t, "target") for t in targets]
        cdef list ids = [_source_key(x) for x in sources]
        cdef Py_ssize_t k
        seeds = list(seeds)
        for k in range(len(read)):
            if seeds[k] is None:
                seeds[k] = _ones_like((<Tensor>read[k])._value, recorded)
        cdef list result = self.sweep(read, seeds, ids, retain_saved)
        cdef object r
        for k in range(len(result)):
            r = result[k]
            # (a non-float source gets a result only as its own target: TF's int ones)
            if r is not None and cnp.PyArray_CheckExact(r):
                result[k] = make_tensor(r)
        return result

    def sweep(self, list targets, list seeds, list source_ids, bint retain_saved=True,
              bint batched=False):
        """See _sweep. While it runs, clear() is refused; recording (by the rules, or by
        another thread) may grow the storage, so the sweep holds no pointer into it
        across a Python call: it reads nodes by index, copied, up to its snapshot."""
        self.n_sweeps += 1
        try:
            return self._sweep(targets, seeds, source_ids, retain_saved, batched)
        finally:
            self.n_sweeps -= 1

    cdef list _sweep(self, list targets, list seeds, list source_ids, bint retain_saved,
                     bint batched):
        """Gradients of sum(seed_i * target_i) w.r.t. each source id.

        `targets` are Tensors (variables already read), `seeds` arrays (first order)
        or Tensors (when a tape records). Returns one entry per source id: an array,
        a Tensor (higher order) or None when no path connects it.

        With `batched`, each seed carries a leading axis of B cotangents and every
        result has that axis too: B vector-Jacobian products in one sweep (jacobians).
        Rules of ops declared `batches=True` take the stacked cotangents directly;
        any other op's rule runs once per row, for its node only. First order only.
        """
        if len(seeds) != len(targets):
            raise ValueError(f"{len(seeds)} seeds for {len(targets)} targets")
        cdef bint recorded = _sweep_records()
        if batched and recorded:
            raise ValueError("a batched sweep runs in first-order mode only")
        # The snapshot: nodes [0, n) and edges [0, n_edges). Nodes recorded meanwhile
        # (by the rules, or another thread) lie past it and are not swept.
        cdef Py_ssize_t n = self.n_nodes, n_edges = self.n_edges, i, e, k, r
        cdef node_t node          # a copy: the node array may move during a rule
        cdef dict tracked = self.tracked
        # Cotangent slots: one per node (its output), then one per leaf source (watched
        # tensors and variables not produced on this tape), numbered from n.
        cdef dict leaf_slot = {}
        cdef list source_slots = []
        for sid in source_ids:
            r = _node_of(tracked, sid, REF_LEAF, n)
            if r < 0:
                if sid not in leaf_slot:
                    leaf_slot[sid] = n + len(leaf_slot)
                r = leaf_slot[sid]
            source_slots.append(r)
        cdef Py_ssize_t n_slots = n + len(leaf_slot)
        # per node: depends on a source / keeps its cotangent (a source); per slot: the
        # sweep owns its buffer; per edge: leads to a leaf source
        cdef bytearray flags = bytearray(2 * (n + 1) + n_slots + 1 + n_edges + 1)
        cdef unsigned char* relevant = flags
        cdef unsigned char* keep = relevant + (n + 1)
        cdef unsigned char* owned = keep + (n + 1)
        cdef unsigned char* to_leaf = owned + (n_slots + 1)

        for r in source_slots:
            if r < n:
                relevant[r] = 1          # an intermediate source
                keep[r] = 1
        if leaf_slot:
            for e in range(n_edges):
                if self.in_refs[e] == REF_LEAF and self.in_ids[e] in leaf_slot:
                    to_leaf[e] = 1

        # forward pass: which nodes depend on some source
        for i in range(n):
            if relevant[i]:
                continue
            node = self.nodes[i]
            for e in range(node.in_start, node.in_start + node.n_in):
                r = self.in_refs[e]
                if (r >= 0 and relevant[r]) or to_leaf[e]:
                    relevant[i] = 1
                    break

        cdef list grads = [None] * n_slots
        cdef list target_refs = []
        for t, seed in zip(targets, seeds):
            tid = (<Tensor>t)._id
            r = _node_of(tracked, tid, REF_CONSTANT, n)
            target_refs.append(r)
            if r < 0:
                r = leaf_slot.get(tid, REF_CONSTANT)
            if r >= 0:
                _accumulate(grads, owned, r, seed, recorded)
        cdef list visit_order = None

        cdef OpDef op
        cdef tuple saved
        cdef object g, res, gk
        cdef list needs = []
        cdef bint any_need
        for i in range(n - 1, -1, -1):
            g = grads[i]
            if g is None:
                continue
            if not keep[i]:
                grads[i] = None
            node = self.nodes[i]
            needs = [False] * node.n_in
            any_need = False
            for k in range(node.n_in):
                e = node.in_start + k
                r = self.in_refs[e]
                if (r >= 0 and relevant[r]) or to_leaf[e]:
                    needs[k] = True
                    any_need = True
            if not any_need:
                continue
            op = <OpDef>OPS[node.op]
            if not _is_dense(g, recorded):
                g = _densify(g, recorded)
            saved = <tuple>self.saved[i]
            if saved is None:
                raise RuntimeError("the tape's saved values were already freed")
            if op is _SLICE and not recorded:
                # x[key]'s gradient goes straight into x's cotangent at key (the rule
                # would make zeros of x's shape per slice, then add them all up)
                e = node.in_start
                r = self.in_refs[e]
                if r < 0:
                    r = leaf_slot[self.in_ids[e]]
                _scatter_into(grads, owned, r, <cnp.ndarray?>g, <tuple>saved[0],
                              <tuple>saved[1], batched)
                if not retain_saved:
                    self.saved[i] = None
                continue
            if not batched:
                res = _call_rule(op, g, saved, needs, False, recorded)
            elif op.batches:
                res = _call_rule(op, g, saved, needs, True, False)
            else:
                res = _call_rule_per_row(op, g, saved, needs)
            shapes = self.in_shapes.get(i) if op.broadcasts else None
            for k in range(node.n_in):
                if not needs[k]:
                    continue
                gk = res[k]
                if gk is None:
                    continue
                if shapes is not None:
                    gk = _unbroadcast(gk, shapes[k], recorded, batched)
                elif not _is_dense(gk, recorded) and not batched:
                    # a sparse piece: stamp it with TF's visit order of its node, which
                    # is the order TF concatenates such pieces in
                    if visit_order is None:
                        visit_order = _visit_order(self, target_refs, n)
                    gk._visit = visit_order[i]
                e = node.in_start + k
                r = self.in_refs[e]
                if r < 0:
                    r = leaf_slot[self.in_ids[e]]
                _accumulate(grads, owned, r, gk, recorded)
            if not retain_saved:
                self.saved[i] = None

        return [grads[r] for r in source_slots]


cdef inline Py_ssize_t _node_of(dict tracked, object tid, Py_ssize_t missing, Py_ssize_t n):
    """The node that produced `tid` within the first n, else REF_LEAF / `missing`."""
    cdef Py_ssize_t r = tracked.get(tid, missing)
    return r if r < n else missing


cdef list _visit_order(_Tape tape, list target_refs, Py_ssize_t n):
    """Each node's place in TensorFlow's backward visit (-1 where it is not reached).

    TF visits op by op from the targets, first in first out, an op becoming ready
    once every op reached that consumes its output has been visited. The order
    matters only for the order in which sparse gradients (IndexedSlices) are
    concatenated, so it is computed only when one is met. Only the first n nodes (those
    the sweep walks) count: rules may have recorded more onto the tape since."""
    cdef Py_ssize_t i, e, r, k = 0
    cdef bytearray reach = bytearray(n + 1)
    cdef list uses = [0] * n
    cdef list order = [-1] * n
    for r in target_refs:
        if r >= 0:
            reach[r] = 1
    for i in range(n - 1, -1, -1):
        if not reach[i]:
            continue
        for e in range(tape.nodes[i].in_start, tape.nodes[i].in_start + tape.nodes[i].n_in):
            r = tape.in_refs[e]
            if r >= 0:
                reach[r] = 1
                uses[r] += 1
    queue = collections.deque()
    for r in target_refs:
        if r >= 0 and uses[r] == 0 and order[r] == -1:
            order[r] = -2            # queued
            queue.append(r)
    while queue:
        i = queue.popleft()
        order[i] = k
        k += 1
        for e in range(tape.nodes[i].in_start, tape.nodes[i].in_start + tape.nodes[i].n_in):
            r = tape.in_refs[e]
            if r >= 0:
                uses[r] -= 1
                if uses[r] == 0:
                    queue.append(r)
    return order


cdef Tensor _as_tensor(object x, str what):
    if isinstance(x, _TensorLike):
        return (<_TensorLike>x)._read()
    raise TypeError(f"GradientTape: every {what} must be a Tensor or Variable, got "
                    f"{type(x).__name__} ({x!r})")


cdef object _source_key(object x):
    """The id a gradient w.r.t. `x` is accumulated under."""
    if type(x) is Tensor:
        return (<Tensor>x)._id
    if isinstance(x, Variable):
        return (<Variable>x)._root()._id
    if isinstance(x, Tensor):
        return (<Tensor>x)._id
    raise TypeError(f"GradientTape: every source must be a Tensor or Variable, got "
                    f"{type(x).__name__} ({x!r})")


def source_key(x):
    return _source_key(x)


cdef dict _ONES = {}


cdef object _ones_like(cnp.ndarray like, bint as_tensor):
    """Ones of like's shape and dtype, cached (seeds are never written)."""
    key = (shape_of(like), cnp.PyArray_TYPE(like))
    cdef Tensor ones
    cdef PyObject* hit = PyDict_GetItem(_ONES, key)
    if hit == NULL:
        if len(_ONES) >= 256:
            _ONES.clear()
        ones = make_tensor(np.ones(shape_of(like), dtype=like.dtype))
        _ONES[key] = ones
    else:
        ones = <Tensor>hit
    return ones if as_tensor else ones._value


cdef inline bint _fusable(cnp.ndarray g, cnp.ndarray saved) noexcept:
    """Whether a unary backward kernel applies: both operands float32 or both float64,
    C-contiguous and of one size. Otherwise (float16, complex, a broadcast cotangent)
    the rule runs."""
    cdef int type_num = cnp.PyArray_TYPE(g)
    return ((type_num == cnp.NPY_FLOAT32 or type_num == cnp.NPY_FLOAT64)
            and cnp.PyArray_TYPE(saved) == type_num
            and cnp.PyArray_SIZE(saved) == cnp.PyArray_SIZE(g)
            and cnp.PyArray_IS_C_CONTIGUOUS(g) and cnp.PyArray_IS_C_CONTIGUOUS(saved))


cdef object _call_rule(OpDef op, object g, tuple saved, list needs, bint batched,
                       bint recorded):
    """One node's input gradients, as a sequence aligned with its inputs."""
    cdef object res
    if not recorded:
        if op.fused_backward >= 0 and not batched:
            if op.n_in == 1:
                if _fusable(<cnp.ndarray?>g, (<Tensor>saved[0])._value):
                    return (run_backward(op.fused_backward, <cnp.ndarray>g,
                                         (<Tensor>saved[0])._value),)
            else:
                res = run_backward_binary(op.fused_backward, <cnp.ndarray?>g, saved)
                if res is not None:
                    return res
        g = make_tensor(g)
    if op.rule is None:
        raise LookupError(f"No gradient defined for operation '{op.name}'")
    if op.rule_wants_needs:
        res = op.rule(g, *saved, tuple(needs))
    else:
        res = op.rule(g, *saved)
    if not isinstance(res, (tuple, list)):
        res = (res,)
    if len(res) != len(needs):
        raise RuntimeError(f"the gradient rule of {op.name} returned {len(res)} gradients "
                           f"for {len(needs)} inputs")
    if recorded:
        return res
    # a sparse gradient (IndexedSlices) stays as it is until it meets a dense one
    return [r if r is None or type(r) is not Tensor else (<Tensor>r)._value for r in res]


cdef list _call_rule_per_row(OpDef op, cnp.ndarray g, tuple saved, list needs):
    """A batched node whose rule takes one cotangent: run it per row and stack."""
    cdef Py_ssize_t b, k, rows = cnp.PyArray_DIM(g, 0)
    cdef list per_input = [[] for _ in needs]
    for b in range(rows):
        res = _call_rule(op, g[b], saved, needs, False, False)
        for k in range(len(needs)):
            r = res[k]
            if r is not None and not cnp.PyArray_CheckExact(r):
                r = _densify(r, False)
            per_input[k].append(r)
    cdef list out = []
    for rows_k in per_input:
        out.append(None if not rows_k or rows_k[0] is None else np.stack(rows_k))
    return out


cdef object _unbroadcast(object g, tuple shape, bint recorded, bint batched=False):
    """Sum a gradient over the axes its input was broadcast along (after the leading
    cotangent axis of a batched sweep, which is kept)."""
    if recorded:
        return _sum_to_shape(g, shape)
    cdef object a = <cnp.ndarray?>g
    cdef tuple have = a.shape
    cdef Py_ssize_t lead
    if batched:
        if have[1:] == shape:
            return a
        lead = len(have) - 1 - len(shape)
        axes = tuple(range(1, lead + 1)) + tuple(
            i + lead + 1 for i, d in enumerate(shape) if d == 1 and have[i + lead + 1] != 1)
        return a.sum(axis=axes).reshape(have[:1] + shape) if axes else a.reshape(
            have[:1] + shape)
    if have == shape:
        return a
    lead = len(have) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(shape) if d == 1 and have[i + lead] != 1)
    # np.asarray: numpy reduces to a scalar, not a 0-d array, when nothing is left
    return np.asarray(a.sum(axis=axes)).reshape(shape) if axes else a.reshape(shape)


cdef inline bint _same_flat_float(cnp.ndarray a, cnp.ndarray b) noexcept:
    cdef int t = cnp.PyArray_TYPE(a)
    return ((t == cnp.NPY_FLOAT32 or t == cnp.NPY_FLOAT64) and cnp.PyArray_TYPE(b) == t
            and cnp.PyArray_SIZE(a) == cnp.PyArray_SIZE(b)
            and cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_IS_C_CONTIGUOUS(b))


cdef void _add_loop(cnp.ndarray a, cnp.ndarray b, cnp.ndarray out) noexcept:
    """out = a + b over float arrays checked by _same_flat_float (out may be a)."""
    cdef Py_ssize_t i, n = cnp.PyArray_SIZE(a)
    cdef float* o32
    cdef double* o64
    cdef const float* a32
    cdef const float* b32
    cdef const double* a64
    cdef const double* b64
    if cnp.PyArray_TYPE(a) == cnp.NPY_FLOAT32:
        a32 = <const float*>cnp.PyArray_DATA(a)
        b32 = <const float*>cnp.PyArray_DATA(b)
        o32 = <float*>cnp.PyArray_DATA(out)
        for i in range(n):
            o32[i] = a32[i] + b32[i]
    else:
        a64 = <const double*>cnp.PyArray_DATA(a)
        b64 = <const double*>cnp.PyArray_DATA(b)
        o64 = <double*>cnp.PyArray_DATA(out)
        for i in range(n):
            o64[i] = a64[i] + b64[i]


cdef inline cnp.ndarray _fresh_sum(object a, object b):
    """a + b in a new array (numpy gives a scalar for 0-d operands)."""
    cdef cnp.ndarray out
    if cnp.PyArray_CheckExact(a) and cnp.PyArray_CheckExact(b) \
            and _same_flat_float(<cnp.ndarray>a, <cnp.ndarray>b) \
            and cnp.PyArray_SIZE(<cnp.ndarray>a) <= SMALL_FORWARD:
        out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(<cnp.ndarray>a), cnp.PyArray_DIMS(<cnp.ndarray>a),
                                cnp.PyArray_TYPE(<cnp.ndarray>a), 0)
        _add_loop(<cnp.ndarray>a, <cnp.ndarray>b, out)
        return out
    cdef object s = np.add(a, b)
    return s if cnp.PyArray_CheckExact(s) else np.asarray(s)


cdef inline void _add_into(object cur, object g) except *:
    """cur += g, for a buffer the sweep owns (small arrays without a numpy call)."""
    if cnp.PyArray_CheckExact(g) and _same_flat_float(<cnp.ndarray>cur, <cnp.ndarray>g) \
            and cnp.PyArray_SIZE(<cnp.ndarray>cur) <= SMALL_FORWARD:
        _add_loop(<cnp.ndarray>cur, <cnp.ndarray>g, <cnp.ndarray>cur)
    else:
        np.add(cur, g, out=cur)


cdef inline object _add_grads(object a, object b):
    return apply(_ADD, (a, b), ())


cdef inline bint _is_dense(object g, bint recorded) noexcept:
    return type(g) is Tensor if recorded else cnp.PyArray_CheckExact(g)


cdef void _accumulate(list grads, unsigned char* owned, Py_ssize_t r, object g,
                      bint recorded) except *:
    """Add g into cotangent slot r: in place once the sweep owns the slot's buffer."""
    cdef object cur = grads[r]
    if cur is None:
        grads[r] = g
    elif not (_is_dense(cur, recorded) and _is_dense(g, recorded)):
        grads[r] = _combine(cur, g, recorded)
        owned[r] = 0
    elif recorded:
        grads[r] = _add_grads(cur, g)
    elif owned[r]:
        _add_into(cur, g)
    else:
        grads[r] = _fresh_sum(cur, g)    # owned: later contributions go in place
        owned[r] = 1


cdef void _scatter_into(list grads, unsigned char* owned, Py_ssize_t r, cnp.ndarray g,
                        tuple key, tuple in_shape, bint batched) except *:
    """Add the cotangent g of x[key] into x's slot r at key (first order): one buffer of
    x's shape per sweep, owned, instead of one per slice."""
    cdef object cur = grads[r], view
    cdef cnp.ndarray piece
    if batched:                       # g has a leading axis of stacked cotangents
        key = (slice(None),) + key
        in_shape = shape_of(g)[:1] + in_shape
    if cur is not None and not cnp.PyArray_CheckExact(cur):
        piece = np.zeros(in_shape, dtype=g.dtype)     # meets a sparse gradient
        piece[key] = g
        _accumulate(grads, owned, r, piece, False)
        return
    if cur is None:
        cur = np.zeros(in_shape, dtype=g.dtype)
    elif not owned[r]:
        cur = np.array(cur)           # shared (a seed, a passed-through cotangent): copy
    grads[r] = cur
    owned[r] = 1
    view = cur[key]
    if cnp.PyArray_CheckExact(view):
        _add_into(view, g)
    else:                             # an element: numpy gives a scalar, not a view
        cur[key] = view + g


def retype(Tensor t, cls):
    """A `cls` instance (a Python subclass of Tensor) sharing t's value and id: how a
    variable's slice gets its `assign` (fasttape.ops.indexing)."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError("retype: cls must be a subclass of Tensor")
    cdef Tensor out = cls.__new__(cls)
    out._value = t._value
    out._id = t._id
    return out


def read(x):
    """A Tensor for `x`: itself, or a variable's current value (auto-watched)."""
    return (<_TensorLike?>x)._read()
