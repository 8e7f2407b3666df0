# Declarations of the engine's extension types (see _engine.pyx for the design).

cimport numpy as cnp
from fasttape._types cimport node_t, tensor_id_t

cdef class OpDef:
    cdef readonly str name
    cdef readonly int code
    cdef readonly object forward
    cdef readonly object rule
    cdef readonly int n_in
    cdef readonly bint float_only
    cdef readonly bint complex_ok       # float_only, but complex64/128 accepted too
    cdef readonly bint same_dtype
    cdef readonly bint broadcasts
    cdef readonly bint batches          # the rule takes cotangents with a leading batch axis
    cdef readonly bint rule_wants_needs
    cdef readonly int fused_backward
    cdef readonly int fused_forward
    cdef int spec[16]
    cdef readonly int n_spec
    cdef readonly tuple defaults        # one value per attribute, in order

cdef class _TensorLike:
    cdef cnp.ndarray _array(self)
    cdef Tensor _read(self)

cdef class Tensor(_TensorLike):
    cdef readonly cnp.ndarray _value
    cdef readonly object _id          # a Python int: dict keys without boxing

cdef class Variable(_TensorLike):
    cdef cnp.ndarray _value
    cdef object _id
    cdef bint _trainable
    cdef str _name
    cdef Tensor _snapshot
    cdef Variable _target
    cdef Variable _root(self)

cdef class _Tape:
    cdef node_t* nodes
    cdef Py_ssize_t n_nodes, cap_nodes
    cdef tensor_id_t* in_ids
    cdef Py_ssize_t* in_refs
    cdef Py_ssize_t n_edges, cap_edges
    cdef public list saved
    cdef public dict tracked
    cdef public dict in_shapes
    cdef public dict watched_vars
    cdef public bint watch_accessed
    cdef Py_ssize_t n_sweeps            # sweeps running over this tape (clear() refused)
    cdef list stack                     # the thread's tape stack it was pushed on
    cdef list _sweep(self, list targets, list seeds, list source_ids, bint retain_saved,
                     bint batched)
    cdef int _grow(self, Py_ssize_t edges) except -1
    cdef bint stage_inputs(self, list tensors) except -1
    cdef int commit_node(self, OpDef op, Py_ssize_t n, Tensor out, tuple saved,
                         object in_shapes) except -1
    cdef on_variable_read(self, Variable v)

cpdef object apply(OpDef op, tuple inputs, tuple attrs)
