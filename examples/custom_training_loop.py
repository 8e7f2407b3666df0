"""A TF-style custom training loop: Sequential of Dense layers, Adam with a cosine
learning-rate schedule, and SparseCategoricalCrossentropy from logits, on three
Gaussian blobs. The train step is a `tf.function`, as in TensorFlow's guides."""

import numpy as np

import fasttape as tf


def main(verbose=True, steps=200, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 3.0], [3.0, -1.0], [-3.0, -1.0]])
    y_np = rng.integers(0, 3, 600)
    x_np = (centers[y_np] + rng.normal(size=(600, 2))).astype(np.float32)
    x, y = tf.constant(x_np), tf.constant(y_np)

    model = tf.keras.Sequential([
        tf.keras.layers.Dense(16, activation="relu",
                              kernel_initializer=tf.keras.initializers.GlorotUniform(seed)),
        tf.keras.layers.Dense(3, kernel_initializer=tf.keras.initializers.GlorotUniform(seed)),
    ])
    schedule = tf.keras.optimizers.schedules.CosineDecay(2e-2, decay_steps=steps, alpha=0.1)
    opt = tf.keras.optimizers.Adam(schedule)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for step in range(steps):
        loss = train_step(x, y)
        losses.append(float(loss))
        if verbose and step % 50 == 0:
            print(f"step {step:4d}  loss {losses[-1]:.4f}")
    accuracy = float(np.mean(np.argmax(model(x).numpy(), axis=1) == y_np))
    if verbose:
        print(f"final loss {losses[-1]:.4f}  accuracy {accuracy:.3f}")
    return {"initial_loss": losses[0], "final_loss": losses[-1], "accuracy": accuracy,
            "iterations": int(opt.iterations),
            "final_learning_rate": float(opt.learning_rate),
            "variable_names": [v.name for v in model.trainable_variables]}


if __name__ == "__main__":
    main()
