"""ADBench objective: multi-layer LSTM predicting the next character.

Written from the mathematical definition in Srajer, Kukelova & Fitzgibbon
(2018), section "Long short-term memory".  ADBench's LSTM is a simplified
one with *diagonal* (element-wise) weights; ``b`` is both the character
encoding width and the hidden size.

* ``main_params``  (2 l, 4 b): per layer, a weight row then a bias row; each
  row holds the four gates [forget, input, output, change] of width b
* ``extra_params`` (3, b):     input weight, output weight, output bias
* ``state``        (2 l, b):   per layer, hidden row then cell row
* ``sequence``     (c, b):     one-hot encoded characters

One layer, given input x, hidden h and cell s::

    forget = sigmoid(x * W_f + B_f)
    ingate = sigmoid(h * W_i + B_i)
    outgate = sigmoid(x * W_o + B_o)
    change = tanh(h * W_c + B_c)
    s' = s * forget + ingate * change
    h' = outgate * tanh(s')

Prediction: x_0 = input * extra[0]; layers in sequence (each layer's new
hidden is the next layer's input); y = h_last * extra[1] + extra[2].

Loss: -(1 / ((c - 1) b)) sum_{t=0}^{c-2} sum_j seq[t+1, j] log_softmax(y_t)_j,
the state being carried across time steps.  The time loop is a
``tf.while_loop``; layers are a Python loop inside its body.
"""

import numpy as np

import fasttape as tf


def make_inputs(n_layers=2, char_bits=14, seq_len=128, seed=0):
    """Deterministic random LSTM problem (numpy float64 arrays)."""
    rng = np.random.default_rng(seed)
    chars = rng.integers(0, char_bits, seq_len)
    sequence = np.zeros((seq_len, char_bits))
    sequence[np.arange(seq_len), chars] = 1.0
    return {
        "main_params": rng.uniform(-1.0, 1.0, (2 * n_layers, 4 * char_bits)),
        "extra_params": rng.uniform(-1.0, 1.0, (3, char_bits)),
        "state": rng.uniform(-1.0, 1.0, (2 * n_layers, char_bits)),
        "sequence": sequence,
    }


def lstm_model(weight, bias, hidden, cell, inp):
    b = hidden.get_shape().as_list()[0]
    forget = tf.sigmoid(inp * weight[0:b] + bias[0:b])
    ingate = tf.sigmoid(hidden * weight[b:2 * b] + bias[b:2 * b])
    outgate = tf.sigmoid(inp * weight[2 * b:3 * b] + bias[2 * b:3 * b])
    change = tf.tanh(hidden * weight[3 * b:] + bias[3 * b:])
    cell = cell * forget + ingate * change
    hidden = outgate * tf.tanh(cell)
    return hidden, cell


def lstm_predict(main_params, extra_params, state, inp):
    n_layers = main_params.get_shape().as_list()[0] // 2
    rows = tf.unstack(state)
    new_rows = []
    x = inp * extra_params[0]
    for i in range(n_layers):
        hidden, cell = lstm_model(main_params[2 * i], main_params[2 * i + 1],
                                  rows[2 * i], rows[2 * i + 1], x)
        new_rows.append(hidden)
        new_rows.append(cell)
        x = hidden
    return x * extra_params[1] + extra_params[2], tf.stack(new_rows)


def objective(main_params, extra_params, state, sequence):
    main_params = tf.convert_to_tensor(main_params, dtype=tf.float64)
    extra_params = tf.convert_to_tensor(extra_params, dtype=tf.float64)
    state = tf.convert_to_tensor(state, dtype=tf.float64)
    sequence = tf.convert_to_tensor(sequence, dtype=tf.float64)
    c, b = sequence.get_shape().as_list()

    def cond(t, state, total):
        return t < c - 1

    def body(t, state, total):
        inp = tf.gather(sequence, t)
        gold = tf.gather(sequence, t + 1)
        ypred, state = lstm_predict(main_params, extra_params, state, inp)
        ynorm = tf.nn.log_softmax(ypred)
        return t + 1, state, total + tf.reduce_sum(gold * ynorm)

    t0 = tf.constant(0)
    total0 = tf.constant(0.0, dtype=tf.float64)
    _, _, total = tf.while_loop(cond, body, [t0, state, total0])
    return -total / np.float64((c - 1) * b)


def gradient(main_params, extra_params, state, sequence):
    """Return ``(loss, (d_main_params, d_extra_params))`` via ``tf.GradientTape``."""
    main_params = tf.Variable(main_params, dtype=tf.float64)
    extra_params = tf.Variable(extra_params, dtype=tf.float64)
    state = tf.constant(state, dtype=tf.float64)
    sequence = tf.constant(sequence, dtype=tf.float64)
    with tf.GradientTape() as tape:
        loss = objective(main_params, extra_params, state, sequence)
    grads = tape.gradient(loss, [main_params, extra_params])
    return loss, tuple(grads)


if __name__ == "__main__":
    inputs = make_inputs(n_layers=2, char_bits=14, seq_len=128, seed=0)
    loss, grads = gradient(**inputs)
    norm = np.sqrt(sum(float(np.sum(np.square(g.numpy()))) for g in grads))
    print("lstm l=2 b=14 c=128: loss = %.12g  |grad| = %.12g" % (float(loss.numpy()), norm))
