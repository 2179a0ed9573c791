#!/bin/sh
# sovsync service: on a system without Windows services (here) every action
# says so, shows the systemd user unit and command that do the same job,
# exits 1 and writes nothing; usage errors exit 2; `watch --service` refuses.
# (The Windows service itself: t8100 under Wine.)

. "$(dirname "$0")/lib.sh"

test_expect_success 'help names the actions and the service command line' '
	sovsync service --help >out &&
	grep "usage: sovsync service install" out &&
	grep "uninstall | start | stop | status" out &&
	grep "watch --service <dir>" out &&
	sovsync --help >out &&
	grep "^   service " out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 sovsync service 2>err &&
	grep "expected an action" err &&
	test_expect_code 2 sovsync service restart 2>err &&
	grep "unknown action .restart." err &&
	test_expect_code 2 sovsync service stop --bogus 2>err &&
	grep "unknown argument .--bogus." err &&
	test_expect_code 2 sovsync service status --name=a/b 2>err &&
	test_expect_code 2 sovsync service start --user=me 2>err &&
	test_expect_code 2 sovsync watch --service 2>err &&
	grep "needs a repository" err
'

test_expect_success 'install: Windows only, the systemd unit shown, nothing written' '
	test_repo r &&
	(cd r && test_expect_code 1 sovsync service install) 2>err &&
	grep "^sovsync: service install: Windows services exist on Windows only" err &&
	grep "^    ExecStart=$SOVSYNC_BIN/sovsync watch$" err &&
	grep "systemctl --user enable --now \"sovsync-watch@\$(systemd-escape --path .$TRASH/r.)\.service\"" err &&
	test ! -e home/.config/systemd &&
	test ! -e r/.git/sovsync/log
'

test_expect_success 'each action shows its systemctl command' '
	(cd r && test_expect_code 1 sovsync service uninstall) 2>err &&
	grep "systemctl --user disable --now " err &&
	(cd r && test_expect_code 1 sovsync service start) 2>err &&
	grep "systemctl --user start " err &&
	(cd r && test_expect_code 1 sovsync service stop --name=other) 2>err &&
	grep "systemctl --user stop " err &&
	(cd r && test_expect_code 1 sovsync service status) 2>err &&
	grep "systemctl --user status " err
'

test_expect_success 'a repository path with a quote and a space: the command runs as shown' '
	test_repo "it'\''s a repo" &&
	test_expect_code 1 sovsync service install --repo "it'\''s a repo" 2>err &&
	sed -n "s/^    systemctl --user enable/systemctl --user enable/p" err >cmd &&
	test "$(wc -l <cmd)" -eq 1 &&
	mkdir fake &&
	printf "#!/bin/sh\nprintf \"%%s\\\\n\" \"\$@\" >\"$TRASH/args\"\n" >fake/systemctl &&
	printf "#!/bin/sh\nprintf %%s \"\$2\"\n" >fake/systemd-escape &&
	chmod +x fake/systemctl fake/systemd-escape &&
	PATH="$TRASH/fake:$PATH" sh ./cmd &&
	printf "%s\n" --user enable --now "sovsync-watch@$TRASH/it'\''s a repo.service" >want &&
	test_cmp want args
'

test_expect_success 'outside a repository the unit is still shown' '
	mkdir nowhere &&
	(cd nowhere && test_expect_code 1 sovsync service install) 2>err &&
	grep "ExecStart=" err &&
	grep "/path/to/repository" err
'

test_expect_success 'watch --service: no service control manager here' '
	test_expect_code 1 sovsync watch --service "$TRASH/r" 2>err &&
	grep "Windows services exist on Windows only" err &&
	test ! -e r/.git/sovsync/log
'

test_done
