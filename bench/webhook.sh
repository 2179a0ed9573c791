#!/bin/sh
# bench/webhook.sh - what the webhook adds to `git commit`.
#
# The same repository commits N times (--allow-empty, so only the commit
# machinery and the hooks run) in four set-ups measured in the same run:
#   plain       no hooks at all (the baseline)
#   hooks-off   the webhook hooks installed, sovsync.webhook.url unset
#   dead-port   the URL points at a 127.0.0.1 port where nothing listens
#   slow        the URL points at a receiver that sleeps 5 s per request
# and prints the mean wall time per commit and the time added over plain
# (interleaved runs), then the CPU time of the commit and its hooks (the
# detached sender excluded), which load on a shared machine inflates less.
# Goal (issue 7): at most 10 ms added; the hook never waits on the network.
#
# Usage: sh bench/webhook.sh [N]   (default 40; run by `make bench`)
set -eu

N=${1:-40}
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
PATH=$SRCDIR/bin:$PATH
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-bench-webhook.XXXXXX")
RX_PID=
cleanup() {
	[ -z "$RX_PID" ] || kill "$RX_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

export HOME=$WORK/home GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
export GIT_AUTHOR_NAME=B GIT_AUTHOR_EMAIL=b@example.com
export GIT_COMMITTER_NAME=B GIT_COMMITTER_EMAIL=b@example.com
unset SOVSYNC_TRACE SOVSYNC_WEBHOOK_TOKEN SOVSYNC_WEBHOOK_SECRET
mkdir -p "$HOME"

# Token and secret files (0600), as a real set-up has them.
(umask 077
 echo "tok_bench" >"$WORK/token"
 echo "whsec_$(printf 'benchmark-secret-key-000' | base64)" >"$WORK/secret")

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

python3 "$SRCDIR/tests/webhook-receiver.py" --port-file "$WORK/rx.port" \
	--log "$WORK/rx.log" --script "$WORK/rx.script" \
	--token-file "$WORK/token" --secret-file "$WORK/secret" \
	>/dev/null 2>&1 </dev/null &
RX_PID=$!
i=0
while ! [ -s "$WORK/rx.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
RX_PORT=$(cat "$WORK/rx.port")
# Every request sleeps 5 s.
for i in $(seq 1 $((4 * N))); do echo "sleep 5"; done >"$WORK/rx.script"
DEAD_PORT=$(free_port)

setup() {
	git init -q -b main "$WORK/$1"
	git -C "$WORK/$1" commit -q --allow-empty -m initial
	[ "$1" = plain ] && return
	for h in post-commit post-merge; do
		printf '#!/bin/sh\nexec sovsync webhook emit %s\n' "${h#post-}" \
			>"$WORK/$1/.git/hooks/$h"
		chmod +x "$WORK/$1/.git/hooks/$h"
	done
	git -C "$WORK/$1" config sovsync.webhook.tokenFile "$WORK/token"
	git -C "$WORK/$1" config sovsync.webhook.secretFile "$WORK/secret"
	git -C "$WORK/$1" config sovsync.webhook.lingerMs 0
	[ -z "${2:-}" ] || git -C "$WORK/$1" config sovsync.webhook.url "$2"
}

setup plain
setup hooks-off
setup dead-port "http://127.0.0.1:$DEAD_PORT/hook"
setup slow "http://127.0.0.1:$RX_PORT/hook"

now_ns() { date +%s%N; }

# Interleave the set-ups so that machine noise hits all of them alike.
for s in plain hooks-off dead-port slow; do eval "t_$(echo $s | tr - _)=0"; done
for i in $(seq 1 "$N"); do
	for s in plain hooks-off dead-port slow; do
		t0=$(now_ns)
		git -C "$WORK/$s" commit -q --allow-empty -m "c$i"
		t1=$(now_ns)
		v=t_$(echo $s | tr - _)
		eval "$v=\$((\$$v + t1 - t0))"
	done
done

queued=$(ls "$WORK/slow/.git/sovsync/outbox" | grep -c '^[0-9]' || true)
base=$((t_plain / N))
echo "webhook: git commit --allow-empty, mean of $N runs each (same run, interleaved)"
printf '%-12s %10s %10s %8s\n' setup "ms/commit" "added ms" ratio
for s in plain hooks-off dead-port slow; do
	v=$(eval echo "\$t_$(echo $s | tr - _)")
	per=$((v / N))
	awk -v s="$s" -v per="$per" -v base="$base" 'BEGIN {
		printf "%-12s %10.2f %10.2f %8.2f\n", s, per / 1e6, (per - base) / 1e6, per / base }'
done
echo "slow receiver: $queued of $N events still queued when the commits ended (the hook did not wait)"

# CPU time of the Git command and its hooks (user + system of the commit
# and every process it waited for; not the detached sender), which a loaded
# machine does not inflate the way it inflates wall time.
echo
echo "CPU of git commit and its hooks (detached sender excluded), mean of $N runs"
printf '%-12s %10s %10s\n' setup "cpu ms" "added ms"
for s in plain hooks-off dead-port slow; do
	/usr/bin/time -f "%U %S" -o "$WORK/cpu.$s" sh -c '
		for i in $(seq 1 "$1"); do git -C "$2" commit -q --allow-empty -m "cpu$i"; done
	' - "$N" "$WORK/$s"
done
cbase=$(awk '{ print $1 + $2 }' "$WORK/cpu.plain")
for s in plain hooks-off dead-port slow; do
	awk -v s="$s" -v n="$N" -v base="$cbase" '{ c = $1 + $2;
		printf "%-12s %10.2f %10.2f\n", s, c * 1000 / n, (c - base) * 1000 / n }' "$WORK/cpu.$s"
done
