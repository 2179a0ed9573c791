#!/usr/bin/env python3
"""memgen.py - synthetic mem0 exports for bench/merge.sh and the tests.

usage: memgen.py DIR N ADDS EDITS [SEED [LAYOUT]]

Writes DIR/O.json (N memories), DIR/A.json and DIR/B.json (each: the base
plus ADDS new memories and EDITS edited ones, the two sides editing
different memories), in one LAYOUT (the same memories in each):
  canonical  sovsync's own (the default)
  compact    one memory per line, as mem0 exports and `jq -c` write
  minified   the whole file on one line, no spaces (JSON.stringify)
  pretty4    indented by 4 spaces (json.dumps(indent=4), many editors)
  crlf       the canonical layout with CRLF line ends (Windows checkouts)
  reorder    indented by 2, every memory's keys in another (sorted) order
  escaped    compact, every non-ASCII character as a \\u escape (ensure_ascii)
and DIR/expect.json
listing the ids each side added and the new text of each edit, so that
memcount.py can tell what a merge kept.  Deterministic for a given SEED.
"""
import hashlib
import json
import random
import sys

WORDS = ("prefers likes works lives visits remembers plans owns reads writes "
         "coffee tea Berlin Paris project deadline meeting garden bicycle "
         "piano novel python rust recipe marathon doctor sister weekend "
         "morning evening budget travel museum concert caf\u00e9 Z\u00fcrich "
         "\u6771\u4eac na\u00efve \U0001f600").split()


def memory(rng, i, user, when):
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 11)))
    text = "%s (%d)" % (text.capitalize(), i)
    created = "2026-%02d-%02dT%02d:%02d:%02d.%06d-08:00" % (
        1 + when % 12, 1 + when % 28, when % 24, when % 60, (when * 7) % 60, when % 999983)
    return {
        "id": "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                               rng.getrandbits(12), rng.getrandbits(12),
                                               rng.getrandbits(48)),
        "memory": text,
        "hash": hashlib.md5(text.encode()).hexdigest(),
        "metadata": {"source": rng.choice(["chat", "web", "import"]), "turn": i % 97}
        if i % 3 else None,
        "created_at": created,
        "updated_at": None if i % 5 else created,
        "user_id": user,
        "agent_id": None,
        "run_id": None,
    }


LAYOUT = "canonical"
LAYOUTS = ("canonical", "compact", "minified", "pretty4", "crlf", "reorder", "escaped")


def dump(mem):
    if LAYOUT == "compact":
        # One memory per line, as other writers (mem0 exports, jq -c) do.
        return json.dumps(mem, ensure_ascii=False)
    if LAYOUT == "escaped":
        return json.dumps(mem)
    if LAYOUT == "minified":
        return json.dumps(mem, ensure_ascii=False, separators=(",", ":"))
    if LAYOUT == "pretty4":
        text = json.dumps(mem, indent=4, ensure_ascii=False)
        return "        " + text.replace("\n", "\n        ")
    if LAYOUT == "reorder":
        mem = dict(sorted(mem.items()))
    # sovsync's canonical layout: an element of "results" sits at depth 2.
    text = json.dumps(mem, indent=2, ensure_ascii=False)
    return "    " + text.replace("\n", "\n    ")


def write(path, texts):
    if LAYOUT in ("compact", "escaped"):
        head, sep, tail = '{"results": [\n', ",\n", "\n]}\n"
    elif LAYOUT == "minified":
        head, sep, tail = '{"results":[', ",", "]}"
    elif LAYOUT == "pretty4":
        head, sep, tail = '{\n    "results": [\n', ",\n", "\n    ]\n}\n"
    else:
        head, sep, tail = '{\n  "results": [\n', ",\n", "\n  ]\n}\n"
    text = head + sep.join(texts) + tail
    if LAYOUT == "crlf":
        text = text.replace("\n", "\r\n")
    with open(path, "w", newline="") as f:
        f.write(text)


def main():
    out, n, adds, edits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    global LAYOUT
    LAYOUT = sys.argv[6] if len(sys.argv) > 6 else "canonical"
    if LAYOUT not in LAYOUTS:
        sys.exit("memgen.py: unknown layout %r (%s)" % (LAYOUT, " ".join(LAYOUTS)))
    base = [memory(rng, i, "alex", i) for i in range(n)]
    texts = [dump(m) for m in base]
    write(out + "/O.json", texts)
    picked = rng.sample(range(n), 2 * edits)
    expect = {}
    for side, chosen in (("A", picked[:edits]), ("B", picked[edits:])):
        side_texts = list(texts)
        edited = {}
        for j in chosen:
            m = dict(base[j])
            m["memory"] = "%s, edited on %s" % (m["memory"], side)
            m["hash"] = hashlib.md5(m["memory"].encode()).hexdigest()
            m["updated_at"] = "2026-12-01T10:00:00+00:00"
            side_texts[j] = dump(m)
            edited[m["id"]] = m["memory"]
        added = []
        for k in range(adds):
            m = memory(rng, n + k + (0 if side == "A" else adds), "alex", n + k)
            side_texts.append(dump(m))
            added.append(m["id"])
        write(out + "/%s.json" % side, side_texts)
        expect[side] = {"added": added, "edited": edited}
    with open(out + "/expect.json", "w") as f:
        json.dump(expect, f)


main()
