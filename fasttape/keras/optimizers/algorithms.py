"""The optimizers: hyperparameters, slots and the call into each fused kernel.

Every `_update` receives flat buffers of one compute dtype: `w` (the variable), `g`
(the dense gradient), `g2` (the summed squared rows of a sparse gradient, or None) and
the slots; it returns the new `w` and the new slots.
"""

import math
import re

import numpy as np

from fasttape import _engine, _optim
from fasttape.keras.optimizers.base import Optimizer


def _empty(*like):
    return [np.empty_like(a) for a in like]


def _f32(x):
    """A hyperparameter as Keras casts a Python float to float32 state."""
    return float(np.float32(x))


def _step_size(dtype, lr, beta_1, beta_2, t):
    """Adam's lr*sqrt(1 - beta_2^t)/(1 - beta_1^t), in the variable's dtype as Keras
    computes it (the betas rounded to float32 first)."""
    f = np.dtype(dtype).type
    one, step = f(1), f(t)
    return float(f(lr) * np.sqrt(one - f(_f32(beta_2)) ** step)
                 / (one - f(_f32(beta_1)) ** step))


class SGD(Optimizer):
    """Gradient descent, with optional (Nesterov) momentum."""

    _needs_g2 = False

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    @property
    def _slot_names(self):
        return ("momentum",) if self.momentum != 0 else ()

    def _update(self, var, w, g, g2, slots, lr, wd):
        if self.momentum == 0:
            (out,) = _empty(w)
            _optim.sgd(w, g, out, lr, wd, lr)
            return out, []
        (m,) = slots
        out, out_m = _empty(w, m)
        _optim.sgd_momentum(w, g, m, out, out_m, lr, _f32(self.momentum),
                            bool(self.nesterov), wd, lr)
        return out, [out_m]

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam: bias-corrected first and second moments (optionally AMSGrad)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    @property
    def _slot_names(self):
        return ("momentum", "velocity") + (("velocity_hat",) if self.amsgrad else ())

    @property
    def _slot_groups(self):
        return (2, 1) if self.amsgrad else (2,)

    def _update(self, var, w, g, g2, slots, lr, wd):
        t = self._step_number()
        alpha = _step_size(w.dtype, lr, self.beta_1, self.beta_2, t)
        m, v = slots[0], slots[1]
        vhat = slots[2] if self.amsgrad else v
        out, out_m, out_v = _empty(w, m, v)
        out_vhat = np.empty_like(vhat) if self.amsgrad else out_v
        _optim.adam(w, g, g2, m, v, vhat, out, out_m, out_v, out_vhat, alpha,
                    float(self.beta_1), float(self.beta_2), float(self.epsilon),
                    bool(self.amsgrad), wd, lr)
        return out, [out_m, out_v] + ([out_vhat] if self.amsgrad else [])

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (default 0.004)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)


class RMSprop(Optimizer):
    """RMSprop: a moving average of squared gradients (optionally centered, momentum)."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    @property
    def _slot_names(self):
        return (("velocity",) + (("momentum",) if self.momentum > 0 else ())
                + (("average_gradient",) if self.centered else ()))

    @property
    def _slot_groups(self):
        return (1,) * len(self._slot_names)

    def _update(self, var, w, g, g2, slots, lr, wd):
        s = slots[0]
        k = 1
        mom = mg = s
        if self.momentum > 0:
            mom = slots[k]
            k += 1
        if self.centered:
            mg = slots[k]
        out, out_s = _empty(w, s)
        out_mom = np.empty_like(s) if self.momentum > 0 else out_s
        out_mg = np.empty_like(s) if self.centered else out_s
        _optim.rmsprop(w, g, g2, s, mg, mom, out, out_s, out_mg, out_mom, lr,
                       float(self.rho), float(self.epsilon), float(self.momentum),
                       bool(self.centered), wd, lr)
        new = [out_s] + ([out_mom] if self.momentum > 0 else [])
        return out, new + ([out_mg] if self.centered else [])

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adagrad(Optimizer):
    """Adagrad: steps scaled by the root of the summed squared gradients."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slots_for(self, var):
        return [self._zeros_like(var, "accumulator", fill=_f32(self.initial_accumulator_value))]

    def _update(self, var, w, g, g2, slots, lr, wd):
        (a,) = slots
        out, out_a = _empty(w, a)
        _optim.adagrad(w, g, g2, a, out, out_a, lr, float(self.epsilon), wd, lr)
        return out, [out_a]

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adadelta: steps from running averages of squared gradients and squared steps."""

    _slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _update(self, var, w, g, g2, slots, lr, wd):
        a, d = slots
        out, out_a, out_d = _empty(w, a, d)
        _optim.adadelta(w, g, g2, a, d, out, out_a, out_d, lr, float(self.rho),
                        float(self.epsilon), wd, lr)
        return out, [out_a, out_d]

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm in place of the second moment."""

    _slot_names = ("momentum", "norm")
    # with repeated indices Keras takes |row| before summing: u = max(b2*u, sum |g_i|)
    _row_stat = "abs"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _update(self, var, w, g, g2, slots, lr, wd):
        m, u = slots
        out, out_m, out_u = _empty(w, m, u)
        _optim.adamax(w, g, g2, m, u, out, out_m, out_u, lr, float(self.beta_1),
                      float(self.beta_2), float(self.epsilon),
                      _f32(self.beta_1) ** self._step_number(), wd, lr)
        return out, [out_m, out_u]

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum (the momentum schedule of Dozat, 2016)."""

    _slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self._u_product = None
        self._u_product_t = 1.0

    def build(self, var_list):
        if not self.built:
            # the momentum product has the first variable's dtype
            dtype = np.asarray(var_list[0]).dtype if var_list else np.float32
            self._u_product = _engine.Variable(np.ones((), dtype=dtype), trainable=False)
        super().build(var_list)

    def _extra_variables(self):
        return [self._u_product] if self._u_product is not None else []

    def _mu(self, step):
        return _f32(self.beta_1) * (1.0 - 0.5 * _f32(0.96) ** step)

    def _before_update(self):
        # the product advances once per step, for all variables
        p = np.asarray(self._u_product)
        f = p.dtype.type
        t = f(self._step_number())
        self._u_product.assign(p * f(self.beta_1) * (f(1) - f(0.5) * np.power(f(0.96), t)))
        self._u_product_t = float(np.asarray(self._u_product))

    def _update(self, var, w, g, g2, slots, lr, wd):
        t = self._step_number()
        u_t, u_t_1 = self._mu(t), self._mu(t + 1)
        m, v = slots
        out, out_m, out_v = _empty(w, m, v)
        _optim.nadam(w, g, g2, m, v, out, out_m, out_v, lr, _f32(self.beta_1),
                     _f32(self.beta_2), float(self.epsilon), u_t, u_t_1,
                     self._u_product_t, _f32(self.beta_2) ** t, wd, lr)
        return out, [out_m, out_v]

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013), with L1/L2 and L2-shrinkage terms."""

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        for arg, value in (("initial_accumulator_value", initial_accumulator_value),
                           ("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength",
                            l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: "
                                 f"{arg}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _slots_for(self, var):
        return [self._zeros_like(var, "accumulator",
                                 fill=_f32(self.initial_accumulator_value)),
                self._zeros_like(var, "linear")]

    def _update(self, var, w, g, g2, slots, lr, wd):
        n, z = slots
        out, out_n, out_z = _empty(w, n, z)
        l2_reg = self.l2_regularization_strength + self.beta / (2.0 * lr)
        _optim.ftrl(w, g, g2, n, z, out, out_n, out_z, lr, float(self.learning_rate_power),
                    float(self.l1_regularization_strength), l2_reg,
                    float(self.l2_shrinkage_regularization_strength), wd, lr)
        return out, [out_n, out_z]

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength":
                    self.l2_shrinkage_regularization_strength,
                "beta": self.beta}


class Lion(Optimizer):
    """Lion: signed updates of an interpolated momentum (Chen et al., 2023)."""

    _slot_names = ("momentum",)
    _needs_g2 = False

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                             f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _update(self, var, w, g, g2, slots, lr, wd):
        (m,) = slots
        out, out_m = _empty(w, m)
        _optim.lion(w, g, m, out, out_m, lr, _f32(self.beta_1), _f32(self.beta_2), wd, lr)
        return out, [out_m]

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018): factored second moments for matrices.

    Its update needs row and column means, so it runs as a few numpy passes rather than
    one fused kernel.
    """

    _sparse_rows = None    # the rows of the sparse gradient being applied, else None

    def _update_variable(self, var, grad, slots, lr, wd):
        # the clipping rms of a sparse gradient counts its rows, so _update needs them
        self._sparse_rows = grad if grad.sparse else None
        try:
            super()._update_variable(var, grad, slots, lr, wd)
        finally:
            self._sparse_rows = None

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30,
                 epsilon_2=1e-3, clip_threshold=1.0, relative_step=True, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def _slots_for(self, var):
        shape = tuple(var.shape)
        if len(shape) < 2:
            # unfactored: Keras still keeps two int32 scalar placeholders for r and c
            dummies = [_engine.Variable(np.int32(0), trainable=False, name=var.name)
                       for _ in range(2)]
            return dummies + [self._zeros_like(var, "velocity")]
        return [self._zeros_like(var, "r", shape=shape[:-1]),
                self._zeros_like(var, "c", shape=shape[:-2] + shape[-1:]),
                self._zeros_like(var, "velocity")]

    def _update(self, var, w, g, g2, slots, lr, wd):
        shape = tuple(var.shape)
        w = w.reshape(shape)
        g = g.reshape(shape)
        t = float(self._step_number())
        if self.relative_step and isinstance(self._learning_rate, _engine.Variable):
            lr = min(lr, 1 / math.sqrt(t))
        rms = lambda x: np.sqrt(np.mean(np.square(x)))   # noqa: E731
        if wd:
            w = w - w * wd * lr
        rho_t = min(lr, 1 / math.sqrt(t))
        alpha_t = max(self.epsilon_2, rms(w)) * rho_t
        g_sq = (np.square(g) if g2 is None else g2.reshape(shape)) + self.epsilon_1
        beta_2_t = 1 - t ** self.beta_2_decay
        if len(shape) >= 2:
            r = slots[0].reshape(shape[:-1])
            c = slots[1].reshape(shape[:-2] + shape[-1:])
            r = beta_2_t * r + (1 - beta_2_t) * np.mean(g_sq, axis=-1)
            c = beta_2_t * c + (1 - beta_2_t) * np.mean(g_sq, axis=-2)
            v = np.expand_dims(r / np.mean(r, axis=-1, keepdims=True), -1) * np.expand_dims(c, -2)
            new_slots = [r, c, v]
        else:
            v = beta_2_t * slots[2].reshape(shape) + (1 - beta_2_t) * g_sq
            new_slots = [slots[0], slots[1], v]
        u = g / np.sqrt(v)
        rows = self._sparse_rows
        if rows is None:
            u_rms = rms(u)
        else:
            # Keras divides each row by the root of v, so the rms sums squared rows
            root = np.sqrt(v.reshape(shape[0], -1))[rows.indices]
            u_rms = math.sqrt(float(np.sum(np.square(rows.values / root))) / max(u.size, 1))
        u_hat = u / max(1.0, u_rms / self.clip_threshold)
        out = w - alpha_t * u_hat
        return out.astype(w.dtype).reshape(-1), [np.asarray(s).reshape(-1)
                                                 for s in new_slots]

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1, "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold, "relative_step": self.relative_step}


class Lamb(Optimizer):
    """LAMB (You et al., 2019): Adam's bias-corrected step, rescaled per variable by the
    trust ratio ‖w‖/‖step‖. The norms are whole-variable reductions, so it runs as
    numpy passes."""

    _slot_names = ("momentum", "velocity")
    _slot_groups = (2,)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _update(self, var, w, g, g2, slots, lr, wd):
        t = self._step_number()
        if wd:
            w = w - w * wd * lr
        m, v = slots
        m = m + (g - m) * (1 - self.beta_1)
        v = v + ((g * g if g2 is None else g2) - v) * (1 - self.beta_2)
        step = (m / (1.0 - self.beta_1 ** t)) / (np.sqrt(v / (1.0 - self.beta_2 ** t))
                                                  + self.epsilon)
        w_norm = math.sqrt(float(np.dot(w, w)))
        s_norm = math.sqrt(float(np.dot(step, step)))
        ratio = w_norm / s_norm if w_norm > 0 and s_norm > 0 else 1.0
        return w - ratio * lr * step, [m, v]

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW (Defazio et al., 2024): no learning-rate schedule, an
    interpolation between the gradient sequence `z` (the `momentum` slot, starting at
    the variable's value) and its running average `x`; the variable holds
    `y = (1 - beta_1) z + beta_1 x`.

    Per step t: `v += (g² - v)(1 - beta_2)`; `z -= lr_t g / (sqrt(v/(1 - beta_2^t)) + ε)`
    with `lr_t = lr·min(t/warmup_steps, 1)`; then `x` (recovered from `y` and the new `z`)
    moves to `z` by `1/t`, and `y` is recomputed. Runs as numpy passes.
    """

    _slot_names = ("momentum", "velocity")
    _slot_groups = (2,)

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 warmup_steps=0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def _slots_for(self, var):
        z = self._zeros_like(var, "momentum")
        z.assign(np.asarray(var))
        return [z, self._zeros_like(var, "velocity")]

    def _update(self, var, w, g, g2, slots, lr, wd):
        f = w.dtype.type
        t = f(self._step_number())
        # the hyperparameters are cast to the variable's dtype from float32, as Keras does
        b1, b2, eps = f(_f32(self.beta_1)), f(_f32(self.beta_2)), f(_f32(self.epsilon))
        lr = f(lr)
        if wd:
            w = w - w * f(wd) * lr
        if self.warmup_steps > 0:
            lr = lr * min(t / f(self.warmup_steps), f(1.0))
        z, v = slots
        v = v + ((g * g if g2 is None else g2) - v) * (f(1) - b2)
        z = z - (lr * g) / (np.sqrt(v / (f(1) - b2 ** t)) + eps)
        weight = f(1) / t
        # x is recovered from y and the updated z (Keras reads the momentum after writing it)
        x = (w - (f(1) - b1) * z) / b1
        x = (f(1) - weight) * x + weight * z
        return (f(1) - b1) * z + b1 * x, [z, v]

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "warmup_steps": self.warmup_steps}


def _variable_path(var):
    """A variable's path as Keras names it (its name without the ':0')."""
    name = var.name
    return name[:-2] if name.endswith(":0") else name


class Muon(Optimizer):
    """Muon (Jordan et al., 2024): momentum orthogonalised by a Newton-Schulz iteration,
    for 2-D variables; every other variable (and embeddings and `exclude_layers` matches
    when asked) takes an AdamW step instead.

    Muon step: `m = momentum·m + g`; `u = g + momentum·m` (Nesterov) or `m`; `u` is
    normalised to unit Frobenius norm and run through `ns_steps` quintic Newton-Schulz
    iterations with coefficients `(muon_a, muon_b, muon_c)`; `var -= lr·u·sqrt(max(n, k))
    ·rms_rate` (without the factor when `rms_rate` is None). The AdamW step uses
    `lr·adam_lr_ratio` and `adam_weight_decay`. A variable's path is its name without
    ':0'.
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2,
                 **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, var):
        if len(var.shape) != 2:
            return True
        path = _variable_path(var)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(k, path) for k in self.exclude_layers)

    def _slots_for(self, var):
        slots = [self._zeros_like(var, "momentum")]
        if self._should_use_adamw(var):
            slots.append(self._zeros_like(var, "velocity"))
        return slots

    def _weight_decay_for(self, var):
        # Muon's variables decay by weight_decay, the AdamW ones by adam_weight_decay
        rate = self.adam_weight_decay if self._should_use_adamw(var) else self.weight_decay
        if rate is None or id(var) in self._exclude_ids or any(
                s in var.name for s in self._exclude_names):
            return 0.0
        return _f32(rate)

    def _update(self, var, w, g, g2, slots, lr, wd):
        if len(slots) == 2:
            return self._adamw(w, g, g2, slots, lr, wd)
        f = w.dtype.type
        if wd:
            w = w - w * f(wd) * f(lr)
        shape = tuple(var.shape)
        m = slots[0] + (g + slots[0] * f(self.momentum - 1))
        u = g + f(self.momentum) * m if self.nesterov else m
        u = _newton_schulz5(u.reshape(shape), self.ns_steps,
                            (self.muon_a, self.muon_b, self.muon_c))
        step = f(lr) * u
        if self.rms_rate is not None:
            # Keras takes this root in float32
            step = step * f(np.sqrt(np.float32(max(shape)))) * f(self.rms_rate)
        return w - step.reshape(-1), [m]

    def _adamw(self, w, g, g2, slots, lr, wd):
        adam_lr = _f32(np.float32(lr) * np.float32(self.adam_lr_ratio))
        t = self._step_number()
        alpha = _step_size(w.dtype, adam_lr, self.adam_beta_1, self.adam_beta_2, t)
        m, v = slots
        out, out_m, out_v = _empty(w, m, v)
        _optim.adam(w, g, g2, m, v, v, out, out_m, out_v, out_v, alpha,
                    float(self.adam_beta_1), float(self.adam_beta_2), float(self.epsilon),
                    False, wd, lr)
        return out, [out_m, out_v]

    def get_config(self):
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1,
                "adam_beta_2": self.adam_beta_2, "epsilon": self.epsilon,
                "exclude_layers": self.exclude_layers, "muon_a": self.muon_a,
                "muon_b": self.muon_b, "muon_c": self.muon_c,
                "adam_lr_ratio": self.adam_lr_ratio, "momentum": self.momentum,
                "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings,
                "adam_weight_decay": self.adam_weight_decay, "rms_rate": self.rms_rate}


def _newton_schulz5(x, steps, coefficients):
    """The quintic Newton-Schulz iteration towards the orthogonal factor of `x`, on its
    wide orientation."""
    a, b, c = coefficients
    tall = x.shape[-2] > x.shape[-1]
    if tall:
        x = np.swapaxes(x, -1, -2)
    x = x / (np.sqrt(np.sum(np.square(x), axis=(-2, -1), keepdims=True)) + 1e-7)
    for _ in range(steps):
        gram = x @ np.swapaxes(x, -1, -2)
        x = a * x + (b * gram + c * gram @ gram) @ x
    return np.swapaxes(x, -1, -2) if tall else x
