# Types shared by the compiled modules (declarations only).

from libc.stdint cimport int32_t, int64_t

# The float dtypes every kernel is written over, once.
ctypedef fused real_t:
    float
    double

# Tensor ids: unique per process, increasing in creation order.
ctypedef int64_t tensor_id_t

# One recorded op. Its input ids live in the tape's flat `in_ids`/`in_refs` arrays at
# [in_start, in_start + n_in); what its rule needs lives in the tape's `saved` list
# at the node's own index.
ctypedef struct node_t:
    int32_t op            # OpDef.code, an index into the op registry
    int32_t n_in
    Py_ssize_t in_start
    tensor_id_t out_id
