"""A TF-style custom training loop: Sequential of Dense layers, Adam, and
SparseCategoricalCrossentropy from logits, on three Gaussian blobs."""

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
    opt = tf.keras.optimizers.Adam(1e-2)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    losses = []
    for step in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
        if verbose and step % 50 == 0:
            print(f"step {step:4d}  loss {losses[-1]:.4f}")
    accuracy = float(np.mean(np.argmax(model(x).numpy(), axis=1) == y_np))
    if verbose:
        print(f"final loss {losses[-1]:.4f}  accuracy {accuracy:.3f}")
    return {"initial_loss": losses[0], "final_loss": losses[-1], "accuracy": accuracy,
            "iterations": int(opt.iterations),
            "variable_names": [v.name for v in model.trainable_variables]}


if __name__ == "__main__":
    main()
