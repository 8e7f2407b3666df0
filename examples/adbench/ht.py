"""ADBench objective: hand tracking (simple and complicated variants).

Written from the mathematical definition in Srajer, Kukelova & Fitzgibbon
(2018), section "Hand tracking".  The real ADBench hand model files are not
available here, so ``make_inputs`` generates a deterministic synthetic hand
with the same structure: 22 bones (root, wrist, then 5 fingers of 4 bones in
a chain), per-bone base relative transforms, inverse base absolute
transforms, skinned vertices with per-bone weights, and triangles.

Pose: 26 parameters ``theta`` = global rotation (angle-axis, 3), global
translation (3), then per finger 4 angles (first joint 2, the next two joints
1 each, fingertip none).  They expand into (n_bones + 3) x 3 pose parameters:
row 0 global rotation, row 1 global scale (ones), row 2 global translation,
row 3 + b the Euler angles (x, z, y order as in ADBench) of bone b.

Model evaluation::

    relative_b  = base_relative_b @ [R_euler(pose_b) 0; 0 1]
    absolute_b  = absolute_parent(b) @ relative_b        (chain over bones)
    transform_b = absolute_b @ inverse_base_absolute_b
    vertex_v    = sum_b weight[v, b] * (transform_b @ base_position_v)[:3]
    (x mirrored if the model is mirrored)
    vertex_v    = R_angle_axis(global rot) diag(scale) vertex_v + translation

Residuals (3 per correspondence):

* simple:      err_i = point_i - vertex[correspondence_i]
* complicated: err_i = point_i - (u_i0 V_a + u_i1 V_b + (1 - u_i0 - u_i1) V_c)
  with (a, b, c) = triangle[correspondence_i] and per-point ``us`` (n_pts, 2).

Jacobian: (3 n_pts) x 26 for simple; for complicated (3 n_pts) x (2 + 26) in
ADBench's compact layout: the first two columns hold d err_i / d us_i for the
point the row belongs to (the us-Jacobian is block diagonal), then theta.
"""

import numpy as np
from scipy.spatial.transform import Rotation

import fasttape as tf

N_FINGERS = 5
BONES_PER_FINGER = 4
N_BONES = 2 + N_FINGERS * BONES_PER_FINGER
N_THETA = 6 + N_FINGERS * 4
SMALL_SQANGLE = np.float64(1e-16)


# ---------------------------------------------------------------------------
# synthetic model (numpy only)
# ---------------------------------------------------------------------------

def _homogeneous(rotvec, translation):
    T = np.eye(4)
    T[:3, :3] = Rotation.from_rotvec(rotvec).as_matrix()
    T[:3, 3] = translation
    return T


def make_model(seed=0, verts_per_bone=25, is_mirrored=False):
    """Deterministic synthetic hand model with ADBench's structure."""
    rng = np.random.default_rng(seed)
    parents = [-1, 0]
    for f in range(N_FINGERS):
        first = 2 + BONES_PER_FINGER * f
        parents += [1, first, first + 1, first + 2]

    base_relatives = np.zeros((N_BONES, 4, 4))
    lengths = np.zeros(N_BONES)
    base_relatives[0] = _homogeneous(rng.normal(0.0, 0.05, 3), np.zeros(3))
    base_relatives[1] = _homogeneous(rng.normal(0.0, 0.05, 3), np.array([0.0, 0.2, 0.0]))
    lengths[0], lengths[1] = 0.2, 0.8
    for f in range(N_FINGERS):
        spread = -0.4 + 0.2 * f
        for j in range(BONES_PER_FINGER):
            b = 2 + BONES_PER_FINGER * f + j
            if j == 0:
                offset = np.array([spread, 0.8, 0.0])
            else:
                offset = np.array([0.0, lengths[b - 1], 0.0])
            base_relatives[b] = _homogeneous(rng.normal(0.0, 0.1, 3), offset)
            lengths[b] = rng.uniform(0.2, 0.35)

    base_absolutes = np.zeros_like(base_relatives)
    for b in range(N_BONES):
        p = parents[b]
        base_absolutes[b] = base_relatives[b] if p < 0 else base_absolutes[p] @ base_relatives[b]
    inverse_base_absolutes = np.linalg.inv(base_absolutes)

    positions, weights = [], []
    for b in range(1, N_BONES):
        for _ in range(verts_per_bone):
            angle = rng.uniform(0.0, 2.0 * np.pi)
            radius = rng.uniform(0.05, 0.1)
            local = np.array([radius * np.cos(angle), rng.uniform(0.0, lengths[b]),
                              radius * np.sin(angle), 1.0])
            positions.append(base_absolutes[b] @ local)
            row = np.zeros(N_BONES)
            own = rng.uniform(0.6, 1.0)
            row[b] = own
            row[parents[b]] = 1.0 - own
            weights.append(row)
    base_positions = np.array(positions)
    n_verts = base_positions.shape[0]
    n_triangles = 2 * n_verts
    triangles = np.array([rng.choice(n_verts, size=3, replace=False) for _ in range(n_triangles)],
                         dtype=np.int64)
    return {
        "parents": parents,
        "base_relatives": base_relatives,
        "inverse_base_absolutes": inverse_base_absolutes,
        "base_positions": base_positions,  # (n_verts, 4), homogeneous
        "weights": np.array(weights),  # (n_verts, n_bones)
        "triangles": triangles,
        "is_mirrored": bool(is_mirrored),
    }


def make_inputs(n_pts, complicated=False, seed=0, verts_per_bone=25, is_mirrored=False):
    """Deterministic HT problem: theta, model, correspondences, points (+ us)."""
    model = make_model(seed=seed, verts_per_bone=verts_per_bone, is_mirrored=is_mirrored)
    rng = np.random.default_rng(seed + 1000)
    theta = rng.normal(0.0, 0.2, N_THETA)
    theta[0:3] = rng.normal(0.0, 0.5, 3)
    base = model["base_positions"][:, :3]
    inputs = {"theta": theta, "model": model}
    if complicated:
        tri = model["triangles"]
        correspondences = rng.integers(0, tri.shape[0], n_pts).astype(np.int64)
        us = rng.uniform(0.0, 1.0, (n_pts, 2))
        flip = us.sum(axis=1) > 1.0
        us[flip] = 1.0 - us[flip]
        true_us = rng.uniform(0.0, 0.5, (n_pts, 2))
        corners = base[tri[correspondences]]  # (n_pts, 3, 3)
        points = (true_us[:, 0:1] * corners[:, 0] + true_us[:, 1:2] * corners[:, 1]
                  + (1.0 - true_us.sum(axis=1, keepdims=True)) * corners[:, 2])
        inputs["us"] = us
    else:
        correspondences = rng.integers(0, base.shape[0], n_pts).astype(np.int64)
        points = base[correspondences].copy()
    points = points + rng.normal(0.0, 0.05, points.shape)
    inputs["correspondences"] = correspondences
    inputs["points"] = points
    return inputs


# ---------------------------------------------------------------------------
# the objective
# ---------------------------------------------------------------------------

def to_pose_params(theta, n_bones):
    """26 theta values -> (n_bones + 3, 3) pose parameters (nested list -> tensor)."""
    zero = [0.0, 0.0, 0.0]
    rows = [
        [theta[0], theta[1], theta[2]],  # global rotation
        [1.0, 1.0, 1.0],  # global scale
        [theta[3], theta[4], theta[5]],  # global translation
        zero,  # root bone
        zero,  # wrist
    ]
    i_theta = 6
    for _ in range(N_FINGERS):
        rows.append([theta[i_theta], theta[i_theta + 1], 0.0])
        rows.append([theta[i_theta + 2], 0.0, 0.0])
        rows.append([theta[i_theta + 3], 0.0, 0.0])
        rows.append(zero)  # fingertip
        i_theta += 4
    assert len(rows) == n_bones + 3
    return tf.convert_to_tensor(rows)


def euler_angles_to_rotation_matrix(xzy):
    tx, ty, tz = xzy[0], xzy[2], xzy[1]
    cx, sx = tf.cos(tx), tf.sin(tx)
    cy, sy = tf.cos(ty), tf.sin(ty)
    cz, sz = tf.cos(tz), tf.sin(tz)
    Rx = tf.convert_to_tensor([[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]])
    Ry = tf.convert_to_tensor([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    Rz = tf.convert_to_tensor([[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]])
    return tf.matmul(Rz, tf.matmul(Ry, Rx))


def to_homogeneous(R):
    top = tf.concat([R, tf.zeros([3, 1], dtype=tf.float64)], axis=1)
    bottom = tf.constant([[0.0, 0.0, 0.0, 1.0]], dtype=tf.float64)
    return tf.concat([top, bottom], axis=0)


def angle_axis_to_rotation_matrix(angle_axis):
    sqnorm = tf.reduce_sum(tf.square(angle_axis))

    def full_rotation():
        n = tf.norm(angle_axis)
        x, y, z = tf.unstack(angle_axis / n)
        s, c = tf.sin(n), tf.cos(n)
        return tf.convert_to_tensor([
            [x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
            [x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s],
            [x * z * (1 - c) - y * s, y * z * (1 - c) + x * s, z * z + (1 - z * z) * c],
        ])

    def small_rotation():  # first order: I + [angle_axis]_x
        x, y, z = tf.unstack(angle_axis)
        return tf.convert_to_tensor([[1.0, -z, y], [z, 1.0, -x], [-y, x, 1.0]])

    return tf.cond(sqnorm > SMALL_SQANGLE, full_rotation, small_rotation)


def get_posed_relatives(pose_params, base_relatives):
    n_bones = base_relatives.get_shape().as_list()[0]
    relatives = []
    for b in range(n_bones):
        T = to_homogeneous(euler_angles_to_rotation_matrix(pose_params[3 + b]))
        relatives.append(tf.matmul(base_relatives[b], T))
    return relatives


def relatives_to_absolutes(relatives, parents):
    absolutes = []
    for b, parent in enumerate(parents):
        if parent < 0:
            absolutes.append(relatives[b])
        else:
            absolutes.append(tf.matmul(absolutes[parent], relatives[b]))
    return absolutes


def apply_global_transform(pose_params, positions):
    R = angle_axis_to_rotation_matrix(pose_params[0])
    R = R * pose_params[1]  # scale the columns
    return tf.matmul(positions, tf.transpose(R)) + pose_params[2]


def get_skinned_vertex_positions(pose_params, model):
    base_relatives = tf.constant(model["base_relatives"], dtype=tf.float64)
    inverse_base_absolutes = tf.constant(model["inverse_base_absolutes"], dtype=tf.float64)
    base_positions = tf.constant(model["base_positions"], dtype=tf.float64)
    weights = tf.constant(model["weights"], dtype=tf.float64)

    relatives = get_posed_relatives(pose_params, base_relatives)
    absolutes = relatives_to_absolutes(relatives, model["parents"])
    transforms = tf.stack([tf.matmul(absolutes[b], inverse_base_absolutes[b])
                           for b in range(len(absolutes))])  # (n_bones, 4, 4)
    # (n_bones, n_verts, 3): every bone's transform applied to every vertex
    per_bone = tf.einsum("bij,vj->bvi", transforms[:, :3, :], base_positions)
    positions = tf.einsum("vb,bvi->vi", weights, per_bone)  # (n_verts, 3)
    if model["is_mirrored"]:
        positions = positions * tf.constant([-1.0, 1.0, 1.0], dtype=tf.float64)
    return apply_global_transform(pose_params, positions)


def objective(theta, model, correspondences, points, us=None):
    """Residuals (n_pts, 3); ``us`` given -> complicated variant."""
    theta = tf.convert_to_tensor(theta, dtype=tf.float64)
    points = tf.convert_to_tensor(points, dtype=tf.float64)
    correspondences = np.asarray(correspondences)
    n_bones = len(model["parents"])

    pose_params = to_pose_params(theta, n_bones)
    vertices = get_skinned_vertex_positions(pose_params, model)
    if us is None:
        hand_points = tf.gather(vertices, correspondences)
    else:
        us = tf.convert_to_tensor(us, dtype=tf.float64)
        triangles = np.asarray(model["triangles"])[correspondences]
        u0 = us[:, 0:1]
        u1 = us[:, 1:2]
        hand_points = (u0 * tf.gather(vertices, triangles[:, 0])
                       + u1 * tf.gather(vertices, triangles[:, 1])
                       + (1.0 - u0 - u1) * tf.gather(vertices, triangles[:, 2]))
    return points - hand_points


def jacobian(theta, model, correspondences, points, us=None):
    """Return ``(err (3 n_pts,), J)`` computed with a persistent GradientTape.

    Simple: J is (3 n_pts, 26).  Complicated: J is (3 n_pts, 28), columns
    ``[d/d us_i (2), d/d theta (26)]`` (ADBench's compact layout).
    """
    theta = tf.Variable(theta, dtype=tf.float64)
    complicated = us is not None
    if complicated:
        us = tf.Variable(us, dtype=tf.float64)
    n_pts = np.asarray(points).shape[0]
    with tf.GradientTape(persistent=True) as tape:
        err = tf.reshape(objective(theta, model, correspondences, points, us), [-1])
        outputs = [err[r] for r in range(3 * n_pts)]
    rows = []
    for r, out in enumerate(outputs):
        if complicated:
            d_theta, d_us = tape.gradient(out, [theta, us])
            rows.append(tf.concat([d_us[r // 3], d_theta], axis=0))
        else:
            rows.append(tape.gradient(out, theta))
    del tape
    return err, tf.stack(rows)


if __name__ == "__main__":
    for complicated in (False, True):
        inputs = make_inputs(n_pts=10, complicated=complicated, seed=0)
        err, J = jacobian(**inputs)
        print("ht %s 10 points: |err|^2 = %.12g  |J| = %.12g" % (
            "complicated" if complicated else "simple",
            float(np.sum(np.square(err.numpy()))), float(np.sqrt(np.sum(np.square(J.numpy()))))))
