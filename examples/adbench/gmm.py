"""ADBench objective: Gaussian mixture model with a Wishart prior.

Written from the mathematical definition in Srajer, Kukelova & Fitzgibbon
(2018), "A benchmark of selected algorithmic differentiation tools on some
problems in computer vision and machine learning", section GMM.

Parameters (k components, d dimensions, n points):

* ``alphas`` (k,)            unnormalised log mixture weights
* ``means``  (k, d)          component means
* ``icf``    (k, d + d(d-1)/2) per component: the log of the diagonal of the
  inverse Cholesky factor Q_k (first d entries), then its strictly
  lower-triangular entries, column by column (column 0 rows 1..d-1, column 1
  rows 2..d-1, ...).  Q_k = diag(exp(q_k)) + L_k and Sigma_k^-1 = Q_k^T Q_k.
* Wishart prior hyper-parameters ``wishart_gamma`` and ``wishart_m``.

Objective (the ADBench formulation; constants included)::

    E = -n d/2 log(2 pi)
        + sum_i logsumexp_k( alpha_k + sum(q_k) - 1/2 |Q_k (x_i - mu_k)|^2 )
        - n logsumexp_k(alpha_k)
        + sum_k ( gamma^2/2 (|exp(q_k)|^2 + |l_k|^2) - m sum(q_k) )
        - k ( n_w d (log gamma - log(2)/2) - log Gamma_d(n_w / 2) ),
    with n_w = d + m + 1 and Gamma_d the multivariate gamma function.

Written the way an ordinary TensorFlow user would: a Python loop over the
data points, Q matrices assembled from columns with ``tf.concat`` (the first
and last columns contain empty pieces) and ``tf.stack``, a batched
``tf.linalg.matvec``, ``tf.reduce_logsumexp``, and the multigammaln constant
computed with scipy on the numpy side.
"""

import numpy as np
from scipy.special import multigammaln

import fasttape as tf

LOG_2PI = np.log(2.0 * np.pi)


def make_inputs(d, k, n, seed=0, wishart_gamma=1.0, wishart_m=0):
    """Deterministic random GMM problem (numpy float64 arrays)."""
    rng = np.random.default_rng(seed)
    icf_size = d * (d + 1) // 2
    return {
        "alphas": rng.standard_normal(k),
        "means": rng.uniform(0.0, 1.0, size=(k, d)),
        "icf": rng.uniform(-0.5, 0.5, size=(k, icf_size)),
        "x": rng.standard_normal((n, d)),
        "wishart_gamma": np.float64(wishart_gamma),
        "wishart_m": int(wishart_m),
    }


def make_Q(icf_row, d):
    """Build the d x d lower-triangular inverse Cholesky factor of one component."""
    columns = []
    start = d
    for i in range(d):
        count = d - 1 - i
        column = tf.concat(
            [
                tf.zeros([i], dtype=tf.float64),  # empty for i == 0
                tf.exp(icf_row[i:i + 1]),
                icf_row[start:start + count],  # empty for i == d - 1
            ],
            axis=0,
        )
        columns.append(column)
        start += count
    return tf.stack(columns, axis=1)


def log_wishart_prior(d, wishart_gamma, wishart_m, sum_qs, Qdiags, icf):
    k = icf.get_shape().as_list()[0]
    n_w = d + wishart_m + 1
    frobenius = tf.reduce_sum(tf.square(Qdiags), axis=1) + tf.reduce_sum(
        tf.square(icf[:, d:]), axis=1
    )
    out = tf.reduce_sum(
        np.float64(0.5) * wishart_gamma * wishart_gamma * frobenius - wishart_m * sum_qs
    )
    # log of the multivariate gamma function: numpy/scipy side, a constant.
    C = n_w * d * (np.log(wishart_gamma) - 0.5 * np.log(2.0)) - multigammaln(0.5 * n_w, d)
    return out - k * C


def objective(alphas, means, icf, x, wishart_gamma=1.0, wishart_m=0):
    alphas = tf.convert_to_tensor(alphas, dtype=tf.float64)
    means = tf.convert_to_tensor(means, dtype=tf.float64)
    icf = tf.convert_to_tensor(icf, dtype=tf.float64)
    x = tf.convert_to_tensor(x, dtype=tf.float64)

    n, d = x.get_shape().as_list()
    k = alphas.get_shape().as_list()[0]

    Qs = tf.stack([make_Q(icf[j], d) for j in range(k)])  # (k, d, d)
    Qdiags = tf.exp(icf[:, :d])
    sum_qs = tf.reduce_sum(icf[:, :d], axis=1)

    per_point = []
    for i in range(n):
        xcentered = x[i] - means  # (k, d)
        Qxcentered = tf.linalg.matvec(Qs, xcentered)  # batched over k
        main_term = alphas + sum_qs - 0.5 * tf.reduce_sum(tf.square(Qxcentered), axis=1)
        per_point.append(tf.reduce_logsumexp(main_term))
    slse = tf.reduce_sum(tf.stack(per_point))

    constant = np.float64(-n * d * 0.5) * LOG_2PI
    lse_alphas = tf.reduce_logsumexp(alphas)
    prior = log_wishart_prior(d, wishart_gamma, wishart_m, sum_qs, Qdiags, icf)
    return constant + slse - n * lse_alphas + prior


def gradient(alphas, means, icf, x, wishart_gamma=1.0, wishart_m=0):
    """Return ``(value, (d_alphas, d_means, d_icf))`` via ``tf.GradientTape``."""
    alphas = tf.Variable(alphas, dtype=tf.float64)
    means = tf.Variable(means, dtype=tf.float64)
    icf = tf.Variable(icf, dtype=tf.float64)
    x = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        value = objective(alphas, means, icf, x, wishart_gamma, wishart_m)
    grads = tape.gradient(value, [alphas, means, icf])
    return value, tuple(grads)


if __name__ == "__main__":
    inputs = make_inputs(d=10, k=5, n=1000, seed=0)
    value, grads = gradient(**inputs)
    norm = np.sqrt(sum(float(np.sum(np.square(g.numpy()))) for g in grads))
    print("gmm d=10 k=5 n=1000: value = %.12g  |grad| = %.12g" % (float(value.numpy()), norm))
