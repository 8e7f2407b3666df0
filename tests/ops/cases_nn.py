"""Gradcheck cases for fasttape/ops/nn.py."""

import numpy as np

import fasttape as tf
from fasttape import _engine
from fasttape.ops import nn
from tests.ops.gradcheck import NONZERO, REALS, Case

# fixed integer labels for the sparse cross-entropy: 3 rows, 4 classes
_IDS = np.array([2, 0, 3], dtype=np.int32)


def _softmax(axis):
    def fn(x):
        return tf.nn.softmax(x, axis=axis)
    return fn


def _log_softmax(axis):
    def fn(x):
        return tf.nn.log_softmax(x, axis=axis)
    return fn


def _xent(axis=-1):
    # labels must be distributions along the class axis (TF's contract): softmax of a draw
    def fn(raw_labels, logits):
        labels = tf.nn.softmax(raw_labels, axis=axis)
        return tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=axis)
    return fn


def _xent_grad(dy, labels, logits):
    return _engine.apply(nn._softmax_xent_grad.op, (dy, labels, logits), (-1, []))


def _sparse_xent(logits):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=_IDS, logits=logits)


def _sparse_xent_grad(dy, logits):
    return _engine.apply(nn._sparse_xent_grad.op, (dy, logits, tf.constant(_IDS)), ([],))


def _sigmoid_xent(labels, logits):
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


CASES = [
    # kinks at 0 and 6 (x * 4 stays at least 0.8 from 0; 6 is hit with probability 0)
    Case("relu6", lambda x: tf.nn.relu6(x * 4.0), domain=NONZERO),
    Case("_relu6_grad", lambda dy, x: nn._relu6_grad(dy, x * 4.0), n_in=2,
         domain=[REALS, NONZERO], name="relu6_grad"),
    Case("_leaky_relu", tf.nn.leaky_relu, domain=NONZERO, name="leaky_relu"),
    Case("_leaky_relu", lambda x: tf.nn.leaky_relu(x, alpha=1.5), domain=NONZERO,
         name="leaky_relu_alpha"),
    Case("_leaky_relu_grad",
         lambda dy, x: _engine.apply(nn._leaky_relu_grad.op, (dy, x), (0.3,)), n_in=2,
         domain=[REALS, NONZERO], name="leaky_relu_grad"),
    Case("elu", tf.nn.elu, domain=NONZERO),
    Case("selu", tf.nn.selu, domain=NONZERO),
    Case("erfc", tf.nn.gelu, name="gelu"),
    Case("tanh", lambda x: tf.nn.gelu(x, approximate=True), name="gelu_approximate"),
    Case("_silu", tf.nn.silu, name="silu"),
    Case("_silu", lambda x, beta: tf.nn.silu(x, beta=beta), shapes=[(2, 3), ()],
         name="silu_beta"),
    Case("_softmax", _softmax(None), shapes=[(3, 4)], name="softmax"),
    Case("_softmax", _softmax(0), shapes=[(3, 2, 2)], name="softmax_axis0"),
    Case("_softmax_grad", lambda dy, s: _engine.apply(nn._softmax_grad.op, (dy, s), (-1,)),
         shapes=[(3, 4), (3, 4)], name="softmax_grad"),
    Case("_log_softmax", _log_softmax(None), shapes=[(3, 4)], name="log_softmax"),
    Case("_log_softmax_grad",
         lambda dy, ls: _engine.apply(nn._log_softmax_grad.op, (dy, ls), (-2,)),
         shapes=[(3, 4), (3, 4)], name="log_softmax_grad"),
    Case("_log_softmax", _log_softmax(1), shapes=[(2, 3, 2)], name="log_softmax_axis1"),
    Case("_softmax_xent", _xent(), shapes=[(3, 4), (3, 4)], name="softmax_xent"),
    Case("_softmax_xent", _xent(0), shapes=[(3, 2), (3, 2)], name="softmax_xent_axis0"),
    Case("_softmax_xent", _xent(), shapes=[(1, 4), (3, 4)], name="softmax_xent_broadcast"),
    Case("_softmax_xent", _xent(), shapes=[(4,), (4,)], name="softmax_xent_rank1"),
    Case("_softmax_xent_grad", _xent_grad, shapes=[(3,), (3, 4), (3, 4)],
         name="softmax_xent_grad"),
    Case("_sparse_xent", _sparse_xent, shapes=[(3, 4)], name="sparse_softmax_xent"),
    Case("_sparse_xent_grad", _sparse_xent_grad, shapes=[(3,), (3, 4)],
         name="sparse_softmax_xent_grad"),
    Case("_sigmoid_xent", _sigmoid_xent, shapes=[(2, 3), (2, 3)], name="sigmoid_xent"),
    Case("add", lambda v, b: tf.nn.bias_add(v, b) ** 2, shapes=[(2, 3), (3,)],
         name="bias_add"),
    Case("add", lambda v, b: tf.nn.bias_add(v, b, data_format="NCHW") ** 2,
         shapes=[(2, 3, 2), (3,)], name="bias_add_channels_first"),
]
