#!/bin/sh
# Hooks bypassed after install (core.hooksPath changed, hooks deleted, not
# executable, replaced by a foreign script, their sovsync gone): `status`
# and `status --json` say so and health is not "healthy"; `sovsync sync`
# refuses to push the stale manifest that results, and once the hooks are
# back it repairs HEAD before pushing.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

json_get() {
	perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
		for my $k (split /\./, $ARGV[0]) { $j = $j->{$k} }
		print defined $j ? (ref $j eq "ARRAY" ? join("\n", @$j) :
			JSON::PP::is_bool($j) ? ($j ? "true" : "false") : $j) : "null", "\n"' "$1" <status.json
}

status_json() {
	(cd r && sovsync status --json) >status.json
}

# bypassed PROBLEM: status --json and status report the hooks bypassed.
bypassed() {
	status_json &&
	test "$(json_get hooks.active)" = false &&
	test "$(json_get health.status)" != healthy &&
	json_get hooks.problems >problems &&
	grep "$1" problems &&
	(cd r && sovsync status) >human &&
	grep "^hooks: *BYPASSED" human &&
	grep "^health: *degraded (hooks bypassed)" human
}

test_expect_success 'installed hooks: active, healthy' '
	sov_setup r &&
	status_json &&
	test "$(json_get hooks.active)" = true &&
	test "$(json_get hooks.installed)" = true &&
	test "$(json_get hooks.dir)" = "$TRASH/r/.git/hooks" &&
	test "$(json_get health.status)" = healthy &&
	(cd r && sovsync status) >human &&
	grep "^hooks: *active ($TRASH/r/.git/hooks)" human
'

test_expect_success 'core.hooksPath set to an empty directory after install' '
	mkdir empty &&
	git -C r config core.hooksPath "$TRASH/empty" &&
	bypassed "^pre-commit: missing from $TRASH/empty$" &&
	test "$(json_get hooks.dir)" = "$TRASH/empty" &&
	git -C r config --unset core.hooksPath
'

test_expect_success 'a hook that is not executable' '
	chmod -x r/.git/hooks/pre-commit &&
	bypassed "^pre-commit: not executable" &&
	chmod +x r/.git/hooks/pre-commit
'

test_expect_success 'a hook replaced by a foreign script' '
	cp r/.git/hooks/post-commit saved &&
	printf "#!/bin/sh\nexit 0\n" >r/.git/hooks/post-commit &&
	bypassed "^post-commit: replaced by a script that does not run sovsync" &&
	cp saved r/.git/hooks/post-commit
'

test_expect_success 'a hook deleted' '
	rm r/.git/hooks/post-merge &&
	bypassed "^post-merge: missing" &&
	cp saved r/.git/hooks/post-merge &&
	sed -i "s/post-commit/post-merge/g" r/.git/hooks/post-merge &&
	status_json && test "$(json_get hooks.active)" = true
'

test_expect_success 'a hook whose sovsync binary is gone' '
	cp r/.git/hooks/pre-merge-commit saved &&
	sed -i "s|^sovsync=.*|sovsync='"'"'/nonexistent/it'"'"'\\\\'"'"''"'"'s/sovsync'"'"'|" \
		r/.git/hooks/pre-merge-commit &&
	grep "^sovsync=" r/.git/hooks/pre-merge-commit &&
	bypassed "^pre-merge-commit: runs /nonexistent/it'"'"'s/sovsync, which is missing" &&
	cp saved r/.git/hooks/pre-merge-commit
'

test_expect_success 'our hook kept by the pre-commit framework as pre-commit.legacy counts' '
	mv r/.git/hooks/pre-commit r/.git/hooks/pre-commit.legacy &&
	printf "#!/bin/sh\n\"\$0.legacy\" \"\$@\"\n" >r/.git/hooks/pre-commit &&
	chmod +x r/.git/hooks/pre-commit &&
	status_json &&
	test "$(json_get hooks.active)" = true &&
	test "$(json_get health.status)" = healthy &&
	mv r/.git/hooks/pre-commit.legacy r/.git/hooks/pre-commit
'

test_expect_success 'sync refuses to push a stale manifest while the hooks are bypassed' '
	git init -q --bare remote.git &&
	git -C r remote add origin ../remote.git &&
	git -C r push -q origin main &&
	before=$(git -C remote.git rev-parse main) &&
	git -C r config core.hooksPath "$TRASH/empty" &&
	echo "{}" >r/shared/conversations/new.json &&
	test_must_fail sh -c "cd r && sovsync sync" >out 2>err &&
	grep "not pushing: the manifest of .* is stale" err &&
	grep "hooks in $TRASH/empty are bypassed (pre-commit: missing" err &&
	test "$(git -C remote.git rev-parse main)" = "$before" &&
	test_must_fail sh -c "cd r && sovsync verify" &&
	status_json &&
	test "$(json_get health.status)" != healthy
'

test_expect_success 'hooks back: sync repairs HEAD with a follow-up, then pushes' '
	git -C r config --unset core.hooksPath &&
	(cd r && sovsync sync) >out 2>err &&
	test "$(git -C r log -1 --format=%s)" = "sovsync: refresh manifest" &&
	test "$(git -C remote.git rev-parse main)" = "$(git -C r rev-parse HEAD)" &&
	sov_fresh r
'

test_expect_success 'driver config of an older install (merge-derived was true): status says so' '
	git -C r config merge.sovsync-derived.driver true &&
	git -C r config --unset filter.sovsync.required &&
	status_json &&
	test "$(json_get config.current)" = false &&
	test "$(json_get health.status)" = degraded &&
	json_get config.problems >problems &&
	grep "^merge.sovsync-derived.driver is .true.; sovsync install writes .<sovsync> merge-derived %O %A %B %P.$" problems &&
	grep "^filter.sovsync.required: not set$" problems &&
	(cd r && sovsync status) >human &&
	grep "^config: *OUTDATED" human &&
	(cd r && sovsync install) >/dev/null &&
	status_json &&
	test "$(json_get config.current)" = true &&
	test "$(json_get health.status)" = healthy
'

test_done
