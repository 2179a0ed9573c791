#!/bin/sh
# Bad input to the JSON merge drivers (docs/RELIABILITY.md, "Bad input"):
# every driver, every side, with the rule the user sees.  A side that does
# not parse is a conflict (exit 1) that leaves %A byte for byte as it was
# and names the path, the side and the cause; a base that does not parse
# (Git's virtual base of a criss-cross merge) merges two-way.  Nothing is
# read beyond jansson's depth limit, and nothing is guessed.

. "$(dirname "$0")/lib.sh"

M=shared/memories/default/memories.json
mem1='{"results":[{"id":"1","memory":"a","hash":"x","metadata":null,"created_at":"2024-01-01T00:00:00+00:00","updated_at":"2024-01-01T00:00:00+00:00"}]}'
mem2='{"results":[{"id":"1","memory":"b","hash":"y","metadata":null,"created_at":"2024-01-01T00:00:00+00:00","updated_at":"2024-02-01T00:00:00+00:00"},{"id":"2","memory":"c","hash":"z","metadata":null,"created_at":"2024-03-01T00:00:00+00:00","updated_at":"2024-03-01T00:00:00+00:00"}]}'
state1='{"version":1,"files":{}}'
state2='{"version":1,"files":{"a.md":{"hash":"sha256:00","size":1}}}'
index1='{"documents":[]}'
index2='{"documents":[{"id":"d1","path":"a.md"}]}'

# run_bad DRIVER PATH GOOD1 GOOD2 SIDE BAD: O=GOOD1, A=GOOD2, B=GOOD1 with
# SIDE (base|ours|theirs) replaced by the bytes of file BAD.
run_bad() {
	printf '%s' "$3" >O && printf '%s' "$4" >A && printf '%s' "$3" >B &&
	case $5 in
	base) cp "$6" O ;;
	ours) cp "$6" A ;;
	theirs) cp "$6" B ;;
	esac &&
	cp A A.before
}

# expect_refused DRIVER PATH SIDE PATTERN: exit 1, %A untouched, a message
# naming the path and the side, matching PATTERN.
expect_refused() {
	test_expect_code 1 sovsync "$1" O A B "$2" 2>err &&
	cmp A A.before &&
	grep "^sovsync: $1: $2: $3: .*$4" err
}

is_json() {
	perl -MJSON::PP -0777 -ne "decode_json(\$_)" "$1"
}

bad() {
	printf "$2" >"$1"
}

test_expect_success 'invalid JSON on each side of each driver' '
	bad cut "{\"results\": [" &&
	for d in "merge-memories $M $mem1 $mem2" "merge-state shared/state.json $state1 $state2" \
		 "merge-index shared/documents/index.json $index1 $index2"; do
		set -- $d &&
		run_bad $1 $2 $3 $4 theirs cut && expect_refused $1 $2 theirs "invalid JSON at line 1" &&
		run_bad $1 $2 $3 $3 ours cut && printf "%s" "$4" >B &&
		expect_refused $1 $2 ours "invalid JSON at line 1" &&
		run_bad $1 $2 $3 $4 base cut && printf "%s" "$3" >B &&
		sovsync $1 O A B $2 && is_json A ||
		{ echo "$d: a base that is not JSON must merge two-way" >&2; exit 1; }
	done
'

test_expect_success 'deep nesting stops at a bounded depth' '
	perl -e "print q([) x 100000, q(]) x 100000" >deep &&
	for s in ours theirs; do
		run_bad merge-memories $M "$mem1" "$mem2" $s deep &&
		expect_refused merge-memories $M $s "maximum parsing depth" || exit 1
	done
'

test_expect_success 'huge numbers are refused, not rounded' '
	bad real "{\"results\":[],\"x\":1e999999}" &&
	run_bad merge-memories $M "$mem1" "$mem2" theirs real &&
	expect_refused merge-memories $M theirs "real number overflow" &&
	bad int "{\"results\":[],\"x\":123456789012345678901234567890}" &&
	run_bad merge-state shared/state.json "$state1" "$state2" theirs int &&
	expect_refused merge-state shared/state.json theirs "too big integer"
'

test_expect_success 'invalid UTF-8 and NUL bytes are refused' '
	bad utf8 "{\"results\":[],\"x\":\"\\377\\376\"}" &&
	run_bad merge-memories $M "$mem1" "$mem2" theirs utf8 &&
	expect_refused merge-memories $M theirs "unable to decode byte 0xff" &&
	bad nul "{\"results\":[],\"x\":\"a\\000b\"}" &&
	run_bad merge-index shared/documents/index.json "$index1" "$index2" theirs nul &&
	expect_refused merge-index shared/documents/index.json theirs "invalid JSON"
'

test_expect_success 'duplicate keys are refused: which one wins would be a guess' '
	bad dup "{\"results\":[],\"results\":[]}" &&
	run_bad merge-memories $M "$mem1" "$mem2" theirs dup &&
	expect_refused merge-memories $M theirs "duplicate object key" &&
	bad dup2 "{\"version\":1,\"version\":2,\"files\":{}}" &&
	run_bad merge-state shared/state.json "$state1" "$state2" ours dup2 &&
	printf "%s" "$state2" >B &&
	expect_refused merge-state shared/state.json ours "duplicate object key"
'

test_expect_success 'a BOM and CRLF line ends are read; the output is canonical' '
	printf "\\357\\273\\277%s\\r\\n" "$mem2" | sed "s/,/,\\r\\n/g" >bom &&
	run_bad merge-memories $M "$mem1" "$mem1" ours bom &&
	printf "%s" "$mem1" >B && printf "%s" "$mem1" >O &&
	bad theirs3 "{\"results\":[{\"id\":\"3\",\"memory\":\"d\",\"hash\":\"w\",\"metadata\":null,\"created_at\":\"2024-04-01T00:00:00+00:00\",\"updated_at\":\"2024-04-01T00:00:00+00:00\"},{\"id\":\"1\",\"memory\":\"a\",\"hash\":\"x\",\"metadata\":null,\"created_at\":\"2024-01-01T00:00:00+00:00\",\"updated_at\":\"2024-01-01T00:00:00+00:00\"}]}" &&
	cp theirs3 B &&
	sovsync merge-memories O A B $M &&
	test "$(head -c 1 A)" = "{" &&
	! grep -q "$(printf "\\r")" A &&
	grep -c "\"id\":" A >n && test "$(cat n)" = 3
'

test_expect_success 'a 0-byte side: a conflict unless it is the base (add/add)' '
	: >zero &&
	run_bad merge-memories $M "$mem1" "$mem2" theirs zero &&
	expect_refused merge-memories $M theirs "invalid JSON" &&
	run_bad merge-memories $M "$mem1" "$mem2" base zero &&
	printf "%s" "$mem1" >B &&
	sovsync merge-memories O A B $M &&
	grep -c "\"id\":" A >n && test "$(cat n)" = 2
'

test_expect_success 'memories of the wrong shape are refused with the index' '
	bad noid "{\"results\":[{\"memory\":\"x\"}]}" &&
	run_bad merge-memories $M "$mem1" "$mem2" theirs noid &&
	expect_refused merge-memories $M theirs "memory 0 has no string \"id\"" &&
	bad numid "{\"results\":[{\"id\":7}]}" &&
	run_bad merge-memories $M "$mem1" "$mem2" ours numid &&
	printf "%s" "$mem2" >B &&
	expect_refused merge-memories $M ours "memory 0 has no string \"id\""
'

test_expect_success 'a whole document replaced by a scalar is a shape error' '
	# A memories/state/index file that became "str", null, 5 or true on
	# one side is damage: merging it as a whole value would drop the other
	# side'"'"'s changes.  Refused on either side; a scalar base merges two-way.
	for s in "\"str\"" null 5 true; do
		bad scalar "$s" &&
		run_bad merge-state shared/state.json "$state1" "$state2" theirs scalar &&
		expect_refused merge-state shared/state.json theirs "the document is .*, not an object" &&
		run_bad merge-memories $M "$mem1" "$mem1" ours scalar &&
		printf "%s" "$mem2" >B &&
		expect_refused merge-memories $M ours "the document is .*, not an object or array" &&
		run_bad merge-index shared/documents/index.json "$index1" "$index2" theirs scalar &&
		expect_refused merge-index shared/documents/index.json theirs "not an object" &&
		run_bad merge-state shared/state.json "$state1" "$state2" base scalar &&
		printf "%s" "$state1" >B &&
		sovsync merge-state O A B shared/state.json && grep -q "a.md" A || exit 1
	done &&
	bad scalar null &&
	run_bad merge-state shared/state.json "$state1" "$state2" theirs scalar &&
	expect_refused merge-state shared/state.json theirs "the document is null, not an object$"
'

test_done
