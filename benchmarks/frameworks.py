"""Loading the frameworks under comparison, single-threaded, and describing them.

``limit_threads_env`` must run before numpy, torch or tensorflow is imported: the
BLAS / OpenMP pools read their size from the environment when the library loads.
``load_frameworks`` then imports each framework (a missing or broken one becomes an
error string, never an exception), pins its own thread pools, and returns a
``Frameworks`` record that the workloads and the report read.
"""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

# Environment variables that size the thread pools of numpy's BLAS, OpenMP users
# (torch) and TensorFlow's runtime.  Set before any of them is imported.
THREAD_ENV_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)


def limit_threads_env(n_threads: int) -> None:
    """Pins every known thread-pool size variable to ``n_threads`` (before imports)."""
    for var in THREAD_ENV_VARS:
        os.environ[var] = str(n_threads)
    # TensorFlow's C++ start-up chatter is noise on stderr; errors still show.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@dataclass
class Frameworks:
    """What was imported, and how it was configured."""

    n_threads: int
    np: Any = None
    fasttape: Any = None  # the module in the fasttape column (may be a stand-in)
    fasttape_name: str = "fasttape"
    fasttape_error: str | None = None
    tf: Any = None
    tf_error: str | None = None
    torch: Any = None
    torch_error: str | None = None
    threading_notes: list[str] = field(default_factory=list)

    @property
    def standin(self) -> bool:
        """True when the fasttape column is not fasttape (a debugging stand-in)."""
        return self.fasttape_name != "fasttape"


def _short_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return first[:300]


def _import(name: str):
    try:
        return importlib.import_module(name), None
    except Exception as exc:  # noqa: BLE001 - any import failure is reported, not raised
        return None, _short_error(exc)


def load_frameworks(
    *,
    n_threads: int,
    fasttape_module: str,
    want_tf: bool = True,
    want_torch: bool = True,
    repo_root: str | None = None,
) -> Frameworks:
    """Imports numpy, the fasttape column's module, TensorFlow and PyTorch."""
    fw = Frameworks(n_threads=n_threads, fasttape_name=fasttape_module)
    import numpy as np

    fw.np = np

    try:
        import threadpoolctl  # optional

        threadpoolctl.threadpool_limits(n_threads)
        pools = ", ".join(
            f"{p.get('internal_api')}={p.get('num_threads')}"
            for p in threadpoolctl.threadpool_info()
        )
        fw.threading_notes.append(f"threadpoolctl.threadpool_limits({n_threads}): {pools}")
    except ImportError:
        fw.threading_notes.append(
            "threadpoolctl not installed: numpy's BLAS limited through "
            f"OPENBLAS_NUM_THREADS/OMP_NUM_THREADS/MKL_NUM_THREADS={n_threads} set before import"
        )

    if want_tf or fasttape_module == "tensorflow":
        fw.tf, fw.tf_error = _import("tensorflow")
        if fw.tf is not None:
            # tape.jacobian's pfor retraces a tf.function per call and warns each
            # time; that is TF's normal behaviour here, not a harness problem.
            fw.tf.get_logger().setLevel("ERROR")
            try:
                fw.tf.config.threading.set_intra_op_parallelism_threads(n_threads)
                fw.tf.config.threading.set_inter_op_parallelism_threads(n_threads)
            except RuntimeError as exc:  # context already initialised
                fw.threading_notes.append(f"tensorflow: could not set threads ({exc})")
            fw.threading_notes.append(
                "tensorflow: intra_op="
                f"{fw.tf.config.threading.get_intra_op_parallelism_threads()}, inter_op="
                f"{fw.tf.config.threading.get_inter_op_parallelism_threads()}"
                " (tf.config.threading), eager mode"
            )
        if not want_tf:
            fw.tf_error = fw.tf_error or "not requested (--no-tf)"

    if want_torch:
        fw.torch, fw.torch_error = _import("torch")
        if fw.torch is not None:
            fw.torch.set_num_threads(n_threads)
            try:
                fw.torch.set_num_interop_threads(n_threads)
            except RuntimeError as exc:  # only settable once, before parallel work
                fw.threading_notes.append(f"torch: set_num_interop_threads failed ({exc})")
            fw.threading_notes.append(
                f"torch: num_threads={fw.torch.get_num_threads()}, "
                f"num_interop_threads={fw.torch.get_num_interop_threads()}"
            )
    else:
        fw.torch_error = "not requested (--no-torch)"

    if fasttape_module == "tensorflow" and fw.tf is not None:
        fw.fasttape = fw.tf
    else:
        if repo_root and repo_root not in sys.path:
            # Same resolution as `python -c "import fasttape"` run from the repo root.
            sys.path.insert(0, repo_root)
        fw.fasttape, fw.fasttape_error = _import(fasttape_module)
    if not want_tf:
        fw.tf = None
    return fw


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_describe(repo_root: str | None) -> str:
    if not repo_root:
        return "unknown"
    try:
        head = subprocess.run(
            ["git", "-C", repo_root, "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", repo_root, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if not head:
        return "no commit yet"
    return head + (" (+ uncommitted changes)" if dirty else "")


def _numpy_blas(np) -> str:
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001 - informational only
        return "unknown"


def machine_info(fw: Frameworks, repo_root: str | None) -> list[tuple[str, str]]:
    """(key, value) rows describing the machine and the software, for the report."""
    np = fw.np
    rows = [
        ("date (UTC)", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")),
        ("cpu", _cpu_model()),
        ("logical cores", str(os.cpu_count())),
    ]
    try:
        load = os.getloadavg()
        rows.append(("load average at start (1/5/15 min)", " / ".join(f"{v:.2f}" for v in load)))
    except OSError:
        pass
    rows += [
        ("os", platform.platform()),
        ("python", sys.version.split()[0]),
        ("numpy", f"{np.__version__} (BLAS: {_numpy_blas(np)})"),
    ]
    if fw.standin:
        label = f"{fw.fasttape_name} STAND-IN for fasttape (debug run: fasttape not measured)"
        rows.append(("fasttape column", label))
    elif fw.fasttape is not None:
        version = getattr(fw.fasttape, "__version__", "?")
        where = getattr(fw.fasttape, "__file__", "?")
        if repo_root and where.startswith(os.path.abspath(repo_root) + os.sep):
            where = os.path.relpath(where, repo_root)      # no machine paths in reports
        else:
            where = "site-packages" if "site-packages" in where else os.path.basename(where)
        commit = _git_describe(repo_root)
        rows.append(("fasttape", f"{version} from {where}, repo commit {commit}"))
    else:
        rows.append(("fasttape", f"not importable: {fw.fasttape_error}"))
    rows.append(("torch", fw.torch.__version__ if fw.torch is not None
                 else f"absent ({fw.torch_error})"))
    rows.append(("tensorflow", fw.tf.__version__ if fw.tf is not None
                 else f"absent ({fw.tf_error})"))
    env = ", ".join(f"{v}={os.environ.get(v, '')}" for v in THREAD_ENV_VARS)
    rows.append(("thread env (set before import)", env))
    for note in fw.threading_notes:
        rows.append(("threads", note))
    return rows
