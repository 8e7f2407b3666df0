"""A hyper-parameter sweep with fasttape on dask.distributed: one training run per task.

    pip install "dask[distributed]"
    python examples/distributed_sweep.py                    # local cluster, 2 workers
    python examples/distributed_sweep.py --scheduler tcp://host:8786

Trains a small MLP classifier for every (learning rate, hidden size) pair. The data set
is scattered to the workers once; each task trains from scratch and returns its
validation loss. Runs are independent, so they scale with the number of worker
processes (one thread each: a fasttape tape is per thread and the engine holds the GIL).
"""

import argparse
import itertools
import time

import numpy as np

import fasttape as tf


def make_data(seed=0, n=2000, features=20, classes=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(np.float32)
    w = rng.standard_normal((features, classes)).astype(np.float32)
    labels = np.argmax(x @ w + 0.3 * rng.standard_normal((n, classes)), axis=1)
    onehot = np.eye(classes, dtype=np.float32)[labels]
    split = int(0.8 * n)
    return x[:split], onehot[:split], x[split:], onehot[split:]


def train(config, data, steps=150, seed=0):
    """Full-batch gradient descent; returns (config, validation loss)."""
    lr, hidden = config
    x, y, x_val, y_val = data
    rng = np.random.default_rng(seed)
    w1 = tf.Variable(rng.normal(0, 1 / np.sqrt(x.shape[1]), (x.shape[1], hidden)).astype(np.float32))
    b1 = tf.Variable(np.zeros(hidden, np.float32))
    w2 = tf.Variable(rng.normal(0, 1 / np.sqrt(hidden), (hidden, y.shape[1])).astype(np.float32))
    b2 = tf.Variable(np.zeros(y.shape[1], np.float32))
    params = [w1, b1, w2, b2]

    def loss_of(inputs, labels):
        logits = tf.matmul(tf.nn.relu(tf.matmul(inputs, w1) + b1), w2) + b2
        return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels,
                                                                       logits=logits))

    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_of(x, y)
        for p, g in zip(params, tape.gradient(loss, params)):
            p.assign_sub(lr * g)
    return config, float(loss_of(x_val, y_val))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="dask scheduler to connect to (default: start a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster processes")
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--lrs", default="0.03,0.1,0.3,1.0")
    parser.add_argument("--hidden", default="8,32,128")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        configs = list(itertools.product([float(v) for v in args.lrs.split(",")],
                                         [int(v) for v in args.hidden.split(",")]))
        data = client.scatter(make_data(), broadcast=True)      # sent once per worker
        start = time.perf_counter()
        futures = client.map(train, configs, data=data, steps=args.steps, pure=False)
        results = sorted(client.gather(futures), key=lambda r: r[1])
        elapsed = time.perf_counter() - start
        print("   lr  hidden  validation loss")
        for (lr, hidden), loss in results:
            print(f"{lr:5g}  {hidden:6d}  {loss:.4f}")
        (lr, hidden), loss = results[0]
        print(f"best: lr={lr:g} hidden={hidden} (validation loss {loss:.4f}); "
              f"{len(configs)} runs in {elapsed:.2f} s on "
              f"{len(client.scheduler_info()['workers'])} workers")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
