#!/bin/sh
# Fuzz smoke: every libFuzzer harness in tests/fuzz/ first replays its whole
# seed corpus (regression inputs included), then fuzzes for
# SOVSYNC_FUZZ_SECONDS (default 20) on a scratch copy of the corpus, so the
# repository's corpus is never modified.  A crash, leak or sanitizer report
# fails the test and leaves the reproducer in the trash directory.

. "$(dirname "$0")/lib.sh"

FUZZ_DIR=$SRCDIR/build/fuzz
seconds=${SOVSYNC_FUZZ_SECONDS:-20}

targets=
for src in "$SRCDIR"/tests/fuzz/*.c; do
	targets="$targets $(basename "$src" .c)"
done

for t in $targets; do
	if ! [ -x "$FUZZ_DIR/$t" ]; then
		test_skip "fuzz target $t" "not built (make fuzz needs clang)"
		continue
	fi
	test_expect_success "fuzz $t: the seed corpus replays cleanly" '
		{ "$FUZZ_DIR/$t" -runs=0 "$SRCDIR/tests/fuzz/corpus/$t" >log 2>&1 ||
		  { tail -n 40 log; false; }; }
	'
	test_expect_success "fuzz $t: ${seconds}s without a finding" '
		mkdir -p "corpus-$t" "artifacts-$t" &&
		{ cp "$SRCDIR/tests/fuzz/corpus/$t"/* "corpus-$t"/ 2>/dev/null || :; } &&
		{ "$FUZZ_DIR/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix="$TRASH/artifacts-$t/" -print_final_stats=1 \
			"corpus-$t" >log 2>&1 ||
		  { tail -n 40 log; false; }; } &&
		grep "stat::number_of_executed_units" log | sed "s/^/# /" >&2
	'
done

test_done
