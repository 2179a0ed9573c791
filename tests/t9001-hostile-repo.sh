#!/bin/sh
# Hostile repositories (docs/RELIABILITY.md): symlinks under shared/ that
# point outside the repository are never followed, neither when hashing
# nor when writing; a cloned repository's tracked files cannot make
# sovsync run a program (only local git config names programs); path names
# with spaces, newlines and non-ASCII bytes go through the filter and the
# manifest unharmed.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

test_expect_success 'setup' '
	mkdir outside &&
	echo SECRET >outside/victim &&
	cp outside/victim outside/victim.orig &&
	sov_setup r
'

test_expect_success 'a symlink to a file outside is hashed as a link, never read' '
	ln -s ../../../outside/victim r/shared/documents/link.md &&
	git -C r add -A && test_tick && git -C r commit -q -m link &&
	sov_fresh r &&
	sha=$(printf "../../../outside/victim" | sha256sum | cut -d" " -f1) &&
	test "$(sov_entry r documents/link.md hash)" = "sha256:$sha" &&
	test "$(sov_entry r documents/link.md size)" = 23 &&
	cmp outside/victim outside/victim.orig
'

test_expect_success 'shared/state.json as a symlink outside: replaced, never written through' '
	echo "{\"mine\": 1}" >outside/state &&
	cp outside/state outside/state.orig &&
	rm r/shared/state.json &&
	ln -s ../../outside/state r/shared/state.json &&
	git -C r add -A && test_tick && git -C r commit -q -m state-link &&
	cmp outside/state outside/state.orig &&
	test -f r/shared/state.json && ! test -L r/shared/state.json &&
	sov_fresh r
'

test_expect_success 'a symlinked directory under shared/ is not descended into' '
	mkdir outside/dir && echo inner >outside/dir/inner.md &&
	ln -s ../../../outside/dir r/shared/documents/ingested/linkdir &&
	git -C r add -A && test_tick && git -C r commit -q -m dir-link &&
	sov_fresh r &&
	test "$(sov_entry r documents/ingested/linkdir/inner.md size)" = absent &&
	test "$(sov_entry r documents/ingested/linkdir size)" = 20 &&
	test "$(cat outside/dir/inner.md)" = inner
'

test_expect_success 'names with spaces, newlines and non-ASCII bytes' '
	(cd r && sovsync track "shared/documents/ingested/*.bin" >/dev/null) &&
	git -C r config sovsync.filter.minSize 0 &&	# small files, in frames
	nl="$(printf "new\nline.bin")" &&
	test_random_file "r/shared/documents/ingested/a b.bin" 70000 1 &&
	test_random_file "r/shared/documents/ingested/$nl" 1000 2 &&
	test_random_file "r/shared/documents/ingested/$(printf "\303\274n\303\257.bin")" 300 3 &&
	test_random_file "r/shared/documents/ingested/$(printf "raw\377.bin")" 10 4 &&
	git -C r add -A && test_tick && git -C r commit -q -m names &&
	sov_fresh r &&
	git -C r cat-file -p "HEAD:shared/documents/ingested/a b.bin" | head -c 8 | od -An -c >magic &&
	grep "S   O   V" magic &&
	git clone -q r c &&
	git -C c config sovsync.filter.minSize 0 &&
	sovsync install --repo c >/dev/null &&
	rm -rf c/shared/documents/ingested &&
	git -C c checkout -q -- . &&
	for f in "a b.bin" "$nl" "$(printf "\303\274n\303\257.bin")" "$(printf "raw\377.bin")"; do
		cmp "r/shared/documents/ingested/$f" "c/shared/documents/ingested/$f" || exit 1
	done &&
	sov_fresh c
'

test_expect_success 'a cloned repository cannot make sovsync run a program' '
	# Everything a tracked file could try: attributes naming other
	# drivers, a .gitconfig / .sovsync config naming programs, config-like
	# members in state.json, a hook directory in the tree.
	test_repo evil &&
	sovsync install --repo evil >/dev/null && git -C evil add -A &&
	test_tick && git -C evil commit -q -m layout &&
	pwn="$TRASH/pwned" &&
	printf "[filter \"sovsync\"]\n\tclean = touch %s\n\tsmudge = touch %s\n[sovsync \"webhook\"]\n\turl = http://127.0.0.1:1/\n[core]\n\thooksPath = .githooks\n" \
		"$pwn" "$pwn" >evil/.gitconfig &&
	cp evil/.gitconfig evil/.sovsync &&
	cp evil/.gitconfig evil/shared/.gitconfig &&
	mkdir evil/.githooks &&
	printf "#!/bin/sh\ntouch %s\n" "$pwn" >evil/.githooks/pre-commit &&
	chmod +x evil/.githooks/pre-commit &&
	printf "* merge=evil filter=evil\nshared/** filter=sovsync merge=sovsync-doc\n" >>evil/.gitattributes &&
	perl -0pi -e "s/\\{/{\"hooks\": \"touch $(echo "$pwn" | sed "s,/,\\\\/,g")\", \"command\": [\"touch\", \"x\"], \"webhook\": {\"url\": \"http:\\/\\/127.0.0.1:1\\/\"},/" evil/shared/state.json &&
	git -C evil add -A && test_tick && git -C evil commit -q -m evil &&
	git clone -q evil victim &&
	sovsync install --repo victim >/dev/null &&
	echo "x" >victim/shared/documents/ingested/mine.md &&
	git -C victim add -A && test_tick && git -C victim commit -q -m mine &&
	echo "y" >evil/shared/documents/ingested/theirs.md &&
	git -C evil add -A && test_tick && git -C evil commit -q -m theirs &&
	{ git -C victim pull -q --no-rebase --no-edit 2>err || { cat err; false; }; } &&
	(cd victim && sovsync status >/dev/null && sovsync verify) &&
	! test -e "$pwn" && ! test -e victim/x &&
	(cd victim && sovsync status) >status &&
	grep "^webhook queue: *0 pending, 0 failed" status &&
	for key in filter.sovsync.clean filter.sovsync.smudge filter.sovsync.process \
		   merge.sovsync-doc.driver core.hooksPath; do
		test "$(git -C victim config --get $key)" = "$(git -C r config --get $key)" ||
		{ echo "$key differs from a plain install" >&2; exit 1; }
	done &&
	! git -C victim config --get sovsync.webhook.url
'

test_done
