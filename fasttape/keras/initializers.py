"""Keras 3 initializers (`tf.keras.initializers`): `init(shape, dtype=None)` is a tensor.

Random initializers draw from numpy's PCG64 generator. With a `seed` they are
deterministic (the same instance repeats its values on every call, across processes);
the values differ from TensorFlow's, whose counter-based generator is not reproduced.
Without a seed each call draws new values.
"""

import math

import numpy as np

from fasttape import _convert, dtypes

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "GlorotNormal", "GlorotUniform", "HeNormal",
           "HeUniform", "LecunNormal", "LecunUniform", "Identity", "Orthogonal",
           "STFT", "STFTInitializer", "stft", "get", "serialize", "deserialize"]


def _dtype(dtype):
    return np.dtype(dtypes.as_dtype(dtype or "float32").as_numpy_dtype)


def _tensor(value, dtype):
    return _convert.constant(np.asarray(value).astype(_dtype(dtype)))


class Initializer:
    """The base class: subclasses define `__call__(shape, dtype=None)`."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must define __call__")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())


class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return _tensor(np.zeros(tuple(shape)), dtype)


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return _tensor(np.ones(tuple(shape)), dtype)


class Constant(Initializer):
    """`value` broadcast to the shape (scalars and lists along the last axis)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return _tensor(np.broadcast_to(np.asarray(self.value), tuple(shape)), dtype)

    def get_config(self):
        return {"value": self.value}


class _Random(Initializer):
    def __init__(self, seed=None):
        self.seed = seed

    def _rng(self):
        # a fixed seed gives the same values on every call
        return np.random.default_rng(self.seed)

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(_Random):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _tensor(self._rng().normal(self.mean, self.stddev, tuple(shape)), dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Random):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return _tensor(self._rng().uniform(self.minval, self.maxval, tuple(shape)), dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated(rng, shape, mean, stddev):
    """Normal draws, redrawn until within two standard deviations."""
    out = rng.normal(size=shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.normal(size=int(bad.sum()))
        bad = np.abs(out) > 2
    return mean + stddev * out


class TruncatedNormal(_Random):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _tensor(_truncated(self._rng(), tuple(shape), self.mean, self.stddev), dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _fans(shape):
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(_Random):
    """Draws scaled by `scale / n`, n the fan in, fan out or their mean (`mode`)."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError("Invalid `mode` argument: expected one of {'fan_in', 'fan_out', "
                             f"'fan_avg'}}. Received: mode={mode}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("Invalid `distribution` argument: expected one of "
                             "{'truncated_normal', 'untruncated_normal', 'uniform'}. "
                             f"Received: distribution={distribution}")
        super().__init__(seed)
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        scale = self.scale / max(1.0, n)
        rng, shape = self._rng(), tuple(shape)
        if self.distribution == "truncated_normal":
            # the stddev of a unit normal truncated to (-2, 2)
            value = _truncated(rng, shape, 0.0, math.sqrt(scale) / 0.87962566103423978)
        elif self.distribution == "untruncated_normal":
            value = rng.normal(0.0, math.sqrt(scale), shape)
        else:
            limit = math.sqrt(3.0 * scale)
            value = rng.uniform(-limit, limit, shape)
        return _tensor(value, dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def _scaling(name, scale, mode, distribution, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution,
                                 seed=seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": doc})


GlorotUniform = _scaling("GlorotUniform", 1.0, "fan_avg", "uniform",
                         "Uniform in ±sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                        "Truncated normal with variance 2 / (fan_in + fan_out).")
HeUniform = _scaling("HeUniform", 2.0, "fan_in", "uniform", "Uniform in ±sqrt(6 / fan_in).")
HeNormal = _scaling("HeNormal", 2.0, "fan_in", "truncated_normal",
                    "Truncated normal with variance 2 / fan_in.")
LecunUniform = _scaling("LecunUniform", 1.0, "fan_in", "uniform",
                        "Uniform in ±sqrt(3 / fan_in).")
LecunNormal = _scaling("LecunNormal", 1.0, "fan_in", "truncated_normal",
                       "Truncated normal with variance 1 / fan_in.")


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes, rectangular ones included)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D square "
                             f"matrices. Received: shape={shape} of rank {len(shape)}.")
        if _dtype(dtype).kind not in "f":
            raise TypeError(f"Identity initializer requires a float dtype, got {dtype}")
        return _tensor(self.gain * np.eye(*shape), dtype)

    def get_config(self):
        return {"gain": self.gain}


class Orthogonal(_Random):
    """A (semi-)orthogonal matrix from the QR decomposition of normal draws, times `gain`."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = self._rng().normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return _tensor(self.gain * q.reshape(shape), dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, identity, orthogonal = VarianceScaling, Identity, Orthogonal
glorot_uniform, glorot_normal, he_uniform, he_normal = (GlorotUniform, GlorotNormal,
                                                        HeUniform, HeNormal)
lecun_uniform, lecun_normal = LecunUniform, LecunNormal

class STFT(Initializer):
    """Conv kernels of shape `(T, 1, F)` computing one side of a short-time Fourier
    transform: `cos` (`side="real"`) or `sin` (`"imag"`) of `-2π·t·f/(2(F−1))`, times a
    window (a `scipy.signal.get_window` name, an array of length `T`, or None) divided by
    its L2 (`scaling="density"`) or L1 (`"spectrum"`) norm. Computed in `dtype`."""

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if isinstance(window, str):
            import scipy.signal
            scipy.signal.get_window(window, 1)     # an unknown name raises ValueError
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError("Scaling is invalid, it must be `None`, 'density' or "
                             f"'spectrum'. Received scaling={scaling}")
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        frame_length, _, fft_length = shape
        win, scale = None, dt.type(1)
        if self.window is not None:
            win = self.window
            if isinstance(win, str):
                import scipy.signal
                win = scipy.signal.get_window(win, frame_length, self.periodic)
            win = np.asarray(win).astype(dt)
            if win.ndim != 1 or win.shape[-1] != frame_length:
                raise ValueError("The shape of `window` must be equal to [frame_length]."
                                 f"Received: window shape={win.shape}")
            win = win.reshape(frame_length, 1, 1)
            if self.scaling == "density":
                scale = np.sqrt(np.sum(np.square(win)))
            elif self.scaling == "spectrum":
                scale = np.sum(np.abs(win))
        # every intermediate in `dt`, in the order Keras evaluates them
        freq = np.arange(fft_length, dtype=dt).reshape(1, 1, fft_length) / dt.type(
            (fft_length - 1) * 2)
        time = np.arange(frame_length, dtype=dt).reshape(frame_length, 1, 1)
        args = (dt.type(-2) * time * freq) * np.arccos(dt.type(-1))
        kernel = np.cos(args) if self.side == "real" else np.sin(args)
        if win is not None:
            kernel = kernel * win / scale
        return _tensor(kernel, dtype)

    def get_config(self):
        window = self.window.tolist() if isinstance(self.window, np.ndarray) else self.window
        return {"side": self.side, "window": window, "periodic": self.periodic,
                "scaling": self.scaling}


STFTInitializer = stft = STFT

_CLASSES = {c.__name__: c for c in (STFT, Zeros, Ones, Constant, RandomNormal, RandomUniform,
                                    TruncatedNormal, VarianceScaling, GlorotNormal,
                                    GlorotUniform, HeNormal, HeUniform, LecunNormal,
                                    LecunUniform, Identity, Orthogonal)}


def _snake(name):
    from fasttape.module import _snake_case
    return _snake_case(name)


_BY_NAME = dict(_CLASSES, **{_snake(k): v for k, v in _CLASSES.items()})


def serialize(initializer):
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    objects = dict(_BY_NAME, **(custom_objects or {}))
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    cls = objects.get(config.get("class_name"))
    if cls is None:
        raise ValueError(f"Could not interpret initializer identifier: {config}")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """An initializer from an instance, a name ('glorot_uniform'), a config or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier() if isinstance(identifier, type) else identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")
