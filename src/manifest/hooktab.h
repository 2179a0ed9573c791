/*
 * hooktab.h - the Git hooks sovsync installs, one row each, with their
 * handlers.
 *
 * A row says everything about one hook: its name, the handler behind
 * `sovsync hook <name>`, what its standard input carries, whether it runs
 * before Git acts (pre-: a chained hook of another tool runs first and its
 * refusal stands) or after, and when the script starts sovsync at all.
 * Driven from it: hookinst.c (which scripts are written, checked and
 * removed, and their text) and hooks/hook.c (the dispatcher).  Adding a
 * hook is a handler function and a row here.
 *
 * Each handler gets the hook's own arguments (argv[0] is the hook name)
 * and its standard input, and returns 0 or -1; the dispatcher reports a
 * failure as a "sovsync: <hook> hook: ..." warning and exits 0 anyway,
 * because sovsync's trouble must never fail or block a Git command.  The
 * one refusal is pre-push's (1, may_refuse): a push the host would refuse.
 */
#ifndef SOV_HOOKTAB_H
#define SOV_HOOKTAB_H

#include "hookrun.h"

/* What a hook reads on its standard input, and how the script keeps it. */
enum sov_hook_input {
	SOV_HOOK_INPUT_NONE,
	SOV_HOOK_INPUT_LINES,	/* a line or two: the shell's own read, no fork */
	SOV_HOOK_INPUT_ALL,	/* any amount: cat */
};

typedef int (*sov_hook_fn)(struct sov_hookrun *h, int argc, char **argv);

struct sov_hook {
	const char *name;
	sov_hook_fn handler;
	enum sov_hook_input input;
	int is_pre;		/* runs before Git acts: chained hook first */
	/*
	 * A shell `case "$1:$input"` pattern: the script starts sovsync only
	 * when it matches (reference-transaction: a remote-tracking ref moved
	 * in a committed transaction).  NULL: always.
	 */
	const char *only_when;
	/*
	 * The handler may refuse (returns 1, having said why): the script
	 * exits with sovsync's status.  Only pre-push, for a push the host
	 * would refuse anyway; every other hook's status is ignored.
	 */
	int may_refuse;
	/*
	 * post-commit: the script compares what pre-commit recorded in
	 * <git dir>/sovsync/precommit with `git rev-parse HEAD~1 HEAD:<root>`
	 * and does not start sovsync when HEAD holds exactly that (hookrun.c).
	 */
	int skip_if_recorded;
};

/* The hooks in install order; the last row's name is NULL. */
extern const struct sov_hook sov_hooks[];

/* The row of `name`, or NULL. */
const struct sov_hook *sov_hook_find(const char *name);

/* Read and drop standard input (Git may block writing it otherwise). */
void sov_hook_drain_stdin(void);

#endif
