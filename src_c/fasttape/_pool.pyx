# A bounded cache of large array buffers, used by numpy while a tape is active.
#
# Why: a tape keeps its saved arrays until the sweep, so every gradient on large arrays
# allocates a fresh set of buffers; malloc serves those from fresh mmap'd pages, and
# every first write to each page faults (most of the cost of a 1M-element gradient).
# Design:
#   * A numpy memory handler (NEP 49). fasttape/_memory.py installs it in the current
#     thread's context only while a GradientTape records or differentiates, so arrays
#     made elsewhere never touch it. An array remembers its handler, so whenever it is
#     freed its buffer comes back here.
#   * Only buffers of POOL_MIN bytes or more are cached, by size class (the size rounded
#     up to a quarter of its power of two), at most MAX_BLOCKS of them and `limit` bytes
#     in all; the rest go straight to malloc/free.
#   * Every cached block is a plain malloc block of its class size, so realloc and free
#     of anything this handler returned are always valid.
#   * release(age) frees blocks not reused during the last `age` steps; _memory calls
#     it when a step starts and, with age 0, once the tapes have been idle.

cimport numpy as cnp
from cpython.pycapsule cimport PyCapsule_New
from cpython.pythread cimport (
    PyThread_type_lock, PyThread_allocate_lock, PyThread_acquire_lock, PyThread_release_lock,
    WAIT_LOCK,
)
from libc.stdlib cimport malloc, calloc, realloc, free
from libc.string cimport memset, strcpy

cdef extern from "numpy/ndarraytypes.h":
    ctypedef struct PyDataMemAllocator:
        void* ctx
        void* (*malloc)(void* ctx, size_t size) noexcept nogil
        void* (*calloc)(void* ctx, size_t nelem, size_t elsize) noexcept nogil
        void* (*realloc)(void* ctx, void* ptr, size_t new_size) noexcept nogil
        void (*free)(void* ctx, void* ptr, size_t size) noexcept nogil
    ctypedef struct PyDataMem_Handler:
        char name[127]
        unsigned char version
        PyDataMemAllocator allocator

cdef extern from "numpy/arrayobject.h":
    object PyDataMem_SetHandler(object handler)

cnp.import_array()

cdef enum:
    MAX_BLOCKS = 64
    POOL_MIN = 1 << 18                # 256 KiB: below this malloc reuses memory well
    POOL_MAX = 1 << 26                # 64 MiB: larger buffers are rare and go to mmap

cdef struct block_t:
    void* ptr
    size_t size
    unsigned long step

cdef block_t blocks[MAX_BLOCKS]
cdef int n_blocks = 0
cdef size_t cached = 0
cdef size_t limit = 256 << 20
cdef unsigned long step = 0
cdef size_t hits = 0, misses = 0
cdef PyThread_type_lock lock = PyThread_allocate_lock()


cdef inline size_t size_class(size_t size) noexcept nogil:
    """size rounded up to a multiple of a quarter of its highest power of two."""
    cdef size_t top = 1
    while top * 2 <= size:
        top *= 2
    cdef size_t quarter = top // 4
    return (size + quarter - 1) // quarter * quarter


cdef void* take(size_t cls) noexcept nogil:
    """A cached block of class `cls`, or NULL."""
    global n_blocks, cached, hits, misses
    cdef int i
    cdef void* ptr = NULL
    PyThread_acquire_lock(lock, WAIT_LOCK)
    for i in range(n_blocks - 1, -1, -1):       # newest first: its pages are warmest
        if blocks[i].size == cls:
            ptr = blocks[i].ptr
            cached -= cls
            n_blocks -= 1
            blocks[i] = blocks[n_blocks]
            break
    if ptr != NULL:
        hits += 1
    else:
        misses += 1
    PyThread_release_lock(lock)
    return ptr


cdef void* pool_malloc(void* ctx, size_t size) noexcept nogil:
    if size < POOL_MIN or size > POOL_MAX:
        return malloc(size)
    cdef size_t cls = size_class(size)
    cdef void* ptr = take(cls)
    return ptr if ptr != NULL else malloc(cls)


cdef void* pool_calloc(void* ctx, size_t nelem, size_t elsize) noexcept nogil:
    cdef size_t size = nelem * elsize
    if elsize != 0 and size // elsize != nelem:
        return NULL                             # overflow
    if size < POOL_MIN or size > POOL_MAX:
        return calloc(nelem, elsize)
    cdef size_t cls = size_class(size)
    cdef void* ptr = take(cls)
    if ptr == NULL:
        return calloc(1, cls)
    memset(ptr, 0, size)
    return ptr


cdef void* pool_realloc(void* ctx, void* ptr, size_t new_size) noexcept nogil:
    # keep the invariant: a block that may be cached is at least its class size
    if new_size < POOL_MIN or new_size > POOL_MAX:
        return realloc(ptr, new_size)
    return realloc(ptr, size_class(new_size))


cdef void pool_free(void* ctx, void* ptr, size_t size) noexcept nogil:
    global n_blocks, cached
    if ptr == NULL:
        return
    if size < POOL_MIN or size > POOL_MAX:
        free(ptr)
        return
    cdef size_t cls = size_class(size)
    cdef bint keep = False
    PyThread_acquire_lock(lock, WAIT_LOCK)
    if n_blocks < MAX_BLOCKS and cached + cls <= limit:
        blocks[n_blocks].ptr = ptr
        blocks[n_blocks].size = cls
        blocks[n_blocks].step = step
        n_blocks += 1
        cached += cls
        keep = True
    PyThread_release_lock(lock)
    if not keep:
        free(ptr)


cdef PyDataMem_Handler handler
strcpy(handler.name, b"fasttape_pool")
handler.version = 1
handler.allocator.ctx = NULL
handler.allocator.malloc = pool_malloc
handler.allocator.calloc = pool_calloc
handler.allocator.realloc = pool_realloc
handler.allocator.free = pool_free

HANDLER = PyCapsule_New(&handler, b"mem_handler", NULL)


def set_handler(h):
    """Install numpy memory handler `h` (a capsule; None: numpy's default) in the
    current context; returns the one it replaces."""
    return PyDataMem_SetHandler(h)


def new_step():
    """Mark the start of a step (the blocks' ages count steps)."""
    global step
    step += 1


def release(unsigned long age=0):
    """Free the cached blocks not reused during the last `age` steps (0: all)."""
    global n_blocks, cached
    cdef int i = 0, n = 0
    cdef void* doomed[MAX_BLOCKS]           # no Python objects under the lock
    PyThread_acquire_lock(lock, WAIT_LOCK)
    while i < n_blocks:
        if age == 0 or step - blocks[i].step >= age:
            doomed[n] = blocks[i].ptr
            n += 1
            cached -= blocks[i].size
            n_blocks -= 1
            blocks[i] = blocks[n_blocks]
        else:
            i += 1
    PyThread_release_lock(lock)
    for i in range(n):
        free(doomed[i])
    return n


def set_limit(size_t nbytes):
    """Cap the cached bytes (0 disables caching); frees what no longer fits."""
    global limit
    limit = nbytes
    if cached > limit:
        release()


def stats():
    """{'cached_bytes', 'blocks', 'limit', 'hits', 'misses'}."""
    return {"cached_bytes": cached, "blocks": n_blocks, "limit": limit,
            "hits": hits, "misses": misses}
