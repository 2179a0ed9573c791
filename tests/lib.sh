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
#
# Every command of a body is chained with && (the chain lint runs each body
# once with the chain cut at its head, and fails the test when a command
# ran anyway): `set -e` does not stop at a failure on the left of && or
# ||, in a function called from a condition, or inside a $(...).  Cleanup
# that must run even when the body fails goes in test_when_finished.
#
# Options (after the script name: sh tests/t0000-basic.sh -v -x --run=1-3):
#   -v, --verbose      show every test's output (else only a failure's)
#   -x                 trace the bodies with `set -x` (shown as output)
#   -i, --immediate    stop at the first failing test (its trash is kept)
#   --run=SEL          run only the selected tests: a comma- or space-separated
#                      list of numbers and ranges (3, 2-5, -4, 7-); a leading
#                      ! excludes ("!3" runs all but 3); the others are skipped
#   --no-chain-lint    do not lint the && chains (SOVSYNC_TEST_CHAIN_LINT=0)
#
# Prerequisites: `test_expect_success PREREQS DESCRIPTION BODY` runs only
# when every one of the comma-separated PREREQS holds (a leading ! wants it
# absent), and is reported as skipped otherwise.  Declare them with
# test_set_prereq NAME, or test_lazy_prereq NAME SCRIPT (SCRIPT runs once,
# in a scratch directory, when first asked for).  Predefined: PYTHON3,
# LIGHTTPD, SETSID, SSH_KEYGEN, ROOT (may mount and bind-mount), SANITIZED
# (the binary under test was built with SANITIZE=1).

test_verbose=
test_trace=
test_immediate=
test_run_sel=
test_chain_lint=${SOVSYNC_TEST_CHAIN_LINT:-1}
while [ $# -gt 0 ]; do
	case "$1" in
	-v|--verbose) test_verbose=1 ;;
	-x) test_trace=1 ;;
	-i|--immediate) test_immediate=1 ;;
	--run=*) test_run_sel=${1#--run=} ;;
	--run)
		[ $# -gt 1 ] || { echo "Bail out! --run needs a selection"; exit 1; }
		shift
		test_run_sel=$1 ;;
	--chain-lint) test_chain_lint=1 ;;
	--no-chain-lint) test_chain_lint=0 ;;
	*) echo "Bail out! unknown test option '$1'"; exit 1 ;;
	esac
	shift
done
set --

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
test_prereq_set=' '
test_prereq_unset=' '

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

# test_run_selected N: whether --run (if given) selects test N.
test_run_selected() {
	[ -n "$test_run_sel" ] || return 0
	_sel_first=1
	_sel_in=
	for _sel in $(echo "$test_run_sel" | tr ',' ' '); do
		_sel_neg=
		case "$_sel" in
		!*) _sel_neg=1; _sel=${_sel#!} ;;
		esac
		# A selection that starts by excluding starts from everything.
		if [ -n "$_sel_first" ]; then
			[ -n "$_sel_neg" ] && _sel_in=1
			_sel_first=
		fi
		case "$_sel" in
		*-*) _sel_lo=${_sel%%-*}; _sel_hi=${_sel#*-} ;;
		*) _sel_lo=$_sel; _sel_hi=$_sel ;;
		esac
		case "$_sel_lo$_sel_hi" in
		*[!0-9]*)
			echo "Bail out! --run: '$_sel' is not a number or a range"
			exit 1 ;;
		esac
		[ -n "$_sel_lo" ] || _sel_lo=1
		[ -n "$_sel_hi" ] || _sel_hi=$1
		if [ "$1" -ge "$_sel_lo" ] && [ "$1" -le "$_sel_hi" ]; then
			if [ -n "$_sel_neg" ]; then _sel_in=; else _sel_in=1; fi
		fi
	done
	[ -n "$_sel_in" ]
}

# test_set_prereq NAME: declare that prerequisite NAME holds.
test_set_prereq() {
	test_prereq_set="$test_prereq_set $1 "
}

# test_lazy_prereq NAME SCRIPT: NAME holds when SCRIPT succeeds; SCRIPT
# runs once, in a subshell in a scratch directory, when NAME is first needed.
test_lazy_prereq() {
	eval "test_prereq_lazy_$1=\$2"
}

# test_have_prereq PREREQS: whether every comma-separated prerequisite
# holds (!NAME: NAME must not hold).
test_have_prereq() {
	for _pq in $(echo "$1" | tr ',' ' '); do
		_pq_want=1
		case "$_pq" in
		!*) _pq_want=; _pq=${_pq#!} ;;
		esac
		case "$test_prereq_set $test_prereq_unset" in
		*" $_pq "*) ;;
		*)
			eval "_pq_script=\${test_prereq_lazy_$_pq-}"
			if [ -n "$_pq_script" ] && (
				mkdir -p "$TRASH/.prereq-$_pq" &&
				cd "$TRASH/.prereq-$_pq" &&
				eval "$_pq_script"
			) >/dev/null 2>&1 </dev/null; then
				test_set_prereq "$_pq"
			else
				test_prereq_unset="$test_prereq_unset $_pq "
			fi
			rm -rf "$TRASH/.prereq-$_pq" ;;
		esac
		case "$test_prereq_set" in
		*" $_pq "*) [ -n "$_pq_want" ] || return 1 ;;
		*) [ -z "$_pq_want" ] || return 1 ;;
		esac
	done
	return 0
}

# test_when_finished CMD...: run CMD (a shell string, like a body) after
# the current test's body, whether it passed or not; the last registered
# runs first.  A cleanup that fails fails the test.  Call it from the
# body itself (not from a subshell or a $(...) in it).
test_when_finished() {
	test_cleanup_cmds="{ $*
} || test_cleanup_failed=1
$test_cleanup_cmds"
}

# Run at the end of a body's subshell (its EXIT trap): the cleanups, then
# exit with the body's status, or 1 when only a cleanup failed.
test_run_cleanups() {
	_body_rc=$1
	set +e +x
	test_cleanup_failed=
	eval "$test_cleanup_cmds"
	if [ -n "$test_cleanup_failed" ]; then
		echo "test_when_finished: a cleanup command failed" >&2
		[ "$_body_rc" -ne 0 ] || _body_rc=1
	fi
	exit "$_body_rc"
}

# test_expect_success [PREREQS] DESCRIPTION BODY
test_expect_success() {
	test_count=$((test_count + 1))
	if [ $# -eq 3 ]; then
		_prereq=$1
		shift
	else
		_prereq=
	fi
	if ! test_run_selected "$test_count"; then
		echo "ok $test_count # skip $1 (not selected by --run)"
		return 0
	fi
	if [ -n "$_prereq" ] && ! test_have_prereq "$_prereq"; then
		echo "ok $test_count # skip $1 (missing $_prereq)"
		return 0
	fi
	if [ "$test_chain_lint" != 0 ] && ! test_chain_ok "$2"; then
		test_fail "$1" "chain lint: a command of the body is not chained with && \
(it ran although the chain was cut at the head); the body:
$2"
		return 0
	fi
	(
		cd "$TRASH" || exit 1
		test_cleanup_cmds=
		trap 'test_run_cleanups $?' EXIT
		set -e
		[ -z "$test_trace" ] || set -x
		eval "$2"
	) >"$TRASH/.test-output" 2>&1 </dev/null
	if [ $? -eq 0 ]; then
		echo "ok $test_count - $1"
		[ -z "$test_verbose" ] || sed -e 's/^/#   /' "$TRASH/.test-output"
	else
		test_fail "$1" "$(cat "$TRASH/.test-output")"
	fi
}

# test_chain_ok BODY: run BODY with `(exit 117) &&` in front, without set
# -e: every command chained with && is skipped, so anything but 117 means
# that one ran, after a missing && (or a newline or ;) in the body.
test_chain_ok() {
	(
		cd "$TRASH" || exit 1
		test_cleanup_cmds=
		eval "(exit 117) && $1"
	) >/dev/null 2>&1 </dev/null
	[ $? -eq 117 ]
}

# test_fail DESCRIPTION OUTPUT: report test $test_count as failed.
test_fail() {
	test_failures=$((test_failures + 1))
	echo "not ok $test_count - $1"
	# On stderr too: prove shows it without -v, so CI logs carry the cause.
	printf '%s\n' "$2" | sed -e 's/^/#   /'
	printf '%s\n' "$2" | sed -e 's/^/#   /' >&2
	if [ -n "$test_immediate" ]; then
		echo "# stopped at the first failure (--immediate)"
		echo "1..$test_count"
		exit 1
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

# without_library NAME CMD...: run CMD as on a machine where the shared
# library whose file name contains NAME ("libcurl") is not installed: a
# preloaded dlopen(3) looks for it in a folder that does not exist, so the
# loader's own error comes back.  sovsync loads libcurl and libmicrohttpd
# that way (src/os/osdl.h).  Needs a C compiler (prerequisite CC).  The
# sanitizer runtime of a SANITIZE=1 build need not come first for this.
without_library() {
	_wl_so=$TRASH/.without-library.so
	if ! [ -f "$_wl_so" ]; then
		cat >"$TRASH/.without-library.c" <<-\EOF &&
		#define _GNU_SOURCE
		#include <dlfcn.h>
		#include <stdlib.h>
		#include <string.h>

		void *dlopen(const char *file, int mode)
		{
			const char *name = getenv("SOVSYNC_TEST_NO_LIBRARY");
			void *(*real)(const char *, int);

			*(void **)&real = dlsym(RTLD_NEXT, "dlopen");
			if (file && name && *name && strstr(file, name))
				file = "/nonexistent-sovsync-test/not-installed.so";
			return real(file, mode);
		}
		EOF
		"${CC:-cc}" -shared -fPIC -o "$_wl_so" "$TRASH/.without-library.c" -ldl ||
			return 1
	fi
	_wl_name=$1
	shift
	SOVSYNC_TEST_NO_LIBRARY=$_wl_name \
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	LD_PRELOAD=$_wl_so "$@"
}

# Predefined prerequisites (see the top of this file).
test_lazy_prereq PYTHON3 'command -v python3'
test_lazy_prereq LIGHTTPD 'command -v lighttpd'
test_lazy_prereq SETSID 'command -v setsid'
test_lazy_prereq SSH_KEYGEN 'command -v ssh-keygen'
test_lazy_prereq ROOT '[ "$(id -u)" = 0 ] && mkdir m && mount -t tmpfs -o size=1m none m && umount m'
test_lazy_prereq CC 'command -v "${CC:-cc}"'
test_lazy_prereq SANITIZED 'nm "$SOVSYNC_BIN/sovsync" | grep -q __asan_init'
