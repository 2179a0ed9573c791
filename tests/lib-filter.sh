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

# loose_path REV: the loose object file of REV in the current repository.
loose_path() {
	_id=$(git rev-parse "$1") &&
	echo "$(git rev-parse --git-path objects)/$(echo "$_id" | cut -c1-2)/$(echo "$_id" | cut -c3-)"
}

# stored_blocks FILE: succeeds when the zlib stream in FILE (a loose
# object) holds only stored deflate blocks, i.e. nothing was compressed
# (RFC 1950/1951); prints the reason otherwise.  The stream must inflate.
stored_blocks() {
	python3 - "$1" <<-\PY
	import sys, zlib
	d = open(sys.argv[1], "rb").read()
	if len(d) < 2 or d[0] & 0x0f != 8:
	    sys.exit("not a zlib stream")
	pos = 2
	while True:
	    if pos + 5 > len(d):
	        sys.exit("truncated")
	    h = d[pos]
	    if (h >> 1) & 3:
	        sys.exit("block at byte %d is compressed (type %d)" % (pos, (h >> 1) & 3))
	    n = d[pos + 1] | d[pos + 2] << 8
	    if n ^ 0xffff != d[pos + 3] | d[pos + 4] << 8:
	        sys.exit("bad stored block at byte %d" % pos)
	    pos += 5 + n
	    if h & 1:
	        break
	if len(d) != pos + 4:
	    sys.exit("%d bytes after the last block" % (len(d) - pos))
	zlib.decompress(d)
	PY
}
