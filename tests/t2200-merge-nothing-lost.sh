#!/bin/sh
# The JSON merge drivers lose nothing and reorder nothing (issue 13): a
# collection of the wrong type on one side, duplicates a side did not add,
# mem0 graph relations, lists of scalars, conversations as sequences, an id
# twice on one side, and the keep-ours driver assigned to a foreign path.
# Every case drives stock `git merge` with the drivers configured as
# `sovsync install` does.  Where a side cannot be merged safely the merge
# must stop on an ordinary conflict: driver exit 1 (never above 128), the
# work tree file holding ours byte for byte, a message naming the file and
# the cause.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/merge-lib.sh"

M=shared/memories/alex/memories.json
C=shared/conversations/c1.json

# branch_merge DIR DRIVER PATH BASE OURS THEIRS: a repository DIR with the
# driver for PATH; BASE, then THEIRS on branch "theirs" and OURS on main;
# `git merge theirs` on main.  Its exit status in DIR.status, its output in
# DIR.out.
branch_merge() {
	rm -rf "$1" "$1.out" "$1.status" &&
	git init -q "$1" &&
	merge_config "$1" "$2" &&
	echo "$3 merge=sovsync-$2" >"$1/.gitattributes" &&
	mkdir -p "$1/$(dirname "$3")" &&
	cp "$4" "$1/$3" &&
	git -C "$1" add -A &&
	test_tick &&
	git -C "$1" commit -q -m base &&
	git -C "$1" checkout -q -b theirs &&
	cp "$6" "$1/$3" &&
	git -C "$1" commit -q -am theirs &&
	git -C "$1" checkout -q main &&
	cp "$5" "$1/$3" &&
	git -C "$1" commit -q -am ours &&
	if git -C "$1" merge --no-edit theirs >"$1.out" 2>&1; then
		echo 0 >"$1.status"
	else
		echo $? >"$1.status"
	fi
}

# expect_conflict DIR PATH OURS SIDE CAUSE: the merge stopped on a conflict
# in PATH, the work tree holds OURS byte for byte, and the driver said
# "sovsync: merge-<x>: PATH: SIDE: ...CAUSE" (no side: no side named).
expect_conflict() {
	if [ "$(cat "$1.status")" != 1 ]; then
		echo "git merge exited $(cat "$1.status"), want 1" >&2
		cat "$1.out" >&2
		return 1
	fi
	git -C "$1" ls-files -u -- "$2" >"$1.unmerged" &&
	test "$(wc -l <"$1.unmerged")" = 3 &&
	cmp "$3" "$1/$2" &&
	grep "^sovsync: merge-[a-z]*: $2: ${4:+$4: }.*$5" "$1.out"
}

# expect_merged DIR: the merge went through.
expect_merged() {
	if [ "$(cat "$1.status")" != 0 ]; then
		cat "$1.out" >&2
		return 1
	fi
}

m1='{"id": "m1", "memory": "Name is Alex", "hash": "h1", "created_at": "2026-02-08T10:00:00Z", "updated_at": null}'
m2='{"id": "m2", "memory": "Likes tea", "hash": "h2", "created_at": "2026-02-08T11:00:00Z", "updated_at": null}'

# Memories with the same text (hash h2) under several ids.
t1='{"id": "m1", "memory": "Likes tea", "hash": "h2", "created_at": "2026-02-08T10:00:00Z", "updated_at": null}'
t1e='{"id": "m1", "memory": "Likes tea", "hash": "h2", "metadata": {"source": "chat"}, "created_at": "2026-02-08T10:00:00Z", "updated_at": "2026-02-09T10:00:00Z"}'
t2='{"id": "m2", "memory": "Likes tea", "hash": "h2", "created_at": "2026-02-08T11:00:00Z", "updated_at": null}'
t3='{"id": "m3", "memory": "Likes tea", "hash": "h2", "created_at": "2026-02-09T11:00:00Z", "updated_at": null}'
# Another memory, not a copy of those (its id is not theirs).
m0='{"id": "m0", "memory": "Name is Alex", "hash": "h1", "created_at": "2026-02-08T09:00:00Z", "updated_at": null}'
r1='{"source": "alex", "relationship": "likes", "target": "tea"}'
r2='{"source": "alex", "relationship": "lives_in", "target": "paris"}'
r3='{"source": "alex", "relationship": "works_at", "target": "acme"}'
r4='{"source": "alex", "relationship": "owns", "target": "cat"}'

# wrong_types DRIVER PATH BASE OURS CAUSE THEIRS...: each THEIRS against
# BASE and OURS must stop the merge naming theirs and CAUSE.
wrong_types() {
	_drv=$1 _path=$2 _cause=$5
	printf '%s\n' "$3" >base &&
	printf '%s\n' "$4" >ours &&
	shift 5 &&
	for _t in "$@"; do
		printf '%s\n' "$_t" >theirs &&
		branch_merge w "$_drv" "$_path" base ours theirs &&
		expect_conflict w "$_path" ours theirs "$_cause" || return 1
	done
}

test_expect_success 'memories.json: results, memories, relations of the wrong type or missing are conflicts' '
	wrong_types memories $M "{\"results\": [$m1]}" "{\"results\": [$m1, $m2]}" \
		"\"\(results\|memories\)\" is .*, not an array" \
		"{\"results\": null}" "{\"results\": {}}" "{\"results\": \"x\"}" \
		"{\"results\": 5}" "{\"results\": true}" "{\"results\": [$m1], \"memories\": {}}" &&
	wrong_types memories $M "{\"results\": [$m1]}" "{\"results\": [$m1, $m2]}" \
		"the document has no \"results\" array" \
		"{}" "{\"relations\": []}" "{\"result\": [$m1]}" &&
	wrong_types memories $M "{\"results\": [$m1], \"relations\": [$r1]}" \
		"{\"results\": [$m1, $m2], \"relations\": [$r1]}" \
		"\"relations\" is .*, not an array" \
		"{\"results\": [$m1], \"relations\": null}" \
		"{\"results\": [$m1], \"relations\": {}}" \
		"{\"results\": [$m1], \"relations\": \"x\"}"
'

test_expect_success 'one level down: a memory, a relation that is not an object' '
	wrong_types memories $M "{\"results\": [$m1], \"relations\": [$r1]}" \
		"{\"results\": [$m1, $m2], \"relations\": [$r1]}" \
		"\"results\": memory 1 is .*, not an object" \
		"{\"results\": [$m1, \"Likes tea\"], \"relations\": [$r1]}" \
		"{\"results\": [$m1, 7], \"relations\": [$r1]}" \
		"{\"results\": [$m1, null], \"relations\": [$r1]}" \
		"{\"results\": [$m1, [$m2]], \"relations\": [$r1]}" &&
	wrong_types memories $M "{\"results\": [$m1], \"relations\": [$r1]}" \
		"{\"results\": [$m1, $m2], \"relations\": [$r1]}" \
		"\"relations\": relation 1 is .*, not an object" \
		"{\"results\": [$m1], \"relations\": [$r1, \"alex likes tea\"]}" \
		"{\"results\": [$m1], \"relations\": [$r1, [\"alex\", \"likes\", \"tea\"]]}"
'

test_expect_success 'state.json: files and pending_conflicts of the wrong type are conflicts' '
	f1="\"a.md\": {\"hash\": \"sha256:01\", \"size\": 1, \"last_modified\": \"2026-02-08T10:00:00Z\"}" &&
	f2="\"b.md\": {\"hash\": \"sha256:02\", \"size\": 2, \"last_modified\": \"2026-02-08T11:00:00Z\"}" &&
	wrong_types state shared/state.json "{\"version\": 1, \"files\": {$f1}, \"pending_conflicts\": []}" \
		"{\"version\": 1, \"files\": {$f1, $f2}, \"pending_conflicts\": []}" \
		"\"files\" is .*, not an object" \
		"{\"version\": 1, \"files\": null, \"pending_conflicts\": []}" \
		"{\"version\": 1, \"files\": [], \"pending_conflicts\": []}" \
		"{\"version\": 1, \"files\": \"x\", \"pending_conflicts\": []}" &&
	wrong_types state shared/state.json "{\"version\": 1, \"files\": {$f1}, \"pending_conflicts\": []}" \
		"{\"version\": 1, \"files\": {$f1, $f2}, \"pending_conflicts\": []}" \
		"\"files\": file \"a.md\" is .*, not an object" \
		"{\"version\": 1, \"files\": {\"a.md\": \"sha256:01\"}, \"pending_conflicts\": []}" \
		"{\"version\": 1, \"files\": {\"a.md\": null}, \"pending_conflicts\": []}" &&
	wrong_types state shared/state.json "{\"version\": 1, \"files\": {$f1}, \"pending_conflicts\": [{\"path\": \"x.md\"}]}" \
		"{\"version\": 1, \"files\": {$f1}, \"pending_conflicts\": [{\"path\": \"x.md\"}, {\"path\": \"y.md\"}]}" \
		"\"pending_conflicts\"" \
		"{\"version\": 1, \"files\": {$f1}, \"pending_conflicts\": {}}" \
		"{\"version\": 1, \"files\": {$f1}, \"pending_conflicts\": null}" \
		"{\"version\": 1, \"files\": {$f1}, \"pending_conflicts\": [{\"path\": \"x.md\"}, 5]}"
'

test_expect_success 'registries and conversations: documents, conversations, messages of the wrong type' '
	d1="{\"id\": \"d1\", \"path\": \"ingested/a.md\"}" &&
	d2="{\"id\": \"d2\", \"path\": \"ingested/b.md\"}" &&
	wrong_types index shared/documents/index.json "{\"documents\": [$d1]}" \
		"{\"documents\": [$t1, $t2]}" "\"documents\"" \
		"{\"documents\": {}}" "{\"documents\": null}" "{\"documents\": \"x\"}" \
		"{\"documents\": [$t1, 5]}" "{\"documents\": [$t1, \"ingested/b.md\"]}" &&
	wrong_types index shared/conversations/index.json "{\"conversations\": [$d1]}" \
		"{\"conversations\": [$t1, $t2]}" "\"conversations\"" \
		"{\"conversations\": {}}" "{\"conversations\": 0}" &&
	msg="{\"role\": \"user\", \"content\": \"hi\"}" &&
	msg2="{\"role\": \"assistant\", \"content\": \"hello\"}" &&
	wrong_types index $C "{\"id\": \"c1\", \"messages\": [$msg]}" \
		"{\"id\": \"c1\", \"messages\": [$msg, $msg2]}" "\"messages\"" \
		"{\"id\": \"c1\", \"messages\": \"x\"}" "{\"id\": \"c1\", \"messages\": {}}" \
		"{\"id\": \"c1\", \"messages\": null}" "{\"id\": \"c1\", \"messages\": [$msg, 42]}" \
		"{\"id\": \"c1\", \"messages\": [$msg, \"hello\"]}"
'

test_expect_success 'the wrong type on ours is a conflict too; on the base, a two-way merge' '
	printf "%s\n" "{\"results\": [$m1]}" >base &&
	printf "%s\n" "{\"results\": null}" >ours &&
	printf "%s\n" "{\"results\": [$m1, $m2]}" >theirs &&
	branch_merge w memories $M base ours theirs &&
	expect_conflict w $M ours ours "\"results\" is null, not an array" &&
	printf "%s\n" "{\"results\": {}}" >base &&
	printf "%s\n" "{\"results\": [$m1]}" >ours &&
	branch_merge w memories $M base ours theirs &&
	expect_merged w &&
	grep "\"m2\"" w/$M && grep "\"m1\"" w/$M
'

test_expect_success 'the driver itself: exit 1, %A untouched, file and cause named' '
	printf "%s\n" "{\"results\": [$m1]}" >O &&
	printf "%s\n" "{\"results\": [$m1, $m2]}" >A &&
	printf "%s\n" "{\"results\": {}}" >B &&
	cp A A.before &&
	test_expect_code 1 sovsync merge-memories O A B $M 2>err &&
	cmp A A.before &&
	grep "^sovsync: merge-memories: $M: theirs: \"results\" is an object, not an array$" err
'

test_expect_success 'duplicates already in the base: both stay, the edit is kept' '
	# m1 and m2 hold the same text since before the merge.  Ours edits
	# m1; theirs adds m3, the same text again.  Nobody deleted m1 or m2.
	printf "%s\n" "{\"results\": [$t1, $t2]}" >base &&
	printf "%s\n" "{\"results\": [$t1e, $t2]}" >ours &&
	printf "%s\n" "{\"results\": [$t1, $t2, $t3]}" >theirs &&
	DRIVER=memories merge_both_orders $M base ours theirs &&
	grep "\"m1\"" result && grep "\"m2\"" result && grep "\"m3\"" result &&
	grep "\"source\": \"chat\"" result
'

test_expect_success 'duplicates in the base, each edited on one side: both edits stay; concurrent adds once' '
	printf "%s\n" "{\"results\": [$t1, $t2]}" >base &&
	t2e="{\"id\": \"m2\", \"memory\": \"Likes tea\", \"hash\": \"h2\", \"metadata\": {\"source\": \"web\"}, \"created_at\": \"2026-02-08T11:00:00Z\", \"updated_at\": \"2026-02-09T12:00:00Z\"}" &&
	printf "%s\n" "{\"results\": [$t1e, $t2]}" >ours &&
	printf "%s\n" "{\"results\": [$t1, $t2e]}" >theirs &&
	DRIVER=memories merge_both_orders $M base ours theirs &&
	grep "\"source\": \"chat\"" result && grep "\"source\": \"web\"" result &&
	# What both sides added under two ids is still kept once.
	printf "%s\n" "{\"results\": [$t1, $t2]}" >base &&
	d4="{\"id\": \"m4\", \"memory\": \"Has a cat\", \"hash\": \"h4\", \"created_at\": \"2026-02-09T10:00:00Z\", \"updated_at\": null}" &&
	d5="{\"id\": \"m5\", \"memory\": \"Has a cat\", \"hash\": \"h4\", \"created_at\": \"2026-02-09T10:00:01Z\", \"updated_at\": null}" &&
	printf "%s\n" "{\"results\": [$t1, $t2, $d4]}" >ours &&
	printf "%s\n" "{\"results\": [$t1, $t2, $d5]}" >theirs &&
	DRIVER=memories merge_both_orders $M base ours theirs &&
	grep "\"m4\"" result && ! grep "\"m5\"" result && grep "\"m2\"" result
'

# ids: the ids of the memories in ./result, in order, space-separated.
ids() {
	python3 -c "import json; print(\" \".join(m[\"id\"] for m in json.load(open(\"result\"))[\"results\"]))"
}

test_expect_success 'a base duplicate deduplicated differently by each clone: the text stays, once' '
	# Each clone'"'"'s mem0 removed another copy of "Likes tea" (m1, m2:
	# hash h2): each deletion is one-sided, but the text both kept must
	# not vanish.  m1 stays: the earlier created_at.
	printf "%s\n" "{\"results\": [$m0, $t1, $t2]}" >base &&
	printf "%s\n" "{\"results\": [$m0, $t2]}" >ours &&
	printf "%s\n" "{\"results\": [$m0, $t1]}" >theirs &&
	DRIVER=memories merge_both_orders $M base ours theirs &&
	test "$(ids)" = "m0 m1" &&
	DRIVER=memories merge_both_orders $M base ours theirs --rebase &&
	test "$(ids)" = "m0 m1" &&
	# The driver alone, as the review ran it.
	cp ours A && sovsync merge-memories base A theirs $M 7 &&
	cp A result && test "$(ids)" = "m0 m1"
'

test_expect_success 'three copies, each clone deleted a different two: one stays, the same either way' '
	# t1 (created 10:00) was deleted by both; t2 (11:00) kept by theirs,
	# t3 (the 9th) kept by ours: the earliest created_at of those kept.
	printf "%s\n" "{\"results\": [$t1, $t2, $t3]}" >base &&
	printf "%s\n" "{\"results\": [$t3]}" >ours &&
	printf "%s\n" "{\"results\": [$t2]}" >theirs &&
	DRIVER=memories merge_both_orders $M base ours theirs &&
	test "$(ids)" = "m2" &&
	DRIVER=memories merge_both_orders $M base ours theirs --rebase &&
	test "$(ids)" = "m2" &&
	# A clone that deleted every copy deleted the text: that stays a deletion.
	printf "%s\n" "{\"results\": [$m0, $t1, $t2]}" >base &&
	printf "%s\n" "{\"results\": [$m0]}" >ours &&
	printf "%s\n" "{\"results\": [$m0, $t1]}" >theirs &&
	DRIVER=memories merge_both_orders $M base ours theirs &&
	test "$(ids)" = "m0"
'

test_expect_success 'mem0 graph relations: a union by value, deletions honoured' '
	printf "%s\n" "{\"results\": [$m1], \"relations\": [$r1, $r2]}" >base &&
	printf "%s\n" "{\"results\": [$m1, $m2], \"relations\": [$r1, $r3]}" >ours &&
	printf "%s\n" "{\"results\": [$m1], \"relations\": [$r1, $r2, $r4]}" >theirs &&
	DRIVER=memories merge_both_orders $M base ours theirs &&
	python3 - <<-\EOP
	import json
	d = json.load(open("result"))
	rel = sorted((r["source"], r["relationship"], r["target"]) for r in d["relations"])
	assert rel == [("alex", "likes", "tea"), ("alex", "owns", "cat"),
	               ("alex", "works_at", "acme")], rel
	assert [m["id"] for m in d["results"]] == ["m1", "m2"], d["results"]
	EOP
'

test_expect_success 'relations added on both sides with no base are all kept' '
	printf "%s\n" "{\"results\": [$m1], \"relations\": [$r1, $r3]}" >ours &&
	printf "%s\n" "{\"results\": [$m1], \"relations\": [$r1, $r4]}" >theirs &&
	DRIVER=memories merge_both_orders $M - ours theirs &&
	test "$(grep -c "\"source\"" result)" = 3
'

test_expect_success 'a list of scalars is kept as written: no dedup, no sort' '
	printf "%s\n" "{\"id\": \"c1\", \"title\": \"T\", \"tags\": [\"x\", \"y\", \"x\"], \"messages\": []}" >base &&
	printf "%s\n" "{\"id\": \"c1\", \"title\": \"T2\", \"tags\": [\"x\", \"y\", \"x\"], \"messages\": []}" >ours &&
	printf "%s\n" "{\"id\": \"c1\", \"title\": \"T\", \"pinned\": true, \"tags\": [\"x\", \"y\", \"x\"], \"messages\": []}" >theirs &&
	DRIVER=index merge_both_orders $C base ours theirs &&
	python3 -c "import json; d = json.load(open(\"result\")); assert d[\"tags\"] == [\"x\", \"y\", \"x\"], d" &&
	# Ours deletes the first x, theirs appends z: both, in place.
	printf "%s\n" "{\"id\": \"c1\", \"tags\": [\"y\", \"x\"]}" >ours &&
	printf "%s\n" "{\"id\": \"c1\", \"tags\": [\"x\", \"y\", \"x\", \"z\"]}" >theirs &&
	printf "%s\n" "{\"id\": \"c1\", \"tags\": [\"x\", \"y\", \"x\"]}" >base &&
	DRIVER=index merge_both_orders $C base ours theirs &&
	python3 -c "import json; d = json.load(open(\"result\")); assert d[\"tags\"] == [\"y\", \"x\", \"z\"], d"
'

test_expect_success 'a list of objects without id or path keeps its repeats' '
	printf "%s\n" "{\"documents\": [], \"steps\": [{\"do\": \"a\"}, {\"do\": \"a\"}, {\"do\": \"b\"}]}" >base &&
	printf "%s\n" "{\"documents\": [{\"id\": \"d1\"}], \"steps\": [{\"do\": \"a\"}, {\"do\": \"a\"}, {\"do\": \"b\"}]}" >ours &&
	printf "%s\n" "{\"documents\": [], \"steps\": [{\"do\": \"a\"}, {\"do\": \"a\"}, {\"do\": \"b\"}, {\"do\": \"a\"}]}" >theirs &&
	DRIVER=index merge_both_orders shared/documents/index.json base ours theirs &&
	python3 -c "import json; d = json.load(open(\"result\")); assert [s[\"do\"] for s in d[\"steps\"]] == [\"a\", \"a\", \"b\", \"a\"], d"
'

msg() { printf '{"role": "%s", "content": "%s"}' "$1" "$2"; }
conv() {
	_f=$1
	shift
	_sep=
	{
		printf '{"id": "c1", "messages": ['
		for _m in "$@"; do
			printf '%s%s' "$_sep" "$_m"
			_sep=', '
		done
		printf ']}\n'
	} >"$_f"
}
contents() {
	python3 -c "import json,sys; print(\" | \".join(m[\"content\"] for m in json.load(open(sys.argv[1]))[\"messages\"]))" "$1"
}

test_expect_success 'messages without ids or timestamps: order and repeats kept' '
	conv base "$(msg user "hi")" "$(msg assistant "want tea?")" "$(msg user "no")" &&
	conv ours "$(msg user "hi")" "$(msg assistant "want tea?")" "$(msg user "no")" \
		"$(msg user "yes")" "$(msg user "yes")" &&
	conv theirs "$(msg user "hi")" "$(msg user "no")" &&
	DRIVER=index merge_both_orders $C base ours theirs &&
	test "$(contents result)" = "hi | no | yes | yes"
'

test_expect_success 'both sides append at the same place: each run in its order, same bytes either way' '
	# No timestamps to order them: one run after the other, the run whose
	# text sorts first ahead, whichever side is ours (never a sort by text).
	conv base "$(msg user "hi")" &&
	conv ours "$(msg user "hi")" "$(msg user "zebra")" "$(msg user "apple")" &&
	conv theirs "$(msg user "hi")" "$(msg user "mango")" &&
	DRIVER=index merge_both_orders $C base ours theirs &&
	test "$(contents result)" = "hi | mango | zebra | apple" &&
	DRIVER=index merge_both_orders $C base ours theirs --rebase &&
	test "$(contents result)" = "hi | mango | zebra | apple"
'

test_expect_success 'a message both sides added once, others around it' '
	conv base "$(msg user "hi")" &&
	conv ours "$(msg user "hi")" "$(msg assistant "hello")" "$(msg user "ours")" &&
	conv theirs "$(msg user "hi")" "$(msg assistant "hello")" "$(msg user "theirs")" &&
	DRIVER=index merge_both_orders $C base ours theirs &&
	test "$(contents result)" = "hi | hello | ours | theirs"
'

test_expect_success 'one message edited differently on both sides: both kept; deletion vs edit: the edit' '
	conv base "$(msg user "hi")" "$(msg user "typo")" "$(msg user "bye")" &&
	conv ours "$(msg user "hi")" "$(msg user "fixed by ours")" "$(msg user "bye")" &&
	conv theirs "$(msg user "hi")" "$(msg user "fixed by theirs")" "$(msg user "bye")" &&
	DRIVER=index merge_both_orders $C base ours theirs &&
	test "$(contents result)" = "hi | fixed by ours | fixed by theirs | bye" &&
	conv ours "$(msg user "hi")" "$(msg user "bye")" &&
	DRIVER=index merge_both_orders $C base ours theirs &&
	test "$(contents result)" = "hi | fixed by theirs | bye"
'

test_expect_success 'a long conversation: changes at both ends merge; too many changes are a conflict' '
	python3 - <<-\EOP &&
	import json
	def w(name, msgs):
	    json.dump({"id": "c1", "messages": msgs}, open(name, "w"))
	base = [{"role": "user", "content": "m%d" % (i % 97)} for i in range(20000)]
	w("base", base)
	w("ours", base + [{"role": "user", "content": "yes"}] * 2)
	w("theirs", base[1:] + [{"role": "user", "content": "b"}])
	w("ours2", base[:5000] + base[5000:10000][::-1] + base[10000:])
	w("theirs2", base[:5000] + [{"role": "user", "content": "x"}] + base[5000:10000][::-1] + base[10000:])
	EOP
	DRIVER=index merge_both_orders $C base ours theirs &&
	python3 - <<-\EOP &&
	import json
	m = json.load(open("result"))["messages"]
	base = [{"role": "user", "content": "m%d" % (i % 97)} for i in range(20000)]
	tail = [{"role": "user", "content": c} for c in ("b", "yes", "yes")]
	assert m == base[1:] + tail, (len(m), m[:2], m[-4:])
	EOP
	branch_merge w index $C base ours2 theirs2 &&
	expect_conflict w $C ours2 "" "\"messages\": more than 4000 changes"
'

test_expect_success 'an id twice on one side, same text: a conflict, not a silent drop' '
	printf "%s\n" "{\"results\": [$m1]}" >base &&
	printf "%s\n" "{\"results\": [$m1, $m2, $m2]}" >ours &&
	printf "%s\n" "{\"results\": [$m1, {\"id\": \"m9\", \"memory\": \"x\"}]}" >theirs &&
	branch_merge w memories $M base ours theirs &&
	expect_conflict w $M ours ours "memory 1 and memory 2 have the same key \"m2\" (the same text)" &&
	d1="{\"id\": \"d1\", \"path\": \"ingested/a.md\"}" &&
	printf "%s\n" "{\"documents\": [$d1]}" >base &&
	printf "%s\n" "{\"documents\": [$d1]}" >ours &&
	printf "%s\n" "{\"documents\": [$t1, {\"id\": \"d2\"}, {\"id\": \"d2\"}]}" >theirs &&
	printf "%s\n" "{\"documents\": [$t1, {\"id\": \"d3\"}]}" >ours &&
	branch_merge w index shared/documents/index.json base ours theirs &&
	expect_conflict w shared/documents/index.json ours theirs "have the same key \"d2\""
'

test_expect_success 'sovsync-derived on a path that is not derived: a conflict, not ours silently' '
	test_repo d &&
	sovsync install --repo d >/dev/null &&
	git -C d add -A && test_tick && git -C d commit -q -m install &&
	echo "notes.md merge=sovsync-derived" >>d/.gitattributes &&
	echo "base" >d/notes.md &&
	git -C d add -A && test_tick && git -C d commit -q -m notes &&
	git -C d checkout -q -b theirs &&
	echo "their edit" >d/notes.md && test_tick && git -C d commit -q -am theirs &&
	git -C d checkout -q main &&
	echo "our edit" >d/notes.md && test_tick && git -C d commit -q -am ours &&
	test_must_fail git -C d merge --no-edit theirs >out 2>&1 &&
	grep "^sovsync: merge-derived: notes.md: not a manifest file" out &&
	test "$(git -C d ls-files -u -- notes.md | wc -l)" = 3 &&
	test "$(cat d/notes.md)" = "our edit" &&
	git -C d merge --abort &&
	# The real derived files still merge, keeping ours.
	git -C d checkout -q -b t2 &&
	echo "{\"results\": []}" >d/shared/memories/default/memories.json &&
	echo "{\"user_id\": \"default\", \"count\": 7}" >d/shared/memories/default/index.meta &&
	git -C d add -A && test_tick && git -C d commit -q --no-verify -m "t2 meta" &&
	git -C d checkout -q main &&
	echo "{\"user_id\": \"default\", \"count\": 9}" >d/shared/memories/default/index.meta &&
	git -C d add -A && test_tick && git -C d commit -q --no-verify -m "main meta" &&
	git -C d merge --no-edit t2 >out 2>&1 &&
	test -z "$(git -C d ls-files -u)" &&
	# Paths that only look derived: another directory level, another
	# root, state.json (its own driver).
	echo ours >d/A && cp d/A A.before &&
	for p in shared/memories/u/x/index.meta other/memories/sync_manifest.json \
		shared/state.json shared/memories/index.meta; do
		(cd d && test_expect_code 1 sovsync merge-derived O A B "$p") 2>err &&
		grep "^sovsync: merge-derived: $p: not a manifest file" err &&
		cmp d/A A.before || exit 1
	done &&
	(cd d && sovsync merge-derived O A B shared/memories/u/index.meta) &&
	git -C d config sovsync.root data &&
	(cd d && sovsync merge-derived O A B data/memories/sync_manifest.json) &&
	(cd d && test_expect_code 1 sovsync merge-derived O A B shared/memories/sync_manifest.json) &&
	# The root as the hooks read it: "./data/" is "data".
	git -C d config sovsync.root ./data/ &&
	(cd d && sovsync merge-derived O A B data/memories/sync_manifest.json)
'

test_done
