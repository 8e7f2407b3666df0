# The fused kernel loops and their table, compiled once per instruction set.
#
# Included by _kernels_baseline.pyx, _kernels_avx2.pyx and _kernels_avx512.pyx; setup.py
# compiles each with its ISA's flags (and -ffp-contract=off, so every variant gives the
# same bits: wider vectors, same operations). See _kernels.pyx for the design.

from cpython.pycapsule cimport PyCapsule_New
from fasttape._simd cimport (
    KERNEL_ABI, N_BACKWARD, N_BINARY, N_FORWARD, kernel_table,
)
from fasttape._types cimport real_t
from libc.math cimport sin, cos, tan, exp, expm1, log, log1p, sqrt, tanh, fabs, pow
from libc.math cimport sinf, cosf, tanf, expf, expm1f, logf, log1pf, sqrtf, tanhf, fabsf, powf
from libc.string cimport memset

cdef extern from *:
    """
    #ifndef FASTTAPE_ISA
    #define FASTTAPE_ISA "baseline"
    #endif
    #ifndef FASTTAPE_KERNEL_TAG
    #define FASTTAPE_KERNEL_TAG "untagged"
    #endif
    """
    const char* FASTTAPE_ISA
    const char* FASTTAPE_KERNEL_TAG


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


# --- the tables: one index per kernel, the float32 and float64 versions side by side ----

# Binary ops: name -> (index, what the backward reads; None: no backward kernel).
# add/subtract read nothing.
BINARY = {"add": (0, ()), "subtract": (1, ()), "multiply": (2, ("x", "y")),
          "truediv": (3, ("x", "y")), "pow": (4, None)}

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

cdef kernel_table T
memset(&T, 0, sizeof(T))
T.abi = KERNEL_ABI
T.isa = FASTTAPE_ISA
T.tag = FASTTAPE_KERNEL_TAG

T.bin_fwd32[0] = fwd_add[float];       T.bin_fwd64[0] = fwd_add[double]
T.bin_fwd32[1] = fwd_subtract[float];  T.bin_fwd64[1] = fwd_subtract[double]
T.bin_fwd32[2] = fwd_multiply[float];  T.bin_fwd64[2] = fwd_multiply[double]
T.bin_fwd32[3] = fwd_truediv[float];   T.bin_fwd64[3] = fwd_truediv[double]
T.bin_fwd32[4] = fwd_pow[float];       T.bin_fwd64[4] = fwd_pow[double]
T.bin_bwd32[2] = bwd_multiply[float];  T.bin_bwd64[2] = bwd_multiply[double]
T.bin_bwd32[3] = bwd_truediv[float];   T.bin_bwd64[3] = bwd_truediv[double]

T.bwd32[0] = bwd_tanh[float];        T.bwd64[0] = bwd_tanh[double]
T.bwd32[1] = bwd_sigmoid[float];     T.bwd64[1] = bwd_sigmoid[double]
T.bwd32[2] = bwd_exp[float];         T.bwd64[2] = bwd_exp[double]
T.bwd32[3] = bwd_expm1[float];       T.bwd64[3] = bwd_expm1[double]
T.bwd32[4] = bwd_sin[float];         T.bwd64[4] = bwd_sin[double]
T.bwd32[5] = bwd_cos[float];         T.bwd64[5] = bwd_cos[double]
T.bwd32[6] = bwd_tan[float];         T.bwd64[6] = bwd_tan[double]
T.bwd32[7] = bwd_log[float];         T.bwd64[7] = bwd_log[double]
T.bwd32[8] = bwd_log1p[float];       T.bwd64[8] = bwd_log1p[double]
T.bwd32[9] = bwd_sqrt[float];        T.bwd64[9] = bwd_sqrt[double]
T.bwd32[10] = bwd_rsqrt[float];      T.bwd64[10] = bwd_rsqrt[double]
T.bwd32[11] = bwd_reciprocal[float]; T.bwd64[11] = bwd_reciprocal[double]
T.bwd32[12] = bwd_square[float];     T.bwd64[12] = bwd_square[double]
T.bwd32[13] = bwd_relu[float];       T.bwd64[13] = bwd_relu[double]

T.fwd32[0] = fwd_sin[float];      T.fwd64[0] = fwd_sin[double]
T.fwd32[1] = fwd_cos[float];      T.fwd64[1] = fwd_cos[double]
T.fwd32[2] = fwd_tan[float];      T.fwd64[2] = fwd_tan[double]
T.fwd32[3] = fwd_exp[float];      T.fwd64[3] = fwd_exp[double]
T.fwd32[4] = fwd_expm1[float];    T.fwd64[4] = fwd_expm1[double]
T.fwd32[5] = fwd_log[float];      T.fwd64[5] = fwd_log[double]
T.fwd32[6] = fwd_log1p[float];    T.fwd64[6] = fwd_log1p[double]
T.fwd32[7] = fwd_sqrt[float];     T.fwd64[7] = fwd_sqrt[double]
T.fwd32[8] = fwd_tanh[float];     T.fwd64[8] = fwd_tanh[double]
T.fwd32[9] = fwd_sigmoid[float];  T.fwd64[9] = fwd_sigmoid[double]
T.fwd32[10] = fwd_square[float];  T.fwd64[10] = fwd_square[double]

# The names above and the slots just filled are two spellings of one table: each index
# once, every slot set, so a kernel added to one and not the other fails at import.
def _check_table():
    cdef int i
    for names, n, filled in (
            ([i for i, _ in BINARY.values()], N_BINARY,
             [T.bin_fwd32[i] != NULL for i in range(N_BINARY)]),
            ([i for i, _ in BACKWARD.values()], N_BACKWARD,
             [T.bwd32[i] != NULL and T.bwd64[i] != NULL for i in range(N_BACKWARD)]),
            (list(FORWARD.values()), N_FORWARD,
             [T.fwd32[i] != NULL and T.fwd64[i] != NULL for i in range(N_FORWARD)])):
        if sorted(names) != list(range(n)) or not all(filled):
            raise ImportError(f"fasttape kernel table out of step with its names: {names}")
    for name, (i, reads) in BINARY.items():
        if (reads is not None and len(reads) == 2) != (T.bin_bwd32[i] != NULL):
            raise ImportError(f"fasttape binary kernel {name!r}: its reads and its "
                              f"backward slot disagree")


_check_table()
ISA = FASTTAPE_ISA.decode()
TABLE = PyCapsule_New(&T, b"fasttape.kernel_table", NULL)
