# Fused elementwise kernels: the fast path of the elementwise ops.
#
# Design:
#   * A *backward* kernel computes one derivative rule in a single pass,
#     dx[i] = g[i] * f'(s[i]), where s is the one array the rule saved (the input x
#     or the output ans). numpy would make two or three temporaries for the same
#     rule; the kernel makes none but its output.
#   * A *forward* kernel computes the op itself. numpy's ufuncs are already at the
#     limit for large arrays (SIMD); the kernels win on small arrays, where a ufunc
#     call costs more than the arithmetic, so the engine uses them only below
#     SMALL_FORWARD elements.
#   * Each kernel is written once over the fused type real_t (float32, float64) and
#     is `noexcept nogil`. Pointers are only dereferenced after `run_backward` /
#     `run_forward` have checked dtype, size and contiguity, so a bad input is an
#     exception, never a crash.
#   * The tables below are the only list of kernels. The op registry refers to a
#     kernel by name (`fused="tanh"`), and the tests check every kernel against the
#     derivative rule it replaces, in float32 and float64.
#   * The GIL is released only for arrays of NOGIL_MIN_SIZE elements or more, where
#     the loop dominates the cost of releasing it.

cimport numpy as cnp
from fasttape._types cimport real_t
from libc.math cimport sin, cos, tan, exp, expm1, log, log1p, sqrt, tanh, fabs, pow
from libc.math cimport sinf, cosf, tanf, expf, expm1f, logf, log1pf, sqrtf, tanhf, fabsf, powf

import numpy as np

cnp.import_array()

ctypedef void (*kernel32_t)(const float* g, const float* s, float* out, Py_ssize_t n) noexcept nogil
ctypedef void (*kernel64_t)(const double* g, const double* s, double* out, Py_ssize_t n) noexcept nogil

cdef Py_ssize_t NOGIL_MIN_SIZE = 1 << 15


# --- scalar maths over real_t ------------------------------------------------------
# libc.math has separate float and double names; these pick by the fused type.

cdef inline real_t r_sin(real_t x) noexcept nogil:
    return sinf(x) if real_t is float else sin(x)

cdef inline real_t r_cos(real_t x) noexcept nogil:
    return cosf(x) if real_t is float else cos(x)

cdef inline real_t r_tan(real_t x) noexcept nogil:
    return tanf(x) if real_t is float else tan(x)

cdef inline real_t r_exp(real_t x) noexcept nogil:
    return expf(x) if real_t is float else exp(x)

cdef inline real_t r_expm1(real_t x) noexcept nogil:
    return expm1f(x) if real_t is float else expm1(x)

cdef inline real_t r_log(real_t x) noexcept nogil:
    return logf(x) if real_t is float else log(x)

cdef inline real_t r_log1p(real_t x) noexcept nogil:
    return log1pf(x) if real_t is float else log1p(x)

cdef inline real_t r_sqrt(real_t x) noexcept nogil:
    return sqrtf(x) if real_t is float else sqrt(x)

cdef inline real_t r_tanh(real_t x) noexcept nogil:
    return tanhf(x) if real_t is float else tanh(x)

cdef inline real_t r_abs(real_t x) noexcept nogil:
    return fabsf(x) if real_t is float else fabs(x)


# --- backward kernels: out = g * f'(s) -----------------------------------------------

cdef void bwd_tanh(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d tanh = 1 - tanh^2
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] * (1 - y[i] * y[i])

cdef void bwd_sigmoid(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d sigmoid = s (1 - s)
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] * y[i] * (1 - y[i])

cdef void bwd_exp(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d exp = exp
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] * y[i]

cdef void bwd_expm1(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d expm1 = expm1 + 1
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] * (y[i] + 1)

cdef void bwd_sin(const real_t* g, const real_t* x, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d sin = cos
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] * r_cos(x[i])

cdef void bwd_cos(const real_t* g, const real_t* x, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d cos = -sin
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = -(g[i] * r_sin(x[i]))

cdef void bwd_tan(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d tan = 1 + tan^2
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] * (1 + y[i] * y[i])

cdef void bwd_log(const real_t* g, const real_t* x, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d log = 1/x
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] / x[i]

cdef void bwd_log1p(const real_t* g, const real_t* x, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d log1p = 1/(1+x)
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] / (1 + x[i])

cdef void bwd_sqrt(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d sqrt = 0.5/sqrt(x); a zero upstream gives exactly 0 (TF's kernel: no nan leak)
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = 0 if g[i] == 0 else g[i] * <real_t>0.5 / y[i]

cdef void bwd_rsqrt(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d x^-1/2 = -0.5 y^3; a zero upstream gives exactly 0
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = 0 if g[i] == 0 else g[i] * <real_t>-0.5 * (y[i] * y[i] * y[i])

cdef void bwd_reciprocal(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d 1/x = -y^2; a zero upstream gives exactly 0
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = 0 if g[i] == 0 else -(g[i] * (y[i] * y[i]))

cdef void bwd_square(const real_t* g, const real_t* x, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d x^2 = 2x
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] * (2 * x[i])

cdef void bwd_relu(const real_t* g, const real_t* y, real_t* dx, Py_ssize_t n) noexcept nogil:
    # d relu = [x > 0], and relu(x) > 0 exactly where x > 0
    cdef Py_ssize_t i
    for i in range(n):
        dx[i] = g[i] if y[i] > 0 else 0


# --- forward kernels: out = f(x); the second pointer is unused --------------------------

cdef void fwd_sin(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_sin(x[i])

cdef void fwd_cos(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_cos(x[i])

cdef void fwd_tan(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_tan(x[i])

cdef void fwd_exp(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_exp(x[i])

cdef void fwd_expm1(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_expm1(x[i])

cdef void fwd_log(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_log(x[i])

cdef void fwd_log1p(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_log1p(x[i])

cdef void fwd_sqrt(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_sqrt(x[i])

cdef void fwd_tanh(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = r_tanh(x[i])

cdef void fwd_sigmoid(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    # 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) otherwise: neither form overflows
    cdef Py_ssize_t i
    cdef real_t e
    for i in range(n):
        if x[i] >= 0:
            y[i] = 1 / (1 + r_exp(-x[i]))
        else:
            e = r_exp(x[i])
            y[i] = e / (1 + e)

cdef void fwd_square(const real_t* x, const real_t* unused, real_t* y, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i] = x[i] * x[i]


# --- binary kernels (small arrays, no broadcasting but a scalar operand) ---------------
# Forward: out[i] = a[i * sa] op b[i * sb], with a stride of 0 for a 0-d operand.

cdef void fwd_add(const real_t* a, const real_t* b, real_t* out, Py_ssize_t n,
                  Py_ssize_t sa, Py_ssize_t sb) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = a[i * sa] + b[i * sb]

cdef void fwd_subtract(const real_t* a, const real_t* b, real_t* out, Py_ssize_t n,
                       Py_ssize_t sa, Py_ssize_t sb) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = a[i * sa] - b[i * sb]

cdef void fwd_multiply(const real_t* a, const real_t* b, real_t* out, Py_ssize_t n,
                       Py_ssize_t sa, Py_ssize_t sb) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = a[i * sa] * b[i * sb]

cdef void fwd_truediv(const real_t* a, const real_t* b, real_t* out, Py_ssize_t n,
                      Py_ssize_t sa, Py_ssize_t sb) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = a[i * sa] / b[i * sb]

cdef void fwd_pow(const real_t* a, const real_t* b, real_t* out, Py_ssize_t n,
                  Py_ssize_t sa, Py_ssize_t sb) noexcept nogil:
    # libm's pow, as numpy's float power uses
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = powf(a[i * sa], b[i * sb]) if real_t is float else pow(a[i * sa], b[i * sb])

# Backward of the binary ops whose rule reads both operands (add and subtract read
# nothing and need no kernel): (ga, gb) from g, a, b of one size.

cdef void bwd_multiply(const real_t* g, const real_t* a, const real_t* b, real_t* ga,
                       real_t* gb, Py_ssize_t n) noexcept nogil:
    # d(ab) = b da + a db
    cdef Py_ssize_t i
    for i in range(n):
        ga[i] = g[i] * b[i]
        gb[i] = g[i] * a[i]

cdef void bwd_truediv(const real_t* g, const real_t* a, const real_t* b, real_t* ga,
                      real_t* gb, Py_ssize_t n) noexcept nogil:
    # d(a/b) = da / b - a db / b^2, in the rule's order of operations
    cdef Py_ssize_t i
    for i in range(n):
        ga[i] = g[i] / b[i]
        gb[i] = -g[i] * a[i] / b[i] / b[i]


# --- the tables: (name, float32 kernel, float64 kernel) in one order ------------------

cdef enum:
    N_BACKWARD = 14
    N_FORWARD = 11

ctypedef void (*binary32_t)(const float* a, const float* b, float* out, Py_ssize_t n,
                            Py_ssize_t sa, Py_ssize_t sb) noexcept nogil
ctypedef void (*binary64_t)(const double* a, const double* b, double* out, Py_ssize_t n,
                            Py_ssize_t sa, Py_ssize_t sb) noexcept nogil
ctypedef void (*binary_bwd32_t)(const float* g, const float* a, const float* b, float* ga,
                                float* gb, Py_ssize_t n) noexcept nogil
ctypedef void (*binary_bwd64_t)(const double* g, const double* a, const double* b, double* ga,
                                double* gb, Py_ssize_t n) noexcept nogil

cdef enum:
    N_BINARY = 5

cdef binary32_t BIN_FWD32[N_BINARY]
cdef binary64_t BIN_FWD64[N_BINARY]
cdef binary_bwd32_t BIN_BWD32[N_BINARY]
cdef binary_bwd64_t BIN_BWD64[N_BINARY]
BIN_FWD32[0] = fwd_add[float];       BIN_FWD64[0] = fwd_add[double]
BIN_FWD32[1] = fwd_subtract[float];  BIN_FWD64[1] = fwd_subtract[double]
BIN_FWD32[2] = fwd_multiply[float];  BIN_FWD64[2] = fwd_multiply[double]
BIN_FWD32[3] = fwd_truediv[float];   BIN_FWD64[3] = fwd_truediv[double]
BIN_FWD32[4] = fwd_pow[float];       BIN_FWD64[4] = fwd_pow[double]
BIN_BWD32[2] = bwd_multiply[float];  BIN_BWD64[2] = bwd_multiply[double]
BIN_BWD32[3] = bwd_truediv[float];   BIN_BWD64[3] = bwd_truediv[double]

# Binary ops: name -> (index, what the backward reads; None: no backward kernel).
# add/subtract read nothing.
BINARY = {"add": (0, ()), "subtract": (1, ()), "multiply": (2, ("x", "y")),
          "truediv": (3, ("x", "y")), "pow": (4, None)}

cdef kernel32_t BWD32[N_BACKWARD]
cdef kernel64_t BWD64[N_BACKWARD]
cdef kernel32_t FWD32[N_FORWARD]
cdef kernel64_t FWD64[N_FORWARD]

# Which saved array each backward kernel reads: the op's input "x" or its output "ans".
BACKWARD = {
    "tanh": (0, "ans"), "sigmoid": (1, "ans"), "exp": (2, "ans"), "expm1": (3, "ans"),
    "sin": (4, "x"), "cos": (5, "x"), "tan": (6, "ans"), "log": (7, "x"),
    "log1p": (8, "x"), "sqrt": (9, "ans"), "rsqrt": (10, "ans"), "reciprocal": (11, "ans"),
    "square": (12, "x"), "relu": (13, "ans"),
}
FORWARD = {
    "sin": 0, "cos": 1, "tan": 2, "exp": 3, "expm1": 4, "log": 5, "log1p": 6,
    "sqrt": 7, "tanh": 8, "sigmoid": 9, "square": 10,
}

BWD32[0] = bwd_tanh[float];        BWD64[0] = bwd_tanh[double]
BWD32[1] = bwd_sigmoid[float];     BWD64[1] = bwd_sigmoid[double]
BWD32[2] = bwd_exp[float];         BWD64[2] = bwd_exp[double]
BWD32[3] = bwd_expm1[float];       BWD64[3] = bwd_expm1[double]
BWD32[4] = bwd_sin[float];         BWD64[4] = bwd_sin[double]
BWD32[5] = bwd_cos[float];         BWD64[5] = bwd_cos[double]
BWD32[6] = bwd_tan[float];         BWD64[6] = bwd_tan[double]
BWD32[7] = bwd_log[float];         BWD64[7] = bwd_log[double]
BWD32[8] = bwd_log1p[float];       BWD64[8] = bwd_log1p[double]
BWD32[9] = bwd_sqrt[float];        BWD64[9] = bwd_sqrt[double]
BWD32[10] = bwd_rsqrt[float];      BWD64[10] = bwd_rsqrt[double]
BWD32[11] = bwd_reciprocal[float]; BWD64[11] = bwd_reciprocal[double]
BWD32[12] = bwd_square[float];     BWD64[12] = bwd_square[double]
BWD32[13] = bwd_relu[float];       BWD64[13] = bwd_relu[double]

FWD32[0] = fwd_sin[float];      FWD64[0] = fwd_sin[double]
FWD32[1] = fwd_cos[float];      FWD64[1] = fwd_cos[double]
FWD32[2] = fwd_tan[float];      FWD64[2] = fwd_tan[double]
FWD32[3] = fwd_exp[float];      FWD64[3] = fwd_exp[double]
FWD32[4] = fwd_expm1[float];    FWD64[4] = fwd_expm1[double]
FWD32[5] = fwd_log[float];      FWD64[5] = fwd_log[double]
FWD32[6] = fwd_log1p[float];    FWD64[6] = fwd_log1p[double]
FWD32[7] = fwd_sqrt[float];     FWD64[7] = fwd_sqrt[double]
FWD32[8] = fwd_tanh[float];     FWD64[8] = fwd_tanh[double]
FWD32[9] = fwd_sigmoid[float];  FWD64[9] = fwd_sigmoid[double]
FWD32[10] = fwd_square[float];  FWD64[10] = fwd_square[double]


cdef inline bint _is_flat_real(cnp.ndarray a, int type_num) noexcept:
    return cnp.PyArray_TYPE(a) == type_num and cnp.PyArray_IS_C_CONTIGUOUS(a)


cdef cnp.ndarray _run(kernel32_t k32, kernel64_t k64, cnp.ndarray a, cnp.ndarray b):
    """out = kernel(a, b): validate, allocate, run. b may be None (forward kernels)."""
    cdef int type_num = cnp.PyArray_TYPE(a)
    if type_num != cnp.NPY_FLOAT32 and type_num != cnp.NPY_FLOAT64:
        raise TypeError(f"fused kernels take float32 or float64, got {a.dtype}")
    if not cnp.PyArray_IS_C_CONTIGUOUS(a):
        raise ValueError("fused kernels take C-contiguous arrays")
    if b is None:
        b = a
    elif not _is_flat_real(b, type_num) or cnp.PyArray_SIZE(b) != cnp.PyArray_SIZE(a):
        raise ValueError(
            f"fused kernel operands must share size, dtype and C order: "
            f"{a.dtype}{(<object>a).shape} vs {b.dtype}{(<object>b).shape}")
    cdef cnp.ndarray out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(a), cnp.PyArray_DIMS(a), type_num, 0)
    cdef Py_ssize_t n = cnp.PyArray_SIZE(a)
    if n == 0:
        return out
    cdef void* pa = cnp.PyArray_DATA(a)
    cdef void* pb = cnp.PyArray_DATA(b)
    cdef void* po = cnp.PyArray_DATA(out)
    if type_num == cnp.NPY_FLOAT32:
        if n >= NOGIL_MIN_SIZE:
            with nogil:
                k32(<const float*>pa, <const float*>pb, <float*>po, n)
        else:
            k32(<const float*>pa, <const float*>pb, <float*>po, n)
    else:
        if n >= NOGIL_MIN_SIZE:
            with nogil:
                k64(<const double*>pa, <const double*>pb, <double*>po, n)
        else:
            k64(<const double*>pa, <const double*>pb, <double*>po, n)
    return out


cdef cnp.ndarray run_backward(int kernel, cnp.ndarray g, cnp.ndarray saved):
    """g * f'(saved) for the backward kernel with index `kernel`."""
    if not 0 <= kernel < N_BACKWARD or BWD32[kernel] == NULL:
        raise LookupError(f"no backward kernel {kernel}")
    return _run(BWD32[kernel], BWD64[kernel], g, saved)


cdef cnp.ndarray run_forward(int kernel, cnp.ndarray x):
    """f(x) for the forward kernel with index `kernel`."""
    if not 0 <= kernel < N_FORWARD or FWD32[kernel] == NULL:
        raise LookupError(f"no forward kernel {kernel}")
    return _run(FWD32[kernel], FWD64[kernel], x, None)


cdef object run_forward_binary(int kernel, cnp.ndarray a, cnp.ndarray b):
    """a op b for small float arrays of one shape (or one 0-d operand); None otherwise."""
    cdef int type_num = cnp.PyArray_TYPE(a)
    if (type_num != cnp.NPY_FLOAT32 and type_num != cnp.NPY_FLOAT64) \
            or cnp.PyArray_TYPE(b) != type_num \
            or not cnp.PyArray_IS_C_CONTIGUOUS(a) or not cnp.PyArray_IS_C_CONTIGUOUS(b):
        return None
    cdef Py_ssize_t sa = 1, sb = 1
    cdef cnp.ndarray shape_of = a
    if not same_shape(a, b):
        if cnp.PyArray_NDIM(b) == 0:
            sb = 0
        elif cnp.PyArray_NDIM(a) == 0:
            sa = 0
            shape_of = b
        else:
            return None
    cdef Py_ssize_t n = cnp.PyArray_SIZE(shape_of)
    if n > SMALL_FORWARD:
        return None
    cdef cnp.ndarray out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(shape_of),
                                             cnp.PyArray_DIMS(shape_of), type_num, 0)
    if n == 0:
        return out
    if type_num == cnp.NPY_FLOAT32:
        BIN_FWD32[kernel](<const float*>cnp.PyArray_DATA(a), <const float*>cnp.PyArray_DATA(b),
                          <float*>cnp.PyArray_DATA(out), n, sa, sb)
    else:
        BIN_FWD64[kernel](<const double*>cnp.PyArray_DATA(a),
                          <const double*>cnp.PyArray_DATA(b),
                          <double*>cnp.PyArray_DATA(out), n, sa, sb)
    return out


cdef object run_backward_binary(int kernel, cnp.ndarray g, tuple saved):
    """(ga, gb) of a binary op for an un-broadcast node; None when the rule must run."""
    if kernel == 0:                  # add: d(a+b) = da + db
        return (g, g)
    cdef cnp.ndarray neg
    if kernel == 1:                  # subtract: d(a-b) = da - db
        neg = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(g), cnp.PyArray_DIMS(g), cnp.PyArray_TYPE(g), 0)
        np.negative(g, out=neg)
        return (g, neg)
    if not 0 <= kernel < N_BINARY or BIN_BWD32[kernel] == NULL:
        return None                  # no backward kernel: the rule runs
    cdef cnp.ndarray a = <cnp.ndarray?>saved[0]._value
    cdef cnp.ndarray b = <cnp.ndarray?>saved[1]._value
    cdef int type_num = cnp.PyArray_TYPE(g)
    cdef Py_ssize_t n = cnp.PyArray_SIZE(g)
    if (type_num != cnp.NPY_FLOAT32 and type_num != cnp.NPY_FLOAT64) \
            or cnp.PyArray_TYPE(a) != type_num or cnp.PyArray_TYPE(b) != type_num \
            or cnp.PyArray_SIZE(a) != n or cnp.PyArray_SIZE(b) != n \
            or not (cnp.PyArray_IS_C_CONTIGUOUS(g) and cnp.PyArray_IS_C_CONTIGUOUS(a)
                    and cnp.PyArray_IS_C_CONTIGUOUS(b)):
        return None
    cdef int nd = cnp.PyArray_NDIM(g)
    cdef cnp.ndarray ga = cnp.PyArray_EMPTY(nd, cnp.PyArray_DIMS(g), type_num, 0)
    cdef cnp.ndarray gb = cnp.PyArray_EMPTY(nd, cnp.PyArray_DIMS(g), type_num, 0)
    if n == 0:
        return (ga, gb)
    if type_num == cnp.NPY_FLOAT32:
        if n >= NOGIL_MIN_SIZE:
            with nogil:
                BIN_BWD32[kernel](<const float*>cnp.PyArray_DATA(g),
                                  <const float*>cnp.PyArray_DATA(a),
                                  <const float*>cnp.PyArray_DATA(b),
                                  <float*>cnp.PyArray_DATA(ga), <float*>cnp.PyArray_DATA(gb), n)
        else:
            BIN_BWD32[kernel](<const float*>cnp.PyArray_DATA(g),
                              <const float*>cnp.PyArray_DATA(a),
                              <const float*>cnp.PyArray_DATA(b),
                              <float*>cnp.PyArray_DATA(ga), <float*>cnp.PyArray_DATA(gb), n)
    else:
        if n >= NOGIL_MIN_SIZE:
            with nogil:
                BIN_BWD64[kernel](<const double*>cnp.PyArray_DATA(g),
                                  <const double*>cnp.PyArray_DATA(a),
                                  <const double*>cnp.PyArray_DATA(b),
                                  <double*>cnp.PyArray_DATA(ga), <double*>cnp.PyArray_DATA(gb),
                                  n)
        else:
            BIN_BWD64[kernel](<const double*>cnp.PyArray_DATA(g),
                              <const double*>cnp.PyArray_DATA(a),
                              <const double*>cnp.PyArray_DATA(b),
                              <double*>cnp.PyArray_DATA(ga), <double*>cnp.PyArray_DATA(gb), n)
    return (ga, gb)


def binary_forward(name, a, b):
    """Run the binary forward kernel `name` (None where it does not apply)."""
    return run_forward_binary(BINARY[name][0], np.asarray(a), np.asarray(b))


def binary_backward(name, g, a, b):
    """Run the binary backward kernel `name` (None where the rule must run instead)."""
    from fasttape import constant
    return run_backward_binary(BINARY[name][0], np.asarray(g), (constant(a), constant(b)))


def backward(name, g, saved):
    """Run the backward kernel `name` on arrays (for tests and tools)."""
    return run_backward(BACKWARD[name][0], np.asarray(g), np.asarray(saved))


def forward(name, x):
    """Run the forward kernel `name` on an array (for tests and tools)."""
    return run_forward(FORWARD[name], np.asarray(x))
