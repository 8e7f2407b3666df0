"""Build the compiled core. Everything else is declared in pyproject.toml."""

import os

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

DEBUG = os.environ.get("FASTTAPE_CYTHON_DEBUG") == "1"
# Kernels for this machine's SIMD width (AVX2/AVX-512 rather than baseline SSE2): faster
# on large arrays, but the build only runs on CPUs like the one that built it.
NATIVE = os.environ.get("FASTTAPE_NATIVE") == "1"

DIRECTIVES = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    "cdivision": True,
    "embedsignature": True,
}
NUMPY = {
    "include_dirs": [np.get_include()],
    "define_macros": [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    "extra_compile_args": (["-O0", "-g"] if DEBUG else
                           ["-O3"] + (["-march=native"] if NATIVE else [])),
}

EXTENSIONS = [
    Extension("fasttape._kernels", ["src_c/fasttape/_kernels.pyx"], **NUMPY),
    Extension("fasttape._engine", ["src_c/fasttape/_engine.pyx"], **NUMPY),
    # sqrt without errno, so the update loops can be vectorized
    Extension("fasttape._optim", ["src_c/fasttape/_optim.pyx"], **dict(
        NUMPY, extra_compile_args=NUMPY["extra_compile_args"] + ["-fno-math-errno"])),
]

setup(ext_modules=cythonize(EXTENSIONS, include_path=["src_c"], compiler_directives=DIRECTIVES))
