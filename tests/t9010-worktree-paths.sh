#!/bin/sh
# Never write or read outside the work tree (issue 13, items 7 and 10): a
# root, a directory under it or .gitattributes that is a symbolic link
# leaving the repository makes install, track and the hooks refuse with the
# path named, and nothing is written outside (the outside directory is
# compared before and after); sovsync.root is normalised once ("shared/",
# "./shared") or refused (".", "../x", absolute), and the attribute lines
# install writes match what Git matches (git check-attr).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

# outside_state: every name, type, link target and content under outside/.
outside_state() {
	(cd "$TRASH/outside" && find . -printf '%y %p %l\n' | sort &&
	 find . -type f -exec md5sum {} + | sort)
}

# untouched DIR: nothing sovsync would write exists in the repository DIR.
untouched() {
	test ! -e "$1/.gitattributes" &&
	test ! -e "$1/.git/sovsync/install.json" &&
	test ! -e "$1/.git/hooks/pre-commit" &&
	! git -C "$1" config filter.sovsync.process
}

test_expect_success 'setup: an outside directory with a token file' '
	mkdir outside outside/docs &&
	echo "TOKEN=s3cr3t" >outside/token &&
	outside_state >outside.before
'

test_expect_success 'install refuses a root that is a symlink out of the repository' '
	test_repo r1 &&
	ln -s ../outside r1/shared &&
	test_must_fail sovsync install --repo r1 >out 2>err &&
	grep "^sovsync: .*shared: a symbolic link (to ../outside)" err &&
	untouched r1 &&
	outside_state >outside.after &&
	test_cmp outside.before outside.after
'

test_expect_success 'install refuses a symlink deeper down (shared/documents -> outside)' '
	test_repo r2 &&
	mkdir r2/shared &&
	ln -s ../../outside/docs r2/shared/documents &&
	test_must_fail sovsync install --repo r2 >out 2>err &&
	grep "^sovsync: .*shared/documents: a symbolic link" err &&
	untouched r2 && test ! -e r2/shared/state.json &&
	outside_state >outside.after &&
	test_cmp outside.before outside.after
'

test_expect_success 'a .gitattributes symlink to a token file: install and track refuse, nothing leaks' '
	test_repo r3 &&
	ln -s ../outside/token r3/.gitattributes &&
	test_must_fail sovsync install --repo r3 2>err &&
	grep "^sovsync: .gitattributes: a symbolic link (to ../outside/token)" err &&
	test ! -e r3/shared && test ! -e r3/.git/sovsync/install.json &&
	test_must_fail sh -c "cd r3 && sovsync track \"*.bin\"" 2>err &&
	grep "^sovsync: .gitattributes: a symbolic link" err &&
	test -L r3/.gitattributes &&
	! grep -rq s3cr3t r3/shared 2>/dev/null &&
	outside_state >outside.after &&
	test_cmp outside.before outside.after
'

test_expect_success 'a dangling .gitattributes symlink and a .gitattributes directory are refused' '
	test_repo r4 &&
	ln -s ../outside/new-file r4/.gitattributes &&
	test_must_fail sovsync install --repo r4 2>err &&
	grep "^sovsync: .gitattributes: a symbolic link (to ../outside/new-file)" err &&
	test_must_fail sh -c "cd r4 && sovsync track \"*.bin\"" 2>err &&
	grep "^sovsync: .gitattributes: a symbolic link" err &&
	test ! -e outside/new-file &&
	rm r4/.gitattributes && mkdir r4/.gitattributes &&
	test_must_fail sovsync install --repo r4 2>err &&
	grep "^sovsync: .gitattributes: a directory, not a file" err &&
	test_must_fail sh -c "cd r4 && sovsync track \"*.bin\"" 2>err &&
	grep "^sovsync: .gitattributes: a directory, not a file" err &&
	outside_state >outside.after &&
	test_cmp outside.before outside.after
'

test_expect_success 'track refuses while the root is a symlink out of the repository' '
	test_repo r5 &&
	ln -s ../outside r5/shared &&
	test_must_fail sh -c "cd r5 && sovsync track \"*.bin\"" 2>err &&
	grep "^sovsync: sovsync.root: shared: a symbolic link" err &&
	test ! -e r5/.gitattributes
'

test_expect_success 'a root swapped for a symlink after install: the hooks write nothing outside' '
	sov_setup r6 &&
	echo "{}" >r6/shared/conversations/c.json &&
	git -C r6 add shared &&
	mv r6/shared r6/shared.real &&
	ln -s ../outside r6/shared &&
	git -C r6 commit -q -m "root swapped" 2>err &&
	grep "^sovsync: pre-commit hook: sovsync.root: shared: a symbolic link" err &&
	outside_state >outside.after &&
	test_cmp outside.before outside.after
'

test_expect_success 'sovsync.root "shared/", "./shared", "shared//": normalised, attributes match (check-attr)' '
	for root in shared/ ./shared shared// ./shared/./; do
		rm -rf n && test_repo n &&
		git -C n config sovsync.root "$root" &&
		sovsync install --repo n >/dev/null &&
		grep -x "shared/state.json merge=sovsync-state" n/.gitattributes &&
		! grep -q "//\|\./" n/.gitattributes &&
		test -f n/shared/state.json && test ! -e n/shared/shared &&
		git -C n check-attr merge -- shared/state.json >attr &&
		echo "shared/state.json: merge: sovsync-state" >expect &&
		test_cmp expect attr &&
		git -C n check-attr filter -- shared/documents/ingested/x.pdf >attr &&
		echo "shared/documents/ingested/x.pdf: filter: sovsync" >expect &&
		test_cmp expect attr &&
		sov_driver_fallbacks n &&
		git -C n add -A && git -C n commit -q -m layout 2>err &&
		! grep sovsync: err &&
		sov_fresh n || return 1
	done
'

test_expect_success 'sovsync.root ".", "../x", an absolute path, a pattern character: refused, nothing written' '
	for root in . ./ ../x shared/../../x "$TRASH/abs" "sha*red"; do
		rm -rf n && test_repo n &&
		git -C n config sovsync.root "$root" &&
		test_must_fail sovsync install --repo n 2>err &&
		grep "^sovsync: config sovsync.root: " err &&
		untouched n && test ! -e x && test ! -e abs || return 1
	done
'

test_expect_success 'a root that is a tracked file (a file named exactly like it): install refuses' '
	test_repo f &&
	git -C f config sovsync.root data &&
	echo tracked >f/data && git -C f add data && git -C f commit -q -m data &&
	test_must_fail sovsync install --repo f 2>err &&
	grep "^sovsync: sovsync.root: data: not a directory" err &&
	untouched f
'

test_expect_success 'a file named exactly like the root in the index: the manifest ignores it' '
	sov_setup g &&
	git -C g rm -r -q --cached shared &&
	blob=$(echo tracked | git -C g hash-object -w --stdin) &&
	git -C g update-index --add --cacheinfo 100644,$blob,shared &&
	git -C g commit -q -m "shared is a file" 2>err &&
	! grep "sovsync" err &&
	test "$(git -C g cat-file -t HEAD:shared)" = blob &&
	test "$(sov_count_followups g)" = 0
'

test_done
