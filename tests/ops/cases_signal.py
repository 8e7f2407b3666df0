"""Gradcheck cases for fasttape/ops/signal.py (framing; the DCTs are matmuls)."""

import fasttape as tf
from tests.ops.gradcheck import Case

CASES = [
    Case("_frame", lambda x: tf.signal.frame(x, 3, 2), shapes=[(2, 8)], name="frame"),
    Case("_frame", lambda x: tf.signal.frame(x, 2, 3, pad_end=True, axis=0),
         shapes=[(7, 2)], name="frame_pad_end_axis0"),
    Case("_overlap_add", lambda x: tf.signal.overlap_and_add(x, 2), shapes=[(2, 3, 5)],
         name="overlap_and_add"),
    Case("_overlap_add", lambda x: tf.signal.overlap_and_add(x, 4), shapes=[(3, 2)],
         name="overlap_and_add_gaps"),
    Case("_frame", lambda x: tf.signal.mdct(x, 8), shapes=[(2, 16)], name="mdct"),
]
