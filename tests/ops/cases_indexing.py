"""Gradcheck cases for fasttape/ops/indexing.py.

Indices are fixed constants with duplicates, so the scatter-adds are exercised. As in
cases_shape, a product around each (linear) op makes the second order check meaningful.
The ops that only appear inside rules (_gather_grad, _take_rows) are called directly.
"""

import numpy as np

import fasttape as tf
from fasttape import _engine
from fasttape.ops import indexing
from tests.ops.gradcheck import Case


def _sq(x):
    return x * x


def _dense(g):
    return tf.convert_to_tensor(g)


CASES = [
    Case("_gather", lambda p: _sq(tf.gather(p, [[2, 0], [2, 2]])), shapes=[(3, 2)]),
    Case("_gather", lambda p: _sq(tf.gather(p, [3, 1, 3], axis=1)), shapes=[(2, 4)],
         name="gather_axis1"),
    Case("_gather", lambda p: _sq(tf.gather(p, [[0, 2, 2], [1, 1, 0]], axis=1, batch_dims=1)),
         shapes=[(2, 3, 2)], name="gather_batch_dims"),
    Case("_gather", lambda p: _sq(tf.nn.embedding_lookup(p, [1, 1, 0])), shapes=[(2, 3)],
         name="embedding_lookup"),
    Case("_gather", lambda p: tf.nn.embedding_lookup(p, [1, 1, 0], max_norm=0.5),
         shapes=[(2, 3)], domain=(0.5, 2.0), name="embedding_lookup_max_norm"),
    Case("_gather", lambda p, q: _sq(tf.nn.embedding_lookup([p, q], [[3, 0], [1, 3]])),
         shapes=[(2, 2), (2, 2)], name="embedding_lookup_shards"),
    Case("_gather_grad",
         lambda g: _sq(_engine.apply(indexing._gather_grad.op,
                                     (g, tf.constant([[0, 2, 2]])), (1, 0, (2, 3)))),
         shapes=[(2, 1, 3)]),
    Case("_gather_nd", lambda p: _sq(tf.gather_nd(p, [[0, 1], [2, 1], [0, 1]])), shapes=[(3, 2)]),
    Case("_gather_nd", lambda p: _sq(tf.gather_nd(p, [[2], [0], [2]])), shapes=[(3, 2)],
         name="gather_nd_rows"),
    Case("_gather_nd", lambda p: _sq(tf.gather_nd(p, [[[1], [2]], [[0], [0]]], batch_dims=1)),
         shapes=[(2, 3, 2)], name="gather_nd_batch_dims"),
    Case("_scatter_nd", lambda u: _sq(tf.scatter_nd([[1], [1], [0]], u, [3, 2])),
         shapes=[(3, 2)]),
    # distinct indices: with duplicates TF also credits the overwritten update (see tests)
    Case("_tensor_scatter", lambda x, u: _sq(tf.tensor_scatter_nd_update(x, [[0, 1], [1, 2]], u)),
         shapes=[(2, 3), (2,)], name="tensor_scatter_nd_update"),
    Case("_tensor_scatter", lambda x, u: _sq(tf.tensor_scatter_nd_add(x, [[1], [1]], u)),
         shapes=[(2, 3), (2, 3)], name="tensor_scatter_nd_add"),
    Case("_tensor_scatter", lambda x, u: _sq(tf.tensor_scatter_nd_sub(x, [[0, 2]], u)),
         shapes=[(2, 3), (1,)], name="tensor_scatter_nd_sub"),
    Case("_boolean_mask", lambda x: _sq(tf.boolean_mask(x, [[True, False, True],
                                                            [False, True, True]], axis=1)),
         shapes=[(2, 2, 3, 2)]),
    Case("_boolean_mask", lambda x: _sq(x[tf.constant([True, False, True])]), shapes=[(3, 2)],
         name="getitem_bool_mask"),
    Case("_boolean_unmask",
         lambda g: _sq(_engine.apply(indexing._boolean_unmask.op, (g,),
                                     (np.array([True, False, True]), 0, (3, 2)))),
         shapes=[(2, 2)]),
    Case("_segment_sum", lambda v: _sq(_dense(tf.IndexedSlices(v, tf.constant([2, 0, 2, -1]),
                                                               tf.constant([3, 2])))),
         shapes=[(4, 2)], name="indexed_slices_to_dense"),
    Case("_take_rows",
         lambda x: _sq(_engine.apply(indexing._take_rows.op, (x, tf.constant([1, -1, 1])), (3,))),
         shapes=[(3, 2)]),
]
