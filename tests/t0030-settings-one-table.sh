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

# Issue 19: the operating system is src/os/'s business (src/os/posix/,
# src/os/win32/, picked by the Makefile's OS_DIR).  No other file tests
# which system it is built for.
# Also the version and C library macros of a system (_WIN32_WINNT,
# __GLIBC__), __has_include() of a system header, and a condition that a
# backslash continues on the next line (where the name could hide).
os_test='^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)\b.*(\b(_WIN32|_WIN64|WIN32|_WIN32_WINNT|WINVER|__MINGW32__|__MINGW64__|__CYGWIN__|__CYGWIN32__|__linux__|__linux|linux|__gnu_linux__|__APPLE__|__MACH__|__unix__|__unix|unix|_MSC_VER|__FreeBSD__|__NetBSD__|__OpenBSD__|__DragonFly__|__sun|_AIX|__HAIKU__|__GLIBC__|_POSIX_VERSION)\b|__has_include|\\$)'

test_expect_success 'the system check itself catches #ifdef _WIN32 and #if defined(__linux__)' '
	printf "%s\n" "#ifdef _WIN32" "  #  if defined(__linux__) && x" "#ifndef SOV_OS_H" \
		"#if _WIN32_WINNT >= 0x0600" "#if defined(__OpenBSD__)" "#ifdef __GLIBC__" \
		"#if __has_include(<sys/inotify.h>)" "#if defined(X) && \\" "#define WIN32_X 1" \
		"#if defined(__linux__x)" >sample &&
	grep -cE "$os_test" sample >count &&
	echo 7 >expect &&
	test_cmp expect count
'

test_expect_success 'no #if on the operating system outside src/os/' '
	(cd "$SRCDIR" &&
	 grep -rnE -e "$os_test" -e "^#define SOV_OSCOMPAT_H" src filters merge-drivers \
		hooks tests/unit tests/fuzz tests/tools --include=*.c --include=*.h) >found &&
	grep "^src/os/posix/oscompat.h:" found &&
	test_expect_code 1 grep -v "^src/os/" found
'

test_done
