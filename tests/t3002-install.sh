#!/bin/sh
# sovsync install / uninstall: idempotent, chains foreign hooks (exit status
# honoured), respects core.hooksPath, restores everything on uninstall.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

# snapshot DIR OUT: local config, hooks, attributes and bookkeeping.
snapshot() {
	{
		git -C "$1" config --local --list | sort
		hooks=$(git -C "$1" rev-parse --path-format=absolute --git-path hooks)
		for f in "$hooks"/* "$1/.gitattributes" "$1/.git/sovsync/install.json"; do
			test -f "$f" || continue
			echo "== $f $(stat -c %a "$f")"
			cat "$f"
		done
	} >"$2"
}

test_expect_success 'install writes config with the absolute path, attributes, layout, hooks' '
	test_repo r &&
	sovsync install --repo r >out &&
	exe=$(readlink -f "$SOVSYNC_BIN/sovsync") &&
	test "$(git -C r config filter.sovsync.process)" = "'"'"'$exe'"'"' filter-process" &&
	test "$(git -C r config filter.sovsync.required)" = true &&
	test "$(git -C r config merge.sovsync-doc.driver)" = "'"'"'$exe'"'"' merge-doc %O %A %B %P %L" &&
	test "$(git -C r config sovsync.branch)" = main &&
	grep "^shared/state.json merge=sovsync-state$" r/.gitattributes &&
	test -f r/shared/state.json && test -f r/shared/memories/default/memories.json &&
	test -x r/.git/hooks/pre-commit && grep "$exe" r/.git/hooks/post-commit
'

test_expect_success 'install twice changes nothing' '
	snapshot r before &&
	sovsync install --repo r >out &&
	grep "nothing to change" out &&
	snapshot r after &&
	test_cmp before after
'

test_expect_success 'uninstall restores the repository as it was' '
	test_repo u &&
	snapshot u before &&
	sovsync install --repo u >/dev/null &&
	sovsync uninstall --repo u >/dev/null &&
	snapshot u after &&
	test_cmp before after &&
	test ! -e u/.gitattributes &&
	test ! -e u/.git/sovsync/install.json
'

test_expect_success 'a previous config value and attributes are restored, data kept' '
	test_repo v &&
	git -C v config diff.sovsync.textconv cat &&
	printf "*.png binary\n" >v/.gitattributes &&
	sovsync install --repo v >/dev/null &&
	test "$(git -C v config diff.sovsync.textconv)" != cat &&
	sovsync uninstall --repo v >/dev/null &&
	test "$(git -C v config diff.sovsync.textconv)" = cat &&
	printf "*.png binary\n" >expect && test_cmp expect v/.gitattributes &&
	test -f v/shared/state.json
'

test_expect_success 'an existing hook is chained and still runs' '
	test_repo c &&
	printf "#!/bin/sh\necho foreign-ran >>\"\$(git rev-parse --git-dir)/foreign.log\"\n" \
		>c/.git/hooks/pre-commit &&
	chmod +x c/.git/hooks/pre-commit &&
	cp c/.git/hooks/pre-commit orig-hook &&
	sovsync install --repo c >/dev/null && sov_driver_fallbacks c &&
	test_cmp orig-hook c/.git/hooks/pre-commit.sovsync-chained &&
	git -C c add -A && git -C c commit -q -m layout &&
	grep foreign-ran c/.git/foreign.log &&
	sov_fresh c
'

test_expect_success 'a failing chained hook still fails the commit' '
	printf "#!/bin/sh\necho refused >&2\nexit 3\n" >c/.git/hooks/pre-commit.sovsync-chained &&
	echo x >c/shared/conversations/x.json && git -C c add shared &&
	test_must_fail git -C c commit -q -m refused 2>err &&
	grep refused err &&
	test "$(git -C c log -1 --format=%s)" = layout
'

test_expect_success 'stdin reaches both our hook and the chained one' '
	printf "#!/bin/sh\ncat >\"\$(git rev-parse --git-dir)/rewrite.in\"\n" \
		>c/.git/hooks/post-rewrite.sovsync-chained &&
	chmod +x c/.git/hooks/post-rewrite.sovsync-chained &&
	printf "#!/bin/sh\nexit 0\n" >c/.git/hooks/pre-commit.sovsync-chained &&
	git -C c commit -q -m x &&
	git -C c commit -q --amend -m "x amended" &&
	test "$(cut -d" " -f2 c/.git/rewrite.in)" = "$(git -C c rev-parse HEAD)" &&
	sov_fresh c
'

test_expect_success 'reference-transaction passes its stdin on byte for byte' '
	printf "#!/bin/sh\necho \"\$1\" >>\"\$(git rev-parse --git-dir)/rt.log\"\ncat >>\"\$(git rev-parse --git-dir)/rt.log\"\n" \
		>c/.git/hooks/reference-transaction.sovsync-chained &&
	chmod +x c/.git/hooks/reference-transaction.sovsync-chained &&
	git -C c commit -q --allow-empty -m rt &&
	old=$(git -C c rev-parse HEAD^) && new=$(git -C c rev-parse HEAD) &&
	printf "%s %s HEAD\n%s %s refs/heads/main\n" $old $new $old $new >line &&
	{ echo prepared && cat line && echo committed && cat line; } >expect &&
	test_cmp expect c/.git/rt.log &&
	rm c/.git/rt.log &&
	printf " a  b\\\\n refs/x \n\nlast line, no newline" >in &&
	(cd c/.git && ./hooks/reference-transaction aborted <../../in) &&
	{ echo aborted && cat in; } >expect &&
	test_cmp expect c/.git/rt.log &&
	rm c/.git/hooks/reference-transaction.sovsync-chained
'

test_expect_success 'uninstall puts the chained hooks back' '
	sovsync uninstall --repo c >/dev/null &&
	! grep -q sovsync-hook c/.git/hooks/pre-commit &&
	printf "#!/bin/sh\nexit 0\n" >expect && test_cmp expect c/.git/hooks/pre-commit &&
	test ! -e c/.git/hooks/pre-commit.sovsync-chained &&
	test ! -e c/.git/hooks/post-commit &&
	test -x c/.git/hooks/post-rewrite &&
	test ! -e c/.git/hooks/post-rewrite.sovsync-chained
'

test_expect_success 'core.hooksPath outside .git needs --hooks-path; then respected, its hooks chained' '
	test_repo h &&
	mkdir h/.husky &&
	printf "#!/bin/sh\necho husky-ran >>\"\$(git rev-parse --git-dir)/husky.log\"\nexit 0\n" \
		>h/.husky/pre-commit &&
	chmod +x h/.husky/pre-commit &&
	git -C h config core.hooksPath .husky &&
	test_must_fail sovsync install --repo h 2>err &&
	grep "core.hooksPath points outside" err && test ! -e h/.husky/pre-commit.sovsync-chained &&
	sovsync install --repo h --hooks-path >/dev/null && sov_driver_fallbacks h &&
	test -f h/.husky/pre-commit.sovsync-chained &&
	test ! -e h/.git/hooks/pre-commit &&
	git -C h add shared .gitattributes && git -C h commit -q -m layout &&
	grep husky-ran h/.git/husky.log &&
	(cd h && sovsync verify)
'

test_expect_success 'a failing hook under core.hooksPath fails the commit' '
	printf "#!/bin/sh\nexit 1\n" >h/.husky/pre-commit.sovsync-chained &&
	echo y >h/shared/conversations/y.json && git -C h add shared &&
	test_must_fail git -C h commit -q -m refused &&
	test "$(git -C h log -1 --format=%s)" = layout
'

test_expect_success 'a tool installed later that keeps our hook keeps it working' '
	sov_setup p &&
	mv p/.git/hooks/pre-commit p/.git/hooks/pre-commit.legacy &&
	printf "#!/bin/sh\n\"\$(dirname \"\$0\")/pre-commit.legacy\" \"\$@\"\n" >p/.git/hooks/pre-commit &&
	chmod +x p/.git/hooks/pre-commit &&
	echo z >p/shared/conversations/z.json && git -C p add shared &&
	git -C p commit -q -m z 2>err &&
	! grep "follow-up" err &&
	sov_fresh p
'

test_expect_success 'sovsync trouble never fails a commit' '
	sov_setup t &&
	echo "{ not json" >t/shared/memories/default/memories.json &&
	git -C t add shared &&
	git -C t commit -q -m broken 2>err &&
	grep "^sovsync: .*memories.json" err &&
	test "$(git -C t log -1 --format=%s)" = broken
'

test_expect_success 'a hook whose sovsync binary is gone does not fail the commit' '
	sov_setup g &&
	sed -i "s|^sovsync=.*|sovsync=/nonexistent/sovsync|" g/.git/hooks/pre-commit &&
	echo w >g/shared/conversations/w.json && git -C g add shared &&
	git -C g commit -q -m w 2>err &&
	grep "not found; pre-commit hook skipped" err
'

test_expect_success '--github-actions writes the Auto Sync workflow; uninstall removes it' '
	test_repo w &&
	sovsync install --repo w --github-actions >/dev/null &&
	f=w/.github/workflows/sovsync.yml &&
	grep "branches: \[\"main\"\]" $f &&
	grep "paths: \[\"shared/\*\*\"\]" $f &&
	grep "Authorization: Bearer \$TOKEN" $f &&
	grep "secrets.SOVSYNC_WEBHOOK_TOKEN" $f &&
	snapshot w before && sovsync install --repo w --github-actions >/dev/null &&
	snapshot w after && test_cmp before after &&
	sovsync uninstall --repo w >/dev/null &&
	test ! -e w/.github
'

test_expect_success 'uninstall without install fails with a message' '
	test_repo n &&
	test_must_fail sovsync uninstall --repo n 2>err &&
	grep "^sovsync: .*not installed" err
'

test_done
