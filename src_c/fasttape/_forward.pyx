# Forward mode's per-op path: the observer a ForwardAccumulator registers with the
# engine (fasttape/forward.py holds the accumulator and the rule-based JVPs).
#
# After every op the engine applies, the observer looks up the inputs' tangents. When
# some input has one and no tape, trace or outer accumulator can see the JVP's
# computation, the output's tangent is computed on arrays: an elementwise op with a
# fused VJP kernel gets t * f'(x) from that kernel (J = J^T for diagonal Jacobians),
# other common ops a numpy expression (fasttape/_forward_numpy.py). Everything else
# goes back to the accumulator, which derives the JVP from the op's rule, as ops.

cimport numpy as cnp
from libc.math cimport pow as c_pow
from cpython.dict cimport PyDict_GetItem, PyDict_SetItem

from fasttape._engine cimport OpDef, Tensor
from fasttape._kernels cimport run_backward, run_forward_binary, same_shape

from fasttape import _engine

cnp.import_array()

cdef object _source_key = _engine.source_key
cdef object _read = _engine.read
cdef object _wrap = _engine.wrap
cdef object _current_tracer = _engine.current_tracer


cdef inline bint _is_float(cnp.ndarray a) noexcept:
    cdef int t = cnp.PyArray_TYPE(a)
    return t == cnp.NPY_FLOAT32 or t == cnp.NPY_FLOAT64 or t == cnp.NPY_FLOAT16


cdef inline bint _is_complex(cnp.ndarray a) noexcept:
    cdef int t = cnp.PyArray_TYPE(a)
    return t == cnp.NPY_COMPLEX64 or t == cnp.NPY_COMPLEX128


cdef inline bint _all_real(list ts):
    for t in ts:
        if t is not None and not _is_float((<Tensor>t)._value):
            return False
    return True


cdef inline cnp.ndarray _array_of(object x):
    if type(x) is Tensor:
        return (<Tensor>x)._value
    return (<Tensor>_read(x))._value


cdef class Observer:
    """Called by the engine as observer(op, inputs, attrs, out) after each op.

    `tangents` and `outputs` are the accumulator's dicts (tensor id -> tangent, tensor
    id -> the output tensor); `table` maps op codes to array JVPs and `fused` op codes
    to (backward kernel index, whether it reads the output).
    """
    cdef object acc
    cdef object state
    cdef int level
    cdef bint private
    cdef dict tangents
    cdef dict outputs
    cdef dict table
    cdef dict fused
    cdef dict binary
    cdef int k_add, k_sub, k_mul
    cdef public Py_ssize_t sweep_at

    def __init__(self, acc, state, int level, bint private, dict tangents, dict outputs,
                 dict table, dict fused, dict binary, tuple binary_kernels,
                 Py_ssize_t sweep_at):
        self.acc = acc
        self.state = state
        self.level = level
        self.private = private
        self.tangents = tangents
        self.outputs = outputs
        self.table = table
        self.fused = fused
        self.binary = binary
        self.k_add, self.k_sub, self.k_mul = binary_kernels
        self.sweep_at = sweep_at

    def __call__(self, OpDef op, tuple inputs, tuple attrs, Tensor out):
        busy = self.state.busy
        if busy is not None and self.level >= <int>busy:
            return                  # part of this (or an inner) accumulator's JVP
        cdef Py_ssize_t n = len(inputs), k
        cdef list ts = None
        cdef object key, x
        cdef void* found
        for k in range(n):
            x = inputs[k]
            key = (<Tensor>x)._id if type(x) is Tensor else _source_key(x)
            found = PyDict_GetItem(self.tangents, key)
            if found != NULL:
                if ts is None:
                    ts = [None] * n
                ts[k] = <object>found
        if ts is None:
            return
        cdef bint real = _is_float(out._value)
        if not real and not _is_complex(out._value):
            return
        tangent = None
        # (the array forms are written for real values: complex ones take the rules)
        if self.private and real and _all_real(ts):
            tangent = self._on_arrays(op, inputs, attrs, out, ts)
        if tangent is None:
            tangent = self.acc._rule_jvp(op, inputs, attrs, out, ts)
            if tangent is None:
                return
        elif tangent is False:
            return                  # no tangent reaches the output
        PyDict_SetItem(self.tangents, out._id, tangent)
        PyDict_SetItem(self.outputs, out._id, out)
        if len(self.outputs) >= self.sweep_at:
            self.acc._drop_unreferenced()

    cdef object _on_arrays(self, OpDef op, tuple inputs, tuple attrs, Tensor out, list ts):
        """The tangent computed on arrays, False for none, None when not done here."""
        cdef void* found = PyDict_GetItem(self.table, op.code)
        if found == NULL or _current_tracer() is not None:
            return None
        cdef cnp.ndarray value = out._value, t, saved
        cdef Py_ssize_t n = len(inputs), k
        cdef int type_num
        cdef void* entry = PyDict_GetItem(self.fused, op.code)
        if entry != NULL and ts[0] is not None:
            kernel, reads_ans = <object>entry
            for k in range(1, n):
                if ts[k] is not None:
                    break
            else:
                t = (<Tensor>ts[0])._value
                saved = value if reads_ans else _array_of(inputs[0])
                type_num = cnp.PyArray_TYPE(t)
                if ((type_num == cnp.NPY_FLOAT32 or type_num == cnp.NPY_FLOAT64)
                        and cnp.PyArray_TYPE(saved) == type_num
                        and cnp.PyArray_TYPE(value) == type_num
                        and cnp.PyArray_SIZE(saved) == cnp.PyArray_SIZE(t)
                        and same_shape(value, t)
                        and cnp.PyArray_IS_C_CONTIGUOUS(t)
                        and cnp.PyArray_IS_C_CONTIGUOUS(saved)):
                    return _wrap(run_backward(kernel, t, saved))
        entry = PyDict_GetItem(self.binary, op.code)
        if entry != NULL:
            if <int><object>entry == 3:         # pow, the tangent on the base only
                if ts[1] is None:
                    result = pow_jvp((<Tensor>ts[0])._value, _array_of(inputs[0]),
                                     _array_of(inputs[1]))
                    if result is not None:
                        return _wrap(result)
            else:
                result = self._binary(<int><object>entry, inputs, ts, value)
                if result is not None:
                    return result
        cdef list arrays = [None] * n
        cdef list tarrays = [None] * n
        cdef cnp.ndarray a
        for k in range(n):
            a = _array_of(inputs[k])
            arrays[k] = a
            if ts[k] is not None:
                t = (<Tensor>ts[k])._value
                if not same_shape(t, a):
                    return None         # the rule path raises the error
                tarrays[k] = t
        result = (<object>found)(op, arrays, tarrays, attrs, value)
        if result is NotImplemented:
            return None
        if result is None:
            return False
        if (type(result) is not cnp.ndarray or not same_shape(<cnp.ndarray>result, value)
                or cnp.PyArray_TYPE(<cnp.ndarray>result) != cnp.PyArray_TYPE(value)):
            result = self.acc._conform(result, value)
        return _wrap(result)

    cdef object _binary(self, int kind, tuple inputs, list ts, cnp.ndarray value):
        """add (0), subtract (1), multiply (2) by the small-array kernels; None when
        they do not apply (broadcasting, other dtypes, large arrays)."""
        cdef object t0 = ts[0], t1 = ts[1], r0 = None, r1 = None
        cdef cnp.ndarray a, b
        if kind == 2:
            a = _array_of(inputs[0])
            b = _array_of(inputs[1])
            if t0 is not None:
                r0 = run_forward_binary(self.k_mul, (<Tensor>t0)._value, b)
                if r0 is None:
                    return None
            if t1 is not None:
                r1 = run_forward_binary(self.k_mul, a, (<Tensor>t1)._value)
                if r1 is None:
                    return None
        else:
            if t0 is not None:
                r0 = (<Tensor>t0)._value
            if t1 is not None:
                r1 = (<Tensor>t1)._value
                if r0 is None and kind == 1:
                    return None         # (-t1: numpy)
        if r0 is not None and r1 is not None:
            r0 = run_forward_binary(self.k_sub if kind == 1 else self.k_add,
                                    <cnp.ndarray>r0, <cnp.ndarray>r1)
            if r0 is None:
                return None
        elif r0 is None:
            r0 = r1
        if (not same_shape(<cnp.ndarray>r0, value)
                or cnp.PyArray_TYPE(<cnp.ndarray>r0) != cnp.PyArray_TYPE(value)):
            return None
        if kind != 2 and r1 is None:
            return t0                   # the tangent passes through unchanged
        if kind == 0 and t0 is None:
            return t1
        return _wrap(r0)


def pow_jvp(cnp.ndarray t, cnp.ndarray x, cnp.ndarray y):
    """t * y * x**(y - 1) for a 0-d exponent y and float32/64 C-contiguous t and x of one
    shape; None otherwise. Small integer exponents multiply (no pow call)."""
    cdef int type_num = cnp.PyArray_TYPE(x)
    if ((type_num != cnp.NPY_FLOAT32 and type_num != cnp.NPY_FLOAT64)
            or cnp.PyArray_TYPE(t) != type_num or cnp.PyArray_TYPE(y) != type_num
            or cnp.PyArray_NDIM(y) != 0 or not same_shape(t, x)
            or not cnp.PyArray_IS_C_CONTIGUOUS(t) or not cnp.PyArray_IS_C_CONTIGUOUS(x)):
        return None
    cdef double c = float(y.item())
    cdef cnp.ndarray out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(x), cnp.PyArray_DIMS(x),
                                             type_num, 0)
    cdef Py_ssize_t i, n = cnp.PyArray_SIZE(x)
    cdef float* xf
    cdef float* tf
    cdef float* of
    cdef double* xd
    cdef double* td
    cdef double* od
    cdef float cf = <float>c
    if type_num == cnp.NPY_FLOAT32:
        xf = <float*>cnp.PyArray_DATA(x)
        tf = <float*>cnp.PyArray_DATA(t)
        of = <float*>cnp.PyArray_DATA(out)
        if c == 2.0:
            for i in range(n):
                of[i] = tf[i] * (cf * xf[i])
        elif c == 3.0:
            for i in range(n):
                of[i] = tf[i] * (cf * (xf[i] * xf[i]))
        else:
            for i in range(n):
                of[i] = tf[i] * (cf * <float>c_pow(xf[i], c - 1.0))
    else:
        xd = <double*>cnp.PyArray_DATA(x)
        td = <double*>cnp.PyArray_DATA(t)
        od = <double*>cnp.PyArray_DATA(out)
        if c == 2.0:
            for i in range(n):
                od[i] = td[i] * (c * xd[i])
        elif c == 3.0:
            for i in range(n):
                od[i] = td[i] * (c * (xd[i] * xd[i]))
        else:
            for i in range(n):
                od[i] = td[i] * (c * c_pow(xd[i], c - 1.0))
    return out
