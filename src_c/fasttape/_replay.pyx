# Replaying a traced function (fasttape.function): a flat program over numbered slots.
#
# A program is what a trace of one call kept: instructions in execution order, each
# reading and writing slots (numbered buffers), plus the constants it captured. Kinds:
#   OP      (op, input slots, attrs, output slot, binds): one op's forward; binds is
#           None or (attr index, how, n) triples: how 0 takes the attribute from slot
#           n's array, how 1 gives list number n of this run, new and empty (a cache
#           the forward fills for its gradient op)
#   READ    (ref, slot): a variable's current value (ref: an int, the index among the
#           call's variable arguments, or a captured Variable)
#   ASSIGN  (ref, how, slot): assign (0), assign_add (1) or assign_sub (2)
#   GUARD   (slot, expected): Python consumed this value while tracing (bool, float,
#           an index...), so the trace holds only for calls where it is the same
#   PRINT   (printer, slots): tf.print
# and two kinds only the rewritten form that `run` executes has (fasttape._rewrite):
#   FUSED   (kernel, (g slot, saved slot), output slot): a fused backward kernel
#   UFUNC   (ufunc, input slots, output slot, donor, extra): ufunc(*inputs, *extra) on
#           float arrays; donor is -1 or a slot whose buffer (this run's own, read for
#           the last time here) the result is written into
#
# `run` executes a program without making a Tensor per op. Slots whose value is a 0-d
# float32/float64 and whose producer is an elementwise op with a fused kernel live in a
# C register file (doubles reused across calls) and are computed by C arithmetic; an
# array is made for such a slot only when something else reads it. Other ops call the
# op's forward (numpy / BLAS) as eager execution does, through the same small-array
# kernels, so results are bitwise those of eager execution.
#
# Effects (assigns, prints) are buffered and applied when the whole program has run, so
# a failed guard leaves no trace of the attempt: the caller then runs the Python
# function instead.

cimport cython
cimport numpy as cnp
from libc.math cimport (
    cos, cosf, exp, expf, expm1, expm1f, log, log1p, log1pf, logf, pow, powf, sin, sinf,
    sqrt, sqrtf, tan, tanf, tanh, tanhf,
)
from libc.stdlib cimport free, malloc

from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM

from fasttape._engine cimport OpDef, Tensor, Variable
from fasttape._kernels cimport SMALL_FORWARD, run_backward, run_forward, run_forward_binary

import numpy as np

from fasttape import dtypes as _dtypes
from fasttape import errors as _errors
from fasttape._engine import read as read_variable, set_variable_value, variable_value

cnp.import_array()

OP = 0
READ = 1
ASSIGN = 2
GUARD = 3
PRINT = 4
FUSED = 6
UFUNC = 7

cdef enum:
    K_OP = 0
    K_READ = 1
    K_ASSIGN = 2
    K_GUARD = 3
    K_PRINT = 4
    K_SCALAR = 5          # an OP done in the register file
    K_FUSED = 6
    K_UFUNC = 7

# The fused-kernel indices of _kernels' FORWARD and BINARY tables.
cdef enum:
    U_SIN = 0
    U_COS = 1
    U_TAN = 2
    U_EXP = 3
    U_EXPM1 = 4
    U_LOG = 5
    U_LOG1P = 6
    U_SQRT = 7
    U_TANH = 8
    U_SIGMOID = 9
    U_SQUARE = 10
    B_ADD = 0
    B_SUBTRACT = 1
    B_MULTIPLY = 2
    B_TRUEDIV = 3
    B_POW = 4
    N_UNARY = 11
    N_BINARY = 5


cdef inline float unary32(int k, float x) noexcept nogil:
    cdef float e
    if k == U_SIN: return sinf(x)
    if k == U_COS: return cosf(x)
    if k == U_TAN: return tanf(x)
    if k == U_EXP: return expf(x)
    if k == U_EXPM1: return expm1f(x)
    if k == U_LOG: return logf(x)
    if k == U_LOG1P: return log1pf(x)
    if k == U_SQRT: return sqrtf(x)
    if k == U_TANH: return tanhf(x)
    if k == U_SIGMOID:
        if x >= 0:
            return 1 / (1 + expf(-x))
        e = expf(x)
        return e / (1 + e)
    return x * x


cdef inline double unary64(int k, double x) noexcept nogil:
    cdef double e
    if k == U_SIN: return sin(x)
    if k == U_COS: return cos(x)
    if k == U_TAN: return tan(x)
    if k == U_EXP: return exp(x)
    if k == U_EXPM1: return expm1(x)
    if k == U_LOG: return log(x)
    if k == U_LOG1P: return log1p(x)
    if k == U_SQRT: return sqrt(x)
    if k == U_TANH: return tanh(x)
    if k == U_SIGMOID:
        if x >= 0:
            return 1 / (1 + exp(-x))
        e = exp(x)
        return e / (1 + e)
    return x * x


cdef inline float binary32(int k, float a, float b) noexcept nogil:
    if k == B_ADD: return a + b
    if k == B_SUBTRACT: return a - b
    if k == B_MULTIPLY: return a * b
    if k == B_TRUEDIV: return a / b
    return powf(a, b)


cdef inline double binary64(int k, double a, double b) noexcept nogil:
    if k == B_ADD: return a + b
    if k == B_SUBTRACT: return a - b
    if k == B_MULTIPLY: return a * b
    if k == B_TRUEDIV: return a / b
    return pow(a, b)


ctypedef struct instr_t:
    int kind
    int kernel            # K_SCALAR: fused index; unary when b < 0
    Py_ssize_t a, b       # K_SCALAR: register offsets of the inputs
    Py_ssize_t sa, sb     # K_SCALAR: their strides (0: a 0-d operand broadcast)
    Py_ssize_t out        # K_SCALAR: register offset of the output
    Py_ssize_t n          # K_SCALAR: elements
    int slot              # K_SCALAR: the output slot
    int f64               # K_SCALAR: computes in double


# Arrays of at most this many elements may live in registers.
cdef enum:
    MAX_REGISTER = 64


cdef inline bint _scalar_float(cnp.ndarray a) noexcept:
    cdef int t = cnp.PyArray_TYPE(a)
    return cnp.PyArray_NDIM(a) == 0 and (t == cnp.NPY_FLOAT32 or t == cnp.NPY_FLOAT64)


cdef inline bint _small_float(cnp.ndarray a) noexcept:
    cdef int t = cnp.PyArray_TYPE(a)
    return (cnp.PyArray_SIZE(a) <= MAX_REGISTER and cnp.PyArray_IS_C_CONTIGUOUS(a)
            and (t == cnp.NPY_FLOAT32 or t == cnp.NPY_FLOAT64))


@cython.final
cdef class Program:
    """One trace: instructions over slots, ready to run.

    Built from `code` (a list of instruction tuples as above), the constants
    (slot -> array), the input slots, the output slots and `example`, the value
    every slot had while tracing (only its dtype and shape are used here, to pick the
    instructions that the register file can do: elementwise ops with a fused kernel
    over float arrays of at most MAX_REGISTER elements). `run` executes `run_code`
    with `run_constants` and `run_outputs` (a rewritten form computing the same
    values) when given; `code`, `constants` and `outputs` stay what the trace
    recorded (replays through the engine use them).
    """
    cdef readonly list code
    cdef readonly tuple inputs
    cdef readonly tuple outputs
    cdef readonly dict constants
    cdef readonly list run_code
    cdef readonly dict run_constants
    cdef readonly tuple run_outputs
    cdef readonly int n_slots
    cdef readonly bint has_effects
    cdef readonly bint guard_after_effect
    cdef instr_t* instrs
    cdef Py_ssize_t n_instrs
    cdef double* regs
    cdef Py_ssize_t* offset          # per slot: where its register starts, or -1
    cdef unsigned char* needed       # per slot: a register instruction reads it
    cdef list templates              # per register slot: an array of its dtype and shape

    def __cinit__(self):
        self.instrs = NULL
        self.regs = NULL
        self.offset = NULL
        self.needed = NULL

    def __init__(self, list code, dict constants, tuple inputs, tuple outputs, int n_slots,
                 list example, list run_code=None, dict run_constants=None,
                 tuple run_outputs=None):
        self.code = code
        self.constants = constants
        self.inputs = inputs
        self.outputs = outputs
        self.run_code = code if run_code is None else run_code
        self.run_constants = constants if run_constants is None else run_constants
        self.run_outputs = outputs if run_outputs is None else run_outputs
        code = self.run_code
        constants = self.run_constants
        self.n_slots = n_slots
        self.n_instrs = len(code)
        self.instrs = <instr_t*>malloc(max(1, self.n_instrs) * sizeof(instr_t))
        self.offset = <Py_ssize_t*>malloc(max(1, n_slots) * sizeof(Py_ssize_t))
        self.needed = <unsigned char*>malloc(max(1, n_slots))
        if self.instrs == NULL or self.offset == NULL or self.needed == NULL:
            raise MemoryError()
        cdef Py_ssize_t i, s, total = 0
        for s in range(n_slots):
            self.offset[s] = -1
            self.needed[s] = 0
        self.templates = [None] * n_slots
        cdef instr_t* ins
        cdef OpDef op
        cdef cnp.ndarray out, x
        cdef bint effect = False
        cdef Py_ssize_t n_out
        self.has_effects = False
        self.guard_after_effect = False
        for i in range(self.n_instrs):
            item = code[i]
            ins = &self.instrs[i]
            ins.kind = item[0]
            if ins.kind == K_ASSIGN or ins.kind == K_PRINT:
                effect = True
                self.has_effects = True
            elif ins.kind == K_GUARD and effect:
                self.guard_after_effect = True
            if ins.kind != K_OP:
                continue
            op = <OpDef>item[1]
            in_slots = item[2]
            out = <cnp.ndarray>example[item[4]]
            if op.fused_forward < 0 or len(item[3]) or item[5] is not None \
                    or not _small_float(out):
                continue
            n = len(in_slots)
            if n not in (1, 2) or (n == 1 and op.n_in != 1) \
                    or (n == 1 and op.fused_forward >= N_UNARY) \
                    or (n == 2 and op.fused_forward >= N_BINARY):
                continue
            n_out = cnp.PyArray_SIZE(out)
            ok = True
            strides = []
            for s in in_slots:
                x = <cnp.ndarray>example[s]
                if not _small_float(x) or cnp.PyArray_TYPE(x) != cnp.PyArray_TYPE(out):
                    ok = False
                elif (<object>x).shape == (<object>out).shape:
                    strides.append(1)
                elif cnp.PyArray_NDIM(x) == 0:
                    strides.append(0)
                else:
                    ok = False
            if not ok:
                continue
            ins.kind = K_SCALAR
            ins.kernel = op.fused_forward
            ins.n = n_out
            ins.f64 = cnp.PyArray_TYPE(out) == cnp.NPY_FLOAT64
            ins.slot = item[4]
            ins.sa = strides[0]
            ins.sb = strides[1] if n == 2 else 0
            # offsets are filled below, once every register slot has one
            ins.a = in_slots[0]
            ins.b = in_slots[1] if n == 2 else -1
            ins.out = item[4]
            for s in in_slots:
                self.needed[s] = 1
            self.needed[item[4]] = 1
        for s in range(n_slots):
            if self.needed[s]:
                self.offset[s] = total
                total += cnp.PyArray_SIZE(<cnp.ndarray>example[s])
                self.templates[s] = example[s]
        self.regs = <double*>malloc(max(1, total) * sizeof(double))
        if self.regs == NULL:
            raise MemoryError()
        for i in range(self.n_instrs):
            ins = &self.instrs[i]
            if ins.kind == K_SCALAR:
                ins.a = self.offset[ins.a]
                ins.b = self.offset[ins.b] if ins.b >= 0 else -1
                ins.out = self.offset[ins.out]
        # constants that register instructions read are loaded once
        for s, value in constants.items():
            if self.needed[s]:
                self._load(s, <cnp.ndarray>value)

    def __dealloc__(self):
        free(self.instrs)
        free(self.regs)
        free(self.offset)
        free(self.needed)

    cdef inline void _load(self, Py_ssize_t s, cnp.ndarray a) noexcept:
        cdef Py_ssize_t i, n = cnp.PyArray_SIZE(a), o = self.offset[s]
        cdef double* r = self.regs + o
        cdef const double* d
        cdef const float* f
        if cnp.PyArray_TYPE(a) == cnp.NPY_FLOAT64:
            d = <const double*>cnp.PyArray_DATA(a)
            for i in range(n):
                r[i] = d[i]
        else:
            f = <const float*>cnp.PyArray_DATA(a)
            for i in range(n):
                r[i] = f[i]

    cdef cnp.ndarray _materialise(self, Py_ssize_t s):
        cdef cnp.ndarray t = <cnp.ndarray>self.templates[s]
        cdef cnp.ndarray a = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(t), cnp.PyArray_DIMS(t),
                                               cnp.PyArray_TYPE(t), 0)
        cdef Py_ssize_t i, n = cnp.PyArray_SIZE(t)
        cdef const double* r = self.regs + self.offset[s]
        cdef double* d
        cdef float* f
        if cnp.PyArray_TYPE(t) == cnp.NPY_FLOAT64:
            d = <double*>cnp.PyArray_DATA(a)
            for i in range(n):
                d[i] = r[i]
        else:
            f = <float*>cnp.PyArray_DATA(a)
            for i in range(n):
                f[i] = <float>r[i]
        cnp.PyArray_CLEARFLAGS(a, cnp.NPY_ARRAY_WRITEABLE)
        return a

    @property
    def num_instructions(self):
        return self.n_instrs

    @property
    def num_register_instructions(self):
        cdef Py_ssize_t i, n = 0
        for i in range(self.n_instrs):
            n += self.instrs[i].kind == K_SCALAR
        return n

    @property
    def register_size(self):
        """Doubles in the register file (reused by every run)."""
        cdef Py_ssize_t s, n = 0
        for s in range(self.n_slots):
            if self.offset[s] >= 0:
                n += cnp.PyArray_SIZE(<cnp.ndarray>self.templates[s])
        return n

    def run(self, list arrays, list variables):
        """Run on the input arrays (one per input slot) and the variable arguments.

        Returns the output arrays (None for an output slot of -1), or None when a guard
        failed (nothing was changed then).
        """
        cdef Py_ssize_t i, s, n_regs_fresh
        cdef instr_t* ins
        cdef list vals = [None] * self.n_slots
        # per slot: the register holds a value not yet in `vals`
        cdef bytearray fresh_b = bytearray(self.n_slots + 1)
        cdef unsigned char* fresh = fresh_b
        cdef double* regs = self.regs
        cdef double r
        cdef dict overlay = None        # id(variable) -> (variable, new array): buffered assigns
        cdef list prints = None
        cdef dict scratch = None        # list attributes of this run, by number
        cdef cnp.ndarray a, b, v
        cdef OpDef op
        for s, value in self.run_constants.items():
            vals[s] = value
        for i, s in enumerate(self.inputs):
            a = <cnp.ndarray>arrays[i]
            vals[s] = a
            if self.needed[s]:
                self._load(s, a)
        for i in range(self.n_instrs):
            ins = &self.instrs[i]
            if ins.kind == K_SCALAR:
                _run_register(ins, regs)
                fresh[ins.slot] = 1
                continue
            item = self.run_code[i]
            if ins.kind == K_UFUNC or ins.kind == K_FUSED:
                args = []
                for s in item[2]:
                    if fresh[s]:
                        vals[s] = self._materialise(s)
                        fresh[s] = 0
                    args.append(vals[s])
                if ins.kind == K_FUSED:
                    value = _fused(item[1], <cnp.ndarray>args[0], <cnp.ndarray>args[1])
                elif item[4] >= 0 and cnp.PyArray_CHKFLAGS(
                        <cnp.ndarray>vals[item[4]], cnp.NPY_ARRAY_OWNDATA):
                    v = <cnp.ndarray>vals[item[4]]
                    cnp.PyArray_ENABLEFLAGS(v, cnp.NPY_ARRAY_WRITEABLE)
                    value = item[1](*args, *item[5], out=v)
                else:
                    value = item[1](*args, *item[5])
                cnp.PyArray_CLEARFLAGS(<cnp.ndarray>value, cnp.NPY_ARRAY_WRITEABLE)
                vals[item[3]] = value
                continue
            if ins.kind == K_OP:
                op = <OpDef>item[1]
                ins_slots = item[2]
                args = []
                for s in ins_slots:
                    if fresh[s]:
                        vals[s] = self._materialise(s)
                        fresh[s] = 0
                    args.append(vals[s])
                attrs = item[3]
                if item[5] is not None:
                    attrs = list(attrs)
                    for k, how, s in item[5]:
                        if how == 1:
                            if scratch is None:
                                scratch = {}
                            attrs[k] = scratch.setdefault(s, [])
                            continue
                        if fresh[s]:
                            vals[s] = self._materialise(s)
                            fresh[s] = 0
                        attrs[k] = vals[s]
                    attrs = tuple(attrs)
                value = _forward(op, args, attrs)
                s = item[4]
                vals[s] = value
                if self.needed[s]:
                    self._load(s, <cnp.ndarray>value)
            elif ins.kind == K_READ:
                ref = item[1]
                var = variables[ref] if type(ref) is int else ref
                value = None
                if overlay is not None:
                    pending = overlay.get(id(var))
                    if pending is not None:
                        value = pending[1]
                if value is None:
                    value = (<Variable?>var)._root()._value
                s = item[2]
                vals[s] = value
                if self.needed[s]:
                    self._load(s, <cnp.ndarray>value)
            elif ins.kind == K_ASSIGN:
                ref = item[1]
                var = variables[ref] if type(ref) is int else ref
                s = item[3]
                if fresh[s]:
                    vals[s] = self._materialise(s)
                    fresh[s] = 0
                if overlay is None:
                    overlay = {}
                pending = overlay.get(id(var))
                v = variable_value(var) if pending is None else pending[1]
                overlay[id(var)] = (var, _assigned(v, <cnp.ndarray>vals[s], item[2]))
            elif ins.kind == K_GUARD:
                s = item[1]
                if fresh[s]:
                    vals[s] = self._materialise(s)
                    fresh[s] = 0
                if not _same(<cnp.ndarray>vals[s], <cnp.ndarray>item[2]):
                    return None
            else:  # K_PRINT
                for s in item[2]:
                    if fresh[s]:
                        vals[s] = self._materialise(s)
                        fresh[s] = 0
                if prints is None:
                    prints = []
                prints.append((item[1], [vals[s] for s in item[2]]))
        if overlay is not None:
            for var, value in overlay.values():
                set_variable_value(var, value)
        if prints is not None:
            for printer, values in prints:
                printer(values)
        cdef list outs = []
        for s in self.run_outputs:
            if s < 0:
                outs.append(None)
                continue
            if fresh[s]:
                vals[s] = self._materialise(s)
                fresh[s] = 0
            outs.append(vals[s])
        return outs


cdef inline void _run_register(instr_t* ins, double* regs) noexcept:
    cdef Py_ssize_t i, n = ins.n, sa = ins.sa, sb = ins.sb
    cdef double* o = regs + ins.out
    cdef const double* a = regs + ins.a
    cdef const double* b
    cdef int k = ins.kernel
    if ins.b < 0:
        if ins.f64:
            for i in range(n):
                o[i] = unary64(k, a[i * sa])
        else:
            for i in range(n):
                o[i] = unary32(k, <float>a[i * sa])
        return
    b = regs + ins.b
    if ins.f64:
        for i in range(n):
            o[i] = binary64(k, a[i * sa], b[i * sb])
    else:
        for i in range(n):
            o[i] = binary32(k, <float>a[i * sa], <float>b[i * sb])


cdef object _fused(int kernel, cnp.ndarray g, cnp.ndarray saved):
    """g * f'(saved) by a fused backward kernel (operands made C-contiguous)."""
    if not cnp.PyArray_IS_C_CONTIGUOUS(g):
        g = np.ascontiguousarray(g)
    if not cnp.PyArray_IS_C_CONTIGUOUS(saved):
        saved = np.ascontiguousarray(saved)
    return run_backward(kernel, g, saved)


cdef object _forward(OpDef op, list args, tuple attrs):
    """The op's forward on arrays, through the small-array kernels as `apply` does."""
    cdef cnp.ndarray first
    cdef object value = None
    cdef int t
    if op.fused_forward >= 0 and args:
        first = <cnp.ndarray>args[0]
        if len(args) == 1:
            t = cnp.PyArray_TYPE(first)
            if cnp.PyArray_SIZE(first) <= SMALL_FORWARD and (
                    t == cnp.NPY_FLOAT32 or t == cnp.NPY_FLOAT64):
                value = run_forward(op.fused_forward, first)
        elif len(args) == 2:
            value = run_forward_binary(op.fused_forward, first, <cnp.ndarray>args[1])
    if value is None:
        if len(attrs) == 0:
            attrs = op.defaults
        try:
            value = op.forward(*args, *attrs)
        except ValueError as exc:
            raise _errors.InvalidArgumentError(f"{exc} [Op:{op.name}]") from None
    if not cnp.PyArray_CheckExact(value):
        value = np.asarray(value)
    if not cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray>value):
        value = np.ascontiguousarray(value)
    cnp.PyArray_CLEARFLAGS(<cnp.ndarray>value, cnp.NPY_ARRAY_WRITEABLE)
    return value


cdef cnp.ndarray _assigned(cnp.ndarray current, cnp.ndarray value, int how):
    cdef object result
    if how == 0:
        result = np.array(value, dtype=current.dtype, copy=True)
    elif how == 1:
        result = np.asarray(current + value, dtype=current.dtype)
    else:
        result = np.asarray(current - value, dtype=current.dtype)
    if not cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray>result):
        result = np.ascontiguousarray(result)
    cnp.PyArray_CLEARFLAGS(<cnp.ndarray>result, cnp.NPY_ARRAY_WRITEABLE)
    return <cnp.ndarray>result


cdef bint _same(cnp.ndarray a, cnp.ndarray b):
    if cnp.PyArray_NDIM(a) == 0 and cnp.PyArray_NDIM(b) == 0 and _scalar_float(a) \
            and cnp.PyArray_TYPE(a) == cnp.PyArray_TYPE(b):
        if cnp.PyArray_TYPE(a) == cnp.NPY_FLOAT64:
            return (<double*>cnp.PyArray_DATA(a))[0] == (<double*>cnp.PyArray_DATA(b))[0]
        return (<float*>cnp.PyArray_DATA(a))[0] == (<float*>cnp.PyArray_DATA(b))[0]
    return a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


# --- recording: what a trace keeps, per op (the tracer's hot path) ----------------------

cdef inline bint _plain(object a):
    """A value an op attribute can hold in a program as it is."""
    if a is None or type(a) is int or type(a) is float or type(a) is bool or type(a) is str:
        return True
    if type(a) is tuple or type(a) is frozenset:
        for x in a:
            if not _plain(x):
                return False
        return True
    if type(a) is list:
        return not a
    return isinstance(a, PLAIN_TYPES)


PLAIN_TYPES = (int, float, bool, complex, str, bytes, type(None), np.generic, np.dtype,
               slice, type(Ellipsis))


cdef class Recorder:
    """The slots and instructions of one trace. fasttape.function's tracer extends it
    with the rest of the engine's callbacks; `on_op` and `on_read` are here, in C,
    because they run for every op and every variable read of a traced call."""
    cdef public list code
    cdef public Py_ssize_t n_slots
    cdef public dict slot_of          # id(tensor) -> slot
    cdef public list keep             # what slot_of's ids refer to, kept alive
    cdef public list example          # per slot: its array while tracing
    cdef public dict constants
    cdef public dict var_slot         # id(variable) -> slot of its latest read
    cdef public dict var_ref          # id(variable) -> int (argument) or the Variable
    cdef public dict array_slot       # id(array) -> the first slot holding it
    cdef public bint opaque           # an op's attributes cannot be replayed
    cdef public dict list_key         # id(list attribute) -> its number in a run

    def __init__(self, var_args=()):
        self.code = []
        self.n_slots = 0
        self.slot_of = {}
        self.keep = []
        self.example = []
        self.constants = {}
        self.var_slot = {}
        self.var_ref = {}
        self.array_slot = {}
        self.opaque = False
        self.list_key = {}
        for i, v in enumerate(var_args):
            self.var_ref.setdefault(id(v.handle), i)

    cpdef Py_ssize_t bind(self, Tensor tensor):
        cdef Py_ssize_t s = self.n_slots
        self.n_slots += 1
        self.example.append(tensor._value)
        self.slot_of[id(tensor)] = s
        key = id(tensor._value)
        if key not in self.array_slot:
            self.array_slot[key] = s
        self.keep.append(tensor)
        return s

    cpdef Py_ssize_t slot(self, object x):
        cdef object s = self.slot_of.get(id(x))
        if s is not None:
            return <Py_ssize_t>s
        if isinstance(x, Variable):
            root = x.handle
            s = self.var_slot.get(id(root))
            return self.read(root) if s is None else <Py_ssize_t>s
        cdef Py_ssize_t k = self.bind(<Tensor?>x)     # made outside: a constant
        self.constants[k] = (<Tensor>x)._value
        return k

    cpdef Py_ssize_t read(self, object v):
        read_variable(v)                   # reports on_read, which records the read
        return <Py_ssize_t>self.var_slot[id(v)]

    def on_op(self, OpDef op, tuple inputs, tuple attrs, Tensor out):
        cdef Py_ssize_t n = len(inputs), k
        cdef tuple ins = PyTuple_New(n)
        cdef object s
        for k in range(n):
            s = self.slot(inputs[k])
            Py_INCREF(s)
            PyTuple_SET_ITEM(ins, k, s)
        binds = None
        for k in range(len(attrs)):
            if not _plain(attrs[k]):
                binds = self.bind_attr(k, attrs[k], binds)
        self.code.append((OP, op, ins, attrs, self.bind(out), binds))

    cdef object bind_attr(self, Py_ssize_t i, object a, object binds):
        """An attribute that is not a plain value: an array that is some traced tensor's
        value reads that slot; a list (a cache the forward fills for the rule) is new
        on every run; anything else makes the program opaque (never replayed)."""
        binds = binds or ()
        if isinstance(a, np.ndarray) and id(a) in self.array_slot:
            return binds + ((i, 0, self.array_slot[id(a)]),)
        if type(a) is list and all([isinstance(x, np.ndarray) for x in a]):
            # ops handed the same list (a forward and its gradient op) share one per run
            key = self.list_key.get(id(a))
            if key is None:
                key = self.list_key[id(a)] = len(self.list_key)
                self.keep.append(a)
            return binds + ((i, 1, key),)
        if isinstance(a, _dtypes.DType):
            return binds
        self.opaque = True
        return binds

    def on_read(self, Variable v, Tensor snapshot):
        ref = self.var_ref.get(id(v))
        if ref is None:
            ref = self.var_ref[id(v)] = v
            self.keep.append(v)
        cdef Py_ssize_t s = self.bind(snapshot)
        self.var_slot[id(v)] = s
        self.code.append((READ, ref, s))
