cimport numpy as cnp

cdef cnp.ndarray run_backward(int kernel, cnp.ndarray g, cnp.ndarray saved)
cdef cnp.ndarray run_forward(int kernel, cnp.ndarray x)
cdef object run_forward_binary(int kernel, cnp.ndarray a, cnp.ndarray b)
cdef object run_backward_binary(int kernel, cnp.ndarray g, tuple saved)
