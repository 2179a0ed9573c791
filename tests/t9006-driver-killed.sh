#!/bin/sh
# A merge driver killed while it replaces %A (kill -9, the OOM killer,
# Ctrl-C reaching the process group) must leave nothing in the work tree.
# Found by bench/crash.sh: the drivers wrote their result to a temporary
# file beside %A and renamed it over %A; Git creates %A in the top of the
# work tree, so a driver killed before its rename left
# "..merge_file_XXXXXX.sovsync-<pid>-<n>.tmp" there, which the user's next
# `git add -A` committed.  The temporary now goes into the git directory.
#
# The kill lands at a fixed point, not by timing: a preloaded rename(3)
# kill -9s the driver when it is about to rename its result over %A.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/merge-lib.sh"

CC=${CC:-cc}
M=shared/memories/default/memories.json
D=shared/documents/ingested/notes.md

if ! test_have "$CC"; then
	test_skip 'merge drivers killed before their rename' "no $CC"
	test_done
fi

test_expect_success 'setup: a rename(3) that kills the caller' '
	cat >"$TRASH/killrename.c" <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <signal.h>
	#include <stdlib.h>
	#include <string.h>
	#include <unistd.h>

	/* kill -9 ourselves on a rename onto a path containing $KILL_AT_RENAME. */
	int rename(const char *from, const char *to)
	{
		int (*real)(const char *, const char *);
		const char *at = getenv("KILL_AT_RENAME");

		if (at && *at && strstr(to, at))
			kill(getpid(), SIGKILL);
		*(void **)&real = dlsym(RTLD_NEXT, "rename");
		return real(from, to);
	}
	EOF
	"$CC" -shared -fPIC -o "$TRASH/killrename.so" "$TRASH/killrename.c" -ldl
'

# killing_driver CLONE DRIVER: the driver, killed on its rename over %A
# (Git names %A .merge_file_XXXXXX).  The sanitizer runtime of a
# SANITIZE=1 build need not come first for this.
killing_driver() {
	git -C "$1" config merge.sovsync-$2.driver \
		"ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0 KILL_AT_RENAME=.merge_file_ LD_PRELOAD='$TRASH/killrename.so' '$SOVSYNC_BIN/sovsync' merge-$2 %O %A %B %P %L"
}

# killed_merge DIR PATH DRIVER BASE OURS THEIRS: DIR/two pulls OURS against
# THEIRS with the driver killed; the pull fails, PATH is unmerged with
# ours in the work tree, no file is left behind, abort and a normal
# retry work.
killed_merge() {
	merge_setup "$1" "$2" "$3" &&
	merge_put "$1/one" "$2" "$4" base &&
	git -C "$1/one" push -q origin HEAD:main 2>/dev/null &&
	git -C "$1/two" pull -q --no-rebase origin main 2>/dev/null &&
	merge_put "$1/one" "$2" "$6" theirs &&
	git -C "$1/one" push -q origin HEAD:main 2>/dev/null &&
	merge_put "$1/two" "$2" "$5" ours &&
	killing_driver "$1/two" "$3" &&
	test_must_fail git -C "$1/two" pull -q --no-rebase origin main 2>"$1.err" &&
	test -n "$(git -C "$1/two" ls-files -u -- "$2")" &&
	git -C "$1/two" ls-files --others --exclude-standard >"$1.junk" &&
	test_cmp /dev/null "$1.junk" &&
	cmp "$5" "$1/two/$2" &&
	git -C "$1/two" merge --abort &&
	test -z "$(git -C "$1/two" status --porcelain)" &&
	merge_config "$1/two" "$3" &&
	git -C "$1/two" pull -q --no-rebase origin main &&
	git -C "$1/two" ls-files --others --exclude-standard >"$1.junk" &&
	test_cmp /dev/null "$1.junk"
}

test_expect_success 'merge-memories killed before its rename: nothing left behind' '
	printf "{\"results\": [{\"id\": \"a\", \"memory\": \"base\"}]}\n" >base.json &&
	printf "{\"results\": [{\"id\": \"a\", \"memory\": \"base\"}, {\"id\": \"o\", \"memory\": \"ours\"}]}\n" >ours.json &&
	printf "{\"results\": [{\"id\": \"a\", \"memory\": \"base\"}, {\"id\": \"t\", \"memory\": \"theirs\"}]}\n" >theirs.json &&
	killed_merge m "$M" memories base.json ours.json theirs.json &&
	grep -q "\"o\"" "m/two/$M" && grep -q "\"t\"" "m/two/$M"
'

test_expect_success 'merge-doc killed before its rename: nothing left behind' '
	printf "one\ntwo\nthree\nfour\nfive\n" >base.md &&
	printf "ONE\ntwo\nthree\nfour\nfive\n" >ours.md &&
	printf "one\ntwo\nthree\nfour\nFIVE\n" >theirs.md &&
	killed_merge d "$D" doc base.md ours.md theirs.md &&
	printf "ONE\ntwo\nthree\nfour\nFIVE\n" >want.md &&
	test_cmp want.md "d/two/$D"
'

test_expect_success 'a driver run outside a repository writes beside %A' '
	mkdir plain &&
	printf "{\"results\": []}\n" >plain/O &&
	printf "{\"results\": [{\"id\": \"o\", \"memory\": \"ours\"}]}\n" >plain/A &&
	printf "{\"results\": [{\"id\": \"t\", \"memory\": \"theirs\"}]}\n" >plain/B &&
	(cd plain && sovsync merge-memories O A B x.json) &&
	grep -q "\"o\"" plain/A && grep -q "\"t\"" plain/A &&
	ls -A plain >files &&
	printf "A\nB\nO\n" >want &&
	test_cmp want files
'

# Two bind mounts of one file system share st_dev, but rename(2) between
# them fails with EXDEV: a worktree on a bind mount, its git directory on
# the other, must still get its merge (found in review).  Root only.
if mkdir -p "$TRASH/bm-src" "$TRASH/bm-dst" &&
   mount --bind "$TRASH/bm-src" "$TRASH/bm-dst" 2>/dev/null; then
	trap 'umount "$TRASH/bm-dst" 2>/dev/null; test_cleanup' EXIT
	test_expect_success 'a worktree on a bind mount of the same file system: the merge lands' '
		test_repo bmrepo &&
		git -C bmrepo commit -q --allow-empty -m init &&
		git -C bmrepo worktree add -q "$TRASH/bm-dst/wt" &&
		wt="$TRASH/bm-dst/wt" &&
		printf "{\"results\": []}\n" >"$wt/O" &&
		printf "{\"results\": [{\"id\": \"o\", \"memory\": \"ours\"}]}\n" >"$wt/.merge_file_abc" &&
		printf "{\"results\": [{\"id\": \"t\", \"memory\": \"theirs\"}]}\n" >"$wt/B" &&
		(cd "$wt" && sovsync merge-memories O .merge_file_abc B "$M") &&
		grep -q "\"o\"" "$wt/.merge_file_abc" && grep -q "\"t\"" "$wt/.merge_file_abc" &&
		! ls -A "$wt" | grep -q "sovsync-.*tmp"
	'
else
	test_skip 'a worktree on a bind mount' 'cannot bind-mount (needs root)'
fi

test_done
