#!/bin/sh
# bench/crash.sh - crash safety: seeded trials that kill -9 a sovsync
# process (clean/smudge filter, merge driver, hook, webhook sender, sync) at
# a random moment of a git commit, checkout, pull, push or sovsync sync, then
# check what the issue asks (docs/RELIABILITY.md, "Crash safety"):
#   - git fsck is clean;
#   - every tracked large file is byte for byte one of the versions ever
#     written (never a mix, never truncated), every JSON file parses;
#   - the next git command and the next sovsync run succeed, and after one
#     commit the manifest is true again (sovsync verify);
#   - no webhook event is lost: every event that ever reached the outbox is
#     delivered in the end (duplicates with the same id are allowed).
# Not part of `make test` (it is slow and kills processes by design).
#
#   sh bench/crash.sh [TRIALS [SEED]]        default 120 trials, seed 1
#
# Prints one line per trial and a summary; exits 1 if any check failed.
# Only processes this script started (descendants of its own git commands,
# and the webhook senders of its own repositories) are killed, by pid.

set -u
TRIALS=${1:-120}
SEED=${2:-1}
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

log() { printf '%s\n' "$*" >>"$W/crash.log"; }

# --- setup ---------------------------------------------------------------
python3 "$SRCDIR/tests/webhook-receiver.py" --port-file "$W/port" --log "$W/rx.log" \
	>/dev/null 2>&1 &
RX=$!
trap 'kill $RX 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
i=0
while [ ! -s "$W/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(cat "$W/port")

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
git -C a add -A && git -C a commit -q -m layout && git -C a push -q origin main
git -C b fetch -q origin && git -C b reset -q --hard origin/main
(cd b && git checkout -q -f HEAD -- . )
mkdir -p "$W/versions"

# Every sovsync the trials run goes through $W/wrap/sovsync: git config (filter,
# merge drivers), the hook scripts and `sync`.  The wrapper numbers the
# invocations of a trial and, for the one the trial's plan names, runs the
# real program and kill -9s it after the planned delay (a kill at a random
# point of that process); the others run untouched.
mkdir -p "$W/wrap"
cat >"$W/wrap/sovsync" <<EOF
#!/bin/sh
n=\$(flock "$W/plan" sh -c 'n=\$((\$(cat "$W/count" 2>/dev/null || echo 0) + 1)); echo \$n >"$W/count"; echo \$n')
read -r target ms <"$W/plan"
if [ "\$n" != "\$target" ]; then exec "$BIN/sovsync" "\$@"; fi
exec 3<&0
"$BIN/sovsync" "\$@" <&3 3<&- &
p=\$!
sleep "\$ms"
kill -9 \$p 2>/dev/null && echo "\$*" | cut -c1-50 >"$W/killed"
wait \$p
EOF
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
echo "0 0" >"$W/plan"
echo "1 0.05" >"$W/plan.next"

# new_version FILE SIZE: write random content, remember its hash.
nv=0
new_version() {
	nv=$((nv + 1))
	head -c "$2" /dev/urandom >"$1"
	sha256sum <"$1" | cut -d' ' -f1 >>"$W/versions/known"
}

mem() {	# mem REPO ID TEXT: add a memory to the default export
	perl -MJSON::PP -e '
		my ($f, $id, $t) = @ARGV; local $/; open my $in, "<", $f or die;
		my $j = decode_json(<$in>); close $in;
		push @{$j->{results}}, {id => $id, memory => $t, hash => "h$id",
			metadata => undef, created_at => "2026-01-01T00:00:00+00:00",
			updated_at => "2026-01-01T00:00:00+00:00"};
		open my $out, ">", "$f.new" or die;
		print $out JSON::PP->new->canonical->pretty->encode($j);
		close $out or die; rename "$f.new", $f or die' \
		"$1/shared/memories/default/memories.json" "$2" "$3"
}

# record_outbox: remember every event id queued in a's or b's outbox.
record_outbox() {
	for c in a b; do
		ls "$W/$c/.git/sovsync/outbox" "$W/$c/.git/sovsync/outbox/failed" 2>/dev/null |
			sed -n 's/^[0-9]*-\(.*\)\.json$/\1/p'
	done >>"$W/queued"
}

# sovsync_pids: live sovsync processes of this run, by pid: the binary,
# with this run's directory in the command line or as working directory.
sovsync_pids() {
	ps -eo pid=,args= | while read -r p args; do
		case $args in "$BIN"/sovsync*|sovsync*|*/sovsync\ *) ;; *) continue ;; esac
		cwd=$(readlink "/proc/$p/cwd" 2>/dev/null) || continue
		case "$cwd $args" in *"$W"*) echo "$p" ;; esac
	done
}

# --- one trial -----------------------------------------------------------
ok=0 bad=0 killed=0 senders=0
declare_fail() { bad=$((bad + 1)); log "trial $t: FAIL: $*"; echo "trial $t: FAIL: $*"; }

t=0
while [ $t -lt "$TRIALS" ]; do
	t=$((t + 1))
	record_outbox
	# Prepare the change the operation carries.
	rnd 5; op=$R
	case $op in
	0)	what=commit
		rnd 3
		new_version "a/shared/documents/ingested/f$R.bin" $((200000 + R * 600000))
		mem a "a$t" "memory $t of a"
		git -C a add -A
		set -- git -C a commit -q -m "trial $t" ;;
	1)	what=checkout
		rnd 2
		if [ $R = 0 ]; then
			set -- git -C a checkout -q -f "HEAD~1" -- .
		else
			rm -f a/shared/documents/ingested/*.bin
			set -- git -C a checkout -q -f HEAD -- .
		fi ;;
	2)	what=pull
		new_version "b/shared/documents/ingested/g$((t % 3)).bin" 800000
		mem b "b$t" "memory $t of b"
		git -C b add -A && git -C b commit -q -m "b $t" >/dev/null 2>&1
		git -C b pull -q --no-edit origin main >/dev/null 2>&1
		git -C b push -q origin main >/dev/null 2>&1
		mem a "a$t" "memory $t of a"
		git -C a add -A && git -C a commit -q -m "a $t" >/dev/null 2>&1
		set -- git -C a pull -q --no-edit origin main ;;
	3)	what=push
		new_version "a/shared/documents/ingested/p.bin" 500000
		git -C a add -A && git -C a commit -q -m "p $t" >/dev/null 2>&1
		git -C a pull -q --no-edit origin main >/dev/null 2>&1
		set -- git -C a push -q origin main ;;
	4)	what=sync
		new_version "a/shared/documents/ingested/s.bin" 400000
		mem a "s$t" "memory $t of sync"
		set -- sh -c "cd '$W/a' && exec '$W/wrap/sovsync' sync" ;;
	esac
	cp "$W/plan.next" "$W/plan"
	"$@" >"$W/op.out" 2>&1 &
	pid=$!
	wait $pid; rc=$?
	# No kill during the checks; let the git children of a killed sovsync
	# (orphans now) finish first, as they would before a user's next command.
	echo "0 0" >"$W/plan"
	i=0
	while [ $i -lt 200 ] && ps -eo args= | grep -q "^git.*$W\|^git-remote\|^git pack-objects\|^git index-pack"; do
		sleep 0.05; i=$((i + 1))
	done
	victim=$(cat "$W/killed" 2>/dev/null)
	[ -n "$victim" ] && killed=$((killed + 1))
	vcmd=$victim
	# Sometimes also kill the detached webhook sender mid-delivery.
	rnd 3
	if [ $R = 0 ]; then
		for p in $(sovsync_pids); do
			case $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") in
			*"webhook sender"*)
				kill -9 "$p" 2>/dev/null && senders=$((senders + 1)) ;;
			esac
		done
	fi
	# The next trial: kill its k-th sovsync invocation (k 1-3; some
	# operations run fewer, then nothing is killed) after 0-45 ms: most
	# sovsync runs last only tens of milliseconds.
	rm -f "$W/killed" "$W/count"
	rnd 3; k=$((R + 1)); rnd 16
	echo "$k 0.0$(printf %02d $((R * 3)))" >"$W/plan.next"
	record_outbox
	fail=
	# The next git command works; leave interrupted merges as a user would.
	if [ -f a/.git/MERGE_HEAD ]; then
		git -C a merge --abort >/dev/null 2>&1 || fail="merge --abort failed"
	fi
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
		perl -MJSON::PP -0777 -e 'decode_json(<STDIN>)' <"a/$f" 2>/dev/null ||
			fail="$fail; $f does not parse"
	done
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
	line="trial $t: $what rc=$rc killed=${victim:+$vcmd}"
	if [ -n "$fail" ]; then
		declare_fail "$line$fail"
	else
		ok=$((ok + 1)); log "$line ok"
	fi
done

# At-least-once: flush both outboxes, then every id ever queued must have
# reached the receiver.
record_outbox
for c in a b; do (cd $c && sovsync webhook retry >/dev/null 2>&1; sovsync webhook flush >/dev/null 2>&1); done
i=0
while [ $i -lt 200 ]; do
	missing=$(sort -u "$W/queued" | while read -r id; do
		grep -q "\"$id\"" "$W/rx.log" 2>/dev/null || echo "$id"; done | wc -l)
	[ "$missing" = 0 ] && break
	sleep 0.1; i=$((i + 1))
done
queued=$(sort -u "$W/queued" | wc -l)
received=$(grep -o '"id": "[^"]*"' "$W/rx.log" 2>/dev/null | sort -u | wc -l)
dups=$(( $(grep -c . "$W/rx.log" 2>/dev/null || echo 0) - received ))
[ "$missing" = 0 ] || { bad=$((bad + 1)); echo "webhook: $missing queued events never delivered"; }
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
echo "crash.sh: seed $SEED: $TRIALS trials, $killed sovsync processes killed, $senders webhook senders killed, $ok passed, $((TRIALS - ok)) failed"
echo "crash.sh: webhook: $queued events queued, $received distinct delivered," \
	"$dups duplicate deliveries, $missing lost"
echo "crash.sh: commits: $commits (both clones), $unannounced covered by no delivered event"
sed -n 's/^trial [0-9]*: \([a-z]*\) rc=\([0-9]*\) killed=\(.\).*/\1 \3/p' "$W/crash.log" |
	awk '{ n[$1]++; if ($2 != "") k[$1]++ } END { for (o in n) printf "crash.sh:   %-8s %3d trials\n", o, n[o] }'
[ "$bad" = 0 ]
