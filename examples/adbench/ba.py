"""ADBench objective: bundle adjustment reprojection error.

Written from the mathematical definition in Srajer, Kukelova & Fitzgibbon
(2018), section "Bundle adjustment".

* ``cams``  (n_cams, 11): Rodrigues rotation (3), camera centre (3),
  focal length (1), principal point (2), radial distortion k1, k2 (2)
* ``X``     (n_pts, 3):   3-D points
* ``w``     (n_obs,):     per-observation weights
* ``obs``   (n_obs, 2):   integer (camera index, point index) per observation
* ``feats`` (n_obs, 2):   measured 2-D features

For observation i with camera c and point p::

    Xcam  = R(rot_c) (X_p - C_c)                 (Rodrigues formula)
    u     = Xcam[:2] / Xcam[2]
    u'    = u (1 + k1 |u|^2 + k2 |u|^4)
    proj  = f_c u' + x0_c
    reproj_err_i = w_i (proj - feat_i)           (2 residuals)
    w_err_i      = 1 - w_i^2                     (1 residual)

The Jacobian is computed like ADBench does, observation by observation: for
each observation a 2 x 15 block w.r.t. (camera 11, point 3, weight 1), plus
the diagonal d w_err / d w.  ``dense_jacobian`` scatters the blocks into the
full (3 n_obs) x (11 n_cams + 3 n_pts + n_obs) matrix (rows: the 2 n_obs
reprojection residuals, observation-major, then the n_obs weight residuals;
columns: cameras, points, weights).
"""

import numpy as np

import fasttape as tf

ROT, CENTER, FOCAL, X0, RAD = slice(0, 3), slice(3, 6), 6, slice(7, 9), slice(9, 11)
# Below this squared angle the first-order rotation X + rot x X is exact to
# machine precision, and the full formula would divide by ~0.
SMALL_SQTHETA = np.float64(1e-16)


def make_inputs(n_cams, n_pts, n_obs, seed=0):
    """Deterministic synthetic BA problem.

    Camera 0 has an exactly-zero rotation so the small-angle branch of the
    Rodrigues formula is exercised; every camera and point is observed at
    least once when ``n_obs >= max(n_cams, n_pts)``.
    """
    rng = np.random.default_rng(seed)
    cams = np.zeros((n_cams, 11))
    cams[:, ROT] = rng.normal(0.0, 0.2, size=(n_cams, 3))
    cams[0, ROT] = 0.0
    cams[:, CENTER] = rng.normal(0.0, 0.5, size=(n_cams, 3)) + np.array([0.0, 0.0, -8.0])
    cams[:, FOCAL] = rng.uniform(400.0, 600.0, size=n_cams)
    cams[:, X0] = rng.normal(0.0, 5.0, size=(n_cams, 2))
    cams[:, RAD] = rng.normal(0.0, 0.05, size=(n_cams, 2))
    X = rng.uniform(-1.0, 1.0, size=(n_pts, 3))
    w = rng.uniform(0.5, 1.5, size=n_obs)
    cam_idx = np.arange(n_obs) % n_cams
    pt_idx = (np.arange(n_obs) * 7 + 3) % n_pts
    rng.shuffle(pt_idx)
    obs = np.stack([cam_idx, pt_idx], axis=1).astype(np.int64)
    feats = rng.uniform(-80.0, 80.0, size=(n_obs, 2))
    return {"cams": cams, "X": X, "w": w, "obs": obs, "feats": feats}


def rodrigues_rotate_point(rot, X):
    sqtheta = tf.reduce_sum(tf.square(rot))

    def full_rotation():
        theta = tf.sqrt(sqtheta)
        costheta = tf.cos(theta)
        sintheta = tf.sin(theta)
        axis = rot / theta
        axis_cross_X = tf.linalg.cross(axis, X)
        tmp = tf.tensordot(axis, X, 1) * (1.0 - costheta)
        return X * costheta + axis_cross_X * sintheta + axis * tmp

    def small_rotation():
        return X + tf.linalg.cross(rot, X)

    return tf.cond(sqtheta > SMALL_SQTHETA, full_rotation, small_rotation)


def radial_distort(rad_params, proj):
    rsq = tf.reduce_sum(tf.square(proj))
    L = 1.0 + rad_params[0] * rsq + rad_params[1] * rsq * rsq
    return proj * L


def project(cam, X):
    Xo = X - cam[CENTER]
    Xcam = rodrigues_rotate_point(cam[ROT], Xo)
    distorted = radial_distort(cam[RAD], Xcam[0:2] / Xcam[2])
    return distorted * cam[FOCAL] + cam[X0]


def compute_reproj_error(cam, X, w, feat):
    return (project(cam, X) - feat) * w


def compute_w_err(w):
    return 1.0 - tf.square(w)


def objective(cams, X, w, obs, feats):
    """Return ``(reproj_err (n_obs, 2), w_err (n_obs,))``."""
    cams = tf.convert_to_tensor(cams, dtype=tf.float64)
    X = tf.convert_to_tensor(X, dtype=tf.float64)
    w = tf.convert_to_tensor(w, dtype=tf.float64)
    feats = tf.convert_to_tensor(feats, dtype=tf.float64)
    obs = np.asarray(obs)
    n_obs = w.get_shape().as_list()[0]

    cam_per_obs = tf.gather(cams, obs[:, 0])
    X_per_obs = tf.gather(X, obs[:, 1])
    reproj = []
    for i in range(n_obs):
        reproj.append(compute_reproj_error(cam_per_obs[i], X_per_obs[i], w[i], feats[i]))
    return tf.stack(reproj), compute_w_err(w)


def jacobian(cams, X, w, obs, feats):
    """Per-observation Jacobian blocks, computed with ``tf.GradientTape``.

    Returns ``(reproj_err (n_obs, 2), w_err (n_obs,), J_reproj (n_obs, 2, 15),
    J_w (n_obs,))`` where ``J_reproj[i]`` is d reproj_err_i / d(cam 11, point 3,
    weight 1) of observation i and ``J_w[i] = d w_err_i / d w_i``.
    """
    cams = tf.convert_to_tensor(cams, dtype=tf.float64)
    X = tf.convert_to_tensor(X, dtype=tf.float64)
    w = tf.convert_to_tensor(w, dtype=tf.float64)
    feats = tf.convert_to_tensor(feats, dtype=tf.float64)
    obs = np.asarray(obs)
    n_obs = w.get_shape().as_list()[0]

    errs, blocks = [], []
    for i in range(n_obs):
        cam_i = tf.gather(cams, obs[i, 0])
        X_i = tf.gather(X, obs[i, 1])
        params = tf.concat([cam_i, X_i, tf.reshape(w[i], [1])], axis=0)  # (15,)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(params)
            err = compute_reproj_error(params[0:11], params[11:14], params[14], feats[i])
            err_x = err[0]
            err_y = err[1]
        rows = [tape.gradient(err_x, params), tape.gradient(err_y, params)]
        del tape
        errs.append(err)
        blocks.append(tf.stack(rows))

    with tf.GradientTape() as tape:
        tape.watch(w)
        w_err = compute_w_err(w)
    # Each w_err_i depends on w_i only, so the gradient of the sum is the
    # diagonal of the Jacobian.
    J_w = tape.gradient(w_err, w)
    return tf.stack(errs), w_err, tf.stack(blocks), J_w


def dense_jacobian(obs, n_cams, n_pts, J_reproj, J_w):
    """Scatter per-observation blocks (numpy) into the full dense Jacobian."""
    obs = np.asarray(obs)
    J_reproj = np.asarray(J_reproj)
    J_w = np.asarray(J_w)
    n_obs = obs.shape[0]
    J = np.zeros((3 * n_obs, 11 * n_cams + 3 * n_pts + n_obs))
    pt0, w0 = 11 * n_cams, 11 * n_cams + 3 * n_pts
    for i in range(n_obs):
        c, p = obs[i]
        rows = slice(2 * i, 2 * i + 2)
        J[rows, 11 * c:11 * c + 11] += J_reproj[i, :, 0:11]
        J[rows, pt0 + 3 * p:pt0 + 3 * p + 3] += J_reproj[i, :, 11:14]
        J[rows, w0 + i] += J_reproj[i, :, 14]
        J[2 * n_obs + i, w0 + i] = J_w[i]
    return J


if __name__ == "__main__":
    inputs = make_inputs(n_cams=4, n_pts=8, n_obs=10, seed=0)
    reproj, w_err, J_reproj, J_w = jacobian(**inputs)
    value = float(np.sum(np.square(reproj.numpy())) + np.sum(np.square(w_err.numpy())))
    norm = float(np.sqrt(np.sum(np.square(J_reproj.numpy())) + np.sum(np.square(J_w.numpy()))))
    print("ba 10 observations: |residual|^2 = %.12g  |J| = %.12g" % (value, norm))
