"""The rewritten form a replay runs (fasttape._rewrite): the same values as the
recorded ops and as eager execution, with less work."""

import numpy as np
import pytest

import fasttape as tf
from fasttape._replay import FUSED, OP, READ, UFUNC


def program_of(traced):
    (entry,) = traced._entries.values()
    return entry.programs[0]


def kinds(program):
    return [item[0] for item in program.run_code]


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def big(n, dtype, seed):
    rng = np.random.default_rng(seed)
    return tf.constant(rng.standard_normal(n), dtype)


def loss_and_grads(x, w, b):
    with tf.GradientTape() as tape:
        tape.watch([x, w, b])
        z = x * w + b
        loss = tf.reduce_sum(tf.tanh(z) ** 2 + tf.exp(-x * x) + tf.sigmoid(z) * 3.0
                             + tf.square(w) * b)
    return (loss, *tape.gradient(loss, [x, w, b]))


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_large_elementwise_gradient_equals_eager_bit_for_bit(dtype):
    traced = tf.function(loss_and_grads)
    # (the tracing call runs the rules as ops: the replays are what match eager's
    # fused kernels)
    traced(*[big(5000, dtype, 9 + k) for k in range(3)])
    for seed in range(3):
        args = [big(5000, dtype, seed + k) for k in range(3)]
        for got, want in zip(traced(*args), loss_and_grads(*args)):
            same_bits(got, want)
    program = program_of(traced)
    fused = [item[1] for item in program.run_code if item[0] == FUSED]
    from fasttape import _kernels
    names = {index: name for name, (index, _) in _kernels.BACKWARD.items()}
    assert {"tanh", "sigmoid", "square"} <= {names[k] for k in fused}
    # some ufunc writes into a dead intermediate's buffer
    assert any(item[0] == UFUNC and item[4] >= 0 for item in program.run_code)
    assert len(program.run_code) < len(program.code)
    assert OP in kinds(program)           # (_sum stays an op)


def test_the_ones_of_a_sum_gradient_are_not_multiplied():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.exp(x))
        return tape.gradient(y, x)

    x = big(4096, tf.float32, 0)
    f(x)
    same_bits(f(x), np.exp(x.numpy()))
    names = [item[1].name for item in program_of(f).run_code if item[0] == OP]
    assert "_unreduce_op" not in names and "multiply" not in names


def test_small_programs_keep_the_register_file():
    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.tanh(x * 2.0))
        return tape.gradient(y, x)

    x = tf.constant(np.linspace(-1, 1, 16), tf.float32)
    f(x)
    same_bits(f(x), f.python_function(x))
    program = program_of(f)
    assert FUSED not in kinds(program)
    assert program.num_register_instructions >= 3


def test_relu_gradient_is_one_kernel_pass():
    @tf.function
    def f(x, w):
        with tf.GradientTape() as tape:
            tape.watch(w)
            y = tf.reduce_mean(tf.nn.relu(tf.matmul(x, w)) * 1.5)
        return tape.gradient(y, w)

    x = tf.constant(np.random.default_rng(1).standard_normal((32, 20)), tf.float32)
    w = tf.constant(np.random.default_rng(2).standard_normal((20, 30)), tf.float32)
    f(x, w)
    same_bits(f(x, w), f.python_function(x, w))
    assert FUSED in kinds(program_of(f))


def test_repeated_reads_are_one_read_until_an_assign():
    v = tf.Variable(np.arange(3000.0))

    @tf.function
    def f():
        a = v * 2.0
        b = v + 1.0
        v.assign_add(tf.ones(3000, tf.float64))
        c = v * 3.0
        return a + b, c

    ab, c = f()
    np.testing.assert_array_equal(ab, 3 * np.arange(3000.0) + 1)
    np.testing.assert_array_equal(c, 3 * (np.arange(3000.0) + 1))
    ab, c = f()                     # replayed
    np.testing.assert_array_equal(ab, 3 * (np.arange(3000.0) + 1) + 1)
    np.testing.assert_array_equal(c, 3 * (np.arange(3000.0) + 2))
    program = program_of(f)
    assert kinds(program).count(READ) == 2
    assert [item[0] for item in program.code].count(READ) == 3


def test_outputs_and_their_intermediates_are_never_overwritten():
    @tf.function
    def f(x):
        t = tf.exp(x)
        u = t * 2.0           # t is an output: its buffer is not reused
        w = tf.tanh(u)        # u is not: w may take its buffer
        return t, w + 1.0, w

    x = big(5000, tf.float64, 3)
    for _ in range(3):
        t, w1, w = f(x)
        same_bits(t, np.exp(x.numpy()))
        same_bits(w, np.tanh(np.exp(x.numpy()) * 2.0))
        same_bits(w1, np.tanh(np.exp(x.numpy()) * 2.0) + 1.0)
        assert not t._value.flags.writeable and not w._value.flags.writeable


def test_views_keep_their_buffer():
    @tf.function
    def f(x):
        t = tf.exp(x)
        r = tf.reshape(t, (50, 100))      # a view of t's buffer
        s = tf.tanh(t)                    # t's last read: must not take t's buffer
        return r, s

    x = big(5000, tf.float32, 4)
    for _ in range(2):
        r, s = f(x)
        same_bits(r, np.exp(x.numpy()).reshape(50, 100))
        same_bits(s, np.tanh(np.exp(x.numpy())))


def test_replay_under_an_outer_tape_runs_the_recorded_ops():
    traced = tf.function(loss_and_grads)
    args = [big(3000, tf.float64, k) for k in range(3)]
    traced(*args)
    with tf.GradientTape() as tape:
        tape.watch(args[0])
        out = traced(*args)
    g = tape.gradient(out[1], args[0])          # second order through the program
    with tf.GradientTape() as tape:
        tape.watch(args[0])
        want = loss_and_grads(*args)
    np.testing.assert_allclose(g, tape.gradient(want[1], args[0]), rtol=1e-12, atol=1e-12)


def test_the_rewrite_waits_for_the_first_replay():
    @tf.function
    def f(x):
        return tf.exp(x) * 2.0 + 1.0

    x = big(100_000, tf.float32, 1)
    first = f(x)
    (entry,) = f._entries.values()
    program = entry.programs[0]
    assert program.run_code is program.code       # the first call traced, nothing more
    # until then, the trace's large values are kept as stand-ins holding no memory
    kept = [a for a in entry.unrewritten[id(program)] if isinstance(a, np.ndarray)]
    assert all(a.nbytes <= 4096 or 0 in a.strides for a in kept)
    same_bits(f(x), first)
    assert not entry.unrewritten and entry.programs[0] is not program
    assert entry.programs[0].run_code is not entry.programs[0].code
