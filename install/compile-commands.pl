#!/usr/bin/perl
# compile-commands.pl DIR COMPILER-AND-FLAGS FILE... - emit a compilation
# database (compile_commands.json, as clangd, clang-tidy and cppcheck read
# it) for FILEs, each compiled in DIR with the given command; `make
# compile_commands` calls it with the Makefile's own flags, so no build
# interception (bear) is needed.
use strict;
use warnings;

die "usage: compile-commands.pl DIR 'CC FLAGS' FILE...\n" if @ARGV < 3;
my ($dir, $cmd, @files) = @ARGV;
my @flags = split ' ', $cmd;

sub quote {
	my $s = shift;
	$s =~ s/(["\\])/\\$1/g;
	$s =~ s/\n/\\n/g;
	$s =~ s/\t/\\t/g;
	return "\"$s\"";
}

my @entries;
for my $f (@files) {
	my @args = (@flags, '-c', '-o', '/dev/null', $f);
	push @entries, "  {\n    \"directory\": " . quote($dir) .
		",\n    \"file\": " . quote($f) .
		",\n    \"arguments\": [" . join(', ', map { quote($_) } @args) . "]\n  }";
}
print "[\n", join(",\n", @entries), "\n]\n";
