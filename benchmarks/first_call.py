"""The first call of a traced function, trace (or compile) included: fasttape.function
against tf.function and jax.jit, on the fn_* workloads (function_workloads.py).

    python3 benchmarks/first_call.py [--only fn_scalar_chain_1000,...] [--repeat 3]

Each measurement makes a new function object (so nothing is cached from an earlier
one) and times making it plus its first call; the best of --repeat runs is shown.
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default="", help="comma-separated fn_* workload names")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)

    from frameworks import limit_threads_env
    limit_threads_env(1)
    sys.path.insert(0, HERE)
    import numpy as np

    import function_workloads  # noqa: F401 - registers fn_*
    import harness
    from frameworks import load_frameworks

    fw = load_frameworks(n_threads=1, fasttape_module="fasttape", want_tf=True,
                         want_torch=False, repo_root=os.path.dirname(HERE))
    names = [n for n in args.only.split(",") if n] or [
        n for n in harness.WORKLOADS if n.startswith("fn_")]
    columns = ("fasttape.function", "fasttape eager", "tf.function", "jax.jit")
    print(f"{'workload':<26}" + "".join(f"{c:>20}" for c in columns) +
          f"{'ft/jax':>10}{'ft/tf':>10}")
    for name in names:
        impls = {i.name: i for i in harness.WORKLOADS[name].build(
            fw, np.random.default_rng(0))}
        best = {}
        for col in columns:
            impl = impls.get(col)
            if impl is None or impl.make is None:
                continue
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                fn = impl.make()
                fn()
                times.append(time.perf_counter() - t0)
            best[col] = min(times)
        cells = "".join(f"{best[c] * 1e3:>17.2f} ms" if c in best else f"{'—':>20}"
                        for c in columns)
        ft = best.get("fasttape.function")
        ratio = [f"{ft / best[c]:>10.4f}" if ft and c in best else f"{'—':>10}"
                 for c in ("jax.jit", "tf.function")]
        print(f"{name:<26}{cells}{''.join(ratio)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
