#!/bin/sh
# The test harness itself and the sovsync program's basic contract:
# --help, --version, help <cmd>, unknown commands, git sovsync.

. "$(dirname "$0")/lib.sh"

test_expect_success 'the harness runs a body in the trash directory' '
	test "$(pwd)" = "$TRASH" &&
	test "$HOME" = "$TRASH/home"
'

test_expect_success 'the harness reports a failing body as not ok' '
	mkdir -p self/tests &&
	cp "$SRCDIR/tests/lib.sh" self/tests/ &&
	cat >self/tests/t9999-self.sh <<-\EOS &&
	. "$(dirname "$0")/lib.sh"
	test_expect_success "passes" "true"
	test_expect_success "fails midway" "false; echo unreachable"
	test_done
	EOS
	mkdir self/tmp &&
	# Without the chain lint, which would refuse the body unrun.
	TMPDIR=$TRASH/self/tmp test_expect_code 1 sh self/tests/t9999-self.sh \
		--no-chain-lint >out 2>&1 &&
	grep "^ok 1 - passes" out &&
	grep "^not ok 2 - fails midway" out &&
	! grep unreachable out &&
	grep "^1\.\.2$" out
'

test_expect_success 'test_must_fail accepts a failure and refuses success' '
	test_must_fail false &&
	! test_must_fail true 2>/dev/null &&
	! test_must_fail sh -c "kill -9 \$\$" 2>/dev/null
'

test_expect_success 'test_random_file is deterministic and sized' '
	test_random_file a 100000 7 &&
	test_random_file b 100000 7 &&
	test_random_file c 100000 8 &&
	test "$(wc -c <a)" -eq 100000 &&
	cmp a b &&
	! cmp -s a c
'

test_expect_success 'sovsync --version names sovsync and the linked libraries' '
	sovsync --version >out &&
	grep "^sovsync [0-9][0-9.]*$" out &&
	grep "^libgit2 [0-9]" out &&
	grep "^zstd [0-9]" out &&
	grep "^jansson [0-9]" out &&
	grep "^libcurl [0-9]" out &&
	sovsync version --short >short &&
	test "$(wc -l <short)" -eq 1 &&
	head -n 1 out >first &&
	test_cmp first short
'

# libcurl and libmicrohttpd are loaded by the commands that use them
# (src/os/osdl.h), not by every hook and filter process at start.  Needs
# glibc's loader trace and readelf.
test_lazy_prereq LD_DEBUG '
	command -v readelf >/dev/null &&
	LD_DEBUG=files /bin/true 2>&1 | grep -q "file="
'
test_expect_success LD_DEBUG 'sovsync starts without loading libcurl or libmicrohttpd' '
	readelf -d "$(command -v sovsync)" >dynamic &&
	grep NEEDED dynamic &&
	! grep -E "libcurl|libmicrohttpd" dynamic &&
	LD_DEBUG=files sovsync --version >out 2>trace &&
	grep "file=libgit2" trace &&
	! grep -E "file=(libcurl|libmicrohttpd)" trace &&
	git init -q lazy &&
	(cd lazy && LD_DEBUG=files sovsync hook none >out 2>../trace) &&
	grep "file=libgit2" trace &&
	! grep -E "file=(libcurl|libmicrohttpd)" trace
'

test_expect_success 'sovsync --help lists the commands on stdout' '
	sovsync --help >out 2>err &&
	grep "^usage: sovsync" out &&
	grep "^   version " out &&
	test ! -s err
'

test_expect_success 'every listed command answers --help and help <cmd>' '
	sovsync help --all >all &&
	sed -n "s/^   \([a-z][a-z-]*\) .*/\1/p" all >cmds &&
	test -s cmds &&
	while read cmd; do
		sovsync $cmd --help >h1 &&
		sovsync help $cmd >h2 &&
		test_cmp h1 h2 &&
		grep "^usage: sovsync" h1 || exit 1
	done <cmds
'

test_expect_success 'an unknown command prints usage and exits 2' '
	test_expect_code 2 sovsync no-such-command >out 2>err &&
	grep "no-such-command" err &&
	grep "^usage: sovsync" err &&
	test ! -s out
'

test_expect_success 'no command at all is a usage error' '
	test_expect_code 2 sovsync >out 2>err &&
	grep "^usage: sovsync" err
'

test_expect_success 'help for an unknown command fails' '
	test_expect_code 2 sovsync help nope 2>err &&
	grep "nope" err
'

test_expect_success 'a wrong argument is a usage error naming the command' '
	test_expect_code 2 sovsync version --bogus 2>err &&
	grep "^sovsync: version: unexpected argument" err
'

test_expect_success 'git sovsync dispatches to git-sovsync on PATH' '
	test_repo repo &&
	git -C repo sovsync --version >out &&
	grep "^sovsync " out &&
	git -C repo sovsync -h >out &&
	grep "^usage: sovsync" out
'

if test_have man && test -f "$SOVSYNC_BIN/../share/man/man1/git-sovsync.1"; then
	test_expect_success 'git sovsync --help shows the man page' '
		MANPAGER=cat PAGER=cat MANWIDTH=80 git -C repo sovsync --help >out 2>err &&
		grep -i "sync a sovereign AI stack" out
	'
else
	test_skip 'git sovsync --help shows the man page' 'no man or no generated page'
fi

test_expect_success 'SOVSYNC_TRACE=path traces a run to that file' '
	SOVSYNC_TRACE="$TRASH/trace.log" sovsync version >/dev/null &&
	grep "run version" "$TRASH/trace.log" &&
	SOVSYNC_TRACE=0 sovsync version >/dev/null 2>err &&
	test ! -s err
'

test_expect_success 'a write error on stdout is reported, not ignored' '
	test_expect_code 1 sovsync --help >/dev/full 2>err &&
	grep "write to standard output failed" err &&
	test_expect_code 1 sovsync version >/dev/full 2>err &&
	grep "write to standard output failed" err
'

test_done
