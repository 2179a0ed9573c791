#!/bin/sh
# One fact, one place: the merge drivers, the hooks and the webhook events
# are rows of tables (src/merge/drivers.c, src/manifest/hooktab.c, src/webhook/events.c), and
# install, the dispatcher, the template .gitattributes and the docs agree
# with them.  `sovsync registry` prints the tables.

. "$(dirname "$0")/lib.sh"

# sample PATTERN: a path the pattern matches.
sample() {
	printf '%s\n' "$1" | sed -e 's|\*\*|a/b/c.md|' -e 's|\*|x|'
}

test_expect_success 'the tables are there' '
	sovsync registry drivers >drivers &&
	sovsync registry hooks >hooks &&
	sovsync registry events >events &&
	sovsync registry settings >settings &&
	test $(cut -f1 drivers | sort -u | wc -l) -ge 5 &&
	test $(wc -l <hooks) -ge 6 &&
	test $(wc -l <events) -ge 3 &&
	grep "^sovsync.root	-	root	shared$" settings &&
	grep "^sovsync.networkTimeout	sovsync.sync.networkTimeout	duration	120$" settings
'

test_expect_success 'install, git check-attr and git config agree with the driver table, row by row' '
	test_repo r &&
	sovsync install --repo r >/dev/null &&
	while IFS="	" read -r attr cmd pattern kind moddel; do
		p=shared/$(sample "$pattern") &&
		git -C r check-attr merge -- "$p" >out &&
		echo "$p: merge: $attr" >expect &&
		test_cmp expect out &&
		driver=$(git -C r config "merge.$attr.driver") &&
		case "$driver" in *"/sovsync'"'"' $cmd") ;; *) echo "$attr: $driver" >&2; exit 1;; esac &&
		git -C r config "merge.$attr.name" >/dev/null &&
		sovsync help "${cmd%% *}" >help &&
		if test "$kind" = json; then grep -x -F "    $pattern" help || exit 1; fi
	done <drivers &&
	# The config check of status uses the same table: all current.
	(cd r && sovsync status --json) >status &&
	grep -A1 "\"config\": {" status | grep "\"current\": true"
'

test_expect_success 'the same root spelled shared/ gives the same lines; the template and FORMATS.md have them' '
	sovsync registry attributes >attrs &&
	sovsync registry attributes ./shared/ >attrs2 &&
	test_cmp attrs attrs2 &&
	grep "^shared/" "$SRCDIR/.gitattributes" >template &&
	test_cmp attrs template &&
	sed -n "/^## Git configuration written by/,/^### /p" "$SRCDIR/docs/FORMATS.md" |
		sed -n "s/^    \(shared\/.*\)/\1/p" >formats &&
	test_cmp attrs formats &&
	test_repo fresh &&
	sovsync install --repo fresh >/dev/null &&
	test_cmp attrs fresh/.gitattributes
'

test_expect_success 'the README lists each driver command with its arguments and none of another driver'"'"'s files' '
	python3 - "$SRCDIR/README.md" drivers <<-\EOP
	import sys
	readme = open(sys.argv[1]).read().splitlines()
	rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
	bad = 0
	for attr, cmd, pat, kind, moddel in rows:
	    line = [l for l in readme if l.startswith("| `sovsync %s`" % cmd)]
	    if len(line) != 1:
	        print("README: no row for sovsync %s" % cmd); bad = 1; continue
	    for a2, c2, p2, k2, m2 in rows:
	        name = p2.rsplit("/", 1)[-1]
	        if c2 != cmd and "*" not in name and name in line[0] and \
	           not any(name == p3.rsplit("/", 1)[-1] for a3, c3, p3, k3, m3 in rows if c3 == cmd):
	            print("README: sovsync %s names %s, a file of %s" % (cmd, name, a2)); bad = 1
	sys.exit(bad)
	EOP
'

test_expect_success 'every hook of the table is installed, ours, and known to the dispatcher' '
	hooks_dir=$(git -C r rev-parse --path-format=absolute --git-path hooks) &&
	while IFS="	" read -r name when input; do
		test -x "$hooks_dir/$name" &&
		grep -q "^# sovsync-hook v1$" "$hooks_dir/$name" &&
		grep -q "hook $name " "$hooks_dir/$name" &&
		case $when in
		pre) grep -q "|| exit \$?" "$hooks_dir/$name" ;;
		post) ! grep -q "|| exit \$?" "$hooks_dir/$name" ;;
		esac &&
		case $input in
		none) ! grep -q "input" "$hooks_dir/$name" ;;
		*) grep -q "printf .%s. \"\$input\" |" "$hooks_dir/$name" ;;
		esac &&
		# Outside an installed repository the dispatcher knows it and stays quiet.
		test_repo "plain-$name" &&
		(cd "plain-$name" && sovsync hook "$name" </dev/null >out 2>err) &&
		! test -s err || { echo "$name" >&2; cat "plain-$name/err" >&2; exit 1; }
	done <hooks &&
	test $(ls "$hooks_dir" | grep -v "\.sample$" | wc -l) = $(wc -l <hooks) &&
	(cd r && sovsync hook no-such-hook 2>err </dev/null) &&
	grep "not a sovsync hook" r/err
'

test_expect_success 'every webhook event is queued by a hook of the table' '
	while IFS="	" read -r event hook; do
		grep -q "^$hook	" hooks || { echo "$event: $hook" >&2; exit 1; }
	done <events &&
	cut -f1 events | tr "\n" " " >names &&
	printf "commit merge push " >expect &&
	test_cmp expect names
'

test_done
