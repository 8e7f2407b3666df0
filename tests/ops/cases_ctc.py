"""Gradcheck cases for fasttape/ops/ctc.py (first order: the held gradient is constant)."""

import numpy as np

import fasttape as tf
from tests.ops.gradcheck import Case

_LABELS = np.array([[1, 2, 2], [3, 1, 0]], np.int32)


def _ctc(logits):
    return tf.nn.ctc_loss(_LABELS, logits, [3, 2], [5, 4])


def _ctc_batch_major(logits):
    return tf.nn.ctc_loss(_LABELS, logits, [2, 1], [4, 3], logits_time_major=False,
                          blank_index=-1)


CASES = [
    Case("_ctc_loss", _ctc, shapes=[(5, 2, 4)], order=1, name="ctc_loss"),
    Case("_ctc_loss", _ctc_batch_major, shapes=[(2, 4, 5)], order=1, name="ctc_loss_blank_last"),
]
