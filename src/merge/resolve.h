/*
 * resolve.h - settle one entry of the conflict queue (conflicts.h): the
 * logic behind `sovsync resolve` (src/cli/cli_conflicts.c only parses the
 * command line and prints).
 *
 * A choice is applied to the work tree and the index, then the entry leaves
 * the queue:
 *   SOV_RESOLVE_EDITED  the file as it stands (text: no conflict marker may
 *                       remain; binary: refused, a side must be named);
 *   SOV_RESOLVE_OURS    our recorded version is written;
 *   SOV_RESOLVE_THEIRS  their recorded version is written;
 *   SOV_RESOLVE_BOTH    both kept: ours at the path, theirs in a conflict
 *                       copy beside it (keepboth.h; a "copy" entry keeps its
 *                       copy, written again if it is gone; "newest" writes
 *                       the side it did not keep into a copy);
 * A "copy" entry settled any other way loses its copy (`git rm`, or
 * removed when untracked): the choice replaces it.
 * (modify/delete: the side that deleted the file gets `git rm`, the other
 * keeps the file as it is now, written from the record only if it is gone).
 * Recorded versions are read through the path's filters (`git cat-file
 * --filters`), so a file stored encoded comes out as a checkout writes it,
 * and written with sov_fs_replace_under (no symbolic link followed).  The
 * path is then staged (`git add` / `git rm`, literal pathspecs).
 *
 * Nothing here prints; errors go through error.h.  On failure the entry
 * stays queued.
 */
#ifndef SOV_RESOLVE_H
#define SOV_RESOLVE_H

#include <git2.h>

#include "buf.h"
#include "conflicts.h"

enum sov_resolve_choice {
	SOV_RESOLVE_EDITED,	/* no option: the work tree as it stands */
	SOV_RESOLVE_OURS,
	SOV_RESOLVE_THEIRS,
	SOV_RESOLVE_BOTH,
};

/* What sov_resolve did, for the caller's message. */
struct sov_resolve_outcome {
	struct sov_buf path;	/* owned: the entry's repository-relative path */
	int deleted;		/* the resolution deleted the file */
	struct sov_buf copy;	/* owned: the conflict copy kept ("" none) */
};

#define SOV_RESOLVE_OUTCOME_INIT { .path = SOV_BUF_INIT, .deleted = 0, .copy = SOV_BUF_INIT }

void sov_resolve_outcome_release(struct sov_resolve_outcome *o);

/*
 * Resolve "." and ".." lexically in a '/'-separated path, in place.  The
 * result is "" or starts with '/' ("a/./b/../c" -> "/a/c"); ".." never
 * climbs above the start.
 */
void sov_resolve_normalize(struct sov_buf *p);

/*
 * `arg` as a path relative to the top of the work tree `workdir`, taking it
 * the way Git does: relative to `cwd` (an absolute directory), or absolute.
 * Sets `out` to "" when it lies outside the work tree.  0, or -1 when
 * `workdir` cannot be resolved.
 */
int sov_resolve_worktree_path(const char *workdir, const char *cwd, const char *arg,
			      struct sov_buf *out);

/*
 * The queue entry `arg` names (borrowed from q): the path relative to `cwd`
 * first, then relative to the top of the work tree.  NULL with a message.
 */
const struct sov_conflict *sov_resolve_find(const struct sov_conflicts *q,
					    const char *workdir, const char *cwd,
					    const char *arg);

/*
 * A recorded version of `path` as a checkout writes it (through the path's
 * filters: a stored form comes out real), appended to `out`.  0 or -1.
 */
int sov_resolve_version(const char *workdir, const char *path, const git_oid *blob,
			struct sov_buf *out);

/*
 * Settle the entry `arg` names (see sov_resolve_find; `cwd` NULL: the
 * current directory) with `choice`, and remove it from the queue.  Fills
 * `out`.  0, or -1 with a message (the entry then stays queued).  The
 * conflictsResolved metric is the caller's business.
 */
int sov_resolve(git_repository *repo, const char *cwd, const char *arg,
		enum sov_resolve_choice choice, struct sov_resolve_outcome *out);

#endif
