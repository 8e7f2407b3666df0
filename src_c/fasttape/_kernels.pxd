cimport numpy as cnp

cdef cnp.ndarray run_backward(int kernel, cnp.ndarray g, cnp.ndarray saved)
cdef cnp.ndarray run_forward(int kernel, cnp.ndarray x)
