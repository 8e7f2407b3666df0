"""Gradcheck cases for fasttape/ops/special.py."""

import fasttape as tf
from tests.ops.gradcheck import NONZERO, POSITIVE, REALS, UNIT_OPEN, Case

F64 = tf.float64


def _const(v):
    return tf.constant(v, dtype=F64)


def _polygamma(order):
    def fn(x):
        return tf.math.polygamma(_const(order), x)
    return fn


CASES = [
    Case("lgamma", tf.math.lgamma, domain=POSITIVE),
    Case("lgamma", tf.math.lgamma, domain=(-0.9, -0.1), name="lgamma_negative"),
    Case("digamma", tf.math.digamma, domain=POSITIVE),
    Case("polygamma", _polygamma(1.0), domain=POSITIVE, name="polygamma_1"),
    Case("polygamma", _polygamma(0.0), domain=POSITIVE, name="polygamma_0"),
    Case("zeta", lambda q: tf.math.zeta(_const(2.5), q), domain=POSITIVE),
    Case("_igamma", tf.math.igamma, shapes=[(2, 3), (2, 3)], domain=[(0.5, 2.0), (0.3, 3.0)],
         order=1,
         name="igamma"),
    Case("_igamma", lambda x: tf.math.igamma(_const(1.5), x), domain=(0.3, 3.0),
         name="igamma_x"),
    Case("_igammac", tf.math.igammac, shapes=[(3,), (3,)], domain=[(0.5, 2.0), (0.3, 3.0)],
         order=1, name="igammac"),
    Case("_igammac", lambda x: tf.math.igammac(_const(2.5), x), domain=(0.3, 3.0),
         name="igammac_x"),
    Case("_betainc", lambda x: tf.math.betainc(_const(1.5), _const(2.5), x),
         domain=(0.1, 0.9), name="betainc"),
    Case("lgamma", tf.math.lbeta, shapes=[(2, 3)], domain=POSITIVE, name="lbeta"),
    Case("erfinv", tf.math.erfinv, domain=UNIT_OPEN),
    Case("ndtri", tf.math.ndtri, domain=(0.1, 0.9)),
    Case("ndtri", tf.math.erfcinv, domain=(0.2, 1.8), name="erfcinv"),
    Case("xlog1py", tf.math.xlog1py, n_in=2, domain=[NONZERO, POSITIVE]),
    Case("bessel_i0", tf.math.bessel_i0),
    Case("bessel_i0e", tf.math.bessel_i0e, domain=NONZERO),
    Case("bessel_i1", tf.math.bessel_i1, domain=NONZERO),
    Case("bessel_i1e", tf.math.bessel_i1e, domain=NONZERO),
    Case("bessel_j0", tf.math.special.bessel_j0, domain=REALS),
    Case("bessel_j1", tf.math.special.bessel_j1, domain=NONZERO),
    Case("bessel_y0", tf.math.special.bessel_y0, domain=POSITIVE),
    Case("bessel_y1", tf.math.special.bessel_y1, domain=POSITIVE),
    Case("bessel_k0", tf.math.special.bessel_k0, domain=POSITIVE),
    Case("bessel_k0e", tf.math.special.bessel_k0e, domain=POSITIVE),
    Case("bessel_k1", tf.math.special.bessel_k1, domain=POSITIVE),
    Case("bessel_k1e", tf.math.special.bessel_k1e, domain=POSITIVE),
    Case("dawsn", tf.math.special.dawsn),
    Case("expint", tf.math.special.expint, domain=POSITIVE),
    Case("fresnel_cos", tf.math.special.fresnel_cos),
    Case("fresnel_sin", tf.math.special.fresnel_sin),
    Case("spence", tf.math.special.spence, domain=POSITIVE),
]
