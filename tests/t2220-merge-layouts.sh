#!/bin/sh
# sovsync merge-memories on memories written in other writers' layouts
# (issue 18 item 6): compact, minified, indented by 4, CRLF, keys in another
# order, \u escapes.  The result is the bytes of the merge of the same
# memories in sovsync's canonical layout; a memory a side left unchanged is
# recognised by its bytes and laid out once, only into the result, and none
# goes through jansson (the driver's trace counts them).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/merge-lib.sh"

DRIVER=memories
P=shared/memories/alex/memories.json
LAYOUTS="compact minified pretty4 crlf reorder escaped"

# gen DIR LAYOUT: 200 memories, each side adds 5 and edits 3 (bench/memgen.py).
gen() {
	mkdir -p "$1" && python3 "$SRCDIR/bench/memgen.py" "$1" 200 5 3 7 "$2"
}

# merge DIR: merge-memories O A B into DIR/R, with the trace in DIR/trace.
merge() {
	cp "$1/A.json" "$1/R.json" &&
	SOVSYNC_TRACE="$PWD/$1/trace" sovsync merge-memories "$1/O.json" "$1/R.json" \
		"$1/B.json" memories.json
}

test_expect_success 'the canonical layout merges' '
	gen canonical canonical &&
	merge canonical &&
	grep -q "1[0-9] added" canonical/trace
'

# reorder keeps each memory's keys in their (sorted) order: its expected
# result is the canonical one with sorted keys.
test_expect_success 'the canonical merge with sorted keys' '
	mkdir -p reorder &&
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
d[\"results\"] = [dict(sorted(m.items())) for m in d[\"results\"]]
sys.stdout.write(json.dumps(d, indent=2, ensure_ascii=False) + \"\\n\")" \
		canonical/R.json >reorder/expect
'

for layout in $LAYOUTS; do
	test_expect_success "$layout: the bytes of the canonical merge" "
		gen $layout $layout &&
		merge $layout &&
		if test $layout = reorder
		then
			test_cmp reorder/expect reorder/R.json
		else
			test_cmp canonical/R.json $layout/R.json
		fi
	"
done

# 210 memories in the result, 6 of them edited: each edit lays out the
# edited side's copy and the base's to compare them, the 204 others are laid
# out into the result.  Before, every memory of every side was laid out (or
# parsed) and scanned again: 600 or more.
for layout in $LAYOUTS; do
	test_expect_success "$layout: each memory laid out at most once, none parsed" "
		grep -o 'other layouts: [0-9]* values laid out, [0-9]* parsed' $layout/trace >counts &&
		read _ _ n _ _ _ parsed _ <counts &&
		test \$parsed = 0 &&
		if test $layout = reorder
		then
			test \$n = 0	# sorted keys, indented by 2: canonical
		else
			test \$n -ge 210 && test \$n -le 222
		fi
	"
done

test_expect_success 'canonical sides lay out nothing' '
	grep -q "other layouts: 0 values laid out, 0 parsed" canonical/trace
'

test_expect_success 'sides in three different layouts' '
	mkdir -p mixed &&
	cp pretty4/O.json mixed/O.json && cp compact/A.json mixed/A.json &&
	cp escaped/B.json mixed/B.json &&
	merge mixed &&
	test_cmp canonical/R.json mixed/R.json &&
	grep -q "other layouts: 610 values laid out, 0 parsed" mixed/trace
'

# One memory of ours written with an escaped scope and hash, the same memory
# added by theirs under another id in plain text: the scope is compared in
# its canonical form, so the two are duplicates (mem0 dedup), as they are
# when both are written plainly.
test_expect_success 'escaped fields of the dedup key are compared canonically' '
	m="{\"id\": \"%s\", \"memory\": \"Likes tea\", \"hash\": \"%s\", \"created_at\": \"2026-02-0%sT10:00:00Z\", \"user_id\": \"%s\"}" &&
	printf "{\"results\": []}\n" >dd-O &&
	printf "{\"results\": [$m]}\n" a1 "\\u0061bc" 1 "\\u0061lex" >dd-A &&
	printf "{\"results\": [$m]}\n" b1 abc 2 alex >dd-B &&
	printf "{\"results\": [$m]}\n" a1 abc 1 alex >dd-Aplain &&
	cp dd-A dd-R && sovsync merge-memories dd-O dd-R dd-B memories.json &&
	cp dd-Aplain dd-Rplain && sovsync merge-memories dd-O dd-Rplain dd-B memories.json &&
	test_cmp dd-Rplain dd-R &&
	test $(grep -c "\"id\"" dd-R) = 1 && grep -q "\"a1\"" dd-R
'

test_expect_success 'a lone surrogate escape fails clearly, ours untouched' '
	sed "0,/Likes\\|(0)/s/(0)/(0) \\\\ud83d/" escaped/A.json >bad-A &&
	! cmp -s bad-A escaped/A.json &&
	cp bad-A bad-R &&
	test_must_fail sovsync merge-memories escaped/O.json bad-R escaped/B.json memories.json 2>err &&
	grep "memories.json: ours: invalid JSON at line" err &&
	test_cmp bad-A bad-R
'

test_expect_success 'a duplicate id written compactly fails, ours untouched' '
	head -n 2 compact/A.json | tail -n 1 >first &&
	{ head -n 2 compact/A.json && cat first && tail -n +3 compact/A.json; } >dup-A &&
	cp dup-A dup-R &&
	test_must_fail sovsync merge-memories compact/O.json dup-R compact/B.json memories.json 2>err &&
	grep "memory 0 and memory 1 have the same key" err &&
	test_cmp dup-A dup-R
'

test_expect_success 'a memory that is not an object fails, ours untouched' '
	{ head -n 1 compact/A.json && echo "\"a string\"," && tail -n +2 compact/A.json; } >str-A &&
	cp str-A str-R &&
	test_must_fail sovsync merge-memories compact/O.json str-R compact/B.json memories.json 2>err &&
	grep "memory 0 is a string, not an object" err &&
	test_cmp str-A str-R
'

test_expect_success 'git pull merges compact exports from two clones' '
	mkdir -p pull && python3 "$SRCDIR/bench/memgen.py" pull 30 2 2 3 compact &&
	merge_both_orders $P pull/O.json pull/A.json pull/B.json &&
	mkdir -p pullc && python3 "$SRCDIR/bench/memgen.py" pullc 30 2 2 3 canonical &&
	cp pullc/A.json pullc/R.json &&
	sovsync merge-memories pullc/O.json pullc/R.json pullc/B.json memories.json &&
	test_cmp pullc/R.json result
'

test_done
