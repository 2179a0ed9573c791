#!/bin/sh
# make demo: the full sync cycle of sovsync, narrated, on this machine.
#
# The same story and helpers as tests/t6000-full-cycle.sh (tests/lib-*.sh):
# a bare remote served over HTTP by git http-backend behind lighttpd on
# 127.0.0.1, a "local PC" clone with sovsync installed, a "web app" that
# commits straight into the remote (tests/tools/web-writer.c, the way the
# GitHub contents API does), and a webhook receiver that checks the bearer
# token and the signature.  Everything lives in a temporary directory;
# servers and files are removed on exit, also on failure or Ctrl-C
# (SOVSYNC_DEMO_KEEP=1 keeps the directory).
set -e

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SOVSYNC_BIN=${SOVSYNC_BIN:-$SRCDIR/bin}
PATH=$SOVSYNC_BIN:$PATH
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/sovsync-demo.XXXXXX")
export SRCDIR SOVSYNC_BIN PATH TRASH

for tool in lighttpd python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "demo: $tool is missing; run 'sh install/deps.sh' (make demo does)" >&2
		exit 1
	fi
done

# Called by lib-bg.sh's exit handler once the servers are stopped.
test_cleanup() {
	if [ -n "${SOVSYNC_DEMO_KEEP:-}" ]; then
		echo "(demo directory kept: $TRASH)"
	else
		chmod -R u+w "$TRASH" 2>/dev/null
		rm -rf "$TRASH"
	fi
}
. "$SRCDIR/tests/lib-httpd.sh"
. "$SRCDIR/tests/lib-webhook.sh"
. "$SRCDIR/tests/lib-cycle.sh"
CYCLE_SHOW=run
# On exit: stop the servers (lib-bg.sh), then test_cleanup; without `set -e`,
# which would end the handler at the first server already gone.  A signal
# ends the script through it too.
trap 'set +e; bg_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if ! [ -x "$WEB_WRITER" ]; then
	echo "demo: $WEB_WRITER is not built (make demo builds it)" >&2
	exit 1
fi

# Nothing from the user's own configuration may leak in or be touched.
HOME=$TRASH/home
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME='Demo User' GIT_AUTHOR_EMAIL='demo@example.com'
GIT_COMMITTER_NAME='Demo User' GIT_COMMITTER_EMAIL='demo@example.com'
GIT_MERGE_AUTOEDIT=no GIT_TERMINAL_PROMPT=0 LC_ALL=C
export HOME GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL GIT_MERGE_AUTOEDIT GIT_TERMINAL_PROMPT LC_ALL
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE SOVSYNC_WEBHOOK_TOKEN SOVSYNC_WEBHOOK_SECRET \
	SOVSYNC_TRACE
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global pull.rebase false

if [ -t 1 ]; then BOLD=$(printf '\033[1m') DIM=$(printf '\033[2m') OFF=$(printf '\033[0m')
else BOLD= DIM= OFF=; fi
step=0
# say TITLE: a new chapter; note TEXT: what happens and why.
say() {
	step=$((step + 1))
	printf '\n%s== %d. %s%s\n' "$BOLD" "$step" "$*" "$OFF"
}
note() {
	printf '%s\n' "$*" | fold -s -w 78
}
# run CMD...: show the command, then run it (in the current directory).
run() {
	_line=
	for _a in "$@"; do
		case "$_a" in
		*[!A-Za-z0-9_./=:@%+,-]*|'') _a="'$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'" ;;
		esac
		_line="$_line${_line:+ }$_a"
	done
	printf '%s$ %s%s\n' "$DIM" "$_line" "$OFF"
	"$@"
}
# deliveries [N]: the last N requests the receiver recorded.
deliveries() {
	receiver_query rx "['%-7s %s  status %s  token %s  signature %s' % (r['event'],
		r['id'][:18], r['status'], 'ok' if r['token_ok'] else 'BAD',
		'ok' if r['signature_ok'] else 'BAD') for r in recs[-${1:-100}:]]" |
	sed 's/^/    receiver: /'
}

say "The parts"
note "A bare repository served over HTTP by git http-backend behind lighttpd
(the 'GitHub' of this demo), and a webhook receiver standing in for the web
app's endpoint.  Both listen on 127.0.0.1 only."
cd "$TRASH"
cycle_setup
note "web server:  $(httpd_url web)/remote.git"
note "receiver:    $(receiver_url rx) (checks the bearer token and the signature)"

say "The local PC: a clone with sovsync installed"
note "cycle_setup cloned the remote and ran these in the clone (pc/):"
printf '%s$ %s%s\n' "$DIM" "sovsync install" "$OFF"
printf '%s$ %s%s\n' "$DIM" "sovsync track 'shared/**/*.bin'" "$OFF"
printf '%s$ %s%s\n' "$DIM" "git config sovsync.webhook.url $(receiver_url rx)" "$OFF"
printf '%s$ %s%s\n' "$DIM" "git config sovsync.webhook.secretFile \$DEMO/secrets/secret   # mode 0600" "$OFF"
note "install set the filter, the merge drivers, the attributes and the hooks;
the secret and the token live in 0600 files outside the work tree, never in
git config or on a command line.  Then it committed the layout and pushed."
cd pc
run cat .gitattributes
settle .
deliveries

say "Local work: memories and a large file, committed and pushed"
note "mem0 on the PC exports two memories; the vector index is a 300 kB binary
that the filter stores compressed in content-defined chunks."
mem_add $CYCLE_MEM m-pc-1 "Prefers dark roast coffee"
mem_add $CYCLE_MEM m-pc-2 "Works on sovsync"
test_random_file() {
	python3 -c 'import random, sys
r = random.Random(int(sys.argv[2])); sys.stdout.buffer.write(r.randbytes(int(sys.argv[1])))' "$2" "$3" >"$1"
}
test_random_file $CYCLE_BIN 1200000 7
run git add -A
run git commit -q -m "local: memories and vectors"
run git push -q origin main
note "The hooks refreshed the manifest (shared/state.json) in the commit and
queued a 'commit' and, once the push landed, a 'push' event; a detached sender
delivered them, so git never waited for the network."
settle .
deliveries 2
run sovsync verify && note "(exit 0: the manifest in HEAD describes its tree)"

say "The web app writes into the remote"
note "The web app commits straight into the bare repository, without a work
tree or hooks, like the GitHub contents API: it adds a memory and edits a
document (source = web)."
web_app_edit m-web-1 "Lives in Lisbon" "line two" "web: memory and notes"

say "Meanwhile the PC learns something too; then it pulls"
mem_add $CYCLE_MEM m-pc-3 "Runs on Sundays"
run git commit -q -a -m "local: one more memory"
run git pull -q --no-edit
note "The memories driver merged both sides by memory id; the follow-up commit
'sovsync: refresh manifest' recomputed the manifest for the web app's files
and stored its document in the filter's form."
note "Memories now in $CYCLE_MEM:"
python3 -c 'import json, sys
for m in json.load(open(sys.argv[1]))["results"]: print("   ", m["id"], "-", m["memory"])' $CYCLE_MEM
run git log --oneline -4
run sovsync verify
run git status --short
run git push -q origin main
settle .

say "Fault: the webhook receiver is down during a commit"
receiver_port rx >"$TRASH/rx-port"
receiver_stop rx
mem_add $CYCLE_MEM m-pc-4 "Committed while the receiver was down"
run git commit -q -a -m "local: while the receiver is down"
note "The commit returned at once; the event waits in the outbox:"
run sovsync webhook list
note "The receiver comes back; a flush (or the next hook) delivers it, once."
receiver_start rx "$(cat "$TRASH/rx-port")"
run sovsync webhook flush || true
settle .
deliveries 1

say "Fault: the receiver answers 500, then 429 with Retry-After: 1"
printf "500\n429 1\n" >"$TRASH/rx/script"
run git commit -q --allow-empty -m "local: a retried event"
note "The sender backs off with jitter after the 500 and waits the Retry-After
second after the 429; the same event id every time."
wait_outbox . 0
settle .
deliveries 3

say "Fault: the web server is down during a push"
httpd_stop web
run git push -q origin main || note "(the push failed, as it should: nothing left the PC, nothing is lost)"
httpd_start web "$TRASH/srv"
note "The server is back; the next push lands the same commits."
run git push -q origin main
settle .
deliveries 1

say "One pull, two kinds of change: memories and a conflicting document edit"
web_app_edit m-web-2 "Allergic to peanuts" "line two from the web" \
	"web: memory and a conflicting edit"
mem_add $CYCLE_MEM m-pc-5 "Plays the cello"
notes "line one, edited on the web" "line two from the PC" >$CYCLE_DOC
run git commit -q -a -m "local: memory and a conflicting edit"
run git pull -q --no-edit
note "The pull completed: the memories merged, the document kept both versions
between conflict markers and was queued for review instead of stopping the
merge."
run sovsync conflicts
run cat $CYCLE_DOC
notes "line one, edited on the web" "line two from the PC and the web" >$CYCLE_DOC
note "(the user edits the document and keeps both lines)"
run sovsync resolve $CYCLE_DOC
run git commit -q -m "resolve notes"
run git push -q origin main
settle .

say "The same cycle in one command"
note "'sovsync sync' commits what changed under shared/, pulls with the
drivers, pushes, and records the cycle (what 'sovsync watch' runs on every
change).  The mem0 export on the PC gained one more memory:"
mem_add $CYCLE_MEM m-pc-6 "Synced in one command"
run sovsync sync
settle .

say "Where things stand"
run sovsync verify && note "(exit 0: the manifest in HEAD describes its tree)"
run git status --short
run sovsync status
note ""
note "Done: every event was delivered with a valid signature, exactly once per
id ($(receiver_count rx) deliveries, $(receiver_query rx 'len(set(r["id"] for r in ok))') distinct ids)."
