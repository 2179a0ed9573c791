#!/bin/sh
# A second PC: `git clone` (no filter configured yet) checks every file
# under filter=sovsync out in its stored form; `sovsync install` then gives
# each its real content, and `git status` stays clean.  A file the user
# edited meanwhile is left as it is.

. "$(dirname "$0")/lib.sh"

# is_stored FILE: FILE starts with the sovsync magic.
is_stored() {
	test "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89534f5653594e43
}

# The files are small: every clone stores them in frames (minSize 0).
git config --global sovsync.filter.minSize 0 || exit 1

test_expect_success 'setup: the first PC tracks large files and pushes them' '
	git init -q --bare remote.git &&
	git clone -q remote.git pc1 2>/dev/null &&
	git -C pc1 commit -q --allow-empty -m initial &&
	sovsync install --repo pc1 >/dev/null &&
	(cd pc1 && sovsync track "shared/**/*.bin" >/dev/null) &&
	mkdir -p "pc1/shared/data/sub dir" &&
	test_random_file pc1/shared/data/big.bin 300000 1 &&
	test_random_file "pc1/shared/data/sub dir/a b.bin" 70000 2 &&
	test_random_file pc1/shared/data/run.bin 5000 3 &&
	chmod +x pc1/shared/data/run.bin &&
	test_random_file pc1/shared/data/edited.bin 5000 4 &&
	git -C pc1 add -A &&
	git -C pc1 commit -q -m data &&
	git -C pc1 push -q origin HEAD:main
'

test_expect_success 'a plain git clone holds the stored forms' '
	git clone -q -b main remote.git pc2 &&
	is_stored pc2/shared/data/big.bin &&
	is_stored "pc2/shared/data/sub dir/a b.bin" &&
	echo "an edit" >>pc2/shared/data/edited.bin
'

test_expect_success 'install checks out the real content; status is clean but for the edit' '
	sovsync install --repo pc2 >out &&
	grep "^checked out shared/data/big.bin in its real form$" out &&
	grep "^checked out shared/data/sub dir/a b.bin in its real form$" out &&
	! grep "edited.bin" out &&
	cmp pc1/shared/data/big.bin pc2/shared/data/big.bin &&
	cmp "pc1/shared/data/sub dir/a b.bin" "pc2/shared/data/sub dir/a b.bin" &&
	cmp pc1/shared/data/run.bin pc2/shared/data/run.bin &&
	test -x pc2/shared/data/run.bin &&
	is_stored pc2/shared/data/edited.bin &&
	git -C pc2 status --porcelain >st &&
	echo " M shared/data/edited.bin" >expect &&
	test_cmp expect st
'

test_expect_success 'a second install changes nothing' '
	sovsync install --repo pc2 >out &&
	! grep "checked out" out &&
	git -C pc2 status --porcelain >st &&
	test_cmp expect st
'

test_expect_success 'git clone --no-checkout, install, then the checkout: nothing in its way' '
	git clone -q --no-checkout remote.git pc4 &&
	sovsync install --repo pc4 >out &&
	grep "left .*\.gitattributes to the checkout" out &&
	! test -e pc4/.gitattributes && ! test -e pc4/shared/state.json &&
	git -C pc4 checkout -q main &&
	test_cmp pc1/shared/data/big.bin pc4/shared/data/big.bin &&
	test_cmp pc1/.gitattributes pc4/.gitattributes &&
	test -z "$(git -C pc4 status --porcelain)"
'

test_expect_success 'sovsync clone: the stored form never reaches the work tree' '
	sovsync clone remote.git pc3 >out &&
	grep "^cloned remote.git into pc3$" out &&
	! grep "checked out" out &&
	cmp pc1/shared/data/big.bin pc3/shared/data/big.bin &&
	test -x pc3/shared/data/run.bin &&
	test -z "$(git -C pc3 status --porcelain)" &&
	test -f pc3/.git/sovsync/install.json &&
	test -x pc3/.git/hooks/pre-commit &&
	test "$(git -C pc3 config merge.sovsync-memories.driver)" = \
	     "$(git -C pc1 config merge.sovsync-memories.driver)"
'

test_expect_success 'sovsync clone names the directory as git clone does; uninstall leaves no filter' '
	mkdir sub &&
	(cd sub && sovsync clone ../remote.git/ >../out) &&
	test -d sub/remote/.git &&
	cmp pc1/shared/data/big.bin sub/remote/shared/data/big.bin &&
	sovsync uninstall --repo sub/remote >/dev/null &&
	test_must_fail git -C sub/remote config filter.sovsync.process
'

test_expect_success 'sovsync clone: usage errors, and a clone that fails' '
	test_expect_code 2 sovsync clone 2>err &&
	grep "a repository URL is needed" err &&
	test_expect_code 2 sovsync clone --bogus x 2>err &&
	grep "unknown option" err &&
	test_expect_code 1 sovsync clone "$TRASH/no-such.git" nothere 2>err &&
	grep "git clone" err &&
	! test -e nothere
'

test_done
