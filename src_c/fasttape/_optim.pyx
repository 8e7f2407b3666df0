# cython: boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
# Fused optimizer updates: one pass over a variable and its slots per step.
#
# Design: every kernel reads the current arrays (w, slots) and the gradient, and writes
# the new values into separate output buffers (fresh arrays the caller hands to the
# Variables afterwards), so no array a tape may have saved is ever written. Outputs must
# not overlap the inputs (out_w serves as scratch within a chunk). All buffers are flat
# C-contiguous views of one dtype (float32 or float64; float16 is computed in float32 by
# the caller), and the arithmetic is in that dtype, as Keras computes. Scalars arrive as
# doubles already rounded the way Keras rounds them (the learning rate is a float32
# value).
#
# Vectorization: the hot kernels walk raw pointers chunk by chunk (CHUNK elements), as
# branch-free loops of few streams. GCC vectorizes a loop only while the run-time alias
# checks between its pointers stay under its limit (ten pairs), which a single loop
# reading and writing a variable and two slots exceeds; a chunk's intermediate results
# are still in L1 when the next loop reads them back.
#
# `g2` is the per-element sum of squared gradient rows: for an IndexedSlices gradient with
# repeated indices it differs from g*g (Keras squares the rows before summing them). None
# means dense: g*g is used. `wd` is the weight decay, applied first with the learning rate
# `wd_lr` (w - w*wd*wd_lr), as Keras does before the update.

from libc.math cimport fabs, pow, sqrt, sqrtf
from cython cimport floating

ctypedef const floating[::1] IN


cdef inline double _decayed(double w, double wd, double lr) noexcept nogil:
    return w - w * wd * lr if wd != 0.0 else w


cdef inline floating _root(floating x) noexcept nogil:
    if floating is float:
        return sqrtf(x)
    else:
        return sqrt(x)


def sgd(IN w, IN g, floating[::1] out_w, double lr, double wd, double wd_lr):
    cdef Py_ssize_t i
    with nogil:
        for i in range(w.shape[0]):
            out_w[i] = _decayed(w[i], wd, wd_lr) - lr * g[i]


# Chunk length for the split loops: a chunk of new moments is still in L1 when the
# variable's loop reads it back.
cdef enum:
    CHUNK = 1024


cdef inline void _finish(const floating* pw, floating* qw, Py_ssize_t start, Py_ssize_t stop,
                         floating sign, double wd, floating wdc, floating lrc) noexcept nogil:
    """qw[i] = decayed(w[i]) + sign*qw[i] over a chunk, where qw holds the update term.
    Reading qw back from the same index keeps the loop to two streams."""
    cdef Py_ssize_t i
    if wd != 0.0:
        if sign > 0:
            for i in range(start, stop):
                qw[i] = (pw[i] - pw[i] * wdc * lrc) + qw[i]
        else:
            for i in range(start, stop):
                qw[i] = (pw[i] - pw[i] * wdc * lrc) - qw[i]
    elif sign > 0:
        for i in range(start, stop):
            qw[i] = pw[i] + qw[i]
    else:
        for i in range(start, stop):
            qw[i] = pw[i] - qw[i]


def sgd_momentum(IN w, IN g, IN m, floating[::1] out_w, floating[::1] out_m, double lr,
                 double momentum, bint nesterov, double wd, double wd_lr):
    cdef Py_ssize_t i, start = 0, stop, n = w.shape[0]
    cdef floating lrc = lr, mu = momentum, wdc = wd, wlr = wd_lr
    if n == 0:
        return
    cdef const floating* pw = &w[0]
    cdef const floating* pg = &g[0]
    cdef const floating* pm = &m[0]
    cdef floating* qw = &out_w[0]
    cdef floating* qm = &out_m[0]
    with nogil:
        while start < n:
            stop = start + CHUNK if start + CHUNK < n else n
            for i in range(start, stop):
                qm[i] = mu * pm[i] - lrc * pg[i]
            if nesterov:
                for i in range(start, stop):
                    qw[i] = mu * qm[i] - lrc * pg[i]
            else:
                for i in range(start, stop):
                    qw[i] = qm[i]
            _finish(pw, qw, start, stop, <floating>1, wd, wdc, wlr)
            start = stop




def adam(IN w, IN g, IN g2, IN m, IN v, IN vhat, floating[::1] out_w, floating[::1] out_m,
         floating[::1] out_v, floating[::1] out_vhat, double alpha, double beta_1,
         double beta_2, double epsilon, bint amsgrad, double wd, double wd_lr):
    """alpha = lr*sqrt(1-beta_2^t)/(1-beta_1^t); vhat/out_vhat are read only with amsgrad.

    Computed in the buffers' precision (float32 like Keras for float32 variables). An
    output may be its own input (out_m is m) but must not overlap another one. Each chunk runs as branch-free loops of at most
    five streams: GCC vectorizes a loop only while its run-time alias checks between
    the streams stay under its limit (ten), which one seven-stream loop exceeds."""
    cdef Py_ssize_t i, start, stop, n = w.shape[0]
    cdef floating a = alpha, eps = epsilon, wdc = wd, lrc = wd_lr
    cdef floating c1 = 1.0 - beta_1, c2 = 1.0 - beta_2
    if n == 0:
        return
    cdef const floating* pw = &w[0]
    cdef const floating* pg = &g[0]
    cdef const floating* pg2 = &g2[0] if g2 is not None else NULL
    cdef const floating* pm = &m[0]
    cdef const floating* pv = &v[0]
    cdef const floating* ph = &vhat[0] if amsgrad else NULL
    cdef floating* qw = &out_w[0]
    cdef floating* qm = &out_m[0]
    cdef floating* qv = &out_v[0]
    cdef floating* qh = &out_vhat[0] if amsgrad else qv
    with nogil:
        start = 0
        while start < n:
            stop = start + CHUNK if start + CHUNK < n else n
            for i in range(start, stop):
                qm[i] = pm[i] + (pg[i] - pm[i]) * c1
            if pg2 == NULL:
                for i in range(start, stop):
                    qv[i] = pv[i] + (pg[i] * pg[i] - pv[i]) * c2
            else:
                for i in range(start, stop):
                    qv[i] = pv[i] + (pg2[i] - pv[i]) * c2
            if amsgrad:
                for i in range(start, stop):
                    qh[i] = ph[i] if ph[i] > qv[i] else qv[i]
            if wd != 0.0:
                for i in range(start, stop):
                    qw[i] = (pw[i] - pw[i] * wdc * lrc) - (qm[i] * a) / (_root(qh[i]) + eps)
            else:
                for i in range(start, stop):
                    qw[i] = pw[i] - (qm[i] * a) / (_root(qh[i]) + eps)
            start = stop


def rmsprop(IN w, IN g, IN g2, IN s, IN mg, IN mom, floating[::1] out_w, floating[::1] out_s,
            floating[::1] out_mg, floating[::1] out_mom, double lr, double rho,
            double epsilon, double momentum, bint centered, double wd, double wd_lr):
    """mg (mean gradient) is used when centered, mom when momentum > 0."""
    cdef Py_ssize_t i, start = 0, stop, n = w.shape[0]
    cdef floating lrc = lr, r = rho, c = 1.0 - rho, eps = epsilon, mu = momentum
    cdef floating wdc = wd, wlr = wd_lr
    if n == 0:
        return
    cdef const floating* pw = &w[0]
    cdef const floating* pg = &g[0]
    cdef const floating* pg2 = &g2[0] if g2 is not None else NULL
    cdef const floating* ps = &s[0]
    cdef const floating* pmg = &mg[0] if centered else NULL
    cdef const floating* pmom = &mom[0] if momentum > 0.0 else NULL
    cdef floating* qw = &out_w[0]
    cdef floating* qs = &out_s[0]
    cdef floating* qmg = &out_mg[0] if centered else NULL
    cdef floating* qmom = &out_mom[0] if momentum > 0.0 else NULL
    with nogil:
        while start < n:
            stop = start + CHUNK if start + CHUNK < n else n
            if pg2 == NULL:
                for i in range(start, stop):
                    qs[i] = r * ps[i] + c * (pg[i] * pg[i])
            else:
                for i in range(start, stop):
                    qs[i] = r * ps[i] + c * pg2[i]
            # qw first holds the denominator, then the step
            if centered:
                for i in range(start, stop):
                    qmg[i] = r * pmg[i] + c * pg[i]
                for i in range(start, stop):
                    qw[i] = qs[i] - qmg[i] * qmg[i] + eps
            else:
                for i in range(start, stop):
                    qw[i] = qs[i] + eps
            for i in range(start, stop):
                qw[i] = lrc * pg[i] / _root(qw[i])
            if qmom != NULL:
                for i in range(start, stop):
                    qmom[i] = mu * pmom[i] + qw[i]
                for i in range(start, stop):
                    qw[i] = qmom[i]
            _finish(pw, qw, start, stop, <floating>-1, wd, wdc, wlr)
            start = stop

def adagrad(IN w, IN g, IN g2, IN acc, floating[::1] out_w, floating[::1] out_acc,
            double lr, double epsilon, double wd, double wd_lr):
    cdef Py_ssize_t i, start = 0, stop, n = w.shape[0]
    cdef floating lrc = lr, eps = epsilon, wdc = wd, wlr = wd_lr
    if n == 0:
        return
    cdef const floating* pw = &w[0]
    cdef const floating* pg = &g[0]
    cdef const floating* pg2 = &g2[0] if g2 is not None else NULL
    cdef const floating* pa = &acc[0]
    cdef floating* qw = &out_w[0]
    cdef floating* qa = &out_acc[0]
    with nogil:
        while start < n:
            stop = start + CHUNK if start + CHUNK < n else n
            if pg2 == NULL:
                for i in range(start, stop):
                    qa[i] = pa[i] + pg[i] * pg[i]
            else:
                for i in range(start, stop):
                    qa[i] = pa[i] + pg2[i]
            for i in range(start, stop):
                qw[i] = lrc * pg[i] / _root(qa[i] + eps)
            _finish(pw, qw, start, stop, <floating>-1, wd, wdc, wlr)
            start = stop

def adadelta(IN w, IN g, IN g2, IN acc_g, IN acc_d, floating[::1] out_w,
             floating[::1] out_acc_g, floating[::1] out_acc_d, double lr, double rho,
             double epsilon, double wd, double wd_lr):
    cdef Py_ssize_t i
    cdef bint has_g2 = g2 is not None
    cdef double a, d, d2
    with nogil:
        for i in range(w.shape[0]):
            a = rho * acc_g[i] + (1.0 - rho) * (g2[i] if has_g2 else <double>g[i] * g[i])
            d = -sqrt(acc_d[i] + epsilon) * g[i] / sqrt(a + epsilon)
            # squared per-row deltas, summed: (D+eps)/(A+eps) * sum of g_i^2
            d2 = (acc_d[i] + epsilon) / (a + epsilon) * g2[i] if has_g2 else d * d
            out_acc_g[i] = a
            out_acc_d[i] = rho * acc_d[i] + (1.0 - rho) * d2
            out_w[i] = _decayed(w[i], wd, wd_lr) + lr * d


def adamax(IN w, IN g, IN g2, IN m, IN u, floating[::1] out_w, floating[::1] out_m,
           floating[::1] out_u, double lr, double beta_1, double beta_2, double epsilon,
           double beta_1_power, double wd, double wd_lr):
    """g2 (sparse gradients): the per-element sum of |row|, which replaces |g|."""
    cdef Py_ssize_t i
    cdef bint has_g2 = g2 is not None
    cdef double mi, ui, ag
    with nogil:
        for i in range(w.shape[0]):
            mi = m[i] + (g[i] - m[i]) * (1.0 - beta_1)
            ui = beta_2 * u[i]
            ag = g2[i] if has_g2 else fabs(g[i])
            if ag > ui:
                ui = ag
            out_m[i] = mi
            out_u[i] = ui
            out_w[i] = (_decayed(w[i], wd, wd_lr)
                        - (lr * mi) / ((1.0 - beta_1_power) * (ui + epsilon)))


def nadam(IN w, IN g, IN g2, IN m, IN v, floating[::1] out_w, floating[::1] out_m,
          floating[::1] out_v, double lr, double beta_1, double beta_2, double epsilon,
          double u_t, double u_t_1, double u_product_t, double beta_2_power, double wd,
          double wd_lr):
    cdef Py_ssize_t i, start = 0, stop, n = w.shape[0]
    cdef floating c1 = 1.0 - beta_1, c2 = 1.0 - beta_2, lrc = lr, eps = epsilon
    cdef floating k1 = u_t_1, d1 = 1.0 - u_product_t * u_t_1
    cdef floating k2 = 1.0 - u_t, d2 = 1.0 - u_product_t, d3 = 1.0 - beta_2_power
    cdef floating wdc = wd, wlr = wd_lr
    if n == 0:
        return
    cdef const floating* pw = &w[0]
    cdef const floating* pg = &g[0]
    cdef const floating* pg2 = &g2[0] if g2 is not None else NULL
    cdef const floating* pm = &m[0]
    cdef const floating* pv = &v[0]
    cdef floating* qw = &out_w[0]
    cdef floating* qm = &out_m[0]
    cdef floating* qv = &out_v[0]
    with nogil:
        while start < n:
            stop = start + CHUNK if start + CHUNK < n else n
            for i in range(start, stop):
                qm[i] = pm[i] + (pg[i] - pm[i]) * c1
            if pg2 == NULL:
                for i in range(start, stop):
                    qv[i] = pv[i] + (pg[i] * pg[i] - pv[i]) * c2
            else:
                for i in range(start, stop):
                    qv[i] = pv[i] + (pg2[i] - pv[i]) * c2
            for i in range(start, stop):
                qw[i] = k1 * qm[i] / d1 + k2 * pg[i] / d2
            for i in range(start, stop):
                qw[i] = (qw[i] * lrc) / (_root(qv[i] / d3) + eps)
            _finish(pw, qw, start, stop, <floating>-1, wd, wdc, wlr)
            start = stop

def ftrl(IN w, IN g, IN g2, IN accum, IN linear, floating[::1] out_w, floating[::1] out_accum,
         floating[::1] out_linear, double lr, double lr_power, double l1, double l2_reg,
         double l2_shrinkage, double wd, double wd_lr):
    """l2_reg = l2 + beta/(2 lr)."""
    cdef Py_ssize_t i
    cdef bint has_g2 = g2 is not None
    cdef double wi, n_new, p_old, p_new, lin, clipped
    with nogil:
        for i in range(w.shape[0]):
            wi = _decayed(w[i], wd, wd_lr)
            n_new = accum[i] + (g2[i] if has_g2 else <double>g[i] * g[i])
            p_new = pow(n_new, -lr_power)
            p_old = pow(accum[i], -lr_power)
            lin = linear[i] + (g[i] + 2.0 * l2_shrinkage * wi) - (p_new - p_old) / lr * wi
            clipped = lin if lin < l1 else l1
            if clipped < -l1:
                clipped = -l1
            out_linear[i] = lin
            out_accum[i] = n_new
            out_w[i] = (clipped - lin) / (p_new / lr + 2.0 * l2_reg)


def lion(IN w, IN g, IN m, floating[::1] out_w, floating[::1] out_m, double lr,
         double beta_1, double beta_2, double wd, double wd_lr):
    cdef Py_ssize_t i, start = 0, stop, n = w.shape[0]
    cdef floating b1 = beta_1, c1 = 1.0 - beta_1, b2 = beta_2, c2 = 1.0 - beta_2
    cdef floating lrc = lr, wdc = wd, wlr = wd_lr
    if n == 0:
        return
    cdef const floating* pw = &w[0]
    cdef const floating* pg = &g[0]
    cdef const floating* pm = &m[0]
    cdef floating* qw = &out_w[0]
    cdef floating* qm = &out_m[0]
    with nogil:
        while start < n:
            stop = start + CHUNK if start + CHUNK < n else n
            for i in range(start, stop):
                qw[i] = pm[i] * b1 + pg[i] * c1
            for i in range(start, stop):
                qw[i] = lrc * ((<floating>(qw[i] > 0)) - (<floating>(qw[i] < 0)))
            for i in range(start, stop):
                qm[i] = pm[i] * b2 + pg[i] * c2
            _finish(pw, qw, start, stop, <floating>-1, wd, wdc, wlr)
            start = stop

def ema(IN avg, IN w, floating[::1] out_avg, double momentum):
    """Exponential moving average: avg*momentum + w*(1-momentum)."""
    cdef Py_ssize_t i
    with nogil:
        for i in range(w.shape[0]):
            out_avg[i] = avg[i] * momentum + w[i] * (1.0 - momentum)


def scatter_rows(IN values, const long long[::1] indices, floating[:, ::1] out, bint square):
    """out[indices[k]] += values[k] (or values[k]**2), for the rows of a (k, row) buffer."""
    cdef Py_ssize_t k, j, r, row = out.shape[1], n = out.shape[0]
    with nogil:
        for k in range(indices.shape[0]):
            r = indices[k]
            if r < 0 or r >= n:
                with gil:
                    raise IndexError(f"index {r} is out of bounds for {n} rows")
            for j in range(row):
                if square:
                    out[r, j] += values[k * row + j] * values[k * row + j]
                else:
                    out[r, j] += values[k * row + j]
