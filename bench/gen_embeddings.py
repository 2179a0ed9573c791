#!/usr/bin/env python3
"""Deterministic embeddings file (.npy, float32) for the stored-form benchmarks.

gen_embeddings.py FILE [COUNT] [DIM]
  FILE  a NumPy .npy file (format 1.0, dtype '<f4', C order) of COUNT
        vectors (default 2730, about 16 MiB) of DIM (default 1536) floats

Real text embeddings (e.g. 1536-dimensional ones) are not noise: they are
unit length, share a mean direction (anisotropy), vary mostly in a few
dozen directions, and cluster by topic.  Each vector here is
    normalise(mean + B (c_k + 0.6 z) + 0.25 e / sqrt(DIM))
with B a DIM x 48 random basis whose columns are scaled 1/sqrt(1 + j/4)
(a decaying spectrum), c_k one of 40 topic centres (k drawn at random),
z and e standard normal noise, all from one seeded generator.  No NumPy
needed: the file is written with the .npy header by hand.
"""
import math
import random
import struct
import sys

RANK = 48
TOPICS = 40


def gauss_vec(rng, n, scale=1.0):
    g = rng.gauss
    return [g(0.0, scale) for _ in range(n)]


def npy_header(count, dim):
    d = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (count, dim)
    # Magic, version 1.0, u16 header length; the data starts at a multiple of 64.
    pad = 64 - (10 + len(d) + 1) % 64
    d = d + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode("ascii")


def gen(path, count, dim):
    rng = random.Random(20261203)
    basis = []
    for j in range(RANK):
        s = 1.0 / math.sqrt(1.0 + j / 4.0)
        basis.append(gauss_vec(rng, dim, s / math.sqrt(dim)))
    mean = gauss_vec(rng, dim, 0.6 / math.sqrt(dim))
    centres = [gauss_vec(rng, RANK) for _ in range(TOPICS)]
    noise = 0.25 / math.sqrt(dim)
    with open(path, "wb") as f:
        f.write(npy_header(count, dim))
        for _ in range(count):
            c = centres[rng.randrange(TOPICS)]
            x = [m + rng.gauss(0.0, noise) for m in mean]
            for j in range(RANK):
                w = c[j] + 0.6 * rng.gauss(0.0, 1.0)
                b = basis[j]
                x = [a + w * bj for a, bj in zip(x, b)]
            n = math.sqrt(sum(a * a for a in x))
            f.write(struct.pack("<%df" % dim, *(a / n for a in x)))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    gen(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2730,
        int(sys.argv[3]) if len(sys.argv) > 3 else 1536)
