#!/bin/sh
# Issue 17, "one repository context": no module but the settings table
# (src/core/settings.c, and sov_config_root, the reader of its root row)
# names a sovsync.* key to read it; install's sovsync.branch is the one
# documented exception (it writes the key).  A source check: a new
# getter of a sovsync.* key elsewhere fails here.  And the webhook
# credentials, now rows of the table, still work through it.  Also: every
# *_INIT of a header is written with designated initializers (issue 17,
# item 6), so a field added or moved cannot shift the others.

. "$(dirname "$0")/lib.sh"

test_expect_success 'no module but the settings table spells a sovsync.* key' '
	(cd "$SRCDIR" &&
	 grep -rnoE "\"sovsync\.[A-Za-z][A-Za-z.]*\"" src merge-drivers filters hooks \
		--include=*.c) >keys &&
	grep "^src/core/settings\.c:[0-9]*:\"sovsync\.root\"$" keys &&
	test_expect_code 1 grep -v -e "^src/core/settings\.c:" \
		-e "^src/core/config\.c:[0-9]*:\"sovsync\.root\"$" \
		-e "^src/setup/install\.c:[0-9]*:\"sovsync\.branch\"$" keys
'

test_expect_success 'sovsync.webhook.tokenFile and secretFile are rows of the table' '
	sovsync registry settings >settings &&
	grep "^sovsync\.webhook\.tokenFile" settings &&
	grep "^sovsync\.webhook\.secretFile" settings
'

test_expect_success 'every *_INIT is written with designated initializers' '
	(cd "$SRCDIR" &&
	 grep -rnE "^#define [A-Z0-9_]+_INIT[[:space:]]" src merge-drivers filters hooks \
		--include=*.h) >inits &&
	grep -q "SOV_BUF_INIT" inits &&
	test_expect_code 1 grep -vE "_INIT[[:space:]]+\{ *(\.[a-z_]+ *=|\})" inits
'

test_done
