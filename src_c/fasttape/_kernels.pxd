cimport numpy as cnp

cdef enum:
    SMALL_FORWARD = 2048     # forward kernels run on float arrays up to this size

cdef cnp.ndarray run_backward(int kernel, cnp.ndarray g, cnp.ndarray saved)
cdef cnp.ndarray run_forward(int kernel, cnp.ndarray x)
cdef object run_forward_binary(int kernel, cnp.ndarray a, cnp.ndarray b)
cdef object run_backward_binary(int kernel, cnp.ndarray g, tuple saved)


cdef inline bint same_shape(cnp.ndarray a, cnp.ndarray b) noexcept:
    """Equal ndim and dimensions (strides aside)."""
    cdef int k, nd = cnp.PyArray_NDIM(a)
    if nd != cnp.PyArray_NDIM(b):
        return False
    for k in range(nd):
        if cnp.PyArray_DIM(a, k) != cnp.PyArray_DIM(b, k):
            return False
    return True
