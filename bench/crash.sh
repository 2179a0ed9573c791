#!/bin/sh
# bench/crash.sh - crash safety: seeded trials that kill -9 a sovsync
# process (clean/smudge filter, merge driver, hook, webhook sender, sync) at
# a random moment of a git commit, checkout, pull, push or sovsync sync, then
# check what the issue asks (docs/RELIABILITY.md, "Crash safety"):
#   - git fsck is clean;
#   - every tracked large file is byte for byte one of the versions ever
#     written (never a mix, never truncated), every JSON file parses;
#   - after a killed merge driver Git reports the merge as failed with the
#     path unmerged, %A holds either the old ours or the whole merge result
#     (never a truncated file, no temporary file left behind), `git merge
#     --abort` and a retry of the pull succeed;
#   - the next git command and the next sovsync run succeed, and after one
#     commit the manifest is true again (sovsync verify);
#   - no webhook event is lost: every event that ever reached the outbox is
#     delivered in the end (duplicates with the same id are allowed), and an
#     event whose sender was killed while its POST was in flight is
#     delivered again (the sender never saw the answer).
# Not part of `make test` (it is slow and kills processes by design).
#
#   sh bench/crash.sh [TRIALS [SEED]]        default 100 trials, seed 1
#   CRASH_MEMORIES=N   memories in the shared memories.json (default 10000:
#                      the memories driver then runs for tens of ms)
#   CRASH_HOLD=N       hold the receiver (and kill the sender) in one trial
#                      of N (default 3)
#
# Every sovsync that Git or a trial starts goes through a wrapper.  The
# trial's plan names its victim either by number (the k-th sovsync run of
# the operation, "nth") or by kind (the subcommand: merge-memories,
# merge-state, merge-index, merge-doc, filter-process, hook-<name>, sync)
# and occurrence, and when to kill it: after a delay ("delay"), or at a
# chosen point of a merge driver through a preloaded write(2)/rename(2):
# half-way through writing the temporary file that replaces %A ("write"),
# just before renaming it over %A ("rename"), just after ("renamed").  In
# one trial of three (CRASH_HOLD) the receiver holds its next answers for
# 1.5 s and the bench kill -9s clone a's detached webhook sender while a
# request is in flight.  The runs and their figures: docs/RELIABILITY.md.
#
# Prints one line per failing trial and a summary with per-kind counts;
# exits 1 if any check failed.  Only processes this script started
# (descendants of its own git commands, and the webhook senders of its own
# repositories) are killed, by pid.

set -u
TRIALS=${1:-100}
SEED=${2:-1}
MEMORIES=${CRASH_MEMORIES:-10000}
HOLD=${CRASH_HOLD:-3}
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SOVSYNC_BIN:-$SRCDIR/bin}
[ -x "$BIN/sovsync" ] || { echo "crash.sh: build first (make)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-crash.XXXXXX")
export PATH="$BIN:$PATH" HOME="$W/home" GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=crash GIT_AUTHOR_EMAIL=crash@example.com
export GIT_COMMITTER_NAME=crash GIT_COMMITTER_EMAIL=crash@example.com
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global pull.rebase false

# Seeded random numbers: an LCG in shell arithmetic.
rnd_state=$SEED
rnd() {	# rnd N: 0..N-1 in $R
	rnd_state=$(( (rnd_state * 1103515245 + 12345) % 2147483648 ))
	R=$(( (rnd_state / 65536) % $1 ))
}
pick() {	# pick WORD...: one of the words, in $P
	rnd $#
	shift "$R"
	P=$1
}

log() { printf '%s\n' "$*" >>"$W/crash.log"; }

# --- setup ---------------------------------------------------------------
: >"$W/rx.script"
python3 "$SRCDIR/tests/webhook-receiver.py" --port-file "$W/port" --log "$W/rx.log" \
	--script "$W/rx.script" >/dev/null 2>&1 &
RX=$!
trap 'kill $RX 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
i=0
while [ ! -s "$W/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(cat "$W/port")
touch "$W/rx.log" "$W/rx.log.arrivals"

cd "$W" || exit 1
git init -q --bare remote.git
for c in a b; do
	git init -q $c
	sovsync install --repo $c >/dev/null
	git -C $c config sovsync.webhook.url "http://127.0.0.1:$PORT/hook"
	git -C $c config sovsync.webhook.retryDelayMs 50
	git -C $c config sovsync.webhook.maxRetryDelayMs 200
	git -C $c config sovsync.webhook.maxAttempts 1000
	git -C $c remote add origin "$W/remote.git"
done
(cd a && sovsync track 'shared/documents/ingested/*.bin' >/dev/null)
# A large memories.json, so that the memories driver runs long enough to be
# killed in the middle, and a text document both clones edit (doc driver).
python3 - "$MEMORIES" a/shared/memories/default/memories.json <<'EOF'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
doc = {"results": [{"id": "m%06d" % i, "memory": "seed memory number %d" % i,
                    "hash": "h%06d" % i, "metadata": None,
                    "created_at": "2026-01-01T00:00:00+00:00",
                    "updated_at": "2026-01-01T00:00:00+00:00"} for i in range(n)]}
with open(path, "w") as f:
    json.dump(doc, f, indent=2, sort_keys=True)
    f.write("\n")
EOF
seq 1 60 | sed 's/^/line /' >a/shared/documents/ingested/both.md
git -C a add -A && git -C a commit -q -m layout && git -C a push -q origin main
git -C b fetch -q origin && git -C b reset -q --hard origin/main
(cd b && git checkout -q -f HEAD -- . )
mkdir -p "$W/versions"

# Kills at a chosen point of a merge driver, not by timing: a preloaded
# write(2)/rename(2) that kill -9s the driver (KILL_AT=write: after half of
# a write to its temporary file of %A; rename: just before renaming that
# file over %A; renamed: just after).  Git names %A .merge_file_XXXXXX.
cat >"$W/killat.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int at(const char *point)
{
	const char *p = getenv("KILL_AT");

	return p && !strcmp(p, point);
}

static int result_temporary(int fd)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = 0;
	return strstr(path, ".merge_file_") && strstr(path, ".sovsync-");
}

ssize_t write(int fd, const void *buf, size_t len)
{
	ssize_t (*real)(int, const void *, size_t);

	*(void **)&real = dlsym(RTLD_NEXT, "write");
	if (at("write") && len > 1 && result_temporary(fd)) {
		real(fd, buf, len / 2);
		kill(getpid(), SIGKILL);
	}
	return real(fd, buf, len);
}

int rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *);

	*(void **)&real = dlsym(RTLD_NEXT, "rename");
	if (strstr(to, ".merge_file_") && at("rename"))
		kill(getpid(), SIGKILL);
	if (strstr(to, ".merge_file_") && at("renamed")) {
		real(from, to);
		kill(getpid(), SIGKILL);
	}
	return real(from, to);
}
EOF
${CC:-cc} -shared -fPIC -o "$W/killat.so" "$W/killat.c" -ldl ||
	{ echo "crash.sh: cannot build the kill shim" >&2; exit 1; }

# The wrapper every sovsync of the trials goes through: git config (filter,
# merge drivers), the hook scripts and `sync`.  $W/plan holds
# "MODE KIND OCCURRENCE DELAY"; MODE is off, nth (kill the OCCURRENCE-th
# sovsync run of the trial after DELAY seconds), delay (the same for the
# OCCURRENCE-th run of subcommand KIND), or write, rename, renamed (that
# run of a merge driver, at that point, through killat.so).  A killed run
# is recorded in $W/killed ("kind mode delay path"); for a merge driver the
# three versions Git passed and %A after the kill are kept in $W/victim.*.
# The kill is certain only when the wait status is 137 (SIGKILL): a process
# that had already exited is a zombie that kill(1) still "succeeds" on.
mkdir -p "$W/wrap"
{
	echo '#!/bin/sh'
	echo "W='$W' BIN='$BIN'"
	cat <<'EOF'
kind=$1
[ "$kind" = hook ] && kind=hook-${2:-}
ns=$(flock "$W/plan" sh -c 'n=$(($(cat "$1/count" 2>/dev/null || echo 0) + 1))
	echo $n >"$1/count"
	k=$(($(cat "$1/count.$2" 2>/dev/null || echo 0) + 1))
	echo $k >"$1/count.$2"
	echo $n $k' sh "$W" "$kind")
n=${ns% *} kn=${ns#* }
read -r mode target occ delay <"$W/plan"
case $mode in
off)	false ;;
nth)	[ "$n" = "$occ" ] ;;
*)	[ "$kind" = "$target" ] && [ "$kn" = "$occ" ] ;;
esac || exec "$BIN/sovsync" "$@"
case $kind in
merge-*)
	cp "$2" "$W/victim.O"; cp "$3" "$W/victim.A"; cp "$4" "$W/victim.B"
	printf '%s\n' "$@" >"$W/victim.args" ;;
*)	[ "$mode" = nth ] || mode=delay ;;
esac
case $mode in
write|rename|renamed)
	KILL_AT=$mode LD_PRELOAD=$W/killat.so "$BIN/sovsync" "$@"
	rc=$? ;;
*)
	exec 3<&0
	"$BIN/sovsync" "$@" <&3 3<&- &
	p=$!
	sleep "$delay"
	kill -9 $p 2>/dev/null
	wait $p; rc=$? ;;
esac
if [ $rc = 137 ]; then
	case $kind in merge-*) cp "$3" "$W/victim.after" ;; esac
	echo "$kind $mode $delay ${5:-}" >"$W/killed"
fi
exit $rc
EOF
} >"$W/wrap/sovsync"
chmod +x "$W/wrap/sovsync"
for c in a b; do
	for k in filter.sovsync.process filter.sovsync.clean filter.sovsync.smudge \
		 merge.sovsync-memories.driver merge.sovsync-state.driver \
		 merge.sovsync-index.driver merge.sovsync-doc.driver; do
		v=$(git -C $c config --get $k) &&
		git -C $c config $k "'$W/wrap/sovsync' ${v#* }"
	done
	for h in $c/.git/hooks/*; do
		grep -q "$BIN/sovsync" "$h" 2>/dev/null && sed -i "s|$BIN/sovsync|$W/wrap/sovsync|g" "$h"
	done
done
echo "off - 0 0" >"$W/plan"

# new_version FILE SIZE: write random content, remember its hash.
new_version() {
	head -c "$2" /dev/urandom >"$1"
	sha256sum <"$1" | cut -d' ' -f1 >>"$W/versions/known"
}

# jadd FILE ARRAY ID TEXT: append an entry to the array ARRAY of FILE.
jadd() {
	python3 - "$@" <<'EOF'
import json, os, sys
path, array, mid, text = sys.argv[1:]
with open(path) as f:
    doc = json.load(f)
doc.setdefault(array, []).append({
    "id": mid, "memory": text, "path": "documents/ingested/" + mid + ".md",
    "hash": "h" + mid, "metadata": None,
    "created_at": "2026-01-01T00:00:00+00:00",
    "updated_at": "2026-01-01T00:00:00+00:00"})
with open(path + ".new", "w") as f:
    json.dump(doc, f, indent=2, sort_keys=True)
    f.write("\n")
os.rename(path + ".new", path)
EOF
}

mem() {	# mem REPO ID TEXT: add a memory to the default export
	jadd "$1/shared/memories/default/memories.json" results "$2" "$3"
}

idx() {	# idx REPO ID: add a document to the documents registry
	jadd "$1/shared/documents/index.json" documents "$2" "document $2"
}

doc_line() {	# doc_line REPO LINE TEXT: replace one line of both.md
	sed -i "${2}s/.*/$3/" "$1/shared/documents/ingested/both.md"
}

# record_outbox: remember every event id queued in a's or b's outbox.
record_outbox() {
	for c in a b; do
		ls "$W/$c/.git/sovsync/outbox" "$W/$c/.git/sovsync/outbox/failed" 2>/dev/null |
			sed -n 's/^[0-9]*-\(.*\)\.json$/\1/p'
	done >>"$W/queued"
}

# a_senders: clone a's detached webhook senders, by pid: processes holding
# one of its sender locks open, in another session than ours (the hook that
# spawns a sender holds the lock too for a moment, in our session).
MYSID=$(ps -o sid= -p $$ | tr -d ' ')
a_senders() {
	find /proc/[0-9]*/fd -lname "$W/a/.git/sovsync/webhook-send*.lock" 2>/dev/null |
		cut -d/ -f3 | sort -u | while read -r p; do
			s=$(ps -o sid= -p "$p" 2>/dev/null | tr -d ' ')
			[ -n "$s" ] && [ "$s" != "$MYSID" ] && echo "$p"
		done
}

# in_flight: ids the receiver has taken in but not answered yet that are
# still in a's outbox (so a's sender is waiting for their answer).
in_flight() {
	grep -o '"id": "[^"]*"' "$W/rx.log" | cut -d'"' -f4 | sort -u >"$W/answered"
	sort -u "$W/rx.log.arrivals" | comm -23 - "$W/answered" | while read -r id; do
		ls "$W/a/.git/sovsync/outbox/"*"-$id.json" >/dev/null 2>&1 && echo "$id"
	done
}

# --- one trial -----------------------------------------------------------
ok=0 bad=0 killed=0 drivers=0 senders_inflight=0 senders_idle=0 sender_trials=0
as_ours=0 as_result=0 retried=0
: >"$W/kills"; : >"$W/inflight_killed"
declare_fail() { bad=$((bad + 1)); log "trial $t: FAIL: $*"; echo "trial $t: FAIL: $*"; }

t=0
while [ $t -lt "$TRIALS" ]; do
	t=$((t + 1))
	record_outbox
	# Prepare the change the operation carries, and choose the victim.
	rnd 10
	case $R in 0) op=0 ;; 1) op=1 ;; 2|3|4|5|6|7) op=2 ;; 8) op=3 ;; *) op=4 ;; esac
	rnd 8; delay=$(echo "0 0.002 0.005 0.01 0.02 0.04 0.08 0.15" | cut -d' ' -f$((R + 1)))
	# The drivers end within tens of ms: shorter delays for them.
	rnd 6; ddelay=$(echo "0 0.001 0.002 0.005 0.01 0.02" | cut -d' ' -f$((R + 1)))
	rnd 6; nth=$((R + 1))
	case $op in
	0)	what=commit
		rnd 3
		new_version "a/shared/documents/ingested/f$R.bin" $((200000 + R * 600000))
		mem a "a$t" "memory $t of a"
		git -C a add -A
		pick filter-process hook-pre-commit hook-post-commit nth
		set -- git -C a commit -q -m "trial $t" ;;
	1)	what=checkout
		rnd 2
		if [ $R = 0 ]; then
			set -- git -C a checkout -q -f "HEAD~1" -- .
		else
			rm -f a/shared/documents/ingested/*.bin
			set -- git -C a checkout -q -f HEAD -- .
		fi
		pick filter-process nth ;;
	2)	what=pull
		# Both clones change memories.json, documents/index.json, both.md
		# (other lines) and state.json (the hooks): the memories, index,
		# doc and state drivers run.
		new_version "b/shared/documents/ingested/g$((t % 3)).bin" 800000
		mem b "b$t" "memory $t of b"
		idx b "b$t"
		doc_line b $((31 + t % 30)) "b $t"
		git -C b add -A && git -C b commit -q -m "b $t" >/dev/null 2>&1
		git -C b pull -q --no-edit origin main >/dev/null 2>&1
		git -C b push -q origin main >/dev/null 2>&1
		mem a "a$t" "memory $t of a"
		idx a "a$t"
		doc_line a $((1 + t % 30)) "a $t"
		git -C a add -A && git -C a commit -q -m "a $t" >/dev/null 2>&1
		pick merge-memories merge-memories merge-memories merge-state merge-state \
			merge-index merge-index merge-doc merge-doc hook-post-merge
		set -- git -C a pull -q --no-edit origin main ;;
	3)	what=push
		new_version "a/shared/documents/ingested/p.bin" 500000
		git -C a add -A && git -C a commit -q -m "p $t" >/dev/null 2>&1
		git -C a pull -q --no-edit origin main >/dev/null 2>&1
		pick hook-reference-transaction hook-reference-transaction nth
		set -- git -C a push -q origin main ;;
	4)	what=sync
		new_version "a/shared/documents/ingested/s.bin" 400000
		mem a "s$t" "memory $t of sync"
		pick sync sync hook-pre-commit filter-process nth
		set -- sh -c "cd '$W/a' && exec '$W/wrap/sovsync' sync" ;;
	esac
	kind=$P
	case $kind in
	nth)	plan="nth - $nth $delay" ;;
	merge-*)
		pick delay delay write rename renamed; plan="$P $kind 1 $ddelay" ;;
	hook-reference-transaction)
		# it runs for "prepared" and "committed" of each update
		rnd 4; plan="delay $kind $((R + 1)) $delay" ;;
	*)	plan="delay $kind 1 $delay" ;;
	esac
	# One trial in $HOLD (not checkouts, which queue no event): hold the
	# receiver's answers so that a's sender has a POST in flight.
	hold=
	rnd "$HOLD"
	if [ $R = 0 ] && [ $op != 1 ]; then
		hold=1 sender_trials=$((sender_trials + 1))
		printf 'sleep 1.5\nsleep 1.5\nsleep 1.5\n' >"$W/rx.script"
	fi
	rm -f "$W/killed" "$W/count" "$W/count."* "$W/victim."*
	pre_head=$(git -C a rev-parse HEAD)
	echo "$plan" >"$W/plan"
	"$@" >"$W/op.out" 2>&1 &
	pid=$!
	wait $pid; rc=$?
	# No kill during the checks; let the git children of a killed sovsync
	# (orphans now) finish first, as they would before a user's next command.
	echo "off - 0 0" >"$W/plan"
	i=0
	while [ $i -lt 200 ] && ps -eo args= | grep -q "^git.*$W\|^git-remote\|^git pack-objects\|^git index-pack"; do
		sleep 0.05; i=$((i + 1))
	done
	victim=$(cat "$W/killed" 2>/dev/null)
	if [ -n "$victim" ]; then
		killed=$((killed + 1))
		echo "$victim" | cut -d' ' -f1,2 >>"$W/kills"
	fi
	record_outbox
	fail=
	# A killed merge driver: the merge failed with the path unmerged, %A
	# is the old ours or the whole result, nothing left behind.
	case $victim in
	merge-*)
		drivers=$((drivers + 1))
		dkind=${victim%% *} path=$(sed -n 5p "$W/victim.args")
		[ "$rc" != 0 ] || fail="$fail; pull exited 0 after a killed $dkind"
		[ -f a/.git/MERGE_HEAD ] || fail="$fail; no merge in progress"
		[ -n "$(git -C a ls-files -u -- "$path")" ] || fail="$fail; $path not unmerged"
		dmode=$(echo "$victim" | cut -d' ' -f2)
		if cmp -s "$W/victim.after" "$W/victim.A"; then
			as_ours=$((as_ours + 1))
			[ "$dmode" != renamed ] ||
				fail="$fail; %A is still ours after the rename"
		elif [ "$dmode" = write ] || [ "$dmode" = rename ]; then
			fail="$fail; %A changed before the rename ($(wc -c <"$W/victim.after") bytes)"
		else
			mkdir -p "$W/chk" && rm -f "$W/chk/"*
			cp "$W/victim.O" "$W/chk/O"; cp "$W/victim.A" "$W/chk/A"; cp "$W/victim.B" "$W/chk/B"
			if (cd a && "$BIN/sovsync" "$dkind" "$W/chk/O" "$W/chk/A" "$W/chk/B" "$path" 7 \
				>/dev/null 2>&1) && cmp -s "$W/chk/A" "$W/victim.after"; then
				as_result=$((as_result + 1))
			else
				fail="$fail; %A of $dkind is neither ours nor the merge result ($(wc -c <"$W/victim.after") bytes)"
			fi
		fi
		case $dkind in
		merge-doc) ;;	# the work tree holds it smudged
		*)	cmp -s "a/$path" "$W/victim.after" ||
				fail="$fail; work tree $path is not what the driver left" ;;
		esac
		left=$(find a -maxdepth 1 -name '.*.sovsync-*.tmp' | head -n 3 | tr '\n' ' ')
		[ -z "$left" ] || fail="$fail; temporary file left: $left"
		;;
	esac
	# The next git command works; leave interrupted merges as a user would,
	# and retry the pull.
	if [ -f a/.git/MERGE_HEAD ]; then
		if git -C a merge --abort >/dev/null 2>&1; then
			[ "$(git -C a rev-parse HEAD)" = "$pre_head" ] || fail="$fail; HEAD moved by the abort"
			if [ "$what" = pull ]; then
				retried=$((retried + 1))
				git -C a pull -q --no-edit origin main >"$W/retry.out" 2>&1 ||
					fail="$fail; retried pull failed: $(head -c 200 "$W/retry.out")"
			fi
		else
			fail="$fail; merge --abort failed"
		fi
	fi
	# The webhook sender: kill it while a request is in flight (after the
	# retried pull, whose merge event replaces the one a killed driver
	# prevented).
	sender=
	if [ -n "$hold" ]; then
		i=0
		while [ $i -lt 60 ]; do
			pids=$(a_senders)
			if [ -n "$pids" ]; then
				inf=$(in_flight)
				[ -n "$inf" ] && break
			fi
			sleep 0.05; i=$((i + 1))
		done
		if [ -n "$pids" ]; then
			inf=$(in_flight)
			n=0
			for p in $pids; do kill -9 "$p" 2>/dev/null && n=$((n + 1)); done
			if [ $n -gt 0 ] && [ -n "$inf" ]; then
				senders_inflight=$((senders_inflight + 1)) sender=in-flight
				echo "$inf" >>"$W/inflight_killed"
			elif [ $n -gt 0 ]; then
				senders_idle=$((senders_idle + 1)) sender=idle
			fi
		fi
		: >"$W/rx.script"
	fi
	record_outbox
	git -C a status --porcelain >/dev/null 2>&1 || fail="$fail; git status failed"
	# fsck
	git -C a fsck --no-progress >"$W/fsck" 2>&1 || fail="$fail; fsck: $(head -c 200 "$W/fsck")"
	# Tracked large files: one of the versions, whole.
	for f in a/shared/documents/ingested/*.bin; do
		[ -f "$f" ] || continue
		if ! grep -qx "$(sha256sum <"$f" | cut -d' ' -f1)" "$W/versions/known"; then
			if head -c 8 "$f" | grep -q SOVSYNC; then
				fail="$fail; $f left in stored form"
			else
				fail="$fail; $f is no version ever written"
			fi
		fi
	done
	for f in $(git -C a ls-files 'shared/*.json'); do
		python3 -c 'import json, sys; json.load(sys.stdin)' <"a/$f" 2>/dev/null ||
			fail="$fail; $f does not parse"
	done
	# No temporary file of sovsync left in the work tree (the next
	# `git add -A` would commit it).
	junk=$(git -C a ls-files --others --exclude-standard | grep '\.sovsync-.*\.tmp$' |
		head -n 3 | tr '\n' ' ')
	[ -z "$junk" ] || fail="$fail; temporary files left: $junk"
	# The next sovsync run repairs: restore files a killed smudge left,
	# commit what is pending, and the manifest must be true.
	git -C a checkout -q -f HEAD -- . 2>/dev/null
	git -C a add -A >/dev/null 2>&1
	git -C a commit -q -m "repair $t" >/dev/null 2>&1
	if ! (cd a && sovsync verify >/dev/null 2>&1); then
		# a commit made with the manifest hook killed is repaired by the
		# next commit's hooks
		git -C a commit -q --allow-empty -m "repair2 $t" >/dev/null 2>&1
		if ! (cd a && sovsync verify >"$W/verify" 2>&1); then
			fail="$fail; stale manifest not repaired: $(head -n 3 "$W/verify" | tr '\n' ' ')"
			# Start the next trial from a true manifest: without the
			# trusted list the hooks recompute everything.
			rm -f a/.git/sovsync/trusted
			git -C a commit -q --allow-empty -m "reset $t" >/dev/null 2>&1
			(cd a && sovsync verify >/dev/null 2>&1) ||
				fail="$fail; even a full recomputation did not repair it"
		fi
	fi
	(cd a && sovsync status >/dev/null 2>&1) || fail="$fail; sovsync status failed"
	echo "$what" >>"$W/ops"
	line="trial $t: $what plan=[$plan] rc=$rc killed=[$victim] sender=[$sender]"
	if [ -n "$fail" ]; then
		declare_fail "$line$fail"
	else
		ok=$((ok + 1)); log "$line ok"
	fi
done

# At-least-once: flush both outboxes, then every id ever queued must have
# reached the receiver, and every id whose POST was in flight when its
# sender was killed must have been delivered again.
: >"$W/rx.script"
record_outbox
for c in a b; do (cd $c && sovsync webhook retry >/dev/null 2>&1; sovsync webhook flush >/dev/null 2>&1); done
i=0
while [ $i -lt 200 ]; do
	missing=$(sort -u "$W/queued" | while read -r id; do
		grep -q "\"$id\"" "$W/rx.log" 2>/dev/null || echo "$id"; done | wc -l)
	redo=$(sort -u "$W/inflight_killed" | while read -r id; do
		[ "$(grep -c "\"id\": \"$id\"" "$W/rx.log")" -ge 2 ] || echo "$id"; done | wc -l)
	[ "$missing" = 0 ] && [ "$redo" = 0 ] && break
	sleep 0.1; i=$((i + 1))
done
queued=$(sort -u "$W/queued" | wc -l)
received=$(grep -o '"id": "[^"]*"' "$W/rx.log" 2>/dev/null | sort -u | wc -l)
dups=$(( $(grep -c . "$W/rx.log" 2>/dev/null || echo 0) - received ))
inflight_ids=$(sort -u "$W/inflight_killed" | grep -c .)
[ "$missing" = 0 ] || { bad=$((bad + 1)); echo "webhook: $missing queued events never delivered"; }
[ "$redo" = 0 ] || { bad=$((bad + 1)); echo "webhook: $redo events in flight at a sender kill never delivered again"; }
# Commits no event announces: an event covers the commits in
# after ^before (all of after's history when before is null).  Lost ones
# are those whose hook was killed before it queued the event, unless the
# next event's range covers them.
git -C a fetch -q origin 2>/dev/null
git -C a fetch -q "$W/b" "+refs/heads/*:refs/crash-b/*" 2>/dev/null
perl -ne 'print "$1 $2\n" if /"before": (?:"([0-9a-f]+)"|null), "after": "([0-9a-f]+)"/' "$W/rx.log" |
	sort -u | while read -r x y; do
		if [ -n "$y" ]; then git -C a rev-list "$y" "^$x"; else git -C a rev-list "$x"; fi
	done 2>/dev/null | sort -u >"$W/covered"
git -C a rev-list --all | sort -u >"$W/commits"
commits=$(wc -l <"$W/commits")
unannounced=$(comm -23 "$W/commits" "$W/covered" | wc -l)
echo "crash.sh: seed $SEED: $TRIALS trials, $killed sovsync processes killed ($drivers merge drivers), $ok passed, $((TRIALS - ok)) failed"
echo "crash.sh: merge drivers killed: %A left as ours $as_ours, as the whole result $as_result; pulls retried after abort $retried"
echo "crash.sh: webhook senders: $sender_trials trials held the receiver, $senders_inflight killed with a POST in flight ($inflight_ids events), $senders_idle killed idle"
echo "crash.sh: webhook: $queued events queued, $received distinct delivered," \
	"$dups duplicate deliveries, $missing lost, $redo in-flight events not redelivered"
echo "crash.sh: commits: $commits (both clones), $unannounced covered by no delivered event"
sort "$W/ops" | uniq -c |
	awk '{ printf "crash.sh:   %-8s %3d trials\n", $2, $1 }'
sort "$W/kills" | uniq -c | awk '{ printf "crash.sh:   killed %-28s %-8s %3d\n", $2, $3, $1 }'
[ "$bad" = 0 ]
