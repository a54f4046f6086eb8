#!/usr/bin/python3
"""Baseline SybilRank with scipy.sparse, for BENCHMARKS.md.

Usage: /usr/bin/python3 scripts/sybilrank_scipy.py EDGES [SEEDS]

EDGES is a numeric "u v" edge list (ids 0..n-1, as written by the Go scale
benchmark); SEEDS defaults to nodes 0..99. Runs ceil(log2 n) degree-normalized
power iterations from the seeds and prints timings (parse, build, rank) as
"key seconds" lines. Needs Debian's python3-numpy and python3-scipy.
"""
import math
import sys
import time

import numpy as np
import scipy.sparse as sp


def main():
    path = sys.argv[1]
    t0 = time.perf_counter()
    flat = np.fromfile(path, dtype=np.int64, sep=" ")  # any whitespace separates
    u, v = flat[0::2], flat[1::2]
    t1 = time.perf_counter()
    n = int(max(u.max(), v.max())) + 1
    ones = np.ones(len(u), dtype=np.float64)
    a = sp.coo_matrix((ones, (u, v)), shape=(n, n))
    a = (a + a.T).tocsr()
    deg = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    t2 = time.perf_counter()
    seeds = np.arange(100)
    if len(sys.argv) > 2:
        seeds = np.loadtxt(sys.argv[2], dtype=np.int64)
    t = np.zeros(n)
    t[seeds] = 1.0 / len(seeds)
    iters = math.ceil(math.log2(n))
    for _ in range(iters):
        t = a @ (t * inv)
    score = t * inv
    t3 = time.perf_counter()
    print(f"nodes {n}")
    print(f"edges {len(u)}")
    print(f"iterations {iters}")
    print(f"parse {t1 - t0:.3f}")
    print(f"build {t2 - t1:.3f}")
    print(f"rank {t3 - t2:.3f}")
    print(f"total {t3 - t0:.3f}")
    print(f"checksum {score.sum():.12g}")


if __name__ == "__main__":
    main()
