#!/usr/bin/env python3
"""Deterministic benchmark corpus for bench/filter.sh.

gen_corpus.py DIR [JSONL_MIB] [VECTOR_MIB]
  DIR/memories.jsonl  mem0-style memories, one JSON object per line
  DIR/vectors.f32     float32 embeddings (normal distribution), 384 per row
gen_corpus.py --insert FILE BYTES
  inserts BYTES bytes of new memory lines at the line boundary nearest the
  middle of FILE (the "small edit of a big file").
"""
import hashlib
import random
import struct
import sys

WORDS = ("user prefers likes dislikes works lives studies coffee tea python rust "
         "hiking running weekend morning evening project deadline meeting family "
         "dog cat berlin paris remote office vegetarian allergic peanuts birthday "
         "march april june music jazz classical novel science fiction history "
         "german french spanish learning cooking pasta sushi bicycle train car "
         "budget savings apartment garden plants photography camera travel japan "
         "prefers concise answers detailed explanations dark mode email slack").split()


def memory_line(rng, i):
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 22)))
    text = text[0].upper() + text[1:] + "."
    day = 1 + i % 28
    return ('{"id":"%08x-%04x-4%03x-a%03x-%012x","memory":"%s","hash":"%s",'
            '"metadata":{"source":"chat","score":%.3f},'
            '"created_at":"2026-02-%02dT%02d:%02d:%02d+00:00",'
            '"updated_at":"2026-02-%02dT%02d:%02d:%02d+00:00","user_id":"%s"}\n') % (
        rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
        rng.getrandbits(12), rng.getrandbits(48), text,
        hashlib.md5(text.encode()).hexdigest(), rng.random(),
        day, i % 24, i % 60, (i * 7) % 60, day, (i + 3) % 24, i % 60, (i * 11) % 60,
        rng.choice(("alex", "sam", "kim", "lee")))


def gen(outdir, jsonl_mib, vec_mib):
    rng = random.Random(20260226)
    want = jsonl_mib << 20
    out, size, i = [], 0, 0
    with open(outdir + "/memories.jsonl", "w") as f:
        while size < want:
            line = memory_line(rng, i)
            out.append(line)
            size += len(line)
            i += 1
            if len(out) == 10000:
                f.write("".join(out))
                out = []
        f.write("".join(out))
    n = (vec_mib << 20) // 4
    with open(outdir + "/vectors.f32", "wb") as f:
        for start in range(0, n, 65536):
            k = min(65536, n - start)
            f.write(struct.pack("<%df" % k, *(rng.gauss(0.0, 0.05) for _ in range(k))))


def insert(path, nbytes):
    data = open(path, "rb").read()
    mid = data.index(b"\n", len(data) // 2) + 1
    rng = random.Random(7)
    new = b""
    while len(new) < nbytes:
        new += memory_line(rng, 999999).encode()
    new = new[:nbytes - 1] + b"\n"
    open(path, "wb").write(data[:mid] + new + data[mid:])


if __name__ == "__main__":
    if sys.argv[1] == "--insert":
        insert(sys.argv[2], int(sys.argv[3]))
    else:
        gen(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 64,
            int(sys.argv[3]) if len(sys.argv) > 3 else 16)
