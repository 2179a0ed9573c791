# Helpers shared by the hook tests (t3000-t3099), sourced after lib.sh.

# sov_setup DIR: a repository with sovsync installed and the layout committed.
# Merge drivers that are not built into this sovsync yet fall back to
# keeping ours: the hooks recompute the manifest anyway.
sov_setup() {
	test_repo "$1" &&
	sovsync install --repo "$1" >/dev/null &&
	sov_driver_fallbacks "$1" &&
	git -C "$1" add -A &&
	test_tick &&
	git -C "$1" commit -q -m layout
}

sov_driver_fallbacks() {
	for d in state memories index doc; do
		if ! sovsync help "merge-$d" >/dev/null 2>&1; then
			git -C "$1" config "merge.sovsync-$d.driver" true
		fi
	done
}

# sov_fresh DIR: HEAD's manifest is true and the working tree is clean.
sov_fresh() {
	(cd "$1" && sovsync verify) &&
	git -C "$1" status --porcelain >status.out &&
	if test -s status.out; then cat status.out >&2; return 1; fi
}

# sov_count_followups DIR: follow-up commits on HEAD's history.
sov_count_followups() {
	git -C "$1" log --format=%s | grep -c '^sovsync: refresh manifest$' || :
}

# sov_entry DIR PATH KEY: KEY of PATH's entry in HEAD's state.json.
sov_entry() {
	git -C "$1" show HEAD:shared/state.json |
	perl -MJSON::PP -e 'my ($p, $k) = @ARGV; local $/; my $s = decode_json(<STDIN>);
		my $e = $s->{files}{$p}; print defined $e ? $e->{$k} : "absent", "\n"' "$2" "$3"
}
