#!/bin/sh
# sovsync merge-index: registries (documents/index.json, sync_manifest.json)
# and conversation files, through real pulls between two clones.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/merge-lib.sh"

DRIVER=index

test_expect_success 'documents/index.json: entries by id or path, newest edit wins' '
	cat >base <<-\EOF &&
	{"documents": [
	  {"id": "d1", "path": "ingested/a.pdf", "title": "A", "updated_at": "2026-02-08T10:00:00Z"},
	  {"path": "ingested/b.md", "title": "B"},
	  {"id": "d3", "path": "ingested/c.md", "title": "C"}]}
	EOF
	cat >ours <<-\EOF &&
	{"documents": [
	  {"id": "d1", "path": "ingested/a.pdf", "title": "A local", "updated_at": "2026-02-08T11:00:00+01:00"},
	  {"path": "ingested/b.md", "title": "B"},
	  {"id": "d4", "path": "ingested/d.md", "title": "D", "ingested_at": "2026-02-08T12:00:00Z"}]}
	EOF
	cat >theirs <<-\EOF &&
	{"documents": [
	  {"id": "d1", "path": "ingested/a.pdf", "title": "A web", "updated_at": "2026-02-08T10:30:00Z"},
	  {"path": "ingested/b.md", "title": "B2", "updated_at": "2026-02-08T10:00:00Z"},
	  {"id": "d3", "path": "ingested/c.md", "title": "C"},
	  {"id": "d5", "path": "ingested/e.md", "title": "E", "ingested_at": "2026-02-08T11:00:00Z"}]}
	EOF
	merge_both_orders shared/documents/index.json base ours theirs &&
	python3 - <<-\EOP
	import json
	d = json.load(open("result"))["documents"]
	t = [e["title"] for e in d]
	# d1: ours 10:00Z vs theirs 10:30Z; b.md edited by theirs; d3 deleted by ours.
	assert t == ["A web", "B2", "E", "D"], t
	EOP
'

test_expect_success 'sync_manifest.json: users merged by name' '
	echo "{\"version\": 1, \"users\": {\"alex\": {\"count\": 1, \"hash\": \"sha256:1\"}}}" >base &&
	echo "{\"version\": 1, \"users\": {\"alex\": {\"count\": 2, \"hash\": \"sha256:2\"}}}" >ours &&
	echo "{\"version\": 1, \"users\": {\"alex\": {\"count\": 1, \"hash\": \"sha256:1\"}, \"sam\": {\"count\": 4, \"hash\": \"sha256:4\"}}}" >theirs &&
	merge_both_orders shared/memories/sync_manifest.json base ours theirs &&
	grep "\"count\": 2" result && grep "\"sam\"" result
'

test_expect_success 'a conversation: messages of both sides, deduplicated, in time order' '
	cat >base <<-\EOF &&
	{"id": "c1", "title": "Trip", "updated_at": "2026-02-08T10:00:00Z", "messages": [
	  {"id": "1", "role": "user", "content": "plan a trip", "timestamp": "2026-02-08T10:00:00Z"}]}
	EOF
	cat >ours <<-\EOF &&
	{"id": "c1", "title": "Trip to Rome", "updated_at": "2026-02-08T10:05:00Z", "messages": [
	  {"id": "1", "role": "user", "content": "plan a trip", "timestamp": "2026-02-08T10:00:00Z"},
	  {"id": "2", "role": "assistant", "content": "where to?", "timestamp": "2026-02-08T10:01:00Z"},
	  {"role": "user", "content": "Rome", "timestamp": "2026-02-08T10:04:00Z"}]}
	EOF
	cat >theirs <<-\EOF &&
	{"id": "c1", "title": "Trip (web)", "updated_at": "2026-02-08T11:03:00+01:00", "messages": [
	  {"id": "1", "role": "user", "content": "plan a trip", "timestamp": "2026-02-08T10:00:00Z"},
	  {"id": "2", "role": "assistant", "content": "where to?", "timestamp": "2026-02-08T10:01:00Z"},
	  {"role": "user", "content": "on the web", "timestamp": "2026-02-08T10:02:00Z"}]}
	EOF
	merge_both_orders shared/conversations/c1.json base ours theirs &&
	python3 - <<-\EOP
	import json
	c = json.load(open("result"))
	m = [x["content"] for x in c["messages"]]
	assert m == ["plan a trip", "where to?", "on the web", "Rome"], m
	# ours updated 10:05Z, theirs 10:03Z: ours title.
	assert c["title"] == "Trip to Rome", c["title"]
	EOP
'

test_expect_success 'invalid JSON: exit 1, %A untouched' '
	cp ours A &&
	echo "{\"messages\": [" >B &&
	test_expect_code 1 sovsync merge-index base A B shared/conversations/c1.json 2>err &&
	grep "^sovsync: merge-index: shared/conversations/c1.json: theirs: invalid JSON at line" err &&
	cmp A ours
'

test_done
