#!/bin/sh
# install/setup.sh builds, installs under PREFIX and sets up a repository.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sovsync-hooks-lib.sh"

if [ "$SOVSYNC_BIN" != "$SRCDIR/bin" ]; then
	test_skip 'setup.sh installs and sets up' 'testing a non-default build'
	test_done
fi

test_expect_success 'setup.sh installs under PREFIX and sets the repository up' '
	test_repo r &&
	PREFIX="$TRASH/prefix" sh "$SRCDIR/install/setup.sh" r >out 2>&1 &&
	test -x prefix/bin/sovsync &&
	grep "add $TRASH/prefix/bin to PATH" out &&
	test "$(git -C r config filter.sovsync.process)" = "'"'"'$TRASH/prefix/bin/sovsync'"'"' filter-process" &&
	grep "$TRASH/prefix/bin/sovsync" r/.git/hooks/pre-commit &&
	sov_driver_fallbacks r &&
	git -C r add -A && git -C r commit -q -m layout &&
	(cd r && "$TRASH/prefix/bin/sovsync" verify)
'

test_expect_success 'setup.sh refuses a directory that is not a repository' '
	mkdir plain &&
	test_must_fail env PREFIX="$TRASH/prefix" sh "$SRCDIR/install/setup.sh" plain 2>err &&
	grep "not a git repository" err
'

test_done
