# The fused kernels compiled for AVX2 + FMA; setup.py sets the flags.
# _kernels imports this module only on a CPU that has the instructions.

include "_kernel_loops.pxi"
