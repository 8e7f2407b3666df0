# The kernel table every instruction-set variant of the kernels fills (declarations only).
#
# The loops are compiled once per instruction set (_kernels_baseline, _kernels_avx2,
# _kernels_avx512: the same _kernel_loops.pxi, different compiler flags); _kernels picks
# one at import and calls through its table. KERNEL_ABI changes whenever this layout does.

cdef enum:
    KERNEL_ABI = 1
    N_BACKWARD = 14
    N_FORWARD = 11
    N_BINARY = 5

ctypedef void (*kernel32_t)(const float* g, const float* s, float* out, Py_ssize_t n) noexcept nogil
ctypedef void (*kernel64_t)(const double* g, const double* s, double* out, Py_ssize_t n) noexcept nogil
ctypedef void (*binary32_t)(const float* a, const float* b, float* out, Py_ssize_t n,
                            Py_ssize_t sa, Py_ssize_t sb) noexcept nogil
ctypedef void (*binary64_t)(const double* a, const double* b, double* out, Py_ssize_t n,
                            Py_ssize_t sa, Py_ssize_t sb) noexcept nogil
ctypedef void (*binary_bwd32_t)(const float* g, const float* a, const float* b, float* ga,
                                float* gb, Py_ssize_t n) noexcept nogil
ctypedef void (*binary_bwd64_t)(const double* g, const double* a, const double* b, double* ga,
                                double* gb, Py_ssize_t n) noexcept nogil

ctypedef struct kernel_table:
    int abi                  # KERNEL_ABI of the variant's build
    const char* isa          # "baseline", "avx2", "avx512"
    const char* tag          # hash of the kernel sources the variant was built from
    kernel32_t bwd32[N_BACKWARD]
    kernel64_t bwd64[N_BACKWARD]
    kernel32_t fwd32[N_FORWARD]
    kernel64_t fwd64[N_FORWARD]
    binary32_t bin_fwd32[N_BINARY]
    binary64_t bin_fwd64[N_BINARY]
    binary_bwd32_t bin_bwd32[N_BINARY]
    binary_bwd64_t bin_bwd64[N_BINARY]
