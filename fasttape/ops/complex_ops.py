"""Complex numbers: tf.complex and the parts of a complex tensor (real, imag, conj,
angle), with TF's gradients.

TF's convention for a complex value z = x + iy: the gradient of a real loss L is
dL/dx + i dL/dy, and a complex output with cotangent g contributes through the real
loss Re(sum(conj(g) * output)). So real(z) sends back complex(g, 0), imag(z)
complex(0, g), conj(z) conj(g), and complex(x, y) sends (real(g), imag(g)) to its
parts. For real inputs, real and conj return the input itself (its gradient path
intact), imag gives zeros and angle pi where the input is negative, as in TF.
"""

import numpy as np

from fasttape import _engine
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape.ops import elementwise as ew
from fasttape.ops._registry import defop, export, set_conjugate

_COMPLEX_OF = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


@defop(broadcasts=True, public=False, batches=True)
def _complex(re, im):
    out = np.empty(np.broadcast_shapes(re.shape, im.shape), _COMPLEX_OF[re.dtype])
    out.real, out.imag = re, im
    return out


@_complex.defvjp
def _complex_vjp(g, needs):
    return (_real(g) if needs[0] else None), (_imag(g) if needs[1] else None)


@export("", "dtypes")
def complex(real, imag, name=None):  # noqa: A001 - TF's name
    """real + 1j * imag, elementwise with broadcasting: float32 parts give complex64,
    float64 parts complex128.

    Raises:
        TypeError: the parts have different dtypes, or are not float32/float64.
    """
    re, im = convert_inputs((real, imag))
    if re.dtype != im.dtype or np.dtype(re.dtype.as_numpy_dtype) not in _COMPLEX_OF:
        raise TypeError(f"The `real` and `imag` components have incorrect types: "
                        f"{re.dtype.name} {im.dtype.name}. They must be consistent, and one "
                        f"of [tf.float32, tf.float64]")
    return _engine.apply(_complex.op, (re, im), ())


@defop(public=False, batches=True)
def _real(z):
    return np.real(z).copy()


@_real.defvjp
def _real_vjp(g):
    return _complex(g, ew.zeros_like(g))


@defop(public=False, batches=True)
def _imag(z):
    return np.imag(z).copy()


@_imag.defvjp
def _imag_vjp(g):
    return _complex(ew.zeros_like(g), g)


@defop(public=False, batches=True)
def _conj(z):
    return np.conj(z)


@_conj.defvjp
def _conj_vjp(g):
    return _conj(g)


for _linear in (_complex, _real, _imag, _conj):
    _linear.defjvp_linear()
set_conjugate(_conj.op)


@defop(public=False, batches=True)
def _angle(z):
    return np.angle(z)


@_angle.defvjp
def _angle_vjp(g, z):
    # d arg(x + iy) = (x dy - y dx) / |z|^2, i.e. TF's -g / (y + ix)
    return -_complex(g, ew.zeros_like(g)) * ew.reciprocal(_complex(_imag(z), _real(z)))


def _is_complex(t):
    return t.dtype.is_complex          # metadata only: a real tensor's value is not read


@export("math")
def real(input, name=None):  # noqa: A002 - TF's name
    """The real part of a complex tensor (float32 for complex64, float64 for
    complex128); a real tensor comes back unchanged."""
    t = convert_to_tensor(input)
    return _real(t) if _is_complex(t) else t


@export("math")
def imag(input, name=None):  # noqa: A002 - TF's name
    """The imaginary part of a complex tensor; zeros for a real one."""
    t = convert_to_tensor(input)
    return _imag(t) if _is_complex(t) else ew.zeros_like(t)


@export("math")
def conj(x, name=None):
    """The complex conjugate; a real tensor comes back unchanged."""
    t = convert_to_tensor(x)
    return _conj(t) if _is_complex(t) else t


@export("math")
def angle(input, name=None):  # noqa: A002 - TF's name
    """The argument of each complex element, in (-pi, pi]; for real tensors pi where
    negative and 0 elsewhere (no gradient)."""
    t = convert_to_tensor(input)
    if t.dtype.is_complex:
        return _angle(t)
    if not t.dtype.is_floating:
        raise TypeError(f"Cannot convert {np.pi} to EagerTensor of dtype {t.dtype.name}")
    a = np.asarray(t)
    return _engine.wrap(np.where(a < 0, np.pi, 0).astype(a.dtype))
