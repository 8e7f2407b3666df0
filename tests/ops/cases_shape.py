"""Gradcheck cases for fasttape/ops/shape.py.

Shape ops are linear, so each case squares (or multiplies) around the op: the second
order check then differentiates the op's rule as recorded under an outer tape. The
ops that only appear inside rules (_slice_grad, _mirror_pad_grad) are called directly.
"""

from fasttape import _engine
import fasttape as tf
from fasttape.ops import shape
from tests.ops.gradcheck import Case


def _sq(x):
    return x * x


CASES = [
    Case("_reshape", lambda x: _sq(tf.reshape(x, [3, -1])), shapes=[(2, 3, 2)]),
    Case("_reshape", lambda x: _sq(tf.expand_dims(x, 1)), shapes=[(2, 3)],
         name="expand_dims"),
    Case("_reshape", lambda x: _sq(tf.squeeze(x, [0, 2])), shapes=[(1, 3, 1, 2)],
         name="squeeze"),
    Case("_broadcast_to", lambda x: _sq(tf.broadcast_to(x, [2, 3, 4])), shapes=[(3, 1)]),
    Case("_transpose", lambda x: _sq(tf.transpose(x)), shapes=[(2, 3)]),
    Case("_transpose", lambda x: _sq(tf.transpose(x, [2, 0, 1])) * x[0, 0, 0],
         shapes=[(2, 3, 4)], name="transpose_perm"),
    Case("_reverse", lambda x: tf.reverse(x, [0, 2]) * x, shapes=[(2, 3, 2)]),
    Case("_tile", lambda x: _sq(tf.tile(x, [2, 1, 3])), shapes=[(2, 1, 3)]),
    Case("_tile", lambda x: _sq(tf.tile(x, [0, 2])), shapes=[(2, 3)], name="tile_zero"),
    Case("_stack", lambda x, y: _sq(tf.stack([x, y, x * y], axis=1)), shapes=[(2, 3), (2, 3)]),
    Case("_stack", lambda x: _sq(tf.stack([x[0], x[2]])), shapes=[(3,)], name="stack_scalars"),
    Case("_concat", lambda x, y: _sq(tf.concat([x, y, x], 0)), shapes=[(2, 3), (1, 3)]),
    Case("_concat", lambda x, y: _sq(tf.concat([x, y], -1)), shapes=[(2, 0), (2, 2)],
         name="concat_empty_operand"),
    Case("_strided_slice", lambda x: _sq(x[1:, ::2]), shapes=[(3, 4)]),
    Case("_strided_slice", lambda x: _sq(x[-1, None, ..., 1]), shapes=[(2, 3, 2)],
         name="getitem_int_newaxis"),
    Case("_strided_slice", lambda x: _sq(tf.unstack(x, axis=1)[2]), shapes=[(2, 3)],
         name="unstack"),
    Case("_strided_slice", lambda x: _sq(tf.split(x, [1, -1], axis=1)[1]), shapes=[(2, 4)],
         name="split"),
    # first order adds each slice's cotangent into one buffer of x's shape (the slot the
    # engine owns, a copy of a shared one, an element, a piece meeting a sparse gradient)
    Case("_strided_slice", lambda x: tf.stack([x[i] * x[-1 - i] for i in range(3)]) * x[1, 0],
         shapes=[(3, 2)], name="rows_loop"),
    Case("_strided_slice", lambda x: tf.stack([x[1, 0], x[-1, 1], x[1, 0] * x[0, 1]]),
         shapes=[(3, 2)], name="elements_loop"),
    Case("_strided_slice", lambda x: tf.concat([x, x[1:2] * x[0]], 0), shapes=[(3, 2)],
         name="slice_beside_the_whole"),
    Case("_strided_slice", lambda x: tf.stack([tf.gather(x, [2, 0]) * x[0], x[1:] * x[1]]),
         shapes=[(3, 2)], name="slice_meets_sparse"),
    Case("_strided_slice", lambda x: _sq(tf.stack(tf.unstack(x, axis=1)[::-1]) * 2.0),
         shapes=[(2, 3)], name="unstack_all"),
    Case("_strided_slice", lambda x: _sq(tf.concat(tf.split(x, 3, axis=1)[1:], 0)),
         shapes=[(2, 6)], name="split_all"),
    Case("_slice_grad",
         lambda x: _sq(_engine.apply(shape._slice_grad.op, (x,), ((slice(1, 3),), (4, 2)))),
         shapes=[(2, 2)]),
    Case("_pad", lambda x: _sq(tf.pad(x, [[1, 2], [0, 1]], constant_values=2.0)),
         shapes=[(2, 3)]),
    Case("_pad", lambda x: _sq(tf.pad(x, [[1, 2], [2, 1]], mode="REFLECT")), shapes=[(3, 3)],
         name="pad_reflect"),
    Case("_pad", lambda x: _sq(tf.pad(x, [[2, 1], [0, 3]], mode="SYMMETRIC")),
         shapes=[(2, 3)], name="pad_symmetric"),
    Case("_mirror_pad_grad",
         lambda x: _sq(_engine.apply(shape._mirror_pad_grad.op, (x,),
                                     (((1, 2), (2, 1)), "REFLECT"))),
         shapes=[(6, 6)]),
]
