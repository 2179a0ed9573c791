#!/bin/sh
# sovsync doctor: passes in a set-up clone; fails, naming the cause, when
# the hooks are removed, bypassed or never run, when the remote is
# unreachable, stalls or wants a password, when the signing key is
# missing, when attributes are overridden, a driver program is gone, a
# blob is over sovsync.maxObjectSize, the webhook endpoint is down.
# Every network wait is bounded by --timeout; no test asserts on time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-sync.sh"
. "$(dirname "$0")/lib-webhook.sh"

doctor_cleanup() {
	for _p in "$TRASH/hang.pid" "$TRASH/auth.pid"; do
		test -f "$_p" && kill -TERM "$(cat "$_p")" 2>/dev/null
	done
	bg_cleanup
}
trap doctor_cleanup EXIT

# doctor_line DIR CHECK: the line of CHECK in DIR's doctor output.
doctor_line() {
	grep "^[a-z]* *$2 " "$TRASH/$1.doctor"
}

# run_doctor DIR [ARGS]: doctor's output in $TRASH/DIR.doctor, its status echoed.
run_doctor() {
	_d=$1
	shift
	if (cd "$TRASH/$_d" && sovsync doctor --timeout=3 "$@") >"$TRASH/$_d.doctor" 2>&1
	then
		echo 0
	else
		echo $?
	fi
}

# run_doctor_status DIR: doctor in DIR as a command (exit status kept).
run_doctor_status() {
	(cd "$TRASH/$1" && sovsync doctor --timeout=3) >"$TRASH/$1.doctor" 2>&1
}

test_expect_success 'setup: a remote and an installed clone, pushed' '
	sync_setup &&
	(cd a && sovsync install >/dev/null) &&
	git -C a add -A &&
	git -C a commit -q -m install &&
	git -C a push -q origin HEAD:main
'

test_expect_success 'doctor passes in a set-up clone, one ok line per check' '
	test "$(run_doctor a)" = 0 &&
	cat a.doctor &&
	for c in install hooks config attributes identity signing remote webhook \
		 inotify sizes onpull sync; do
		doctor_line a $c | grep -q "^ok " || { echo "no ok for $c"; exit 1; }
	done &&
	! grep -v "^ok " a.doctor &&
	doctor_line a hooks | grep -q "Git runs them"
'

test_expect_success '--json: ok, and every check with status and message' '
	(cd a && sovsync doctor --json --timeout=3) >a.json &&
	python3 - a.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["ok"] is True, d
	names = [c["check"] for c in d["checks"]]
	assert "hooks" in names and "remote" in names and "signing" in names, names
	assert all(c["status"] == "ok" and c["message"] for c in d["checks"]), d
	PY
'

test_expect_success 'the probe leaves nothing behind: no commit, clean tree' '
	head=$(git -C a rev-parse HEAD) &&
	test "$(run_doctor a)" = 0 &&
	test "$(git -C a rev-parse HEAD)" = "$head" &&
	test -z "$(git -C a status --porcelain)" &&
	! test -e a/.git/sovsync/doctor-probe
'

test_expect_success 'hooks removed: fails, naming the hook and the fix' '
	rm a/.git/hooks/pre-commit &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a hooks | grep "^fail" | grep "pre-commit: missing" |
		grep -q "sovsync install" &&
	(cd a && sovsync doctor --json --timeout=3 >../a.json || test $? = 1) &&
	grep -q "\"ok\": false" a.json &&
	(cd a && sovsync install >/dev/null) &&
	test "$(run_doctor a)" = 0
'

test_expect_success 'the whole hooks directory gone: fails, naming every hook' '
	mv a/.git/hooks hooks.away &&
	test "$(run_doctor a)" = 1 &&
	for h in pre-commit post-commit post-merge post-rewrite pre-push; do
		doctor_line a hooks | grep "^fail" | grep -q "$h: missing" || exit 1
	done &&
	mv hooks.away a/.git/hooks &&
	test "$(run_doctor a)" = 0
'

test_expect_success 'a hook that is in place but never reaches sovsync fails (edited)' '
	cp a/.git/hooks/post-commit hook.saved &&
	# Still marked as ours and executable: only running it shows the trouble.
	sed -i "3i exit 0" a/.git/hooks/post-commit &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a hooks | grep "^fail" | grep -q "Git did not run it" &&
	cp hook.saved a/.git/hooks/post-commit &&
	test "$(run_doctor a)" = 0
'

test_expect_success 'other tools'"'"' hooks chained by install are never run by the probe' '
	test_repo c &&
	for h in post-commit post-merge; do
		printf "#!/bin/sh\necho %s >>\"$TRASH/foreign.log\"\n" $h >c/.git/hooks/$h &&
		chmod +x c/.git/hooks/$h || exit 1
	done &&
	(cd c && sovsync install >/dev/null) &&
	test -x c/.git/hooks/post-commit.sovsync-chained &&
	test_expect_code 1 run_doctor_status c &&
	doctor_line c hooks | grep "^ok" | grep -q "Git runs them (pre-merge-commit tried)" &&
	! test -e foreign.log
'

test_expect_success 'hooks that call another sovsync: a warning, and no probe through it' '
	mkdir -p copy &&
	cp "$SOVSYNC_BIN/sovsync" copy/sovsync &&
	test_repo e &&
	(cd e && "$TRASH/copy/sovsync" install >/dev/null) &&
	test_expect_code 1 run_doctor_status e &&
	doctor_line e hooks | grep "^warn" | grep -q "they run $TRASH/copy/sovsync, not this sovsync"
'

test_expect_success 'core.hooksPath pointing elsewhere: fails, names it' '
	git -C a config core.hooksPath "$TRASH/elsewhere" &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a hooks | grep "^fail" | grep -q "core.hooksPath is .*elsewhere" &&
	git -C a config --unset core.hooksPath
'

test_expect_success 'a hook that is not executable fails' '
	chmod -x a/.git/hooks/post-merge &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a hooks | grep "^fail" | grep -q "post-merge: not executable" &&
	chmod +x a/.git/hooks/post-merge
'

test_expect_success 'not installed: install fails' '
	test "$(run_doctor b)" = 1 &&
	doctor_line b install | grep "^fail" | grep -q "not installed"
'

test_expect_success 'a driver program that is gone fails config' '
	git -C a config merge.sovsync-doc.driver "/nonexistent/sovsync merge-doc %O %A %B %P %L" &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a config | grep "^fail" | grep -q "/nonexistent/sovsync, which is missing" &&
	(cd a && sovsync install >/dev/null) &&
	# Only the value Git uses counts: a stale one a level below is overridden.
	git config --global merge.sovsync-doc.driver "/gone/sovsync merge-doc %O %A %B %P %L" &&
	git config --global filter.sovsync.process "/gone/sovsync filter-process" &&
	test "$(run_doctor a)" = 0 &&
	doctor_line a config | grep -q "^ok" &&
	git config --global --unset merge.sovsync-doc.driver &&
	git config --global --unset filter.sovsync.process
'

test_expect_success 'attributes overridden by a .gitattributes further down fail' '
	printf "*.json merge=text\n" >a/shared/.gitattributes &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a attributes | grep "^fail" |
		grep -q "shared/state.json: merge is text, sovsync.s line says sovsync-state" &&
	rm a/shared/.gitattributes
'

test_expect_success '.gitattributes never committed, or edited since: attributes warns, with the fix' '
	git clone -q remote.git fresh 2>/dev/null &&
	(cd fresh && sovsync install >/dev/null) &&
	git -C fresh rm -q --cached .gitattributes &&
	git -C fresh commit -q -m "attributes untracked, as after install in a new repository" &&
	test "$(run_doctor fresh)" = 0 &&
	doctor_line fresh attributes | grep "^warn" | grep "is not committed" |
		grep "the next sovsync sync commits it" |
		grep -q "fix: run sovsync sync (or: git add .gitattributes" &&
	echo "*.bin binary" >>a/.gitattributes &&
	test "$(run_doctor a)" = 0 &&
	doctor_line a attributes | grep "^warn" | grep -q "changed since the last commit" &&
	git -C a checkout -q .gitattributes &&
	test "$(run_doctor a)" = 0 &&
	doctor_line a attributes | grep -q "^ok"
'

test_expect_success 'no identity to commit with fails identity' '
	git -C a config user.useConfigOnly true &&
	(cd a && env -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL -u GIT_COMMITTER_NAME \
		-u GIT_COMMITTER_EMAIL -u EMAIL sovsync doctor --timeout=3 >../a.doctor 2>&1 ||
	 echo $? >../rc) &&
	test "$(cat rc)" = 1 && rm rc &&
	doctor_line a identity | grep "^fail" | grep -q "no identity to commit with" &&
	git -C a config --unset user.useConfigOnly
'

test_expect_success 'unreachable remote: fails, naming the remote' '
	git -C a remote set-url origin "$TRASH/no-such-remote.git" &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a remote | grep "^fail" | grep -q "origin (.*no-such-remote.git) is unreachable" &&
	# A server that refuses the connection (nothing listens on port 1).
	git -C a remote set-url origin "http://127.0.0.1:1/r.git" &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a remote | grep "^fail" | grep "origin (http://127.0.0.1:1/r.git) is unreachable" |
		grep -q "fix: check remote" &&
	git -C a remote set-url origin "$TRASH/remote.git" &&
	test "$(run_doctor a)" = 0
'

test_expect_success 'a stalled remote (accepts, never answers) fails within the bound' '
	silent_server "$TRASH/hang.log" &&
	git -C a remote set-url origin "http://127.0.0.1:$(cat hang.port)/r.git" &&
	# The outer timeout only keeps a broken build from hanging the suite.
	(cd a && timeout 120 sovsync doctor --timeout=1 >../a.doctor 2>&1 || echo $? >../rc) &&
	test "$(cat rc)" = 1 &&
	doctor_line a remote | grep "^fail" | grep -q "origin (http://127.0.0.1:[0-9]*/r.git)" &&
	git -C a remote set-url origin "$TRASH/remote.git"
'

test_expect_success 'a remote that wants a password fails: a sync asks nobody' '
	{ python3 - "$TRASH/auth.port" >auth.log 2>&1 <<-\PY &
	import http.server, os, sys
	class H(http.server.BaseHTTPRequestHandler):
	    def do_GET(self):
	        self.send_response(401)
	        self.send_header("WWW-Authenticate", "Basic realm=\"r\"")
	        self.send_header("Content-Length", "0")
	        self.end_headers()
	    def log_message(self, *a): pass
	s = http.server.HTTPServer(("127.0.0.1", 0), H)
	open(sys.argv[1] + ".new", "w").write(str(s.server_port))
	os.rename(sys.argv[1] + ".new", sys.argv[1])
	s.serve_forever()
	PY
	} &&
	echo $! >auth.pid &&
	wait_until 30 test -e auth.port &&
	git -C a remote set-url origin "http://127.0.0.1:$(cat auth.port)/r.git" &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a remote | grep "^fail" | grep -q "needs a password prompt" &&
	git -C a remote set-url origin "$TRASH/remote.git"
'

test_expect_success 'credentials in the remote URL never reach the output' '
	git -C a remote set-url origin "http://user:s3cr3t@127.0.0.1:$(cat auth.port)/r.git" &&
	test "$(run_doctor a)" = 1 &&
	cat a.doctor &&
	doctor_line a remote | grep "^fail" | grep -q "http://\*\*\*@127.0.0.1" &&
	! grep -q s3cr3t a.doctor &&
	git -C a remote set-url origin "$TRASH/remote.git"
'

if test_have ssh-keygen; then
test_expect_success 'signing: works with the key, fails naming it when it is missing' '
	ssh-keygen -q -t ed25519 -N "" -C test -f "$TRASH/key" &&
	git -C a config gpg.format ssh &&
	git -C a config user.signingKey "$TRASH/key.pub" &&
	git -C a config commit.gpgSign true &&
	test "$(run_doctor a)" = 0 &&
	doctor_line a signing | grep "^ok" | grep -q "signed (gpg.format ssh" &&
	mv "$TRASH/key" "$TRASH/key.away" &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a signing | grep "^fail" | grep "Git cannot sign" | grep -q "key.pub" &&
	git -C a config --unset commit.gpgSign
'

test_expect_success 'signing: no key set (ssh), or its public half gone: fails, naming the cause' '
	mv "$TRASH/key.away" "$TRASH/key" &&
	git -C a config commit.gpgSign true &&
	git -C a config --unset user.signingKey &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a signing | grep "^fail" | grep "user.signingKey not set" |
		grep -q "fix: set user.signingKey" &&
	git -C a config user.signingKey "$TRASH/key.pub" &&
	test "$(run_doctor a)" = 0 &&
	mv "$TRASH/key.pub" "$TRASH/key.pub.away" &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a signing | grep "^fail" | grep -q "key.pub: No such file" &&
	mv "$TRASH/key.pub.away" "$TRASH/key.pub" &&
	git -C a config --unset commit.gpgSign &&
	git -C a config --unset gpg.format &&
	git -C a config --unset user.signingKey
'
else
test_skip 'signing: works with the key, fails naming it when it is missing' 'ssh-keygen missing'
fi

test_expect_success 'a blob over sovsync.maxObjectSize fails sizes; an uncommitted one warns' '
	git -C a config sovsync.maxObjectSize 4096 &&
	test_random_file a/shared/big.dat 8192 &&
	test "$(run_doctor a)" = 0 &&
	doctor_line a sizes | grep "^warn" | grep -q "shared/big.dat (.*not committed yet)" &&
	git -C a add shared/big.dat &&
	git -C a commit -q -m big &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a sizes | grep "^fail" | grep -q "shared/big.dat" &&
	git -C a config --unset sovsync.maxObjectSize &&
	test "$(run_doctor a)" = 0
'

test_expect_success 'webhook: a receiver that answers is ok; one that is down fails' '
	receiver_start rx &&
	git -C a config sovsync.webhook.tokenFile "$TRASH/secrets/token" &&
	git -C a config sovsync.webhook.secretFile "$TRASH/secrets/secret" &&
	git -C a config sovsync.webhook.url "$(receiver_url rx)" &&
	test "$(run_doctor a)" = 0 &&
	doctor_line a webhook | grep "^ok" | grep -q "HTTP 2" &&
	receiver_stop rx &&
	test "$(run_doctor a)" = 1 &&
	doctor_line a webhook | grep "^fail" | grep -q "did not take a test event" &&
	git -C a config --unset sovsync.webhook.url
'

test_expect_success 'doctor --help and a bad option' '
	sovsync doctor --help >help &&
	grep -q "usage: sovsync doctor" help &&
	test_expect_code 2 sovsync doctor --bogus
'

test_done
