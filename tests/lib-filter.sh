# tests/lib-filter.sh - setup shared by the large-file filter tests
# (t1000-t1099).  Source after lib.sh.
#
# Configures the sovsync filter and diff driver in the isolated global git
# config of the test script, the way `sovsync install` will, so that every
# repository and clone of the script uses it.

filter_config_global() {
	git config --global filter.sovsync.process "$SOVSYNC_BIN/sovsync filter-process" &&
	git config --global filter.sovsync.clean "$SOVSYNC_BIN/sovsync clean %f" &&
	git config --global filter.sovsync.smudge "$SOVSYNC_BIN/sovsync smudge %f" &&
	git config --global filter.sovsync.required true &&
	git config --global diff.sovsync.textconv "$SOVSYNC_BIN/sovsync cat" &&
	# These scripts test the stored form on small files: no plain below
	# a size (sovsync.filter.minSize and its default are t1020's).
	git config --global sovsync.filter.minSize 0
}

# use_oneshot_filters: for the rest of the test, a global config with only
# the one-shot filter.sovsync.clean/smudge (no process).
use_oneshot_filters() {
	cat >"$TRASH/oneshot.gitconfig" <<-EOF &&
	[sovsync "filter"]
		minSize = 0
	[filter "sovsync"]
		clean = $SOVSYNC_BIN/sovsync clean %f
		smudge = $SOVSYNC_BIN/sovsync smudge %f
		required = true
	EOF
	GIT_CONFIG_GLOBAL=$TRASH/oneshot.gitconfig &&
	export GIT_CONFIG_GLOBAL &&
	test "$(git config filter.sovsync.process || echo none)" = none
}

# is_stored FILE: FILE starts with the sovsync magic.
is_stored() {
	test "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89534f5653594e43
}

# text_file PATH LINES: deterministic JSONL-like text.
text_file() {
	awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++)
		printf "{\"id\":\"m%07d\",\"memory\":\"user likes item %d and topic %d\",\"score\":%d}\n",
			i, (i * 7919) % 100003, (i * 31) % 977, i % 101 }' >"$1"
}

filter_config_global || exit 1
