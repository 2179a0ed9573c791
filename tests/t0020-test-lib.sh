#!/bin/sh
# The harness (tests/lib.sh) itself: the && chain lint, test_when_finished,
# prerequisites, and the options -v, -x, -i and --run.  Each case writes a
# small test script on a copy of lib.sh and checks its TAP output.

. "$(dirname "$0")/lib.sh"

# run_self [OPTION...]: write stdin to a script on a copy of lib.sh, run it
# with OPTIONs (its trash directory under self/tmp), output in out, status
# in rc.
run_self() {
	rm -rf self &&
	mkdir -p self/tests self/tmp &&
	cp "$SRCDIR/tests/lib.sh" self/tests/ &&
	{ echo '. "$(dirname "$0")/lib.sh"'; cat; echo test_done; } >self/tests/t9999-self.sh &&
	{ TMPDIR=$TRASH/self/tmp sh self/tests/t9999-self.sh "$@" >out 2>&1; echo $? >rc; }
}

test_expect_success 'chain lint: a body with a missing && is not ok, and says why' '
	run_self <<-\EOF &&
	test_expect_success "chained" "true && true"
	test_expect_success "broken" "true
		true"
	EOF
	test "$(cat rc)" = 1 &&
	grep "^ok 1 - chained" out &&
	grep "^not ok 2 - broken" out &&
	grep "^#   chain lint: a command of the body is not chained with &&" out
'

test_expect_success 'chain lint: a break hidden behind || true or a background & is caught' '
	run_self <<-\EOF &&
	test_expect_success "or-true" "false && true || true && touch after"
	test_expect_success "background" "true && sleep 0 &
		pid=\$! && test -n \$pid"
	EOF
	test "$(cat rc)" = 1 &&
	grep "^not ok 1 - or-true" out &&
	grep "^not ok 2 - background" out
'

test_expect_success 'chain lint: braces, loops, here-documents and comments pass' '
	run_self <<-\EOF &&
	test_expect_success "well formed" "
		# a comment line
		{ false || { echo handled >&2; true; }; } &&
		for i in 1 2; do
			test \$i -gt 0 || return 1
		done &&
		cat >f <<-EOT &&
		text
		EOT
		{ sleep 0 & } &&
		wait \$! &&
		test -s f
	"
	EOF
	test "$(cat rc)" = 0 &&
	grep "^ok 1 - well formed" out
'

test_expect_success '--no-chain-lint runs an unchained body under set -e' '
	run_self --no-chain-lint <<-\EOF &&
	test_expect_success "unchained" "true
		true"
	EOF
	test "$(cat rc)" = 0 &&
	grep "^ok 1 - unchained" out
'

test_expect_success 'test_when_finished runs after a pass and after a failure, last first' '
	run_self <<-\EOF &&
	test_expect_success "passes" "
		test_when_finished \"echo first >>\$TRASH/log\" &&
		test_when_finished \"echo second >>\$TRASH/log\" &&
		true
	"
	test_expect_success "fails" "
		test_when_finished \"echo third >>\$TRASH/log\" &&
		false
	"
	test_expect_success "log" "printf \"second\\nfirst\\nthird\\n\" >want && test_cmp want log"
	EOF
	test "$(cat rc)" = 1 &&
	grep "^ok 1 - passes" out &&
	grep "^not ok 2 - fails" out &&
	grep "^ok 3 - log" out
'

test_expect_success 'a failing test_when_finished command fails a passing body' '
	run_self <<-\EOF &&
	test_expect_success "cleanup fails" "test_when_finished false && true"
	test_expect_success "later cleanups still run" "
		test_when_finished \"touch \$TRASH/ran\" &&
		test_when_finished false &&
		true
	"
	test_expect_success "it ran" "test -e ran"
	EOF
	test "$(cat rc)" = 1 &&
	grep "^not ok 1 - cleanup fails" out &&
	grep "^#   test_when_finished: a cleanup command failed" out &&
	grep "^not ok 2 - later cleanups still run" out &&
	grep "^ok 3 - it ran" out
'

test_expect_success 'prerequisites: set, lazy (evaluated once), negated, missing' '
	run_self <<-\EOF &&
	test_set_prereq HAVE
	test_lazy_prereq LAZY "echo x >>\$TRASH/lazy-count && true"
	test_lazy_prereq NEVER "false"
	test_expect_success HAVE "have" "true"
	test_expect_success LAZY,HAVE "lazy" "true"
	test_expect_success LAZY "lazy again" "test \$(wc -l <lazy-count) = 1"
	test_expect_success NEVER "never" "false"
	test_expect_success !NEVER "not never" "true"
	test_expect_success HAVE,!LAZY "not lazy" "false"
	test_expect_success UNDECLARED "undeclared" "false"
	EOF
	test "$(cat rc)" = 0 &&
	grep "^ok 1 - have$" out &&
	grep "^ok 2 - lazy$" out &&
	grep "^ok 3 - lazy again$" out &&
	grep "^ok 4 # skip never (missing NEVER)$" out &&
	grep "^ok 5 - not never$" out &&
	grep "^ok 6 # skip not lazy (missing HAVE,!LAZY)$" out &&
	grep "^ok 7 # skip undeclared (missing UNDECLARED)$" out &&
	grep "^1\.\.7$" out
'

test_expect_success '--run selects by number and range; a leading ! excludes' '
	cat >five <<-\EOF &&
	for n in 1 2 3 4 5; do
		test_expect_success "t$n" "echo $n >>\$SRCDIR/../ran"
	done
	EOF
	run_self --run=2,4- <five &&
	grep "^ok 1 # skip t1 (not selected by --run)" out &&
	grep "^ok 2 - t2" out &&
	grep "^ok 3 # skip t3" out &&
	grep "^ok 4 - t4" out &&
	grep "^ok 5 - t5" out &&
	printf "2\n4\n5\n" >want && test_cmp want ran &&
	rm ran &&
	run_self --run "!1-3" <five &&
	printf "4\n5\n" >want && test_cmp want ran &&
	rm ran &&
	run_self --run=x <five &&
	grep "^Bail out! --run: .x. is not a number or a range" out &&
	test "$(cat rc)" = 1
'

test_expect_success '-v shows a passing test output; -x traces the body' '
	run_self -v <<-\EOF &&
	test_expect_success "talks" "echo hello-from-body"
	EOF
	grep "^#   hello-from-body$" out &&
	run_self <<-\EOF &&
	test_expect_success "talks" "echo hello-from-body"
	EOF
	! grep hello-from-body out &&
	run_self -x <<-\EOF &&
	test_expect_success "traced" "x=traced-value && test \$x = other"
	EOF
	grep "^#   +.*x=traced-value" out
'

test_expect_success '-i stops at the first failure' '
	run_self -i <<-\EOF &&
	test_expect_success "one" "false"
	test_expect_success "two" "touch \$TRASH/../../../two-ran"
	EOF
	test "$(cat rc)" = 1 &&
	grep "^not ok 1 - one" out &&
	! grep "two" out &&
	grep "^1\.\.1$" out &&
	run_self --frobnicate </dev/null &&
	grep "^Bail out! unknown test option .--frobnicate." out
'

test_done
