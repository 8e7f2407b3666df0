"""Signal processing (tf.signal): FFTs, windows, framing, STFT, DCT/MDCT and mel
filterbanks.

* FFTs run numpy's pocketfft over the innermost axes (or `axes` for the N-D forms), in
  the input's precision (complex64 <-> float32, complex128 <-> float64). Python and
  numpy inputs take TF's default dtypes (complex64 for fft, float32 for rfft).
  Gradients, of any order, are the transforms' adjoints in TF's complex convention:
  fft's is n * ifft, ifft's fft / n, rfft's the real part of the inverse transform of
  the zero-padded half spectrum, irfft's the half-spectrum rfft weighted 2 where a
  bin stands for two; `fft_length` crops or zero-pads the input with `_resize`, whose
  gradient crops or pads back.
* `frame` and `overlap_and_add` are a pair of linear ops, each the other's
  transpose, so gradients of any order flow through them; the DCTs are a matmul by
  a constant matrix (differentiable too), and so mdct, mfccs and the windows built on
  them are.
"""

import math

import numpy as np

from fasttape import _engine, dtypes, errors
from fasttape._convert import convert_to_tensor
from fasttape._engine import _TensorLike, apply
from fasttape.ops import elementwise as ew
from fasttape.ops import shape
from fasttape.ops._registry import defop, export
from fasttape.ops.complex_ops import _real
from fasttape.ops.linalg import matmul

# --- FFTs ----------------------------------------------------------------------------

def _complex_input(x, op):
    if isinstance(x, _TensorLike):
        t = x
    else:
        t = convert_to_tensor(np.asarray(x).astype(np.complex64))
    if not t.dtype.is_complex:
        raise errors.InvalidArgumentError(
            f"Value for attr 'Tcomplex' of {t.dtype.name} is not in the list of allowed "
            f"values: complex64, complex128 [Op:{op}]")
    return t


def _real_input(x, op):
    if isinstance(x, _TensorLike):
        t = x
    else:
        arr = np.asarray(x)
        t = convert_to_tensor(np.real(arr).astype(np.float32))
    if not t.dtype.is_floating or t.dtype == dtypes.float16:
        raise ValueError(f"RFFT requires tf.float32 or tf.float64 inputs, got: {t}")
    return t


def _rank_at_least(t, k, op):
    if len(t.shape) < k:
        raise errors.InvalidArgumentError(
            f"Input must have rank of at least {k} but got: {t.shape.as_list()} [Op:{op}]")


def _lengths(fft_length, k, op):
    if fft_length is None:
        return None
    if isinstance(fft_length, _TensorLike):
        fft_length = np.asarray(fft_length).tolist()
    values = [int(v) for v in np.ravel(np.asarray(fft_length))]
    if len(values) != k:
        raise errors.InvalidArgumentError(
            f"fft_length must be length {k} vector, got {len(values)} [Op:{op}]")
    if any(v < 0 for v in values):
        raise errors.InvalidArgumentError(f"fft_length must be nonnegative [Op:{op}]")
    return values


_DUAL_NORM = {"backward": "forward", "forward": "backward", "ortho": "ortho"}
_COMPLEX_OF = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}
_REAL_OF = {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}


@defop(public=False, batches=True)
def _resize(x, axes=(), lengths=()):
    # crop or zero-pad each of `axes` (negative) to its length: fft_length's effect
    sizes = list(x.shape)
    for axis, n in zip(axes, lengths):
        sizes[axis] = n
    out = np.zeros(sizes, x.dtype)
    common = [slice(None)] * x.ndim
    for axis in axes:
        common[axis] = slice(0, min(x.shape[axis], sizes[axis]))
    common = tuple(common)
    out[common] = x[common]
    return out


@_resize.defvjp
def _resize_vjp(g, x, axes):
    return apply(_resize.op, (g,), (axes, tuple(x._value.shape[a] for a in axes)))


_resize.defjvp_linear()


def _fit(t, axes, lengths):
    """t cropped or zero-padded to `lengths` along `axes` (t itself when it fits)."""
    axes = tuple(a - len(t.shape) if a >= 0 else a for a in axes)
    lengths = tuple(int(n) for n in lengths)
    if all(t.shape[a] == n for a, n in zip(axes, lengths)):
        return t
    return apply(_resize.op, (t,), (axes, lengths))


@defop(public=False, batches=True)
def _fft(x, axes=(), inverse=False, norm="backward"):
    if 0 in [x.shape[a] for a in axes]:
        return np.zeros(x.shape, x.dtype)
    out = (np.fft.ifftn if inverse else np.fft.fftn)(x, axes=axes, norm=norm)
    return out.astype(x.dtype, copy=False)


@_fft.defvjp
def _fft_vjp(g, axes, inverse, norm):
    # complex-linear: the adjoint is the conjugate transpose, the other direction
    # with the dual scaling (n * ifft for fft)
    return apply(_fft.op, (g,), (axes, not inverse, _DUAL_NORM[norm]))


_fft.defjvp_linear()


@defop(public=False, batches=True)
def _rfft(x, axes=(), norm="backward"):
    out = np.fft.rfftn(x, axes=axes, norm=norm)
    return out.astype(_COMPLEX_OF[x.dtype], copy=False)


@_rfft.defvjp
def _rfft_vjp(g, x, axes, norm):
    # the half spectrum zero-padded to full length, transformed back, real part
    full = _fit(g, axes[-1:], (x._value.shape[axes[-1]],))
    return _real(apply(_fft.op, (full,), (axes, True, _DUAL_NORM[norm])))


_rfft.defjvp_linear()


@defop(public=False, batches=True)
def _irfft(x, axes=(), n=0, norm="backward"):
    lengths = [x.shape[a] for a in axes[:-1]] + [n]
    if 0 in lengths:
        return np.zeros(x.shape[:axes[0]] + tuple(lengths), _REAL_OF[x.dtype])
    out = np.fft.irfftn(x, s=lengths, axes=axes, norm=norm)
    return out.astype(_REAL_OF[x.dtype], copy=False)


@_irfft.defvjp
def _irfft_vjp(g, axes, n, norm):
    # irfft reads bin k of the half spectrum once at 0 (and n/2 when n is even) and
    # twice elsewhere (k and its mirror n - k)
    bins = n // 2 + 1
    weight = np.full(bins, 2.0)
    weight[0] = 1.0
    if n % 2 == 0:
        weight[-1] = 1.0
    spectrum = apply(_rfft.op, (g,), (axes, _DUAL_NORM[norm]))
    dtype = spectrum._value.dtype
    weight = weight.reshape((bins,) + (1,) * (-axes[-1] - 1)).astype(dtype)
    return spectrum * _engine.wrap(weight)


_irfft.defjvp_linear()


def _complex_fft(k, inverse):
    op = ("IFFT" if inverse else "FFT") + ("" if k == 1 else f"{k}D")

    def transform(input, name=None):  # noqa: A002
        t = _complex_input(input, op)
        _rank_at_least(t, k, op)
        return apply(_fft.op, (t,), (tuple(range(-k, 0)), inverse, "backward"))
    transform.__name__ = ("i" if inverse else "") + "fft" + ("" if k == 1 else f"{k}d")
    transform.__doc__ = (f"The {'inverse ' if inverse else ''}discrete Fourier transform over "
                         f"the innermost {k} dimension{'s' if k > 1 else ''} of a complex "
                         f"tensor{' (scaled by 1/n)' if inverse else ''}.")
    return export("signal")(transform)


fft, ifft = _complex_fft(1, False), _complex_fft(1, True)
fft2d, ifft2d = _complex_fft(2, False), _complex_fft(2, True)
fft3d, ifft3d = _complex_fft(3, False), _complex_fft(3, True)


def _real_fft(k):
    op = "RFFT" + ("" if k == 1 else f"{k}D")

    def transform(input_tensor, fft_length=None, name=None):
        t = _real_input(input_tensor, op)
        _rank_at_least(t, k, op)
        axes = tuple(range(-k, 0))
        lengths = _lengths(fft_length, k, op)
        if lengths is not None:
            t = _fit(t, axes, lengths)
        return apply(_rfft.op, (t,), (axes, "backward"))
    transform.__name__ = "rfft" + ("" if k == 1 else f"{k}d")
    transform.__doc__ = (f"The DFT of a real tensor over its innermost {k} dimension(s), "
                         f"keeping the fft_length[-1] // 2 + 1 non-redundant terms of the "
                         f"last (inputs are cropped or zero-padded to fft_length).")
    return export("signal")(transform)


def _inverse_real_fft(k):
    op = "IRFFT" + ("" if k == 1 else f"{k}D")

    def transform(input_tensor, fft_length=None, name=None):
        t = _complex_input(input_tensor, op)
        _rank_at_least(t, k, op)
        axes = tuple(range(-k, 0))
        lengths = _lengths(fft_length, k, op)
        if lengths is None:
            last = t.shape[-1]
            lengths = t.shape.as_list()[-k:-1] + [2 * (last - 1) if last else 0]
        return _irfft_of(t, axes, lengths, "backward")
    transform.__name__ = "irfft" + ("" if k == 1 else f"{k}d")
    transform.__doc__ = (f"The inverse of rfft{'' if k == 1 else f'{k}d'}: a real tensor "
                         f"whose innermost {k} dimension(s) have fft_length (by default "
                         f"2 * (n - 1) for the last).")
    return export("signal")(transform)


def _irfft_of(t, axes, lengths, norm):
    """irfft over `axes` to `lengths`: the spectrum cropped or padded to the inner
    lengths and lengths[-1] // 2 + 1 bins first."""
    if 0 in lengths:
        shape_out = t.shape.as_list()
        for a, n in zip(axes, lengths):
            shape_out[a] = n
        return _engine.wrap(np.zeros(shape_out, _REAL_OF[np.dtype(t.dtype.as_numpy_dtype)]))
    t = _fit(t, axes, list(lengths[:-1]) + [lengths[-1] // 2 + 1])
    return apply(_irfft.op, (t,), (tuple(axes), int(lengths[-1]), norm))


rfft, irfft = _real_fft(1), _inverse_real_fft(1)
rfft2d, irfft2d = _real_fft(2), _inverse_real_fft(2)
rfft3d, irfft3d = _real_fft(3), _inverse_real_fft(3)


def _nd_axes(t, fft_length, axes):
    rank = len(t.shape)
    if axes is None:
        count = rank if fft_length is None else len(np.ravel(np.asarray(fft_length)))
        axes = list(range(rank - count, rank))
    axes = [int(x) for x in np.ravel(np.asarray(axes))]
    for x in axes:
        if not -rank <= x < rank:
            raise errors.InvalidArgumentError(f"axes {axes} out of range for rank {rank}")
    axes = tuple(x - rank if x >= 0 else x for x in axes)
    if fft_length is None:
        lengths = [t.shape[x] for x in axes]
    else:
        lengths = [int(v) for v in np.ravel(np.asarray(fft_length))]
    return axes, lengths


_NORMS = (None, "backward", "ortho", "forward")


def _check_norm(norm):
    if norm not in _NORMS:
        raise ValueError(f"`norm` must be one of {_NORMS}. Received: norm={norm!r}")
    return norm or "backward"


def _complex_nd(inverse):
    op = "IFFTND" if inverse else "FFTND"

    def transform(input_tensor, fft_length=None, axes=None, norm=None, name=None):
        t = _complex_input(input_tensor, op)
        axes, lengths = _nd_axes(t, fft_length, axes)
        norm = _check_norm(norm)
        if not axes:
            return t
        return apply(_fft.op, (_fit(t, axes, lengths),), (axes, inverse, norm))
    transform.__name__ = "ifftnd" if inverse else "fftnd"
    transform.__doc__ = ("The inverse of fftnd." if inverse else
                         "The N-D DFT of a complex tensor over `axes` (default: all, or the "
                         "last len(fft_length)), cropped or zero-padded to fft_length.")
    return export("signal")(transform)


fftnd, ifftnd = _complex_nd(False), _complex_nd(True)


@export("signal")
def rfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The N-D DFT of a real tensor, halved along the last of `axes`."""
    t = _real_input(input_tensor, "RFFTND")
    axes, lengths = _nd_axes(t, fft_length, axes)
    norm = _check_norm(norm)
    return apply(_rfft.op, (_fit(t, axes, lengths),), (axes, norm))


@export("signal")
def irfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The inverse of rfftnd: the last of `axes` has fft_length[-1] (by default
    2 * (n - 1))."""
    t = _complex_input(input_tensor, "IRFFTND")
    axes, lengths = _nd_axes(t, fft_length, axes)
    if fft_length is None and axes:
        last = t.shape[axes[-1]]
        lengths[-1] = 2 * (last - 1) if last else 0
    return _irfft_of(t, axes, lengths, _check_norm(norm))


# TF's top-level raw forms: fft_length and axes are required, the output dtype an
# attribute (a cast when it differs from the input's precision)

@export("", name="fftnd")
def _raw_fftnd(input, fft_length, axes, name=None):  # noqa: A002 - TF's name
    """The N-D DFT over `axes`, the input cropped or zero-padded to fft_length."""
    return fftnd(input, fft_length, axes)


@export("", name="ifftnd")
def _raw_ifftnd(input, fft_length, axes, name=None):  # noqa: A002 - TF's name
    """The inverse N-D DFT over `axes` (scaled by 1/n)."""
    return ifftnd(input, fft_length, axes)


@export("", name="rfftnd")
def _raw_rfftnd(input, fft_length, axes, Tcomplex=dtypes.complex64, name=None):  # noqa: A002,N803
    """The N-D DFT of a real tensor over `axes`, in dtype Tcomplex."""
    out = rfftnd(input, fft_length, axes)
    return ew.cast(out, Tcomplex)


@export("", name="irfftnd")
def _raw_irfftnd(input, fft_length, axes, Treal=dtypes.float32, name=None):  # noqa: A002,N803
    """The inverse of rfftnd over `axes` to fft_length, in dtype Treal."""
    out = irfftnd(input, fft_length, axes)
    return ew.cast(out, Treal)


def _shift(x, axes, sign):
    x = convert_to_tensor(x)
    rank = len(x.shape)
    if axes is None:
        axes = list(range(rank))
    elif isinstance(axes, (int, np.integer)):
        axes = [int(axes)]
    dims = x.shape.as_list()
    for axis in axes:
        n = dims[axis]
        if n < 2:
            continue
        cut = (n // 2) if sign > 0 else (n - n // 2)
        # a roll by n // 2: the last n // 2 elements move to the front
        index = [slice(None)] * rank
        index[axis] = slice(n - cut, None)
        head = x[tuple(index)]
        index[axis] = slice(None, n - cut)
        x = shape.concat([head, x[tuple(index)]], axis)
    return x


@export("signal")
def fftshift(x, axes=None, name=None):
    """Move the zero-frequency term to the centre (a roll by n // 2 along `axes`)."""
    return _shift(x, axes, 1)


@export("signal")
def ifftshift(x, axes=None, name=None):
    """The inverse of fftshift."""
    return _shift(x, axes, -1)


# --- windows -------------------------------------------------------------------------

def _window_length(window_length, dtype):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dtype}")
    n = window_length
    if isinstance(n, _TensorLike):
        if not n.dtype.is_integer:      # TF converts it to int32, refusing other dtypes
            raise ValueError(f"window_length: Tensor conversion requested dtype int32 for "
                             f"Tensor with dtype {n.dtype.name}: {n!r}")
        n = int(np.asarray(n))
    if not isinstance(n, (int, np.integer)):
        raise TypeError(f"`window_length` must be an integer. Received: {window_length!r}")
    if n < 0:
        raise errors.InvalidArgumentError(f"window_length must be nonnegative, got {n}")
    return int(n), dtype


def _raised_cosine(window_length, periodic, dtype, a, b):
    n, dtype = _window_length(window_length, dtype)
    if n == 1:
        return _engine.wrap(np.ones(1, dtype.as_numpy_dtype))
    # TF's periodic window only lengthens the period of even lengths
    denom = n - 1 + (1 if periodic and n % 2 == 0 else 0)
    k = np.arange(n, dtype=np.float64)
    w = a - b * np.cos(2 * np.pi * k / max(denom, 1))
    return _engine.wrap(w.astype(dtype.as_numpy_dtype))


@export("signal")
def hann_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """0.5 - 0.5 cos(2 pi n / N), N = length - 1, plus 1 for a periodic even length."""
    return _raised_cosine(window_length, periodic, dtype, 0.5, 0.5)


@export("signal")
def hamming_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """0.54 - 0.46 cos(2 pi n / N), N as in hann_window."""
    return _raised_cosine(window_length, periodic, dtype, 0.54, 0.46)


@export("signal")
def kaiser_window(window_length, beta=12.0, dtype=dtypes.float32, name=None):
    """The Kaiser window I0(beta sqrt(1 - (2n / (N - 1) - 1)^2)) / I0(beta)."""
    n, dtype = _window_length(window_length, dtype)
    return _engine.wrap(np.kaiser(n, float(beta)).astype(dtype.as_numpy_dtype))


@export("signal")
def kaiser_bessel_derived_window(window_length, beta=12.0, dtype=dtypes.float32, name=None):
    """The Kaiser-Bessel-derived window (for MDCTs): square roots of the normalised
    cumulative Kaiser window, mirrored."""
    n, dtype = _window_length(window_length, dtype)
    half = n // 2
    kaiser = np.kaiser(half + 1, float(beta))
    total = np.cumsum(kaiser)
    rising = np.sqrt(total[:-1] / total[-1])
    return _engine.wrap(np.concatenate([rising, rising[::-1]]).astype(dtype.as_numpy_dtype))


@export("signal")
def vorbis_window(window_length, dtype=dtypes.float32, name=None):
    """sin(pi / 2 sin^2(pi (n + 1/2) / N)), the Vorbis power-complementary window."""
    n, dtype = _window_length(window_length, dtype)
    k = np.arange(n, dtype=np.float64)
    w = np.sin(np.pi / 2 * np.sin(np.pi * (k + 0.5) / max(n, 1)) ** 2)
    return _engine.wrap(w.astype(dtype.as_numpy_dtype))


# --- framing -------------------------------------------------------------------------

@defop(public=False)
def _frame(x, frame_length=1, step=1, count=-1):
    """Frames of the last axis: [..., count, frame_length] (count = all that fit when
    -1)."""
    n = x.shape[-1]
    fits = (n - frame_length) // step + 1 if n >= frame_length else 0
    count = fits if count < 0 else count
    windows = np.lib.stride_tricks.sliding_window_view(x, frame_length, axis=-1) if (
        n >= frame_length) else np.zeros(x.shape[:-1] + (0, frame_length), x.dtype)
    return np.ascontiguousarray(windows[..., : (count - 1) * step + 1 if count else 0:step, :])


@_frame.defvjp
def _frame_vjp(g, x, step):
    return apply(_overlap_add.op, (g,), (step, x.shape[-1]))


@defop(public=False)
def _overlap_add(frames, step=1, length=-1):
    """The sum of the frames [..., count, frame_length], frame i starting at i * step;
    the result has `length` elements (the span when -1)."""
    count, frame_length = frames.shape[-2:]
    span = (count - 1) * step + frame_length if count else 0
    length = span if length < 0 else length
    pieces = -(-frame_length // step)
    out = np.zeros(frames.shape[:-2] + ((count + pieces) * step,), frames.dtype)
    for j in range(pieces):
        part = frames[..., j * step:(j + 1) * step]
        if part.shape[-1] < step:
            part = np.concatenate([part, np.zeros(part.shape[:-1] + (step - part.shape[-1],),
                                                  part.dtype)], axis=-1)
        out[..., j * step:(j + count) * step] += part.reshape(part.shape[:-2] + (-1,))
    if out.shape[-1] < length:
        out = np.concatenate([out, np.zeros(out.shape[:-1] + (length - out.shape[-1],),
                                            out.dtype)], axis=-1)
    return np.ascontiguousarray(out[..., :length])


@_overlap_add.defvjp
def _overlap_add_vjp(g, frames, step):
    return apply(_frame.op, (g,), (frames.shape[-1], step, frames.shape[-2]))


def _positive_int(value, what):
    if isinstance(value, _TensorLike):
        value = np.asarray(value)
        if value.ndim:
            raise ValueError(f"`{what}` must be a scalar. Received: {what}.shape={value.shape}")
        value = value.item()
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"`{what}` must be an integer. Received: {what}={value!r}")
    if value <= 0:
        raise errors.InvalidArgumentError(f"`{what}` must be positive, got {value}")
    return int(value)


@export("signal")
def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Overlapping frames of `signal` along `axis`: that axis becomes [frames,
    frame_length], frame i starting at i * frame_step.

    With pad_end, the end is padded with pad_value up to ceil(n / frame_step) frames;
    otherwise only whole frames are kept.
    """
    x = convert_to_tensor(signal)
    rank = len(x.shape)
    if rank == 0:
        raise ValueError("`signal` must have rank at least 1")
    length = _positive_int(frame_length, "frame_length")
    step = _positive_int(frame_step, "frame_step")
    axis = int(axis)
    if not -rank <= axis < rank:
        raise ValueError(f"`axis` {axis} is out of range for a signal of rank {rank}")
    axis %= rank
    last = axis == rank - 1
    if not last:
        x = shape.transpose(x, [d for d in range(rank) if d != axis] + [axis])
    if pad_end:
        n = x.shape.as_list()[-1]
        frames = -(-n // step)
        extra = max((frames - 1) * step + length - n, 0)
        if extra:
            x = shape.pad(x, [[0, 0]] * (rank - 1) + [[0, extra]], constant_values=pad_value)
    out = apply(_frame.op, (x,), (length, step, -1))
    if not last:
        # [..others, frames, length] -> frames and length back at axis
        others = list(range(rank - 1))
        out = shape.transpose(out, others[:axis] + [rank - 1, rank] + others[axis:])
    return out


@export("signal")
def overlap_and_add(signal, frame_step, name=None):
    """The sum of the frames of `signal` [..., frames, frame_length], frame i shifted to
    start at i * frame_step: length (frames - 1) * frame_step + frame_length."""
    x = convert_to_tensor(signal)
    if len(x.shape) < 2:
        raise ValueError(f"`signal` must have rank at least 2. Received: signal.shape="
                         f"{x.shape}")
    step = _positive_int(frame_step, "frame_step")
    return apply(_overlap_add.op, (x,), (step, -1))


# --- STFT ----------------------------------------------------------------------------

def _fft_length(frame_length):
    return 1 << max(int(frame_length) - 1, 0).bit_length()


@export("signal")
def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """The short-time Fourier transform: rfft of each windowed frame, [..., frames,
    fft_length // 2 + 1] (fft_length defaults to the next power of 2 >= frame_length)."""
    x = convert_to_tensor(signals)
    if not x.dtype.is_floating:
        x = ew.cast(x, dtypes.float32)
    frames = frame(x, frame_length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        frames = frames * window_fn(frame_length, dtype=x.dtype)
    n = _fft_length(frame_length) if fft_length is None else int(fft_length)
    return rfft(frames, [n])


@export("signal")
def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    """The inverse of stft (with the window from inverse_stft_window_fn(frame_step) it
    reconstructs the signal): irfft of each frame, windowed and overlap-added."""
    n = _fft_length(frame_length) if fft_length is None else int(fft_length)
    frames = _fit(irfft(stfts, [n]), (-1,), (int(frame_length),))
    frame_length = int(frame_length)
    if window_fn is not None:
        frames = frames * window_fn(frame_length, dtype=frames.dtype)
    return overlap_and_add(frames, frame_step)


@export("signal")
def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """A window_fn for inverse_stft that undoes stft's `forward_window_fn` with hop
    `frame_step` (the forward window divided by its overlapping squares' sum)."""
    step = _positive_int(frame_step, "frame_step")

    def inverse_stft_window_fn_inner(frame_length, dtype):
        forward = np.asarray(forward_window_fn(frame_length, dtype=dtype), dtype=np.float64)
        overlaps = -(-frame_length // step)
        squares = np.zeros(overlaps * step)
        squares[:frame_length] = forward ** 2
        denom = np.tile(squares.reshape(overlaps, step).sum(axis=0), overlaps)[:frame_length]
        return _engine.wrap((forward / denom).astype(dtypes.as_dtype(dtype).as_numpy_dtype))
    return inverse_stft_window_fn_inner


# --- DCT / MDCT ----------------------------------------------------------------------

def _dct_matrix(n, type, norm, dtype):  # noqa: A002
    """M with dct(x) = x @ M along the last axis (scipy's DCT, an optional dependency)."""
    try:
        import scipy.fft
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("tf.signal.dct, idct, mdct and mfccs_from_log_mel_spectrograms "
                          "need scipy: pip install scipy") from None
    return scipy.fft.dct(np.eye(n), type=type, norm=norm, axis=-1).astype(dtype)


def _dct_args(input, type, n, axis, norm, op):  # noqa: A002
    x = convert_to_tensor(input)
    if not x.dtype.is_floating or x.dtype == dtypes.float16:
        raise ValueError(f"`input` must be float32 or float64 for {op}. Received dtype "
                         f"{x.dtype}")
    if type not in (1, 2, 3, 4):
        raise ValueError(f"Types I, II, III and IV (I)DCT are supported. Received: type={type}")
    if axis != -1:
        raise NotImplementedError(f"axis must be -1. Got: {axis}")
    if norm not in (None, "ortho"):
        raise ValueError(f"Normalization {norm!r} is not supported.")
    if type == 1 and norm == "ortho":
        raise ValueError("Normalization is not supported for the Type-I DCT.")
    if n is not None:
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"`n` must be a positive integer. Received: n={n}")
        size = x.shape.as_list()[-1]
        rank = len(x.shape)
        if n < size:
            x = x[..., :n]
        elif n > size:
            x = shape.pad(x, [[0, 0]] * (rank - 1) + [[0, n - size]])
    size = x.shape.as_list()[-1]
    if type == 1 and size < 2:
        raise ValueError(f"The Type-I DCT requires the dimension to be greater than one. "
                         f"Received: {size}")
    return x, size


def _apply_dct(x, size, type, norm):  # noqa: A002
    m = _engine.wrap(_dct_matrix(size, type, norm, x.dtype.as_numpy_dtype))
    rank = len(x.shape)
    if rank == 1:
        return shape.reshape(matmul(shape.reshape(x, [1, size]), m), [size])
    return matmul(x, m)


@export("signal")
def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The discrete cosine transform (types 1 to 4, norm None or 'ortho') of the last
    axis, matching scipy.fft.dct."""
    x, size = _dct_args(input, type, n, axis, norm, "dct")
    return _apply_dct(x, size, type, norm)


@export("signal")
def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The inverse DCT: the DCT of the inverse type (2 <-> 3), unscaled unless norm is
    'ortho' (so idct(dct(x)) is 2N x for norm None, x for 'ortho')."""
    inverse = {1: 1, 2: 3, 3: 2, 4: 4}.get(type, type)
    x, size = _dct_args(input, inverse, n, axis, norm, "idct")
    return _apply_dct(x, size, inverse, norm)


@export("signal")
def mdct(signals, frame_length, window_fn=vorbis_window, pad_end=False, norm=None,
         name=None):
    """The modified DCT of frames of length `frame_length` (a multiple of 4) taken
    every frame_length / 2 samples: [..., frames, frame_length / 2]."""
    x = convert_to_tensor(signals)
    length = _positive_int(frame_length, "frame_length")
    if length % 4:
        raise ValueError(f"The frame length must be a multiple of 4. Received: {length}")
    if norm not in (None, "ortho"):
        raise ValueError(f"Normalization {norm!r} is not supported.")
    frames = frame(x, length, length // 2, pad_end=pad_end)
    if window_fn is not None:
        frames = frames * window_fn(length, dtype=frames.dtype)
    else:
        frames = frames * (1.0 / math.sqrt(2))
    q = length // 4
    a, b, c, d = (frames[..., i * q:(i + 1) * q] for i in range(4))
    rotated = shape.concat([-shape.reverse(c, [-1]) - d, a - shape.reverse(b, [-1])], -1)
    return _apply_dct(rotated, 2 * q, 4, norm)


@export("signal")
def inverse_mdct(mdcts, window_fn=vorbis_window, norm=None, name=None):
    """The inverse of mdct (for a power-complementary window such as vorbis or KBD):
    the frames' inverse transforms, windowed and overlap-added."""
    y = convert_to_tensor(mdcts)
    if norm not in (None, "ortho"):
        raise ValueError(f"Normalization {norm!r} is not supported.")
    half = y.shape.as_list()[-1]
    if half % 2:
        raise ValueError(f"The last dimension of `mdcts` must be even. Received: {half}")
    out = _apply_dct(y, half, 4, norm)
    if norm != "ortho":
        out = out * (0.5 / half)
    q = half // 2
    first, second = out[..., :q], out[..., q:]
    frames = shape.concat([second, -shape.reverse(second, [-1]),
                           -shape.reverse(first, [-1]), -first], -1)
    length = 2 * half
    if window_fn is not None:
        frames = frames * window_fn(length, dtype=frames.dtype)
    else:
        frames = frames * (1.0 / math.sqrt(2))
    return overlap_and_add(frames, half)


# --- mel ----------------------------------------------------------------------------

def _hertz_to_mel(f):
    return 1127.0 * np.log1p(f / 700.0)


@export("signal")
def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=dtypes.float32, name=None):
    """A [num_spectrogram_bins, num_mel_bins] matrix of triangular mel filters (HTK mel
    scale, 1127 ln(1 + f / 700)); the DC bin gets no weight.

    Raises:
        ValueError: nonpositive counts or rate, negative or unordered edges, an upper
            edge above the Nyquist frequency, or a non-float dtype.
    """
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Received: {dtype}")
    if num_mel_bins <= 0:
        raise ValueError(f"num_mel_bins must be positive. Received: {num_mel_bins}")
    if num_spectrogram_bins <= 0:
        raise ValueError(f"num_spectrogram_bins must be positive. Received: "
                         f"{num_spectrogram_bins}")
    if sample_rate <= 0.0:
        raise ValueError(f"sample_rate must be positive. Received: {sample_rate}")
    if lower_edge_hertz < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Received: {lower_edge_hertz}")
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(f"lower_edge_hertz {lower_edge_hertz} >= upper_edge_hertz "
                         f"{upper_edge_hertz}")
    if upper_edge_hertz > sample_rate / 2:
        raise ValueError(f"upper_edge_hertz must not be larger than the Nyquist frequency "
                         f"(sample_rate / 2). Received: {upper_edge_hertz} for sample_rate: "
                         f"{sample_rate}")
    np_type = dtype.as_numpy_dtype
    nyquist = np_type(sample_rate / 2.0)
    linear = np.linspace(0.0, nyquist, num_spectrogram_bins, dtype=np_type)[1:]
    bins_mel = _hertz_to_mel(linear).astype(np_type)[:, None]
    edges = np.linspace(_hertz_to_mel(np_type(lower_edge_hertz)),
                        _hertz_to_mel(np_type(upper_edge_hertz)), num_mel_bins + 2,
                        dtype=np_type)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(np_type(0), np.minimum(lower_slopes, upper_slopes))
    weights = np.concatenate([np.zeros((1, num_mel_bins), np_type), weights], axis=0)
    return _engine.wrap(weights.astype(np_type))


@export("signal")
def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """Mel-frequency cepstral coefficients: the DCT-II of the log mel spectrogram's last
    axis, scaled by 1 / sqrt(2 num_mel_bins)."""
    x = convert_to_tensor(log_mel_spectrograms)
    if not x.dtype.is_floating:
        raise ValueError(f"`log_mel_spectrograms` must be a float tensor. Received dtype "
                         f"{x.dtype}")
    bins = x.shape.as_list()[-1] if len(x.shape) else 0
    if bins < 1:
        raise ValueError("`log_mel_spectrograms` must have a nonempty last dimension")
    return dct(x, type=2) * (1.0 / math.sqrt(2.0 * bins))
