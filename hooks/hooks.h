/*
 * hooks.h - the Git hook handlers behind `sovsync hook <name>`.
 *
 * The scripts `sovsync install` writes into the hooks directory run
 * `<abs path>/sovsync hook <name> "$@"` and then any hook that was there
 * before.  Each handler gets the hook's own arguments (argv[0] is the hook
 * name) and its standard input, and returns the exit status for Git: always
 * 0, because sovsync's trouble must never fail or block a Git command; the
 * trouble is printed as a "sovsync: ..." warning instead.
 */
#ifndef SOV_HOOKS_H
#define SOV_HOOKS_H

#include "hookrun.h"

typedef int (*sov_hook_fn)(struct sov_hookrun *h, int argc, char **argv);

int sov_hook_pre_commit(struct sov_hookrun *h, int argc, char **argv);
int sov_hook_post_commit(struct sov_hookrun *h, int argc, char **argv);
int sov_hook_post_merge(struct sov_hookrun *h, int argc, char **argv);
int sov_hook_post_rewrite(struct sov_hookrun *h, int argc, char **argv);
int sov_hook_reference_transaction(struct sov_hookrun *h, int argc, char **argv);
int sov_hook_pre_push(struct sov_hookrun *h, int argc, char **argv);

/* Read and drop standard input (Git may block writing it otherwise). */
void sov_hook_drain_stdin(void);

#endif
