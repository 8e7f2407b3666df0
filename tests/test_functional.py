"""map_fn, scan, folds, vectorized_map, TensorArray, recompute_grad, grad_pass_through."""

import tracemalloc

import numpy as np
import pytest

import fasttape as tf
from fasttape import errors


def close(a, b, **kw):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6, **kw)


X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)


# --- map_fn -------------------------------------------------------------------------

def test_map_fn_values_nests_and_gradients():
    x = tf.constant(X)
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.map_fn(lambda r: r * r * v, x)
    close(y, X * X * 2)
    gx, gv = tape.gradient(y, [x, v])
    close(gx, 4 * X)
    close(gv, np.sum(X * X))
    out = tf.map_fn(lambda p: {"s": p[0] + tf.cast(p[1], tf.float32), "n": tf.cast(p[1], tf.int64)},
                    (x, tf.constant([1, 2, 3])),
                    fn_output_signature={"s": tf.float32, "n": tf.int64})
    assert out["n"].dtype == tf.int64
    close(out["s"], X + np.array([1, 2, 3])[:, None])


def test_map_fn_signature_errors():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError):
        tf.map_fn(lambda r: (r, r), x)
    with pytest.raises(errors.InvalidArgumentError, match="int32"):
        tf.map_fn(lambda r: tf.cast(r, tf.int32), x)
    with pytest.raises(errors.InvalidArgumentError, match="fn_output_signature"):
        tf.map_fn(lambda r: r, x, fn_output_signature=tf.float64)
    with pytest.raises(ValueError, match="elems"):
        tf.map_fn(lambda p: p[0], (x, tf.constant([1.0, 2.0, 3.0])))
    with pytest.raises(ValueError, match="scalars"):
        tf.map_fn(lambda r: r, tf.constant(1.0))
    assert tf.map_fn(lambda r: r, tf.zeros((0, 3))).shape == (0,)


# --- scan and folds -----------------------------------------------------------------

def test_scan_forward_reverse_and_initializer():
    x = tf.constant([1.0, 2.0, 3.0])
    close(tf.scan(lambda a, e: a + e, x), [1, 3, 6])
    close(tf.scan(lambda a, e: a + e, x, reverse=True), [6, 5, 3])
    close(tf.scan(lambda a, e: a * e, x, initializer=tf.constant(2.0)), [2, 4, 12])
    d = tf.scan(lambda a, e: {"s": a["s"] + e}, x, initializer={"s": tf.constant(0.0)})
    close(d["s"], [1, 3, 6])
    with pytest.raises(errors.InvalidArgumentError):
        tf.scan(lambda a, e: tf.cast(a, tf.int32), x)
    with pytest.raises(ValueError):
        tf.scan(lambda a, e: (a, a), x)


def test_folds_and_their_gradients():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        left = tf.foldl(lambda a, e: a * 2.0 + e, x)
        right = tf.foldr(lambda a, e: a * 2.0 + e, x)
        init = tf.foldl(lambda a, e: a * e, x, initializer=tf.constant(10.0))
    close(left, (1 * 2 + 2) * 2 + 3)
    close(right, (3 * 2 + 2) * 2 + 1)
    close(init, 60.0)
    close(tape.gradient(left, x), [4, 2, 1])
    close(tape.gradient(right, x), [1, 2, 4])
    close(tape.gradient(init, x), [60.0, 30.0, 20.0])


# --- vectorized_map -----------------------------------------------------------------

def test_vectorized_map_equals_stacking_and_handles_nests_and_ints():
    x = tf.constant(X)
    close(tf.vectorized_map(lambda r: tf.tanh(r) * r, x), np.tanh(X) * X)
    a, b = tf.vectorized_map(lambda p: (p[0] * 2, p[1]), (tf.constant([1.0, 2.0]),
                                                          tf.constant([3, 4])))
    assert b.dtype == tf.int32
    close(a, [2, 4])


def test_vectorized_map_per_example_gradients():
    w = tf.Variable([[0.5], [-1.0]])
    x, y = tf.constant(X), tf.constant([[1.0], [0.0], [2.0]])

    def per_example(p):
        xi, yi = p
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((tf.reshape(xi, (1, 2)) @ w - yi) ** 2)
        return tape.gradient(loss, w)

    grads = tf.vectorized_map(per_example, (x, y))
    resid = X @ np.array([[0.5], [-1.0]]) - np.array([[1.0], [0.0], [2.0]])
    close(grads, 2 * resid[:, None, :] * X[:, :, None])


def test_vectorized_map_outer_gradient_reaches_captured_variables():
    w = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.vectorized_map(lambda r: r * w, tf.constant([1.0, 2.0])))
    close(tape.gradient(y, w), 3.0)


# --- TensorArray --------------------------------------------------------------------

def test_tensor_array_basic_methods():
    ta = tf.TensorArray(tf.float32, size=3)
    assert ta.element_shape == tf.TensorShape(None)
    for k in range(3):
        ta = ta.write(k, [float(k), 1.0])
    assert ta.element_shape == tf.TensorShape([2])
    assert ta.size().dtype == tf.int32 and int(ta.size()) == 3
    close(ta.stack(), [[0, 1], [1, 1], [2, 1]])
    close(ta.gather([2, 0]), [[2, 1], [0, 1]])
    close(ta.concat(), [0, 1, 1, 1, 2, 1])
    close(ta.identity().stack(), ta.stack())
    s = tf.TensorArray(tf.float32, size=2).split(tf.constant([1.0, 2.0, 3.0]), [1, 2])
    close(s.read(1), [2, 3])
    sc = tf.TensorArray(tf.float32, size=3).scatter([2, 0], tf.constant([[1.0], [2.0]]))
    close(sc.stack(), [[2], [0], [1]])
    u = tf.TensorArray(tf.float32, size=2).unstack(tf.constant([[1.0], [2.0]]))
    close(u.read(1), [2.0])
    assert tf.TensorArray(tf.float32, size=0).stack().shape == (0,)
    assert ta.close() is None


def test_tensor_array_dynamic_size_and_clear_after_read():
    dyn = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(2, 1.0)
    close(dyn.stack(), [0, 0, 1])
    ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0)
    ta.read(0)
    with pytest.raises(errors.InvalidArgumentError, match="clear_after_read"):
        ta.read(0)
    close(ta.stack(), [0, 2])
    keep = tf.TensorArray(tf.float32, size=1, clear_after_read=False).write(0, 1.0)
    close(keep.read(0), keep.read(0))


def test_tensor_array_errors():
    with pytest.raises(errors.OutOfRangeError, match="index 3"):
        tf.TensorArray(tf.float32, size=1).write(3, 1.0)
    with pytest.raises(errors.OutOfRangeError, match="index 5"):
        tf.TensorArray(tf.float32, size=3).read(5)
    with pytest.raises(errors.InvalidArgumentError, match="int32"):
        tf.TensorArray(tf.float32, size=1).write(0, tf.constant(1))
    with pytest.raises(ValueError, match="Incompatible shape"):
        tf.TensorArray(tf.float32, size=2).write(0, [1.0]).write(1, [1.0, 2.0])
    with pytest.raises(ValueError, match="Incompatible shape"):
        tf.TensorArray(tf.float32, size=1, element_shape=[2]).write(0, [1.0])
    with pytest.raises(ValueError, match="never written"):
        tf.TensorArray(tf.float32, size=3).read(1)
    with pytest.raises(ValueError, match="static size 1"):
        tf.TensorArray(tf.float32, size=1).unstack(tf.constant([1.0, 2.0]))


def test_tensor_array_in_while_loop_with_gradients():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=3)
        _, ta, _ = tf.while_loop(lambda i, ta, p: i < 3,
                                 lambda i, ta, p: (i + 1, ta.write(i, p), p * x),
                                 [0, ta, tf.ones_like(x)])
        out = tf.reduce_sum(ta.stack())
    assert isinstance(ta, tf.TensorArray)
    close(out, 1 + 1 + 1 + 2 + 1 + 4)
    close(tape.gradient(out, x), [1 + 2 * 1, 1 + 2 * 2])


def test_tensor_array_under_forward_mode():
    x = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        ta = tf.TensorArray(tf.float32, size=2).write(0, x * x).write(1, x)
        y = ta.stack()
    close(acc.jvp(y), [4.0, 1.0])


# --- recompute_grad, grad_pass_through, gradients -----------------------------------

def _block(ws):
    def f(h):
        for w in ws:
            h = tf.tanh(h @ w)
        return h
    return f


def test_recompute_grad_matches_values_and_gradients():
    rng = np.random.default_rng(0)
    ws = [tf.Variable(rng.standard_normal((4, 4)) * 0.5) for _ in range(3)]
    x = tf.constant(rng.standard_normal((2, 4)))
    f, g = _block(ws), tf.recompute_grad(_block(ws))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = tf.reduce_sum(f(x) ** 2)
        b = tf.reduce_sum(g(x) ** 2)
    close(a, b)
    for ga, gb in zip(tape.gradient(a, [x] + ws), tape.gradient(b, [x] + ws)):
        close(ga, gb)


def _peak_forward(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        tracemalloc.start()
        y = tf.reduce_sum(f(x))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, tape.gradient(y, x)


@pytest.mark.parametrize("weights", [tf.constant, tf.Variable])
def test_recompute_grad_drops_the_forward_activations(weights):
    # (with Variables, finding the ones the block reads must not keep activations either)
    rng = np.random.default_rng(1)
    ws = [weights(rng.standard_normal((256, 256)) * 0.05) for _ in range(20)]
    x = tf.constant(rng.standard_normal((256, 256)))
    plain, g_plain = _peak_forward(_block(ws), x)
    kept, g_kept = _peak_forward(tf.recompute_grad(_block(ws)), x)
    assert kept <= plain / 4, (kept, plain)
    close(g_plain, g_kept)


def test_recompute_grad_sees_variables_read_without_being_operands():
    w = tf.Variable([[0.5, -0.2], [0.1, 0.3]])
    b = tf.Variable([0.1, 0.2])
    frozen = tf.Variable([1.0, 1.0], trainable=False)

    def f(h):
        # w reaches the ops only as a converted tensor, b through read_value
        return (tf.tanh(h @ tf.convert_to_tensor(w)) + b.read_value() * 1.0) * frozen

    x = tf.constant([[1.0, 2.0]])
    results = []
    for fn in (f, tf.recompute_grad(f)):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(fn(x) ** 2)
        results.append(tape.gradient(y, [w, b, frozen]))
    assert results[0][2] is None and results[1][2] is None
    for plain, again in zip(results[0][:2], results[1][:2]):
        close(plain, again)


def test_grad_pass_through_is_straight_through():
    x = tf.Variable(1.4)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(tf.round)(x) * 3.0
    close(y, 3.0)
    close(tape.gradient(y, x), 3.0)
    v = tf.Variable(0.0)
    z = tf.constant(2.5)
    with tf.GradientTape() as tape:
        tape.watch(z)
        out = tf.grad_pass_through(v.assign)(z) * 2.0
    close(v, 2.5)
    close(tape.gradient(out, z), 2.0)


def test_symbolic_gradients_raise_the_eager_error():
    for fn in (tf.gradients, tf.hessians):
        with pytest.raises(RuntimeError, match="Use tf.GradientTape instead"):
            fn(tf.constant(1.0), tf.constant(1.0))


def test_vectorized_map_with_per_example_control_flow_runs_each_row():
    x = tf.constant([1.0, -1.0, 2.0])
    out = tf.vectorized_map(lambda r: tf.cond(r > 0, lambda: r * 2.0, lambda: r * 3.0), x)
    close(out, [2.0, -3.0, 4.0])


def test_vectorized_map_batches_ops_without_a_batched_rule():
    x = tf.constant(np.arange(12, dtype=np.float64).reshape(3, 2, 2) + np.eye(2) * 5)
    close(tf.vectorized_map(lambda m: tf.linalg.det(m) * tf.reduce_sum(m), x),
          [np.linalg.det(m) * m.sum() for m in x.numpy()])


def test_vectorized_map_under_an_outer_tape_and_accumulator():
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
        y = tf.vectorized_map(lambda r: r ** 3, x)
    close(acc.jvp(y), [3.0, 12.0])


def test_recompute_grad_and_grad_pass_through_under_forward_mode():
    x = tf.constant(1.0)
    f = tf.recompute_grad(lambda t: tf.sin(t) * t)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = f(x)
        z = tf.grad_pass_through(tf.round)(x * 1.4)
    close(acc.jvp(y), np.cos(1.0) + np.sin(1.0))
    close(acc.jvp(z), 1.4)


def test_matmul_outer_products_equal_numpy_and_keep_its_errors():
    # a contraction over one term (the batched outer products of per-example gradients)
    rng = np.random.default_rng(3)
    g = rng.standard_normal((5, 1, 4)).astype(np.float32)
    h = rng.standard_normal((5, 1, 1)).astype(np.float32)
    out = tf.linalg.matmul(tf.constant(g), tf.constant(h), transpose_a=True)
    np.testing.assert_array_equal(out.numpy(), np.matmul(np.swapaxes(g, -1, -2), h))
    np.testing.assert_array_equal((tf.constant(np.ones((3, 1))) @ tf.constant(np.ones((1, 2)))).numpy(),
                                  np.ones((3, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="compatible batch dimensions"):
        tf.constant(np.ones((2, 3, 1))) @ tf.constant(np.ones((4, 1, 5)))
