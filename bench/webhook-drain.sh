#!/bin/sh
# bench/webhook-drain.sh - how fast the webhook outbox drains.
#
# N events are put in a repository's outbox (written directly in the outbox
# format, all due now), then `sovsync webhook flush` delivers them to the
# test receiver (tests/webhook-receiver.py, which checks the token and the
# signature of every request) on 127.0.0.1.  Baseline, same run, same
# receiver: `curl` POSTing B signed bodies in a shell loop (one process and
# one connection per request, as a script would do it).  Prints events/s of
# both and their ratio, and the per-drain trace counts (outbox scans, curl
# connections).
# Goal (issue 13, item 20): >= 100 events/s for 100,000 queued events.
#
# Usage: [SOVSYNC_BIN=dir] sh bench/webhook-drain.sh [N] [B]   (default 2000, 300;
#        the issue's figure: sh bench/webhook-drain.sh 100000)
set -eu

N=${1:-2000}
B=${2:-300}
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
PATH=${SOVSYNC_BIN:-$SRCDIR/bin}:$PATH
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-bench-drain.XXXXXX")
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

(umask 077
 echo "tok_bench" >"$WORK/token"
 echo "whsec_$(printf 'benchmark-secret-key-000' | base64)" >"$WORK/secret")

python3 "$SRCDIR/tests/webhook-receiver.py" --port-file "$WORK/rx.port" \
	--log "$WORK/rx.log" --token-file "$WORK/token" --secret-file "$WORK/secret" \
	>/dev/null 2>&1 </dev/null &
RX_PID=$!
i=0
while ! [ -s "$WORK/rx.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$WORK/rx.port")/hook"

git init -q -b main "$WORK/repo"
git -C "$WORK/repo" commit -q --allow-empty -m initial
git -C "$WORK/repo" config sovsync.webhook.url "$URL"
git -C "$WORK/repo" config sovsync.webhook.tokenFile "$WORK/token"
git -C "$WORK/repo" config sovsync.webhook.secretFile "$WORK/secret"

# N events in the outbox format (docs/FORMATS.md), and B signed requests
# (headers + body files) for the curl baseline.
python3 - "$WORK" "$N" "$B" <<-\EOF
import base64, hashlib, hmac, json, os, sys, time
work, n, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ob = os.path.join(work, "repo/.git/sovsync/outbox")
os.makedirs(os.path.join(ob, "failed"), mode=0o700)
now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
def body(eid):
    return json.dumps({"event": "commit", "id": eid, "repository": "bench",
                       "remote": None, "branch": "main", "before": None,
                       "after": None, "root": "shared", "paths": ["shared/x.json"],
                       "paths_truncated": False, "source": "local",
                       "timestamp": now, "sovsync_version": "bench"},
                      separators=(",", ":"))
for i in range(1, n + 1):
    eid = "evt_%032x" % i
    ev = {"version": 1, "seq": i, "id": eid, "event": "commit",
          "created_at": now, "attempts": 0, "next_attempt": now,
          "last_error": None, "body": body(eid)}
    with open(os.path.join(ob, "%020d-%s.json" % (i, eid)), "w") as f:
        json.dump(ev, f)
with open(os.path.join(work, "repo/.git/sovsync/outbox.seq"), "w") as f:
    f.write("%d\n" % n)
tok = open(os.path.join(work, "token")).read().strip()
sec = open(os.path.join(work, "secret")).read().strip()
key = base64.b64decode(sec[6:])
os.mkdir(os.path.join(work, "curl"))
ts = str(int(time.time()))
for i in range(1, b + 1):
    eid = "evt_base%028x" % i
    data = body(eid).encode()
    sig = base64.b64encode(hmac.new(key, eid.encode() + b"." + ts.encode() + b"." +
                                    data, hashlib.sha256).digest()).decode()
    with open(os.path.join(work, "curl/%d.body" % i), "wb") as f:
        f.write(data)
    with open(os.path.join(work, "curl/%d.headers" % i), "w") as f:
        f.write("Content-Type: application/json\nwebhook-id: %s\n"
                "webhook-timestamp: %s\nwebhook-signature: v1,%s\n"
                "Authorization: Bearer %s\nExpect:\n" % (eid, ts, sig, tok))
EOF

now_ns() { date +%s%N; }

t0=$(now_ns)
i=1
while [ $i -le "$B" ]; do
	curl -s -o /dev/null --noproxy '*' -H "@$WORK/curl/$i.headers" \
		--data-binary "@$WORK/curl/$i.body" "$URL"
	i=$((i + 1))
done
t1=$(now_ns)

(cd "$WORK/repo" && SOVSYNC_TRACE=$WORK/trace ${BENCH_WRAP:-} sovsync webhook flush) >"$WORK/flush.out" 2>&1 || true
t2=$(now_ns)

ok=$(python3 -c 'import json, sys
print(sum(1 for l in open(sys.argv[1]) if l.strip() and 200 <= json.loads(l)["status"] < 300 and json.loads(l)["token_ok"] and json.loads(l)["signature_ok"]))' "$WORK/rx.log")
left=$(ls "$WORK/repo/.git/sovsync/outbox" | grep -c '^[0-9]' || true)

echo "webhook drain: $N queued events, flush to a local receiver; baseline: curl in a loop, $B requests (same run, same receiver)"
awk -v n="$N" -v b="$B" -v tc=$((t1 - t0)) -v tf=$((t2 - t1)) 'BEGIN {
	c = b / (tc / 1e9); f = n / (tf / 1e9);
	printf "%-22s %8s %10s %10s\n", "", "events", "seconds", "events/s";
	printf "%-22s %8d %10.2f %10.1f\n", "curl loop (baseline)", b, tc / 1e9, c;
	printf "%-22s %8d %10.2f %10.1f\n", "sovsync webhook flush", n, tf / 1e9, f;
	printf "ratio flush/curl: %.2fx\n", f / c }'
echo "flush: $(cat "$WORK/flush.out")"
echo "receiver: $ok requests with a valid token and signature answered 2xx; $left events left in the outbox"
if [ -f "$WORK/trace" ]; then
	grep 'webhook: drain' "$WORK/trace" | tail -n 3 || true
fi
