"""Gradcheck cases for fasttape/ops/array_ops.py (its own ops and its compositions)."""


import fasttape as tf
from tests.ops.gradcheck import NONZERO, POSITIVE, Case

F64 = tf.float64


def _global_norm_clip(x, y):
    (a, b), norm = tf.clip_by_global_norm([x, y], 0.5)
    return tf.reduce_sum(a * 2.0) + tf.reduce_sum(b) + norm


CASES = [
    Case("_add_n", lambda x, y, z: tf.add_n([x, y, z]), shapes=[(2, 3)] * 3, name="add_n"),
    Case("_add_n", lambda x, y: tf.math.accumulate_n([x, y, x]), shapes=[(3,)] * 2,
         name="accumulate_n"),
    Case("multiply_no_nan", tf.math.multiply_no_nan, n_in=2),
    Case("nextafter", tf.math.nextafter, n_in=2, separation=0.1, name="nextafter"),
    Case("_realdiv", tf.realdiv, n_in=2, domain=[POSITIVE, NONZERO], name="realdiv"),
    Case("_cumulative_logsumexp", lambda x: tf.math.cumulative_logsumexp(x, axis=1),
         shapes=[(2, 4)], name="cumulative_logsumexp"),
    Case("_cumulative_logsumexp", lambda x: tf.math.cumulative_logsumexp(
        x, exclusive=True, reverse=True)[:-1], shapes=[(4,)],   # without the -inf
        name="cumulative_logsumexp_excl_rev"),
    Case("_cumulative_logsumexp", lambda x: tf.math.cumulative_logsumexp(x, reverse=True),
         shapes=[(3, 2)], name="cumulative_logsumexp_reverse"),
    # distinct indices: with duplicates TF's gradient also reaches the overwritten entries
    Case("_dynamic_stitch", lambda x, y: tf.dynamic_stitch([[0, 2], [1, 3]], [x, y]),
         shapes=[(2, 3), (2, 3)], name="dynamic_stitch"),
    Case("_tensor_scatter_extreme", lambda x, u: tf.tensor_scatter_nd_max(
        x, [[0], [2]], u), shapes=[(4,), (2,)], separation=0.1, order=1,
        name="tensor_scatter_nd_max"),
    Case("_tensor_scatter_extreme", lambda x, u: tf.tensor_scatter_nd_min(
        x, [[1], [3]], u), shapes=[(4, 2), (2, 2)], separation=0.1, order=1,
        name="tensor_scatter_nd_min"),
    # compositions of recorded ops
    Case("_concat", lambda x: tf.roll(x, [1, -1], [0, 1]), shapes=[(3, 4)], name="roll"),
    Case("_gather", lambda x: tf.repeat(x, [2, 0, 1], axis=0), shapes=[(3, 2)],
         name="repeat"),
    Case("_broadcast_to", lambda x, y: tf.meshgrid(x, y)[0] * tf.meshgrid(x, y)[1],
         shapes=[(3,), (2,)], name="meshgrid"),
    Case("_strided_slice", lambda x: tf.slice(x, [1, 0], [1, -1]), shapes=[(3, 4)],
         name="slice"),
    Case("_strided_slice", lambda x: tf.strided_slice(x, [0, 3], [2, 0], [1, -2],
                                                      end_mask=1), shapes=[(3, 4)],
         name="strided_slice"),
    Case("_take_along", lambda x: tf.reverse_sequence(x, [2, 3], seq_axis=1, batch_axis=0),
         shapes=[(2, 4)], name="reverse_sequence"),
    Case("_gather", lambda x: tf.dynamic_partition(x, [1, 0, 1], 2)[1], shapes=[(3, 2)],
         name="dynamic_partition"),
    Case("sqrt", _global_norm_clip, shapes=[(3,), (2,)], domain=NONZERO,
         name="clip_by_global_norm"),
    Case("multiply", lambda x: tf.math.polyval([tf.constant(2.0, F64), x, x], x),
         shapes=[(3,)], name="polyval"),
    Case("multiply", lambda x: tf.scalar_mul(tf.constant(3.0, F64), x), shapes=[(3,)],
         name="scalar_mul"),
    Case("_div_no_nan", lambda x: tf.math.reciprocal_no_nan(x), domain=NONZERO,
         name="reciprocal_no_nan"),
]

# map_fn / scan / foldl (fasttape/ops/functional.py) compose recorded ops too
CASES += [
    Case("multiply", lambda x: tf.scan(lambda a, b: a * b + b, x), shapes=[(4, 2)],
         name="scan"),
    Case("multiply", lambda x: tf.foldl(lambda a, b: a * b, x), shapes=[(3,)],
         name="foldl"),
    Case("sin", lambda x: tf.map_fn(lambda r: tf.sin(r) * r, x), shapes=[(3, 2)],
         name="map_fn"),
]
