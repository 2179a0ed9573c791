/*
 * pushcheck.h - the host's size limit, checked before a push (pre-push).
 *
 * A host refuses a push that carries an object above its limit (GitHub:
 * files over 100 MB), after the whole pack has been sent, and the refusal
 * names no fix.  The pre-push hook lists every object the push would send
 * (`git rev-list --objects` of the pushed commits, minus what the remote
 * has as far as this clone knows) with its size (`git cat-file
 * --batch-check`), and refuses the push when one is larger than
 * sovsync.maxObjectSize: whatever stored it (the filter, a file outside
 * it, a chunk, a tree).
 */
#ifndef SOV_PUSHCHECK_H
#define SOV_PUSHCHECK_H

#include <stdint.h>

#include <git2.h>

#include "buf.h"

/*
 * Check the push Git describes on pre-push's standard input (`input`,
 * "<local ref> <local oid> <remote ref> <remote oid>" lines) to `remote`
 * (the hook's first argument: a remote's name or a URL).  Objects above
 * `max` bytes are described in `report`, one "<path>: <size> ..." line
 * each, then the fix.  Returns 0 (nothing too large), 1 (refuse: report
 * filled) or -1 on error (bad input, git failed).
 */
int sov_pushcheck_run(git_repository *repo, const char *remote, const char *input,
		      uint64_t max, struct sov_buf *report);

/* `n` bytes as Git prints sizes: "512 bytes", "3.25 KiB", "120.00 MiB". */
void sov_pushcheck_human_size(uint64_t n, struct sov_buf *out);

#endif
