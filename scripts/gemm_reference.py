"""numpy (OpenBLAS) timing helper for `zoo-bench gemm`: the yardstick for the Swift GEMM.

The benchmark starts one long-lived copy of this script per thread count (the BLAS thread count
is fixed by OPENBLAS_NUM_THREADS etc. in the child's environment) and talks to it over pipes:

    -> first line:  "ready {json}" (numpy version, BLAS build, OpenBLAS core) or "unavailable ..."
    <- "time M N K MODE BATCH REPS"   MODE in NN NT TN TT (T: that operand stored transposed)
    -> "ok SECONDS_PER_CALL"          mean over REPS back-to-back calls, after REPS/4 warm-up calls
    <- "quit"

Operands are float32, C = A @ B written into a preallocated output (like beta = 0), so
allocation is not timed. It can also be run by hand: `python3 scripts/gemm_reference.py`,
then type requests.
"""
import ctypes
import glob
import json
import os
import sys
import time


def describe(np):
    """What numpy multiplies with; everything beyond the version is best effort."""
    info = {"numpy": np.__version__}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = blas.get("name")
        info["blas_config"] = " ".join(str(blas.get("openblas configuration", "")).split())
    except Exception:
        pass
    # OpenBLAS picks its kernel (Haswell, SkylakeX, ...) at load time; ask the loaded library.
    libdirs = [os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs"),
               os.path.join(os.path.dirname(np.__file__), ".dylibs")]
    for lib_path in [p for d in libdirs for p in glob.glob(os.path.join(d, "*openblas*"))]:
        try:
            lib = ctypes.CDLL(lib_path)
        except OSError:
            continue
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
                     "openblas_get_corename64_", "openblas_get_corename"):
            fn = getattr(lib, name, None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                info["openblas_core"] = fn().decode()
                break
    return info


def operands(np, m, n, k, mode, batch):
    rng = np.random.default_rng(0)
    a_shape = (k, m) if mode[0] == "T" else (m, k)
    b_shape = (n, k) if mode[1] == "T" else (k, n)
    lead = (batch,) if batch > 1 else ()
    a = rng.standard_normal(lead + a_shape, dtype=np.float32)
    b = rng.standard_normal(lead + b_shape, dtype=np.float32)
    c = np.empty(lead + (m, n), dtype=np.float32)
    # Transposed views: numpy hands BLAS the transpose flag, no copy is made.
    if mode[0] == "T":
        a = np.swapaxes(a, -1, -2)
    if mode[1] == "T":
        b = np.swapaxes(b, -1, -2)
    return a, b, c


def main():
    # One-thread runs: the benchmark asks for the CPU its own timing thread is pinned to, so that
    # both sides of a pair of samples run on the same core (set before numpy loads its BLAS).
    cpu = os.environ.get("ZOO_REFERENCE_CPU")
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {int(cpu)})
        except (OSError, ValueError) as error:
            print(f"gemm_reference: cannot pin to CPU {cpu}: {error}", file=sys.stderr)
    try:
        import numpy as np
    except Exception as error:  # no numpy: the benchmark reports no reference
        print("unavailable", error, flush=True)
        return
    print("ready", json.dumps(describe(np)), flush=True)
    key, ops = None, None
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "quit":
            break
        m, n, k = int(parts[1]), int(parts[2]), int(parts[3])
        mode, batch, reps = parts[4], int(parts[5]), int(parts[6])
        if key != (m, n, k, mode, batch):
            ops = None  # free the previous operands before allocating new ones
            key, ops = (m, n, k, mode, batch), operands(np, m, n, k, mode, batch)
        a, b, c = ops
        # Warm-up: a quarter of the timed calls, as the Swift side does (cores and threads awake).
        for _ in range(max(1, reps // 4)):
            np.matmul(a, b, out=c)
        start = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        print("ok", (time.perf_counter() - start) / reps, flush=True)


if __name__ == "__main__":
    main()
