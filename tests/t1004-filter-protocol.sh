#!/bin/sh
# sovsync filter-process spoken to directly in pkt-lines: the handshake,
# several files in one process, status=error / abort, graceful EOF, and
# protocol errors.  (Git itself drives it in t1000-t1003.)

. "$(dirname "$0")/lib.sh"

# Small files, stored in frames all the same (minSize is t1020's).
git config --global sovsync.filter.minSize 0 || exit 1

# pkt TEXT...: one text packet per argument; "--" is a flush packet.
pkt() {
	for a in "$@"; do
		if [ "$a" = -- ]; then
			printf 0000
		else
			printf "%04x%s\n" $(( ${#a} + 5 )) "$a"
		fi
	done
}

# pkt_file FILE: FILE as content packets (one per 1000 bytes), then a flush.
pkt_file() {
	perl -e 'binmode STDIN; binmode STDOUT; local $/ = \1000;
		while (my $b = <STDIN>) { printf "%04x", length($b) + 4; print $b }
		print "0000"' <"$1"
}

# unpkt <STREAM: each packet on its own line as "DATA <len>" or "FLUSH",
# text packets as "TEXT <line>"; content of the request is written to
# content.N files (N counts the responses).
unpkt() {
	perl -e 'binmode STDIN; my $n = 0; my $inbody = 0; my $fh;
		while (read(STDIN, my $h, 4) == 4) {
			my $len = hex($h);
			if ($len == 0) { print "FLUSH\n"; next }
			read(STDIN, my $d, $len - 4);
			if ($d =~ /^[a-z-]+=?[^\0]*\n\z/ && $len < 200 && $d !~ /[^\x20-\x7e\n]/) {
				chomp $d; print "TEXT $d\n";
			} else {
				print "DATA\n";
				open(my $o, ">>", "content.out") or die; binmode $o; print $o $d; close $o;
			}
		}'
}

hello() {
	pkt git-filter-client version=2 -- capability=clean capability=smudge capability=delay --
}

test_expect_success 'handshake answers version 2 and only clean and smudge' '
	hello >in &&
	sovsync filter-process <in >out &&
	unpkt <out >got &&
	cat >expect <<-\EOF &&
	TEXT git-filter-server
	TEXT version=2
	FLUSH
	TEXT capability=clean
	TEXT capability=smudge
	FLUSH
	EOF
	test_cmp expect got
'

test_expect_success 'clean then smudge in one process round-trips a file' '
	test_random_file data 200000 3 &&
	{ hello && pkt command=clean pathname=a/b.bin -- && pkt_file data; } >in &&
	sovsync filter-process <in >out &&
	unpkt <out >got &&
	grep -c "^TEXT status=success$" got >n && test "$(cat n)" = 1 &&
	sovsync clean <data >expect.stored &&
	cmp expect.stored content.out &&
	mv content.out stored &&
	{ hello && pkt command=smudge pathname=a/b.bin ref=refs/heads/main -- &&
	  pkt_file stored && pkt command=clean pathname=e.bin -- -- ; } >in &&
	sovsync filter-process <in >out &&
	unpkt <out >got &&
	test "$(grep -c "^TEXT status=success$" got)" = 2 &&
	cmp data content.out
'

test_expect_success 'a corrupt file gets status=error and the process goes on' '
	sovsync clean <data >stored &&
	perl -pi -e "BEGIN { binmode STDIN; binmode STDOUT } s/(.{3000})(.)/\$1 . chr(ord(\$2) ^ 1)/se" stored &&
	rm -f content.out &&
	{ hello && pkt command=smudge pathname=bad.bin -- && pkt_file stored &&
	  pkt command=smudge pathname=plain.txt -- && pkt_file data; } >in &&
	sovsync filter-process <in >out 2>err &&
	grep "^sovsync: bad.bin: corrupt" err &&
	unpkt <out >got &&
	sed -n "7,\$p" got >tail &&
	head -n 5 tail >first &&
	# smudge decodes while answering: damage ends the content with an error
	printf "TEXT status=success\nFLUSH\nFLUSH\nTEXT status=error\nFLUSH\n" >expect &&
	test_cmp expect first &&
	sed -n "6,\$p" tail >second &&
	printf "TEXT status=success\nFLUSH\n" >expect &&
	head -n 2 second >got2 &&
	test_cmp expect got2 &&
	cmp data content.out
'

test_expect_success 'an unknown command is answered with status=abort' '
	{ hello && pkt command=frobnicate pathname=x -- && pkt_file data; } >in &&
	sovsync filter-process <in >out &&
	unpkt <out >got &&
	grep "^TEXT status=abort$" got
'

test_expect_success 'protocol errors end the process with a message' '
	{ pkt git-filter-server version=2 --; } >in &&
	test_expect_code 1 sovsync filter-process <in >out 2>err &&
	grep "^sovsync: git filter protocol: expected .git-filter-client., got .git-filter-server." err &&
	{ pkt git-filter-client version=3 --; } >in &&
	test_expect_code 1 sovsync filter-process <in >out 2>err &&
	grep "does not offer version 2" err &&
	{ hello && printf "zz12hello"; } >in &&
	test_expect_code 1 sovsync filter-process <in >out 2>err &&
	grep "packet length .zz12. is not hex" err &&
	{ hello && printf "0002"; } >in &&
	test_expect_code 1 sovsync filter-process <in >out 2>err &&
	grep "invalid packet length 0002" err &&
	{ hello && pkt command=clean pathname=cut.bin -- && printf "0100abc"; } >in &&
	test_expect_code 1 sovsync filter-process <in >out 2>err &&
	grep "truncated packet" err &&
	{ hello && pkt command=clean pathname=cut.bin --; } >in &&
	test_expect_code 1 sovsync filter-process <in >out 2>err &&
	grep "end of stream inside .cut.bin." err
'

test_expect_success 'filter-process takes no arguments' '
	test_expect_code 2 sovsync filter-process extra 2>err &&
	grep "^usage: sovsync filter-process" err
'

test_done
