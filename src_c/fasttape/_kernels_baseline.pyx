# The fused kernels compiled for baseline x86-64 (SSE2), or the platform's default; setup.py sets the flags.
# _kernels imports this module only on a CPU that has the instructions.

include "_kernel_loops.pxi"
