#!/bin/sh
# Progress of long filter work, Git's way: on stderr when it is a
# terminal, for large files, after Git's progress delay
# (GIT_PROGRESS_DELAY, 0 here), in bytes:
#   Compressing docs/big.bin: 45% (460/1024 MiB)
# and nothing otherwise.  script(1) gives the command a terminal.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-filter.sh"

git config --global --unset sovsync.filter.minSize

if ! test_have script; then
	test_skip 'progress on a terminal' 'script(1) missing'
	test_done
	exit 0
fi

# on_tty CMD: run the shell command CMD with a terminal; all output in tty.out.
on_tty() {
	script -qec "$1" /dev/null >tty.out 2>&1
}

test_expect_success 'setup: a 3 MiB file under the filter' '
	test_repo r &&
	echo "*.bin filter=sovsync diff=sovsync -text" >r/.gitattributes &&
	test_random_file r/big.bin 3145728 1 &&
	printf "small\n" >r/small.bin &&
	git -C r add .gitattributes && git -C r commit -q -m attrs
'

test_expect_success 'git add on a terminal: Compressing <path> in bytes, then done' '
	GIT_PROGRESS_DELAY=0 on_tty "git -C r add big.bin small.bin" &&
	tr "\r" "\n" <tty.out >lines &&
	grep "^Compressing big.bin: [0-9]*% ([0-9]*/3072 KiB)$" lines &&
	grep "^Compressing big.bin: 100% (3072/3072 KiB), done.$" lines &&
	! grep "small.bin" lines &&
	git -C r commit -q -m big
'

test_expect_success 'checkout on a terminal: Decompressing <path>' '
	rm r/big.bin &&
	GIT_PROGRESS_DELAY=0 on_tty "git -C r checkout -- big.bin" &&
	tr "\r" "\n" <tty.out >lines &&
	grep "^Decompressing big.bin: 100% ([0-9]*/[0-9]* KiB), done.$" lines &&
	test -z "$(git -C r status --porcelain)"
'

test_expect_success 'not a terminal: silent' '
	echo more >>r/big.bin &&
	GIT_PROGRESS_DELAY=0 git -C r add big.bin 2>err &&
	test ! -s err
'

test_expect_success 'quick work prints nothing within the delay' '
	echo again >>r/big.bin &&
	GIT_PROGRESS_DELAY=100 on_tty "git -C r add big.bin" &&
	! grep Compressing tty.out
'

test_expect_success 'below 1 MiB: silent even on a terminal' '
	git -C r config sovsync.filter.minSize 0 &&
	test_random_file r/mid.bin 500000 2 &&
	GIT_PROGRESS_DELAY=0 on_tty "git -C r add mid.bin" &&
	! grep "mid.bin" tty.out &&
	git -C r config --unset sovsync.filter.minSize
'

test_expect_success 'from 10 MiB up in whole MiB, with the path from the top' '
	mkdir -p r/docs &&
	test_random_file r/docs/huge.bin 12582912 5 &&
	GIT_PROGRESS_DELAY=0 on_tty "git -C r add docs/huge.bin" &&
	tr "\r" "\n" <tty.out >lines &&
	grep "^Compressing docs/huge.bin: [0-9]*% ([0-9]*/12 MiB)$" lines &&
	grep "^Compressing docs/huge.bin: 100% (12/12 MiB), done.$" lines &&
	! grep "huge.bin.*KiB" lines
'

test_expect_success 'track --renormalize: bytes; --no-progress silences, --progress forces' '
	test_repo t &&
	test_random_file t/a.dat 1500000 3 &&
	test_random_file t/b.dat 1500000 4 &&
	git -C t add . && git -C t commit -q -m raw &&
	(cd t && GIT_PROGRESS_DELAY=0 on_tty "sovsync track --no-progress --renormalize \"*.dat\"") &&
	! grep Renormalizing t/tty.out &&
	git -C t reset -q --hard && git -C t clean -qfd &&
	(cd t && GIT_PROGRESS_DELAY=0 sovsync track --progress --renormalize "*.dat" 2>../err) &&
	tr "\r" "\n" <err >lines &&
	grep "^Renormalizing files: 100% (2929/2929 KiB), done.$" lines
'

test_done
