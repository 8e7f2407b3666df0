"""Build the compiled core. Everything else is declared in pyproject.toml.

Every ``src_c/fasttape/<name>.pyx`` becomes the extension ``fasttape.<name>``. The fused
kernels (``_kernel_loops.pxi``) are compiled once per instruction set: baseline, AVX2+FMA
and AVX-512 on x86-64 with GCC or Clang (baseline only elsewhere); ``fasttape._kernels``
picks one at import. Release builds are stripped on Linux.

Environment:
    FASTTAPE_CYTHON_DEBUG=1   bounds checks on, -O0 -g, symbols kept
    FASTTAPE_SANITIZE=address an AddressSanitizer build (tools/asan_tests.sh runs the suite)
"""

import hashlib
import os
import platform
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SRC = Path("src_c") / "fasttape"
DEBUG = os.environ.get("FASTTAPE_CYTHON_DEBUG") == "1"
# FASTTAPE_SANITIZE=address: an AddressSanitizer build for hunting memory errors (run
# it with libasan preloaded: tools/asan_tests.sh).
SANITIZE = os.environ.get("FASTTAPE_SANITIZE", "")
SANITIZER_FLAGS = [f"-fsanitize={SANITIZE}", "-fno-omit-frame-pointer", "-g"] if SANITIZE else []

DIRECTIVES = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    "cdivision": True,
    "embedsignature": True,
}

# Kernel variants: module suffix -> GCC/Clang flags. -ffp-contract=off everywhere: no
# fused multiply-adds, so every variant computes the same bits as the baseline.
ISA_FLAGS = {
    "baseline": [],
    "avx2": ["-mavx2", "-mfma"],
    "avx512": ["-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx512bw", "-mavx2", "-mfma"],
}
KERNEL_SOURCES = ["_kernel_loops.pxi", "_simd.pxd", "_types.pxd"]
# per-module flags: sqrt without errno, so the optimizer update loops can be vectorized
MODULE_FLAGS = {"fasttape._optim": ["-fno-math-errno"]}


def _is_x86():
    machine = platform.machine().lower()
    # macOS cross builds (universal2/arm64 wheels on an Intel runner) say so in ARCHFLAGS
    return machine in {"x86_64", "amd64", "i386", "i686"} and "arm64" not in os.environ.get(
        "ARCHFLAGS", "")


def _kernel_tag():
    """Hash of the kernel sources: _kernels refuses variants built from other sources."""
    digest = hashlib.sha256()
    for name in KERNEL_SOURCES:
        digest.update((SRC / name).read_bytes())
    return digest.hexdigest()[:16]


def _isa_of(ext):
    prefix = "fasttape._kernels_"
    return ext.name[len(prefix):] if ext.name.startswith(prefix) else None


class BuildExt(build_ext):
    """Cythonize at build time (not at sdist time) and set per-compiler flags."""

    def finalize_options(self):
        import numpy as np
        from Cython.Build import cythonize

        for ext in self.distribution.ext_modules:
            ext.include_dirs.append(np.get_include())
        self.distribution.ext_modules[:] = cythonize(
            self.distribution.ext_modules, include_path=["src_c"],
            compiler_directives=DIRECTIVES, quiet=True)
        super().finalize_options()

    def build_extensions(self):
        msvc = self.compiler.compiler_type == "msvc"
        variants = ["baseline"] + ([] if msvc or not _is_x86() else ["avx2", "avx512"])
        self.extensions = [e for e in self.extensions if _isa_of(e) in (None, *variants)]
        tag = ('FASTTAPE_KERNEL_TAG', f'"{_kernel_tag()}"')
        for ext in self.extensions:
            ext.define_macros.append(("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"))
            isa = _isa_of(ext)
            if msvc:
                ext.extra_compile_args += ["/Od", "/Zi"] if DEBUG else ["/O2", "/fp:precise"]
            else:
                ext.extra_compile_args += (["-O0", "-g"] if DEBUG else
                                           ["-O3", "-ffp-contract=off"] + ISA_FLAGS.get(isa, []))
                ext.extra_compile_args += MODULE_FLAGS.get(ext.name, []) + SANITIZER_FLAGS
                ext.extra_link_args += SANITIZER_FLAGS
                if not (DEBUG or SANITIZE) and sys.platform.startswith("linux"):
                    ext.extra_link_args.append("-Wl,--strip-all")
            if isa is not None:
                ext.define_macros += [tag, ("FASTTAPE_ISA", f'"{isa}"')]
            elif ext.name == "fasttape._kernels":
                ext.define_macros += [tag, ("FASTTAPE_VARIANTS", f'"{",".join(variants)}"')]
        super().build_extensions()


def extensions():
    """One extension per .pyx; the kernel modules also depend on the shared sources."""
    exts = []
    for pyx in sorted(SRC.glob("*.pyx")):
        name = f"fasttape.{pyx.stem}"
        depends = ([str(SRC / n) for n in KERNEL_SOURCES]
                   if pyx.stem.startswith("_kernels") else [])
        exts.append(Extension(name, [str(pyx)], depends=depends))
    return exts


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
