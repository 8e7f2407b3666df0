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
#   * The loops live in _kernel_loops.pxi, compiled once per instruction set (baseline,
#     AVX2, AVX-512); at import this module picks the widest one the CPU runs (or the
#     one FASTTAPE_SIMD names) and calls through its table.
#   * The tables in _kernel_loops.pxi are the only list of kernels. The op registry refers to a
#     kernel by name (`fused="tanh"`), and the tests check every kernel against the
#     derivative rule it replaces, in float32 and float64.
#   * The GIL is released only for arrays of NOGIL_MIN_SIZE elements or more, where
#     the loop dominates the cost of releasing it.

cimport numpy as cnp
from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_IsValid
from fasttape._simd cimport (
    KERNEL_ABI, N_BACKWARD, N_BINARY, N_FORWARD, kernel32_t, kernel64_t, kernel_table,
)

import importlib
import os

import numpy as np

cnp.import_array()

cdef Py_ssize_t NOGIL_MIN_SIZE = 1 << 15

cdef extern from *:
    """
    #ifndef FASTTAPE_KERNEL_TAG
    #define FASTTAPE_KERNEL_TAG "untagged"
    #endif
    #ifndef FASTTAPE_VARIANTS
    #define FASTTAPE_VARIANTS "baseline"
    #endif
    /* The CPU checks (the OS's support for the wide registers included) of GCC/Clang. */
    #if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    static int ft_cpu_avx2(void) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    static int ft_cpu_avx512(void) {
        return ft_cpu_avx2() && __builtin_cpu_supports("avx512f")
            && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")
            && __builtin_cpu_supports("avx512bw");
    }
    #else
    static int ft_cpu_avx2(void) { return 0; }
    static int ft_cpu_avx512(void) { return 0; }
    #endif
    """
    const char* FASTTAPE_KERNEL_TAG
    const char* FASTTAPE_VARIANTS
    int ft_cpu_avx2() noexcept
    int ft_cpu_avx512() noexcept


# --- choosing the variant ------------------------------------------------------------

ISAS = ("avx512", "avx2", "baseline")            # widest first
BUILT = tuple(FASTTAPE_VARIANTS.decode().split(","))
CPU = {"avx512": bool(ft_cpu_avx512()), "avx2": bool(ft_cpu_avx2()), "baseline": True}
REBUILD = ("rebuild fasttape's compiled modules: `pip install --force-reinstall "
           "--no-cache-dir fasttape` (or `pip install .` from its source), or "
           "`python setup.py build_ext --inplace` in a checkout")

cdef kernel_table* T = NULL


def _choose():
    """The variant to load: FASTTAPE_SIMD if set, else the widest built one the CPU runs."""
    forced = os.environ.get("FASTTAPE_SIMD", "").strip().lower()
    if forced:
        if forced not in ISAS:
            raise ImportError(f"FASTTAPE_SIMD={forced!r}: expected one of {', '.join(ISAS)}")
        if forced not in BUILT:
            raise ImportError(f"FASTTAPE_SIMD={forced!r}: this build has only "
                              f"{', '.join(BUILT)} kernels")
        if not CPU[forced]:
            raise ImportError(f"FASTTAPE_SIMD={forced!r}: this CPU lacks those instructions")
        return forced, True
    return next(isa for isa in ISAS if isa in BUILT and CPU[isa]), False


def _load(isa):
    """Import the variant and check it belongs to this build."""
    global T
    name = f"fasttape._kernels_{isa}"
    try:
        module = importlib.import_module(name)
    except (ImportError, OSError) as e:
        raise ImportError(f"{name} is missing or does not load ({e}): {REBUILD}") from e
    capsule = getattr(module, "TABLE", None)
    if not PyCapsule_IsValid(capsule, b"fasttape.kernel_table"):
        raise ImportError(f"{name} has no kernel table: {REBUILD}")
    cdef kernel_table* table = <kernel_table*>PyCapsule_GetPointer(
        capsule, b"fasttape.kernel_table")
    cdef bytes tag = table.tag, expected = FASTTAPE_KERNEL_TAG, table_isa = table.isa
    if table.abi != KERNEL_ABI or tag != expected or table_isa != isa.encode():
        raise ImportError(
            f"{name} was built from other sources than fasttape._kernels (kernel ABI "
            f"{table.abi} vs {KERNEL_ABI}, tag {tag.decode()} vs {expected.decode()}): "
            f"{REBUILD}")
    T = table
    return module


ISA, FORCED = _choose()
_variant = _load(ISA)
BACKWARD = _variant.BACKWARD
FORWARD = _variant.FORWARD
BINARY = _variant.BINARY


def config():
    """What show_config reports: the variant in use, the ones built, what the CPU runs."""
    return {"in_use": ISA, "forced_by_env": FORCED, "built": list(BUILT),
            "cpu_supports": [isa for isa in ISAS if CPU[isa]],
            "kernel_tag": FASTTAPE_KERNEL_TAG.decode()}


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
    if not 0 <= kernel < N_BACKWARD or T.bwd32[kernel] == NULL:
        raise LookupError(f"no backward kernel {kernel}")
    return _run(T.bwd32[kernel], T.bwd64[kernel], g, saved)


cdef cnp.ndarray run_forward(int kernel, cnp.ndarray x):
    """f(x) for the forward kernel with index `kernel`."""
    if not 0 <= kernel < N_FORWARD or T.fwd32[kernel] == NULL:
        raise LookupError(f"no forward kernel {kernel}")
    return _run(T.fwd32[kernel], T.fwd64[kernel], x, None)


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
        T.bin_fwd32[kernel](<const float*>cnp.PyArray_DATA(a), <const float*>cnp.PyArray_DATA(b),
                          <float*>cnp.PyArray_DATA(out), n, sa, sb)
    else:
        T.bin_fwd64[kernel](<const double*>cnp.PyArray_DATA(a),
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
    if not 0 <= kernel < N_BINARY or T.bin_bwd32[kernel] == NULL:
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
                T.bin_bwd32[kernel](<const float*>cnp.PyArray_DATA(g),
                                  <const float*>cnp.PyArray_DATA(a),
                                  <const float*>cnp.PyArray_DATA(b),
                                  <float*>cnp.PyArray_DATA(ga), <float*>cnp.PyArray_DATA(gb), n)
        else:
            T.bin_bwd32[kernel](<const float*>cnp.PyArray_DATA(g),
                              <const float*>cnp.PyArray_DATA(a),
                              <const float*>cnp.PyArray_DATA(b),
                              <float*>cnp.PyArray_DATA(ga), <float*>cnp.PyArray_DATA(gb), n)
    else:
        if n >= NOGIL_MIN_SIZE:
            with nogil:
                T.bin_bwd64[kernel](<const double*>cnp.PyArray_DATA(g),
                                  <const double*>cnp.PyArray_DATA(a),
                                  <const double*>cnp.PyArray_DATA(b),
                                  <double*>cnp.PyArray_DATA(ga), <double*>cnp.PyArray_DATA(gb),
                                  n)
        else:
            T.bin_bwd64[kernel](<const double*>cnp.PyArray_DATA(g),
                              <const double*>cnp.PyArray_DATA(a),
                              <const double*>cnp.PyArray_DATA(b),
                              <double*>cnp.PyArray_DATA(ga), <double*>cnp.PyArray_DATA(gb), n)
    return (ga, gb)


def binary_forward(name, a, b):
    """Run the binary forward kernel `name` (None where it does not apply)."""
    return run_forward_binary(BINARY[name][0], np.asarray(a), np.asarray(b))


class _Saved:
    """An array standing for a saved tensor (the binary kernels read `._value`)."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = np.ascontiguousarray(value)


def binary_backward(name, g, a, b):
    """Run the binary backward kernel `name` (None where the rule must run instead)."""
    return run_backward_binary(BINARY[name][0], np.asarray(g), (_Saved(a), _Saved(b)))


def backward(name, g, saved):
    """Run the backward kernel `name` on arrays (for tests and tools)."""
    return run_backward(BACKWARD[name][0], np.asarray(g), np.asarray(saved))


def forward(name, x):
    """Run the forward kernel `name` on an array (for tests and tools)."""
    return run_forward(FORWARD[name], np.asarray(x))
