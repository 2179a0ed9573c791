# tests/lib.sh - helpers for the integration tests, in the manner of Git's t/.
#
# A test script sources this file, then calls test_expect_success for each
# check and test_done at the end; the output is TAP, for prove(1).
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'clean is idempotent' '
#       test_repo r &&
#       ...
#   '
#   test_done
#
# Each script runs in its own trash directory ($TRASH, removed on exit
# unless a test failed or SOVSYNC_TEST_KEEP is set) with an isolated HOME and
# global git config.  Test bodies run in a subshell with `set -e`, starting in
# $TRASH, so a failing command fails the test and a `cd` does not leak.
# Under `set -e`, check an expected failure with test_must_fail or
# test_expect_code, not with `cmd; rc=$?`.
# The sovsync under test comes from $SOVSYNC_BIN (default: bin/ of this
# checkout), put first on PATH.

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC_BIN=${SOVSYNC_BIN:-$SRCDIR/bin}
TEST_NAME=$(basename "$0" .sh)

if ! [ -x "$SOVSYNC_BIN/sovsync" ]; then
	echo "Bail out! $SOVSYNC_BIN/sovsync is not built (run make)"
	exit 1
fi

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-$TEST_NAME.XXXXXX") || exit 1
export TRASH SRCDIR SOVSYNC_BIN
PATH=$SOVSYNC_BIN:$PATH
export PATH

# Nothing from the developer's own environment may leak in.
HOME=$TRASH/home
XDG_CONFIG_HOME=$HOME/.config
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME='A U Thor'
GIT_AUTHOR_EMAIL='author@example.com'
GIT_COMMITTER_NAME='C O Mitter'
GIT_COMMITTER_EMAIL='committer@example.com'
GIT_MERGE_AUTOEDIT=no
GIT_TERMINAL_PROMPT=0
LC_ALL=C
TZ=UTC
export HOME XDG_CONFIG_HOME GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_MERGE_AUTOEDIT GIT_TERMINAL_PROMPT \
	LC_ALL TZ
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CEILING_DIRECTORIES \
	SOVSYNC_WEBHOOK_TOKEN SOVSYNC_WEBHOOK_SECRET
# SOVSYNC_TEST_TRACE=1 traces every sovsync run into $TRASH/trace.
if [ -n "${SOVSYNC_TEST_TRACE:-}" ]; then
	SOVSYNC_TRACE=$TRASH/trace
	export SOVSYNC_TRACE
else
	unset SOVSYNC_TRACE
fi
# Sanitizer builds: fail loudly, and make the report reach the test output.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
git config --global pull.rebase false
git config --global protocol.file.allow always

test_count=0
test_failures=0
test_tick_time=1700000000

test_cleanup() {
	if [ "$test_failures" -gt 0 ] || [ -n "${SOVSYNC_TEST_KEEP:-}" ]; then
		echo "# trash directory kept: $TRASH"
	else
		chmod -R u+w "$TRASH" 2>/dev/null
		rm -rf "$TRASH"
	fi
}
trap test_cleanup EXIT
trap 'exit 130' INT TERM

# test_expect_success DESCRIPTION BODY
test_expect_success() {
	test_count=$((test_count + 1))
	(
		cd "$TRASH" || exit 1
		set -e
		eval "$2"
	) >"$TRASH/.test-output" 2>&1 </dev/null
	if [ $? -eq 0 ]; then
		echo "ok $test_count - $1"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $1"
		# On stderr too: prove shows it without -v, so CI logs carry the cause.
		sed -e 's/^/#   /' "$TRASH/.test-output"
		sed -e 's/^/#   /' "$TRASH/.test-output" >&2
	fi
}

# test_skip DESCRIPTION REASON
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

test_done() {
	echo "1..$test_count"
	[ "$test_failures" -eq 0 ]
	exit $?
}

# test_must_fail CMD...: CMD must exit non-zero, by its own choice (not a
# signal or a sanitizer abort).
test_must_fail() {
	# The if keeps `set -e` of the test body from ending it here.
	if "$@"; then _rc=0; else _rc=$?; fi
	if [ $_rc -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	fi
	if [ $_rc -gt 128 ]; then
		echo "test_must_fail: '$*' died with status $_rc" >&2
		return 1
	fi
	return 0
}

# test_expect_code CODE CMD...: CMD must exit with exactly CODE.
test_expect_code() {
	_want=$1
	shift
	if "$@"; then _rc=0; else _rc=$?; fi
	if [ $_rc -ne "$_want" ]; then
		echo "test_expect_code: '$*' exited $_rc, want $_want" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL
test_cmp() {
	diff -u "$1" "$2"
}

# test_repo DIR: a fresh repository with one empty commit.
test_repo() {
	git init -q "$1" &&
	git -C "$1" commit -q --allow-empty -m initial
}

# test_tick: advance a fixed clock for reproducible commit dates.
test_tick() {
	test_tick_time=$((test_tick_time + 60))
	GIT_AUTHOR_DATE="@$test_tick_time +0000"
	GIT_COMMITTER_DATE="@$test_tick_time +0000"
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}

# test_random_file PATH SIZE [SEED]: SIZE bytes of deterministic noise.
test_random_file() {
	perl -e 'my ($n, $s) = @ARGV; srand($s); my $b = "";
		while ($n > 0) { my $k = $n < 65536 ? $n : 65536;
			print substr(pack("L*", map { int(rand(4294967296)) } 1 .. ($k + 3) / 4), 0, $k);
			$n -= $k; }' "$2" "${3:-1}" >"$1"
}

# test_have CMD: whether CMD is available (for prerequisites).
test_have() {
	command -v "$1" >/dev/null 2>&1
}
