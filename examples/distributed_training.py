"""Data-parallel training with fasttape on dask.distributed.

    pip install "dask[distributed]"
    python examples/distributed_training.py                      # local cluster, 2 workers
    python examples/distributed_training.py --scheduler tcp://host:8786

The model: an embedding table (vocab x dim, looked up with tf.gather, so its gradient is
an IndexedSlices touching only the rows a batch uses) feeding a dense layer. Each worker
holds one shard of the data and its own copy of the weights in a dask actor. A step:

1. every worker computes the gradients of a mini-batch of its shard (dense for the layer,
   (indices, values) for the embedding: only the rows it touched);
2. the driver averages them: dense gradients add, sparse ones are concatenated and
   their duplicate rows summed;
3. the driver applies SGD to its copy and sends every worker only the update: the
   dense deltas and the changed embedding rows. Weights are sent once, at the start.

At the end the run is checked against the same training in one process.
"""

import argparse
import time

import numpy as np

import fasttape as tf

VOCAB, DIM, HIDDEN, TOKENS = 2000, 16, 32, 4


def batch_of(shard, step, size):
    """The step's mini-batch of a shard (cycling through it)."""
    ids, target = shard
    start = (step * size) % len(ids)
    return ids[start:start + size], target[start:start + size]


def make_shard(seed, n):
    """n examples of TOKENS token ids each, and a regression target."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, VOCAB, size=(n, TOKENS)).astype(np.int32)
    target = (np.sin(ids[:, 0] / 97.0) + np.cos(ids[:, 1] / 53.0)).astype(np.float32)
    return ids, target[:, None]


def init_weights(seed=0):
    rng = np.random.default_rng(seed)
    return {"embedding": rng.normal(0, 0.1, (VOCAB, DIM)).astype(np.float32),
            "w": rng.normal(0, 0.1, (DIM * TOKENS, HIDDEN)).astype(np.float32),
            "b": np.zeros(HIDDEN, np.float32),
            "v": rng.normal(0, 0.1, (HIDDEN, 1)).astype(np.float32)}


class Model:
    """The weights as fasttape Variables, and the loss and gradients of a batch."""

    def __init__(self, weights):
        self.vars = {k: tf.Variable(v) for k, v in weights.items()}

    def gradients(self, ids, target):
        """(loss, dense grads {name: array}, embedding grad (indices, values))."""
        v = self.vars
        with tf.GradientTape() as tape:
            rows = tf.gather(v["embedding"], tf.reshape(ids, [-1]))
            x = tf.reshape(rows, [ids.shape[0], DIM * TOKENS])
            h = tf.nn.relu(tf.matmul(x, v["w"]) + v["b"])
            loss = tf.reduce_mean(tf.square(tf.matmul(h, v["v"]) - target))
        names = ["w", "b", "v"]
        grads = tape.gradient(loss, [v["embedding"]] + [v[k] for k in names])
        sparse = grads[0]
        return (float(loss), {k: g.numpy() for k, g in zip(names, grads[1:])},
                (sparse.indices.numpy(), sparse.values.numpy()))

    def apply(self, dense, sparse):
        """Add updates: dense deltas, and (rows, deltas) for the embedding."""
        for k, delta in dense.items():
            self.vars[k].assign_add(delta)
        rows, deltas = sparse
        table = self.vars["embedding"].numpy()
        table[rows] += deltas
        self.vars["embedding"].assign(table)

    def weights(self):
        return {k: var.numpy() for k, var in self.vars.items()}


class Worker:
    """A dask actor: one data shard and a copy of the weights, kept between steps."""

    def __init__(self, seed, n, weights):
        self.shard = make_shard(seed, n)
        self.model = Model(weights)

    def gradients(self, step, batch):
        return self.model.gradients(*batch_of(self.shard, step, batch))

    def apply(self, dense, sparse):
        self.model.apply(dense, sparse)

    def weights(self):
        return self.model.weights()


def reduce_gradients(results):
    """Average of the workers' gradients: dense summed, sparse rows merged and summed."""
    n = len(results)
    loss = sum(r[0] for r in results) / n
    dense = {k: sum(r[1][k] for r in results) / n for k in results[0][1]}
    indices = np.concatenate([r[2][0] for r in results])
    values = np.concatenate([r[2][1] for r in results]) / n
    rows, inverse = np.unique(indices, return_inverse=True)
    summed = np.zeros((len(rows), values.shape[1]), values.dtype)
    np.add.at(summed, inverse, values)
    return loss, dense, (rows, summed)


def sgd_updates(dense, sparse, lr):
    return {k: -lr * g for k, g in dense.items()}, (sparse[0], -lr * sparse[1])


def train_local(shards, steps, batch, lr, weights):
    """The same training in one process: the reference for the distributed run."""
    model = Model(weights)
    for step in range(steps):
        loss, dense, sparse = reduce_gradients(
            [model.gradients(*batch_of(s, step, batch)) for s in shards])
        model.apply(*sgd_updates(dense, sparse, lr))
    return loss, model.weights()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="dask scheduler to connect to (default: start a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster processes")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--examples", type=int, default=4096, help="examples per worker")
    parser.add_argument("--batch", type=int, default=128, help="examples per worker and step")
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--no-check", action="store_true",
                        help="skip the comparison with a single-process run")
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
        addresses = sorted(client.scheduler_info()["workers"])
        weights = init_weights()
        # one actor per worker, each with its shard and the weights, sent once
        actors = [client.submit(Worker, seed, args.examples, weights, actor=True,
                                workers=[address]).result()
                  for seed, address in enumerate(addresses)]
        start = time.perf_counter()
        for step in range(args.steps):
            results = [f.result() for f in [a.gradients(step, args.batch) for a in actors]]
            loss, dense, sparse = reduce_gradients(results)
            update = sgd_updates(dense, sparse, args.lr)
            for f in [a.apply(*update) for a in actors]:
                f.result()
            if step % 10 == 0 or step == args.steps - 1:
                print(f"step {step:4d}  loss {loss:.5f}  "
                      f"embedding rows updated {len(sparse[0])}/{VOCAB}")
        elapsed = time.perf_counter() - start
        print(f"{len(actors)} workers, {args.steps} steps in {elapsed:.2f} s "
              f"({1e3 * elapsed / args.steps:.1f} ms/step)")
        final = actors[0].weights().result()
        if not args.no_check:
            shards = [make_shard(seed, args.examples) for seed in range(len(actors))]
            ref_loss, ref = train_local(shards, args.steps, args.batch, args.lr, weights)
            diff = max(float(np.max(np.abs(final[k] - ref[k]))) for k in ref)
            same = all(np.array_equal(final[k], a.weights().result()[k])
                       for a in actors[1:] for k in ref)
            print(f"single-process loss {ref_loss:.5f}; max |weight difference| {diff:.2e}; "
                  f"workers agree: {same}")
            if diff > 1e-4 or not same:
                raise SystemExit("the distributed run does not match the single-process run")
            print("matches the single-process run")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
