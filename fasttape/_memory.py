"""Keep freed array memory in the process (glibc), so large arrays stop page-faulting.

A tape keeps its saved arrays until the reverse sweep, so every gradient on large
arrays allocates a fresh set of buffers. With glibc's defaults those come from mmap
(or a heap top that was just trimmed) and every first write to each page is a page
fault: on 1M-element float32 arrays that is most of the cost of a gradient. Raising
the mmap and trim thresholds lets freed buffers be reused without returning them to the
kernel. The cost: the process keeps up to its peak heap until exit, as with
caching allocators. Set FASTTAPE_MALLOC_TUNING=0 to leave the allocator alone.
"""

import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 64 << 20        # arrays up to 64 MiB come from the reusable heap
TRIM_THRESHOLD = 512 << 20       # give memory back only beyond 512 MiB of free heap


def tune_allocator():
    """Apply the thresholds on Linux/glibc; returns True when they were set."""
    if os.environ.get("FASTTAPE_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith(
            "linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):      # not glibc (musl has no mallopt)
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


ALLOCATOR_TUNED = tune_allocator()
