/*
 * gitcmd.h - run the git command (for what libgit2 lacks, such as
 * `git add --renormalize`, which must run the configured filters).
 *
 * Commands run without a shell, with the caller's environment and working
 * directory; their stderr goes to ours so that Git's own messages reach
 * the user.  Output captured into a struct sov_buf owned by the caller.
 */
#ifndef SOV_GITCMD_H
#define SOV_GITCMD_H

#include "buf.h"

/*
 * Run `git argv[0] ...` (argv is NULL-terminated and excludes "git"),
 * appending its standard output to `out` when not NULL (else it inherits
 * ours), with `in` (may be NULL) as its standard input.  Returns 0 when
 * it exits 0, else -1 with a message naming the command.
 */
int sov_gitcmd_run(const char *const *argv, const struct sov_buf *in,
		   struct sov_buf *out);

#endif
