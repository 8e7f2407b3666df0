"""Complex numbers: tf.complex and the parts of a complex tensor (real, imag, conj,
angle).

fasttape's tape records real floating-point values only, so these are forward
computations: for real inputs, real and conj return the input itself (its gradient
path intact), imag gives zeros and angle pi where the input is negative, as in TF.
Building a complex tensor from tensors a recording tape tracks raises
NotImplementedError rather than cut their gradient silently.
"""

import numpy as np

from fasttape import _engine
from fasttape._convert import convert_inputs, convert_to_tensor
from fasttape.ops import elementwise as ew
from fasttape.ops._registry import export

_COMPLEX_OF = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


@export("", "dtypes")
def complex(real, imag, name=None):  # noqa: A001 - TF's name
    """real + 1j * imag, elementwise with broadcasting: float32 parts give complex64,
    float64 parts complex128.

    Raises:
        TypeError: the parts have different dtypes, or are not float32/float64.
        NotImplementedError: a recording tape tracks a part (complex tensors carry no
            gradients in fasttape).
    """
    re, im = convert_inputs((real, imag))
    re_np, im_np = np.asarray(re), np.asarray(im)
    if re_np.dtype != im_np.dtype or re_np.dtype not in _COMPLEX_OF:
        raise TypeError(f"The `real` and `imag` components have incorrect types: "
                        f"{re.dtype.name} {im.dtype.name}. They must be consistent, and one "
                        f"of [tf.float32, tf.float64]")
    if _engine.is_tracked(re) or _engine.is_tracked(im):
        raise NotImplementedError("fasttape: gradients through complex tensors are not "
                                  "supported (tf.complex of a tensor a tape tracks)")
    out = np.empty(np.broadcast_shapes(re_np.shape, im_np.shape), _COMPLEX_OF[re_np.dtype])
    out.real, out.imag = re_np, im_np
    return _engine.wrap(out)


def _is_complex(t):
    return t.dtype.is_complex          # metadata only: a real tensor's value is not read


@export("math")
def real(input, name=None):  # noqa: A002 - TF's name
    """The real part of a complex tensor (float32 for complex64, float64 for
    complex128); a real tensor comes back unchanged."""
    t = convert_to_tensor(input)
    return _engine.wrap(np.real(np.asarray(t)).copy()) if _is_complex(t) else t


@export("math")
def imag(input, name=None):  # noqa: A002 - TF's name
    """The imaginary part of a complex tensor; zeros for a real one."""
    t = convert_to_tensor(input)
    return _engine.wrap(np.imag(np.asarray(t)).copy()) if _is_complex(t) else ew.zeros_like(t)


@export("math")
def conj(x, name=None):
    """The complex conjugate; a real tensor comes back unchanged."""
    t = convert_to_tensor(x)
    return _engine.wrap(np.conj(np.asarray(t))) if _is_complex(t) else t


@export("math")
def angle(input, name=None):  # noqa: A002 - TF's name
    """The argument of each complex element, in (-pi, pi]; for real tensors pi where
    negative and 0 elsewhere (no gradient)."""
    t = convert_to_tensor(input)
    a = np.asarray(t)
    if a.dtype.kind == "c":
        return _engine.wrap(np.angle(a))
    if a.dtype.kind != "f":
        raise TypeError(f"Cannot convert {np.pi} to EagerTensor of dtype {t.dtype.name}")
    return _engine.wrap(np.where(a < 0, np.pi, 0).astype(a.dtype))


