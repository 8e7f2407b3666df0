"""Fitting a damped oscillator's physical parameters with a tf.Module and Adam.

x(t) = A·exp(−γt)·cos(ωt + φ): the Module owns the four parameters (created in its
name scope), a custom loop fits them to noisy samples with tf.keras.optimizers.Adam and
a Huber loss, and an ExponentialDecay schedule lowers the step size.
"""

import numpy as np

import fasttape as tf


class DampedOscillator(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.amplitude = tf.Variable(1.0, dtype=tf.float64, name="amplitude")
            self.damping = tf.Variable(0.1, dtype=tf.float64, name="damping")
            self.omega = tf.Variable(2.0, dtype=tf.float64, name="omega")
            self.phase = tf.Variable(0.0, dtype=tf.float64, name="phase")

    def __call__(self, t):
        return (self.amplitude * tf.exp(-self.damping * t)
                * tf.cos(self.omega * t + self.phase))


def main(verbose=True, steps=400, seed=0):
    rng = np.random.default_rng(seed)
    truth = {"amplitude": 1.7, "damping": 0.3, "omega": 2.4, "phase": 0.5}
    t_np = np.linspace(0.0, 10.0, 200)
    x_np = (truth["amplitude"] * np.exp(-truth["damping"] * t_np)
            * np.cos(truth["omega"] * t_np + truth["phase"]) + 0.01 * rng.normal(size=200))
    t, x = tf.constant(t_np), tf.constant(x_np)

    model = DampedOscillator()
    schedule = tf.keras.optimizers.schedules.ExponentialDecay(0.05, 500, 0.5)
    opt = tf.keras.optimizers.Adam(schedule)
    loss_fn = tf.keras.losses.Huber(delta=0.1, dtype="float64")

    losses = []
    for step in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(x, model(t))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
        if verbose and step % 300 == 0:
            print(f"step {step:5d}  loss {losses[-1]:.3e}")
    fitted = {v.name.split("/")[1][:-2]: float(v.numpy()) for v in model.trainable_variables}
    errors = {k: abs(fitted[k] - truth[k]) for k in truth}
    if verbose:
        print("fitted", {k: round(v, 4) for k, v in fitted.items()})
    return {"initial_loss": losses[0], "final_loss": losses[-1], "errors": errors,
            "variable_names": sorted(v.name for v in model.variables)}


if __name__ == "__main__":
    main()
