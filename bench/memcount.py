#!/usr/bin/env python3
"""memcount.py - what a merge of memgen.py's files kept.

usage: memcount.py DIR RESULT
Prints "valid adds edits" (valid: 1 if RESULT parses as JSON), counting the
additions (by id) and edits (by id and text) of both sides found in RESULT.
"""
import json
import sys

d, result = sys.argv[1], sys.argv[2]
expect = json.load(open(d + "/expect.json"))
try:
    doc = json.load(open(result))
except (ValueError, UnicodeDecodeError):
    print("0 0 0")
    sys.exit(0)
items = doc.get("results", doc.get("memories", [])) if isinstance(doc, dict) else doc
by_id = {m.get("id"): m for m in items if isinstance(m, dict)}
adds = sum(1 for s in "AB" for i in expect[s]["added"] if i in by_id)
edits = sum(1 for s in "AB" for i, t in expect[s]["edited"].items()
            if i in by_id and by_id[i].get("memory") == t)
print(1, adds, edits)
