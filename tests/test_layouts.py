"""Every op's value and gradient do not depend on the memory layout of its inputs: byte
order, strides, contiguity, alignment and writability all give what a native
C-contiguous copy gives."""

import numpy as np
import pytest

import fasttape as tf
from tests.ops.gradcheck import draw_inputs
from tests.ops.test_gradcheck import CASES


def _big_endian(x):
    return x.astype(x.dtype.newbyteorder(">"))


def _strided(x):
    return np.repeat(x, 2, axis=-1)[..., ::2] if x.ndim else x


def _reversed(x):
    return np.ascontiguousarray(x[..., ::-1])[..., ::-1] if x.ndim else x


def _unaligned(x):
    buf = np.zeros(x.nbytes + 1, np.uint8)
    out = np.frombuffer(buf.data, x.dtype, x.size, offset=1).reshape(x.shape)
    out[...] = x
    return out


def _read_only(x):
    out = x.copy()
    out.flags.writeable = False
    return out


LAYOUTS = {"big-endian": _big_endian, "strided": _strided, "reversed": _reversed,
           "fortran": np.asfortranarray, "unaligned": _unaligned, "read-only": _read_only,
           "big-endian-strided": lambda x: _strided(_big_endian(x))}


def _value_and_grads(case, arrays):
    xs = [tf.Variable(a) for a in arrays]
    with tf.GradientTape() as tape:
        y = case.fn(*xs)
    grads = tape.gradient(y, xs, unconnected_gradients="zero")
    return np.asarray(y), [np.asarray(tf.convert_to_tensor(g)) for g in grads]


def _shapes(case):
    return case.shapes if case.shapes is not None else [(2, 3)] * case.n_in


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_value_and_gradient_do_not_depend_on_layout(case):
    rng = np.random.default_rng(0)
    native = draw_inputs(case, rng, _shapes(case))
    expected_y, expected_g = _value_and_grads(case, native)
    for name, layout in LAYOUTS.items():
        arrays = [layout(x) for x in native]
        for a, x in zip(arrays, native):
            np.testing.assert_array_equal(a, x)          # same values, other layout
        y, grads = _value_and_grads(case, arrays)
        np.testing.assert_array_equal(y, expected_y, err_msg=name)
        for g, e in zip(grads, expected_g):
            np.testing.assert_array_equal(g, e, err_msg=name)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64,
                                   np.complex128])
def test_conversion_gives_native_contiguous_copies(name, dtype):
    native = np.arange(6, dtype=dtype).reshape(2, 3)
    t = tf.constant(LAYOUTS[name](native))
    arr = np.asarray(t)
    assert arr.dtype == native.dtype and arr.dtype.isnative and arr.flags.c_contiguous
    np.testing.assert_array_equal(arr, native)
