#!/bin/sh
# The Windows build (make windows) under wine64: sovsync.exe runs, names the
# four libraries and the versions install/windows-deps.sh pins, uses the
# system's TLS (Schannel) and crypto, not OpenSSL, and says plainly what this
# build leaves out.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-wine.sh"

# upstream_version PACKAGE: the upstream part of a pinned Debian version
# (1:1.2.13.dfsg-1 -> 1.2.13) from install/windows-deps.sh.
upstream_version() {
	awk -v p="$1" '$1 == p { print $2 }' "$SRCDIR/install/windows-deps.sh" |
	sed -e 's/^[0-9]*://' -e 's/-[^-]*$//' -e 's/[+.~]\(ds\|dfsg\)[0-9]*$//'
}

test_expect_success WINE '--version names libgit2, zstd, jansson, libcurl and their pinned versions' '
	win_sovsync --version >out &&
	tr -d "\r" <out >version &&
	cat version &&
	for pair in libgit2:libgit2 zstd:libzstd jansson:jansson libcurl:curl; do
		name=${pair%%:*} &&
		v=$(upstream_version ${pair#*:}) &&
		test -n "$v" &&
		grep "^$name $v\\b" version || exit 1
	done &&
	grep "^libgit2 1\.5\.1 (compiled with 1\.5\.1)" version &&
	grep "^jansson 2\.14 (compiled with 2\.14)" version
'

test_expect_success WINE 'libcurl speaks TLS through Schannel; no OpenSSL in the exe' '
	win_sovsync version | tr -d "\r" >version &&
	grep "^libcurl .*Schannel" version &&
	! grep -i "openssl" version &&
	! grep -a -i "OpenSSL_version\|libcrypto" "$WIN_EXE"
'

test_expect_success WINE '--version --short and version agree with the Linux build' '
	win_sovsync version --short | tr -d "\r" >win &&
	sovsync version --short >lin &&
	test_cmp lin win
'

test_expect_success WINE 'git-sovsync.exe (for `git sovsync`) is the same program' '
	timeout "$WIN_TIMEOUT" "$WINE64" "$(dirname "$WIN_EXE")/git-sovsync.exe" version --short |
		tr -d "\r" >git &&
	win_sovsync version --short | tr -d "\r" >win &&
	test_cmp win git
'

test_expect_success WINE 'an unknown command fails as on Linux (exit code and message)' '
	test_expect_code 2 sovsync no-such-command >lin.out 2>&1 &&
	test_expect_code 2 win_sovsync no-such-command >win.raw 2>&1 &&
	tr -d "\r" <win.raw >win.out &&
	head -n 1 lin.out >lin.first &&
	head -n 1 win.out >win.first &&
	grep "no-such-command" win.first &&
	test_cmp lin.first win.first
'

test_expect_success WINE 'the exe imports only DLLs that Windows has' '
	dlls=$(x86_64-w64-mingw32-objdump -p "$WIN_EXE" | sed -n "s/^[[:space:]]*DLL Name: //p" |
		tr "A-Z" "a-z") &&
	test -n "$dlls" &&
	for d in $dlls; do
		case "$d" in
		kernel32.dll|advapi32.dll|bcrypt.dll|crypt32.dll|ws2_32.dll|winhttp.dll|\
secur32.dll|rpcrt4.dll|ole32.dll|shell32.dll|user32.dll|msvcrt.dll|wldap32.dll|\
normaliz.dll|iphlpapi.dll|userenv.dll|ntdll.dll|api-ms-win-*) ;;
		*) test -f "$(dirname "$WIN_EXE")/$d" || { echo "needs $d, not beside the exe"; exit 1; } ;;
		esac
	done
'

test_expect_success WINE '`sovsync ui` says it is not in this build' '
	test_repo r &&
	cd r &&
	test_must_fail timeout 60 sh "$SRCDIR/tests/wine-run.sh" "$WIN_EXE" ui 2>err.raw </dev/null &&
	tr -d "\r" <err.raw >err &&
	cat err &&
	grep "not in this build" err
'

test_done
