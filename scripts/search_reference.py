#!/usr/bin/env python3
"""numpy's side of `zoo-bench search`: brute-force top-k over the same matrix the zoo searches.

A line-oriented helper (one answer line per request line), started by zoo-bench:
  load PATH N D        the [N, D] float32 matrix zoo-bench wrote (raw little-endian)
  queries PATH Q       the [Q, D] float32 queries
  time Q K REPS        mean seconds of: scores = queries[:Q] @ matrix.T; the K best per row by
                       np.argpartition, then sorted by score (what a numpy user writes)
  quit
It prints "ready <numpy version>" first. Standard library plus numpy.
"""
import sys
import time

try:
    import numpy as np
except ImportError:
    print("missing numpy", flush=True)
    sys.exit(0)

print("ready " + np.__version__, flush=True)
matrix = queries = None
for line in sys.stdin:
    parts = line.split()
    if not parts or parts[0] == "quit":
        break
    if parts[0] == "load":
        matrix = np.fromfile(parts[1], dtype=np.float32).reshape(int(parts[2]), int(parts[3]))
        print("ok", flush=True)
    elif parts[0] == "queries":
        queries = np.fromfile(parts[1], dtype=np.float32).reshape(int(parts[2]), -1)
        print("ok", flush=True)
    elif parts[0] == "time":
        count, k, reps = int(parts[1]), int(parts[2]), int(parts[3])
        q = np.ascontiguousarray(queries[:count])
        started = time.perf_counter()
        for _ in range(reps):
            scores = q @ matrix.T
            best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            picked = np.take_along_axis(scores, best, axis=1)
            order = np.take_along_axis(best, np.argsort(-picked, axis=1, kind="stable"), axis=1)
        print("ok %.9f %d" % ((time.perf_counter() - started) / reps, int(order[0, 0])), flush=True)
