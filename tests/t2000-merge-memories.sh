#!/bin/sh
# sovsync merge-memories: Git's merge driver for mem0 memories.json, driven
# by real pulls between two clones and a bare remote; both push orders must
# converge byte-identically.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/merge-lib.sh"

DRIVER=memories
P=shared/memories/alex/memories.json
T0=2026-02-08T17:30:00.123456-08:00

# mem ID TEXT [CREATED [UPDATED [EXTRA]]]: one memory as mem0 writes it
# (compact, not canonical: the driver must cope).
mem() {
	_h=$(printf '%s' "$2" | md5sum | cut -c1-32)
	_u=null
	[ -n "${4:-}" ] && _u="\"$4\""
	printf '{"id": "%s", "memory": "%s", "hash": "%s", "metadata": null, "created_at": "%s", "updated_at": %s, "user_id": "alex"%s}' \
		"$1" "$2" "$_h" "${3:-$T0}" "$_u" "${5:-}"
}

# export FILE MEMORY...: a get_all export.
export_file() {
	_f=$1
	shift
	{
		printf '{"results": ['
		_sep=
		for _m in "$@"; do
			printf '%s%s' "$_sep" "$_m"
			_sep=', '
		done
		printf ']}\n'
	} >"$_f"
}

ids() {
	grep '"id"' "$1" | sed 's/.*"id": "\([^"]*\)".*/\1/' | tr '\n' ' '
}

test_expect_success 'concurrent additions on both sides are all kept' '
	export_file base "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea")" &&
	export_file ours "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea")" \
		"$(mem a1 "Has a cat" 2026-02-09T10:00:00Z)" &&
	export_file theirs "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea")" \
		"$(mem b1 "Runs marathons" 2026-02-09T09:00:00Z)" &&
	merge_both_orders $P base ours theirs &&
	test "$(ids result)" = "m1 m2 b1 a1 " &&
	python3 -c "import json,sys; json.load(open(\"result\"))"
'

test_expect_success 'edits, deletions, delete-vs-edit and offsets' '
	export_file base "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea")" \
		"$(mem m3 "Lives in Paris")" "$(mem m4 "Works at ACME")" &&
	export_file ours "$(mem m1 "Name is Alex Smith" $T0 2026-02-09T18:00:00-08:00)" \
		"$(mem m2 "Likes tea")" "$(mem m3 "Lives in Paris")" &&
	export_file theirs "$(mem m1 "Name is Alexander" $T0 2026-02-10T01:30:00Z)" \
		"$(mem m3 "Lives in Berlin" $T0 2026-02-09T00:00:00Z)" \
		"$(mem m4 "Works at ACME")" &&
	merge_both_orders $P base ours theirs &&
	# m1: 18:00-08:00 is 02:00Z, later than 01:30Z (not as strings).
	grep "\"Name is Alex Smith\"" result &&
	! grep "Alexander" result &&
	# m2 deleted by theirs, unchanged by ours: deleted.
	! grep "\"m2\"" result &&
	# m3 edited by theirs, unchanged by ours: the edit.
	grep "Lives in Berlin" result &&
	# m4 deleted by ours, unchanged by theirs: deleted.
	! grep "\"m4\"" result &&
	test "$(ids result)" = "m1 m3 "
'

test_expect_success 'deleted on one side, edited on the other: the edit is kept' '
	export_file base "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea")" &&
	export_file ours "$(mem m1 "Name is Alex")" &&
	export_file theirs "$(mem m1 "Name is Alex")" \
		"$(mem m2 "Likes green tea" $T0 2026-02-09T00:00:00Z)" &&
	merge_both_orders $P base ours theirs &&
	grep "Likes green tea" result
'

test_expect_success 'the same memory added under two ids is kept once' '
	export_file base "$(mem m1 "Name is Alex")" &&
	export_file ours "$(mem m1 "Name is Alex")" \
		"$(mem zz-local "Has a cat" 2026-02-09T10:00:00Z)" &&
	export_file theirs "$(mem m1 "Name is Alex")" \
		"$(mem aa-web "Has a cat" 2026-02-09T10:00:00.5Z)" &&
	merge_both_orders $P base ours theirs &&
	test "$(grep -c "Has a cat" result)" = 1 &&
	grep "\"zz-local\"" result
'

test_expect_success 'unknown fields and wrapper keys are kept untouched' '
	export_file base "$(mem m1 "Name is Alex" $T0 "" ", \"actor_id\": \"u1\", \"x\": {\"deep\": [1, 2.5, \"\\u00e9\"]}")" &&
	sed "s/]}/], \"relations\": []}/" base >ours &&
	export_file theirs "$(mem m1 "Name is Alex" $T0 "" ", \"actor_id\": \"u1\", \"x\": {\"deep\": [1, 2.5, \"\\u00e9\"]}")" \
		"$(mem b1 "Runs" 2026-02-09T09:00:00Z "" ", \"role\": \"user\"")" &&
	merge_both_orders $P base ours theirs &&
	grep "\"actor_id\": \"u1\"" result &&
	grep "2.5" result &&
	grep "\"role\": \"user\"" result &&
	grep "\"relations\": \[\]" result
'

test_expect_success 'added on both sides with no base: a two-way union' '
	export_file ours "$(mem m1 "Name is Alex")" "$(mem a1 "Has a cat" 2026-02-09T10:00:00Z)" &&
	export_file theirs "$(mem m1 "Name is Alex")" "$(mem b1 "Runs" 2026-02-09T09:00:00Z)" &&
	merge_both_orders $P - ours theirs &&
	test "$(ids result)" = "m1 b1 a1 "
'

test_expect_success 'git pull --rebase (sides swapped) converges to the same bytes' '
	export_file base "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea")" &&
	export_file ours "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea" $T0 2026-02-09T00:00:00Z)" \
		"$(mem a1 "Has a cat" 2026-02-09T10:00:00Z)" &&
	export_file theirs "$(mem m1 "Name is Alex")" "$(mem m2 "Likes coffee" $T0 2026-02-09T00:00:00Z)" \
		"$(mem b1 "Runs" 2026-02-09T09:00:00Z)" &&
	merge_both_orders $P base ours theirs &&
	mv result merged &&
	merge_both_orders $P base ours theirs --rebase &&
	cmp merged result
'

test_expect_success 'invalid JSON on one side: a plain conflict, ours untouched, a clear message' '
	export_file base "$(mem m1 "Name is Alex")" &&
	export_file ours "$(mem m1 "Name is Alex")" "$(mem a1 "Has a cat")" &&
	printf "{\"results\": [\n  {\"id\": \"m1\",}\n]}\n" >theirs &&
	merge_setup r $P memories &&
	merge_put r/one $P base base && git -C r/one push -q origin HEAD:main 2>/dev/null &&
	git -C r/two pull -q --no-rebase origin main &&
	merge_put r/one $P theirs broken && git -C r/one push -q origin HEAD:main 2>/dev/null &&
	merge_put r/two $P ours mine &&
	test_must_fail git -C r/two pull --no-rebase origin main 2>err &&
	grep "sovsync: merge-memories: $P: theirs: invalid JSON at line 2, column" err &&
	git -C r/two status --porcelain >st &&
	grep "^UU $P" st &&
	cmp ours r/two/$P
'

test_expect_success 'the driver on its own: exit codes, untouched %A, trace summary' '
	export_file O "$(mem m1 "Name is Alex")" &&
	export_file A "$(mem m1 "Name is Alex")" "$(mem a1 "Has a cat")" &&
	export_file B "$(mem m1 "Name is Alex")" "$(mem b1 "Runs")" &&
	cp A A.orig &&
	sovsync merge-memories O A B mem.json 2>err &&
	test_must_be_empty() { test ! -s "$1"; } && test_must_be_empty err &&
	! cmp -s A A.orig &&
	cp A.orig A &&
	SOVSYNC_TRACE=1 sovsync merge-memories O A B mem.json 2>err &&
	grep "merge-memories: mem.json: 2 added, 0 updated, 0 deleted, 0 deduplicated" err &&
	cp A.orig A &&
	echo "[1, 2" >bad &&
	test_expect_code 1 sovsync merge-memories O A bad mem.json 2>err &&
	grep "^sovsync: merge-memories: mem.json: theirs: invalid JSON at line" err &&
	cmp A A.orig &&
	echo "{\"results\": [{\"memory\": \"x\"}]}" >noid &&
	test_expect_code 1 sovsync merge-memories O noid B mem.json 2>err &&
	grep "^sovsync: merge-memories: mem.json: ours: memory 0 has no string \"id\"" err &&
	test_expect_code 2 sovsync merge-memories O A 2>err &&
	grep "^usage: sovsync merge-memories" err
'

test_expect_success 'a base that is not JSON (criss-cross virtual base) merges two-way' '
	printf "<<<<<<< Temporary merge branch 1\n{}\n=======\n[]\n>>>>>>> Temporary merge branch 2\n" >O &&
	export_file A "$(mem m1 "Name is Alex")" "$(mem a1 "Has a cat")" &&
	export_file B "$(mem m1 "Name is Alex")" "$(mem b1 "Runs")" &&
	sovsync merge-memories O A B mem.json &&
	grep "\"a1\"" A && grep "\"b1\"" A && grep "\"m1\"" A
'

test_expect_success 'merge(O,A,A) is A when A is canonical; canonical output is stable' '
	export_file O "$(mem m1 "Name is Alex")" &&
	export_file A "$(mem m1 "Name is Alex")" "$(mem a1 "Has a cat")" &&
	export_file B "$(mem m1 "Name is Alex")" "$(mem b1 "Runs")" &&
	sovsync merge-memories O A B mem.json &&
	cp A R && cp A R2 &&
	sovsync merge-memories O R2 R mem.json &&
	cmp R R2 &&
	sovsync merge-memories O A A mem.json &&
	cmp A R
'

test_expect_success PYTHON3 'any layout (canonical, one memory per line, tabs and CRLF) merges to the same bytes' '
	mkdir lay lay/canon lay/compact lay/odd &&
	python3 "$SRCDIR/bench/memgen.py" lay/canon 300 20 15 7 &&
	python3 "$SRCDIR/bench/memgen.py" lay/compact 300 20 15 7 compact &&
	for f in O A B; do
		sed -e "s/\": /\" :\t/g" -e "s/\$/\r/" lay/compact/$f.json >lay/odd/$f.json || return 1
	done &&
	! cmp -s lay/canon/A.json lay/compact/A.json &&
	for l in canon compact odd; do
		sovsync merge-memories lay/$l/O.json lay/$l/A.json lay/$l/B.json memories.json ||
		return 1
	done &&
	cmp lay/canon/A.json lay/compact/A.json &&
	cmp lay/canon/A.json lay/odd/A.json &&
	test $(grep -c "\"id\"" lay/canon/A.json) = 340
'

test_expect_success 'a criss-cross merge (two merge bases) stays clean and valid' '
	git init -q cc &&
	cd cc &&
	git config merge.sovsync-memories.driver "$SOVSYNC_BIN/sovsync merge-memories %O %A %B %P %L" &&
	echo "$P merge=sovsync-memories" >.gitattributes &&
	mkdir -p shared/memories/alex &&
	export_file $P "$(mem m1 "Name is Alex")" &&
	git add . && test_tick && git commit -q -m base &&
	git checkout -q -b x &&
	export_file $P "$(mem m1 "Name is Alex")" "$(mem x1 "From x" 2026-02-09T01:00:00Z)" &&
	git commit -q -a -m x1 &&
	git checkout -q -b y main &&
	export_file $P "$(mem m1 "Name is Alex")" "$(mem y1 "From y" 2026-02-09T02:00:00Z)" &&
	git commit -q -a -m y1 &&
	git checkout -q x && test_tick && git merge -q --no-edit y &&
	git checkout -q y && test_tick && git merge -q --no-edit x~1 &&
	# Each side goes on, then the two merges meet: two merge bases.
	sed "s/\"From y\"/\"From y, edited\"/" $P >tmp && mv tmp $P &&
	git commit -q -a -m y2 &&
	git checkout -q x &&
	export_file ../extra "$(mem x3 "Later on x" 2026-02-09T03:00:00Z)" &&
	python3 -c "import json; d = json.load(open(\"$P\")); d[\"results\"] += json.load(open(\"../extra\"))[\"results\"]; json.dump(d, open(\"$P\", \"w\"))" &&
	git commit -q -a -m x3 &&
	test "$(git merge-base --all x y | wc -l)" = 2 &&
	test_tick && git merge -q --no-edit y &&
	test -z "$(git status --porcelain)" &&
	python3 -c "import json; d = json.load(open(\"$P\")); print(sorted(m[\"memory\"] for m in d[\"results\"]))" >../got &&
	grep "From y, edited" ../got && grep "Later on x" ../got && grep "From x" ../got
'

test_expect_success 'the filter'"'"'s stored (compressed) form is decoded and written back' '
	export_file base "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea")" &&
	export_file ours "$(mem m1 "Name is Alex")" "$(mem m2 "Likes tea")" \
		"$(mem a1 "Has a cat" 2026-02-09T10:00:00Z)" &&
	export_file theirs "$(mem m1 "Name is Alex")" \
		"$(mem b1 "Runs marathons" 2026-02-09T09:00:00Z)" &&
	MERGE_WITH_FILTER=1 merge_both_orders $P base ours theirs &&
	test "$(ids result)" = "m1 b1 a1 " &&
	python3 -c "import json,sys; json.load(open(\"result\"))" &&
	# The merge result went into the repository in the stored form again.
	git -C fwd.git cat-file blob main:$P >stored &&
	head -c 8 stored | od -An -c | grep "S   O   V   S   Y   N   C" &&
	! grep -q "Runs marathons" stored
'

# big_sides N PAD: base, ours, theirs of N memories with random (barely
# compressible) text; ours adds a1, theirs adds b1 and deletes m2.  PAD set:
# each file is padded (in one memory's text) to a multiple of 4096 bytes,
# so that a mapped side ends exactly at a page boundary.
big_sides() {
	python3 - "$1" "${2:-}" <<-\PY
	import json, random, sys
	n, pad = int(sys.argv[1]), sys.argv[2] == "pad"
	rnd = random.Random(7)
	abc = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	def mem(i, t="2026-02-08T17:30:00Z"):
	    return {"id": i, "memory": "".join(rnd.choice(abc) for _ in range(300)),
	            "hash": "h" + i, "metadata": None, "created_at": t,
	            "updated_at": None, "user_id": "alex"}
	base = [mem("m%d" % k) for k in range(n)]
	sides = {"base": base, "ours": base + [mem("a1", "2026-02-09T10:00:00Z")],
	         "theirs": [m for m in base if m["id"] != "m2"] + [mem("b1", "2026-02-09T09:00:00Z")]}
	for name, ms in sides.items():
	    ms = [dict(m) for m in ms]
	    text = json.dumps({"results": ms}, indent=2) + "\n"
	    if pad:
	        ms[0]["memory"] += "x" * (-len(text.encode()) % 4096)
	        text = json.dumps({"results": ms}, indent=2) + "\n"
	        assert len(text.encode()) % 4096 == 0
	    open(name, "w").write(text)
	PY
}

# big_result_ok FILE: the merge of big_sides 6000, valid JSON, nothing lost.
big_result_ok() {
	python3 - "$1" <<-\PY
	import json, sys
	ids = [m["id"] for m in json.load(open(sys.argv[1]))["results"]]
	assert len(ids) == 6001, len(ids)
	for i in ("a1", "b1", "m0", "m5999"):
	    assert i in ids, i
	assert "m2" not in ids
	PY
}

test_expect_success 'sides of several megabytes: nothing lost, at a page boundary or not' '
	for pad in pad nopad; do
		big_sides 6000 $pad &&
		test $(wc -c <ours) -gt 1048576 &&
		cp ours result &&
		"$SOVSYNC_BIN/sovsync" merge-memories base result theirs $P &&
		big_result_ok result || return 1
	done &&
	# the same sides in the filter'"'"'s stored form (several megabytes
	# even compressed), and plain, through real pulls
	MERGE_WITH_FILTER=1 merge_both_orders $P base ours theirs &&
	git -C fwd.git cat-file -s main:$P >size && test $(cat size) -gt 1048576 &&
	big_result_ok result &&
	merge_both_orders $P base ours theirs &&
	big_result_ok result
'

test_expect_success !SANITIZED 'a side far larger than memory allows is refused at its first byte, not read' '
	# A sparse 1 GiB file under a 256 MiB data limit: read, it would not
	# fit; mapped, the scanner stops at the first byte.
	printf "{\"results\": []}\n" >small &&
	truncate -s 1G huge &&
	test_must_fail sh -c "ulimit -d 262144 && exec \"\$SOVSYNC_BIN/sovsync\" merge-memories small huge small $P" 2>err &&
	grep "$P: ours: invalid JSON at line 1, column 1" err &&
	test $(wc -c <huge) = 1073741824 &&
	rm -f huge
'

test_done
