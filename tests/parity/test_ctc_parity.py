"""Parity with TensorFlow for fasttape/ops/ctc.py: ctc_loss values and logits gradients
(dense labels, both layouts, blank first/last/middle), the label helpers and in_top_k."""

import pytest

pytest.importorskip("tensorflow")

import numpy as np  # noqa: E402
import tensorflow  # noqa: E402

import fasttape  # noqa: E402
from tests.parity.test_conv_parity import _raised  # noqa: E402
from tests.parity.test_linalg_parity import assert_same  # noqa: E402

RNG = np.random.default_rng(2)
LOGITS = RNG.normal(size=(8, 3, 5))
LABELS = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [4, 4, 4, 4]], np.int32)
LABEL_LENGTH, LOGIT_LENGTH = np.array([3, 2, 4], np.int32), np.array([8, 6, 8], np.int32)


@pytest.mark.parametrize("blank", [None, -1, 2])
@pytest.mark.parametrize("time_major", [True, False])
@pytest.mark.parametrize("dtype", [np.float32])      # TF's float64 ctc_loss fails
def test_ctc_loss_and_gradient_match_tensorflow(blank, time_major, dtype):
    labels = LABELS
    if blank is not None:
        b = blank % 5
        labels = np.where(labels == b, (b + 1) % 5, labels)
    logits = LOGITS.astype(dtype) if time_major else np.transpose(LOGITS, (1, 0, 2)).astype(dtype)

    def run(tf):
        x = tf.constant(logits)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.nn.ctc_loss(labels, x, LABEL_LENGTH, LOGIT_LENGTH,
                                  logits_time_major=time_major, blank_index=blank)
        return [loss, tape.gradient(loss, x)]
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-9)
    assert_same(run(fasttape), run(tensorflow), **tol)


def test_label_helpers_match_tensorflow():
    labels = [[1, 1, 2, 2, 3], [4, 4, 4, 0, 0]]
    assert_same(list(fasttape.nn.collapse_repeated(labels, [5, 3])),
                list(tensorflow.nn.collapse_repeated(labels, [5, 3])))
    rows = [[3, 1, 3, 2], [5, 5, 6, 5]]
    assert_same(fasttape.nn.ctc_unique_labels(rows), tensorflow.nn.ctc_unique_labels(rows))


def test_in_top_k_matches_tensorflow():
    p = np.array([[0.1, 0.5, 0.5, 0.2], [0.3, np.nan, 0.1, 0.2], [1, 2, 3, 4],
                  [np.inf, 1, 0, 0]], np.float32)
    for targets in ([1, 0, 3, 0], [2, 2, 0, 1], [0, 3, 2, 0]):
        for k in (0, 1, 2, 3):
            assert_same(fasttape.nn.in_top_k(targets, p, k), tensorflow.nn.in_top_k(targets, p, k))


ERRORS = {
    "in-top-k-float64": lambda tf: tf.nn.in_top_k([0], tf.constant(np.ones((1, 2))), 1),
    "in-top-k-rank": lambda tf: tf.nn.in_top_k([0], np.ones(2, np.float32), 1),
    "in-top-k-batch": lambda tf: tf.nn.in_top_k([0, 1], np.ones((1, 2), np.float32), 1),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_have_tensorflow_classes(name):
    ref = _raised(ERRORS[name], tensorflow)
    assert ref is not None
    assert _raised(ERRORS[name], fasttape) == ref
