#!/bin/sh
# sovsync merge-state: Git's merge driver for shared/state.json, through
# real pulls between two clones; both push orders must converge.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/merge-lib.sh"

DRIVER=state
P=shared/state.json

# state FILE VERSION L2R R2L FILES CONFLICTS STATUS NOTE
state() {
	cat >"$1" <<-EOS
	{"version": $2,
	 "last_sync": {"local_to_remote": $3, "remote_to_local": $4},
	 "files": {$5},
	 "pending_conflicts": [$6],
	 "sync_health": {"status": "$7", "last_error": null, "consecutive_failures": 0},
	 "note": "$8"}
	EOS
}

f() {
	printf '"%s": {"hash": "sha256:%s", "size": 1, "last_modified": "%s", "source": "%s"}' "$@"
}

test_expect_success 'the state rules, both push orders, byte-identical' '
	state base 1 "\"2026-02-08T10:00:00Z\"" null \
		"$(f memories/alex/memories.json 01 2026-02-08T10:00:00Z local), $(f doc.md 02 2026-02-08T10:00:00Z local)" \
		"{\"path\": \"documents/a.md\"}" healthy o &&
	state ours 2 "\"2026-02-08T12:00:00+01:00\"" null \
		"$(f memories/alex/memories.json 0a 2026-02-08T12:30:00+01:00 local), $(f doc.md 02 2026-02-08T10:00:00Z local), $(f new.md 03 2026-02-08T11:00:00Z local)" \
		"" failing a &&
	state theirs 1 "\"2026-02-08T10:00:00Z\"" "\"2026-02-08T11:45:00Z\"" \
		"$(f memories/alex/memories.json 0b 2026-02-08T11:40:00Z web)" \
		"{\"path\": \"documents/a.md\"}, {\"path\": \"documents/b.md\"}" healthy b &&
	merge_both_orders $P base ours theirs &&
	python3 - <<-\EOP
	import json
	s = json.load(open("result"))
	assert s["version"] == 2, s["version"]
	assert s["last_sync"]["local_to_remote"] == "2026-02-08T12:00:00+01:00"
	assert s["last_sync"]["remote_to_local"] == "2026-02-08T11:45:00Z"
	f = s["files"]
	# 12:30+01:00 = 11:30Z is before 11:40Z: theirs wins, as an instant.
	assert f["memories/alex/memories.json"]["hash"] == "sha256:0b", f
	assert "doc.md" not in f, f                      # deleted by theirs only
	assert f["new.md"]["hash"] == "sha256:03"        # added by ours
	assert [c["path"] for c in s["pending_conflicts"]] == ["documents/b.md"]
	# theirs synced last (11:45Z > 11:00Z): its health and its other keys.
	assert s["sync_health"]["status"] == "healthy"
	assert s["note"] == "b"
	EOP
'

test_expect_success 'git pull --rebase gives the same bytes' '
	mv result merged &&
	merge_both_orders $P base ours theirs --rebase &&
	cmp merged result
'

test_expect_success 'invalid JSON: exit 1, %A untouched, side and line in the message' '
	cp ours A &&
	printf "{\n  \"version\": 1,\n  \"files\": {,}\n}\n" >B &&
	test_expect_code 1 sovsync merge-state base A B $P 2>err &&
	grep "^sovsync: merge-state: $P: theirs: invalid JSON at line 3" err &&
	cmp A ours
'

test_expect_success 'no base (state.json added on both sides): union' '
	merge_both_orders $P - ours theirs &&
	python3 -c "import json; s = json.load(open(\"result\")); assert sorted(s[\"files\"]) == [\"doc.md\", \"memories/alex/memories.json\", \"new.md\"], s"
'

test_done
