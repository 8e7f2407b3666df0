"""`tf.sparse`: SparseTensor and the ops on it (fasttape.ops.sparse_ops)."""

from fasttape.ops import namespace

globals().update(namespace("SPARSE"))
del namespace
