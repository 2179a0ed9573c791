#!/usr/bin/env python3
"""layout-diff.py - differential test of `sovsync merge-memories` across layouts.

usage: layout-diff.py OLD NEW [CASES [SEED]]     (OLD, NEW: sovsync binaries)

Generates mem0 exports (base, ours, theirs) and writes each side in a layout
of its own: sovsync's canonical one, compact (one memory per line), minified,
indented by 4, CRLF, keys in another order, every non-ASCII character and
'/' as an escape, tabs.  Memories carry unicode, quotes, backslashes, control
characters, reals, -0, 20-digit integers, nested metadata and escaped ids
and scopes; sides add, edit and delete memories, add the same id
concurrently and add duplicates under different ids (mem0 dedup).  Then the
hostile cases: duplicate ids, a memory that is not an object, deep nesting,
invalid UTF-8, invalid JSON, lone surrogates, a duplicate name in a memory,
a 50 MB memory.  Every case is merged by both binaries; their exit status,
their message and the bytes of the result must be the same, and no memory
of the result may be lost (each id in the result of a clean merge is in the
base or a side, every memory both sides kept unchanged is there).
Prints one line per differing case and a summary; exits 1 on a difference.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

PIECES = ["a", "memory", " ", '"', "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f",
          "\u00e9", "\u20ac", "\U0001f600", "\u6771\u4eac", "\u2028", "id", "0", "{", "]"]


def rstring(rng, n=6):
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, n)))


def rvalue(rng, level=0):
    k = rng.randint(0, 9 if level < 4 else 5)
    if k == 0:
        return None
    if k == 1:
        return rng.choice([True, False])
    if k == 2:
        return rng.choice([0, 1, -1, 42, 1234567890123, -987654321, 9223372036854775807])
    if k == 3:
        return rng.choice([0.5, -1e300, 0.1, 5.0, -0.0, 1.5e-7])
    if k in (4, 5):
        return rstring(rng)
    if k in (6, 7):
        return {rstring(rng, 3) + str(i): rvalue(rng, level + 1) for i in range(rng.randint(0, 4))}
    return [rvalue(rng, level + 1) for _ in range(rng.randint(0, 4))]


def memory(rng, i, plain=False):
    text = "memory %d %s" % (i, "" if plain else rstring(rng))
    m = {
        "id": "m%05d-%s" % (i, "" if plain or rng.random() < 0.8 else "\u00e9/x"),
        "memory": text,
        "hash": "%032x" % rng.getrandbits(128),
        "metadata": None if plain or rng.random() < 0.5 else rvalue(rng),
        "created_at": "2026-%02d-%02dT10:00:00Z" % (1 + i % 12, 1 + i % 28),
        "updated_at": None,
        "user_id": "alex" if plain or rng.random() < 0.9 else "al\u00e9x/\"",
        "agent_id": None,
        "run_id": None,
    }
    if not plain and rng.random() < 0.1:
        m["score"] = rng.choice([0.25, 1e-5, 3, -0.0])
    return m


def esc_slash(text):
    return text.replace("/", "\\/")


LAYOUTS = ["canonical", "compact", "minified", "pretty4", "crlf", "reorder", "escaped", "tabs"]


def dump_doc(doc, layout, rng):
    if layout == "canonical":
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    elif layout == "compact":
        items = [json.dumps(m, ensure_ascii=False) for m in doc["results"]]
        text = '{"results": [\n' + ",\n".join(items) + "\n]}\n"
    elif layout == "minified":
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    elif layout == "pretty4":
        text = json.dumps(doc, indent=4, ensure_ascii=False) + "\n"
    elif layout == "crlf":
        text = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").replace("\n", "\r\n")
    elif layout == "reorder":
        d = {"results": [dict(sorted(m.items(), reverse=True)) for m in doc["results"]]}
        text = json.dumps(d, indent=2, ensure_ascii=False)
    elif layout == "escaped":
        text = esc_slash(json.dumps(doc, indent=1))
    else:  # tabs
        text = json.dumps(doc, indent="\t", ensure_ascii=False, separators=(" ,", " : "))
    return text.encode("utf-8", "surrogatepass")


def edit(rng, m, side):
    m = dict(m)
    m["memory"] = m["memory"] + " edited " + side + rstring(rng, 3)
    m["updated_at"] = "2026-12-0%dT10:00:00Z" % rng.randint(1, 9)
    if rng.random() < 0.3:
        m["metadata"] = rvalue(rng)
    return m


def gen_case(rng, n):
    base = [memory(rng, i) for i in range(n)]
    sides = []
    for side in ("A", "B"):
        s = [dict(m) for m in base]
        for _ in range(rng.randint(0, 3)):
            if s:
                j = rng.randrange(len(s))
                s[j] = edit(rng, s[j], side)
        for _ in range(rng.randint(0, 2)):
            if s:
                del s[rng.randrange(len(s))]
        for k in range(rng.randint(0, 3)):
            s.append(memory(rng, n + 100 * (side == "B") + k))
        sides.append(s)
    # The same id added on both sides, differently; a duplicate under another id.
    if rng.random() < 0.3:
        m = memory(rng, 9999)
        sides[0].append(m)
        sides[1].append(edit(rng, m, "B"))
    if rng.random() < 0.3:
        m = memory(rng, 8888)
        d = dict(m)
        d["id"] = "m-dup-other"
        sides[0].append(m)
        sides[1].append(d)
    return [{"results": base}, {"results": sides[0]}, {"results": sides[1]}]


def run(binary, d, names):
    r = os.path.join(d, "R")
    shutil.copyfile(os.path.join(d, names[1]), r)
    p = subprocess.run([binary, "merge-memories", os.path.join(d, names[0]), r,
                        os.path.join(d, names[2]), "memories.json"],
                       capture_output=True, timeout=600)
    with open(r, "rb") as f:
        out = f.read()
    err = p.stderr.decode("utf-8", "replace").replace(binary, "sovsync")
    return p.returncode, err, out


def ids(data):
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    res = doc.get("results", doc.get("memories")) if isinstance(doc, dict) else doc
    return [m.get("id") for m in res if isinstance(m, dict)]


def main():
    old, new = sys.argv[1], sys.argv[2]
    ncases = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    tmp = tempfile.mkdtemp(prefix="layout-diff.")
    stats = {"cases": 0, "differ": 0, "clean": 0, "failed": 0, "lost": 0}
    kinds = {}

    def check(name, blobs):
        d = os.path.join(tmp, "c")
        os.makedirs(d, exist_ok=True)
        names = ["O", "A", "B"]
        for nm, b in zip(names, blobs):
            with open(os.path.join(d, nm), "wb") as f:
                f.write(b)
        a = run(old, d, names)
        b = run(new, d, names)
        stats["cases"] += 1
        kinds[name] = kinds.get(name, 0) + 1
        if a != b:
            stats["differ"] += 1
            print("DIFFER %s: old rc=%d %r / new rc=%d %r, results %s" % (
                name, a[0], a[1][:200], b[0], b[1][:200],
                "same" if a[2] == b[2] else "differ"))
            keep = os.path.join(tmp, "differ-%d" % stats["differ"])
            shutil.copytree(d, keep)
        if b[0] == 0:
            stats["clean"] += 1
            got = ids(b[2])
            want = set()
            for blob in blobs[1:]:
                want |= set(ids(blob) or [])
            base = set(ids(blobs[0]) or [])
            both = set(ids(blobs[1]) or []) & set(ids(blobs[2]) or [])
            if got is None or not set(got) <= want | base or not both <= set(got) | {"m-dup-other"}:
                stats["lost"] += 1
                print("LOST %s" % name)
        else:
            stats["failed"] += 1
            if os.environ.get("VERBOSE"):
                print("refused %s: %s" % (name, b[1].strip()[:150]))
            if b[2] != blobs[1]:
                stats["lost"] += 1
                print("FAILED BUT CHANGED %%A: %s" % name)

    for c in range(ncases):
        docs = gen_case(rng, rng.randint(0, 30))
        lay = [rng.choice(LAYOUTS) for _ in range(3)]
        if c % 3 == 0:
            lay = [lay[0]] * 3
        check("layouts " + "/".join(lay), [dump_doc(x, l, rng) for x, l in zip(docs, lay)])

    # Hostile inputs, each in several layouts.
    for layout in LAYOUTS:
        docs = gen_case(rng, 10)
        ok = [dump_doc(x, layout, rng) for x in docs]

        def with_ours(mem_text):
            """ours with one more memory written as mem_text (bytes)."""
            a = dump_doc(docs[1], "compact", rng)
            head, tail = a.split(b"[\n", 1)
            return [ok[0], head + b"[\n" + mem_text + b",\n" + tail, ok[2]]

        dup = {"results": docs[1]["results"] + [dict(docs[1]["results"][0] if docs[1]["results"] else memory(rng, 1))] * 2}
        check("duplicate ids " + layout, [ok[0], dump_doc(dup, layout, rng), ok[2]])
        for v in (b'"just a string"', b"42", b"[1, 2]", b"null"):
            check("not an object " + layout, with_ours(v))
        deep = b'{"id": "deep", "memory": "x", "metadata": ' + b"[" * 600 + b"]" * 600 + b"}"
        check("deep 600 " + layout, with_ours(deep))
        deep = b'{"id": "deep", "memory": "x", "metadata": ' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"}"
        check("deep 3000 " + layout, with_ours(deep))
        check("invalid utf-8 " + layout, with_ours(b'{"id": "u", "memory": "\xff\xfe"}'))
        check("utf-8 surrogate " + layout, with_ours(b'{"id": "u", "memory": "\xed\xa0\x80"}'))
        check("lone surrogate " + layout, with_ours(b'{"id": "u", "memory": "\\ud83d x"}'))
        check("low surrogate first " + layout, with_ours(b'{"id": "u", "memory": "\\ude00\\ud83d"}'))
        check("pair ok " + layout, with_ours(b'{"id": "u", "memory": "\\ud83d\\ude00 \\u00E9\\/"}'))
        check("nul in value " + layout, with_ours(b'{"id": "u", "memory": "a\\u0000b"}'))
        check("nul in name " + layout, with_ours(b'{"id": "u", "a\\u0000": 1}'))
        check("escaped name " + layout, with_ours(b'{"id": "u", "\\u006demory": "x"}'))
        check("escaped dup name " + layout, with_ours(b'{"id": "u", "\\u0061": 1, "a": 2}'))
        check("dup name " + layout, with_ours(b'{"id": "u", "memory": 1, "memory": 2}'))
        check("escaped id " + layout, with_ours(b'{"id": "m\\u00300000-", "memory": "x"}'))
        check("reals " + layout, with_ours(b'{"id": "r", "s": [1E2, -0, 0.10, 1e300, 2.50]}'))
        check("real overflow " + layout, with_ours(b'{"id": "r", "s": 1e400}'))
        check("truncated " + layout, [ok[0], ok[1][: len(ok[1]) // 2], ok[2]])
        check("trailing comma " + layout, with_ours(b'{"id": "t", "memory": "x",}'))
        check("bad base " + layout, [ok[0][:-5] + b"<<<<<<<", ok[1], ok[2]])
        check("bom " + layout, [b"\xef\xbb\xbf" + ok[0], b"\xef\xbb\xbf" + ok[1], ok[2]])
        check("results null " + layout, [ok[0], b'{"results": null}', ok[2]])
        check("bare array " + layout, [ok[0], dump_doc(docs[1], layout, rng).split(b"[", 1)[1].rsplit(b"]", 1)[0].join([b"[", b"]"]), ok[2]])
        check("memories name " + layout, [ok[0], ok[1].replace(b'"results"', b'"memories"', 1), ok[2]])

    # A 50 MB memory, edited on one side, in two layouts.
    for layout in ("compact", "pretty4"):
        big = "x\u00e9\\\"/" * (50 * 1000 * 1000 // 6)
        docs = gen_case(random.Random(5), 20)
        for d in docs:
            d["results"].append({"id": "big", "memory": big, "user_id": "alex"})
        docs[2]["results"][-1] = dict(docs[2]["results"][-1], memory=big + "!")
        check("50 MB memory " + layout, [dump_doc(x, layout, rng) for x in docs])

    shutil.rmtree(tmp, ignore_errors=stats["differ"] == 0)
    print("%(cases)d cases: %(differ)d differ, %(clean)d merged, %(failed)d refused, "
          "%(lost)d lost" % stats)
    if stats["differ"]:
        print("kept in %s" % tmp)
    sys.exit(1 if stats["differ"] or stats["lost"] else 0)


main()
