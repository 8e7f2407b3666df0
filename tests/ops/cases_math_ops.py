"""Gradcheck cases for fasttape/ops/math_ops.py."""

import numpy as np

import fasttape as tf
from fasttape.ops import math_ops
from tests.ops.gradcheck import NONZERO, POSITIVE, REALS, Case


def _cumsum(axis, exclusive, reverse):
    def fn(x):
        return tf.cumsum(x, axis=axis, exclusive=exclusive, reverse=reverse)
    return fn


def _cumprod(axis, exclusive, reverse):
    def fn(x):
        return tf.math.cumprod(x, axis=axis, exclusive=exclusive, reverse=reverse)
    return fn


def _norm(**kwargs):
    def fn(x):
        return tf.norm(x, **kwargs)
    return fn


CASES = [
    Case("erf", tf.math.erf),
    Case("erfc", tf.math.erfc),
    Case("squared_difference", tf.math.squared_difference, n_in=2),
    Case("_div_no_nan", tf.math.divide_no_nan, n_in=2, domain=[REALS, NONZERO],
         name="divide_no_nan"),
    Case("xlogy", tf.math.xlogy, n_in=2, domain=[NONZERO, POSITIVE]),
    Case("xdivy", tf.math.xdivy, n_in=2, domain=[NONZERO, NONZERO]),
    Case("softplus", tf.math.softplus, domain=(-6.0, 6.0)),
    Case("log_sigmoid", tf.math.log_sigmoid, domain=(-6.0, 6.0)),
    Case("_flushed_sigmoid", lambda x: math_ops._flushed_sigmoid(x), domain=(-6.0, 6.0),
         name="flushed_sigmoid"),
    Case("softsign", tf.math.softsign, domain=NONZERO),
    Case("l2_loss", tf.nn.l2_loss),
    Case("_cumsum", _cumsum(1, False, False), shapes=[(2, 4)], name="cumsum"),
    Case("_cumsum", _cumsum(0, True, True), shapes=[(3, 2)], name="cumsum_exclusive_reverse"),
    Case("_cumprod", _cumprod(1, False, False), shapes=[(2, 4)], domain=NONZERO,
         name="cumprod"),
    Case("_cumprod", _cumprod(-1, True, False), shapes=[(2, 4)], domain=NONZERO,
         name="cumprod_exclusive"),
    Case("_cumprod", _cumprod(0, False, True), shapes=[(4, 2)], domain=NONZERO,
         name="cumprod_reverse"),
    Case("_cumprod", _cumprod(0, True, True), shapes=[(4,)], domain=NONZERO,
         name="cumprod_exclusive_reverse"),
    Case("_euclidean_norm", lambda x: tf.math.reduce_euclidean_norm(x, axis=1),
         shapes=[(3, 4)], name="reduce_euclidean_norm"),
    Case("_euclidean_norm", lambda x: tf.math.reduce_euclidean_norm(x, keepdims=True),
         shapes=[(2, 3)], name="reduce_euclidean_norm_all"),
    Case("_spectral_norm", _norm(ord=2, axis=[0, 1]), shapes=[(3, 4)], order=1,
         name="norm_matrix_2"),
    Case("_spectral_norm", _norm(ord=2, axis=(2, 0), keepdims=True), shapes=[(2, 3, 3)],
         order=1, name="norm_matrix_2_batched"),
    # compositions of recorded ops (no op of their own), checked all the same
    Case("sqrt", _norm(), shapes=[(2, 3)], name="norm_euclidean"),
    Case("sqrt", _norm(axis=1, keepdims=True), shapes=[(2, 3)], name="norm_euclidean_axis"),
    Case("sqrt", _norm(ord="fro", axis=(0, 1)), shapes=[(3, 2)], name="norm_fro"),
    Case("pow", _norm(ord=3), shapes=[(5,)], domain=NONZERO, name="norm_p3"),
    Case("_sum", _norm(ord=1, axis=0), shapes=[(3, 2)], domain=NONZERO, order=1,
         name="norm_1"),
    Case("_max", _norm(ord=np.inf, axis=-1), shapes=[(2, 4)], order=1,
         name="norm_inf"),
    Case("_max", _norm(ord=1, axis=[0, 1]), shapes=[(3, 4)], order=1,
         name="norm_matrix_1"),
    Case("_max", _norm(ord=np.inf, axis=[1, 0]), shapes=[(3, 4)], order=1,
         name="norm_matrix_inf"),
    Case("rsqrt", lambda x: tf.math.l2_normalize(x, axis=-1), shapes=[(2, 3)],
         name="l2_normalize"),
]


CASES.append(Case("clip_by_norm", lambda x: tf.clip_by_norm(x, 0.5), shapes=[(4,)],
                  name="clip_by_norm"))  # a composite of recorded ops
