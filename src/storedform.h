/*
 * storedform.h - find and fix files that a commit stores in their real form
 * although their attributes select the large-file filter (filter=sovsync).
 *
 * A writer without the filter - the web app committing through the GitHub
 * contents API - stores what it is given.  A clone with the filter cleans
 * such a file to the stored form (frame.h), which differs from the blob:
 * `git status` shows it modified (whenever Git re-reads it, e.g. a racy
 * index entry) and the next local commit rewrites it.  The hooks give such
 * files their stored form in the follow-up commit after a pull (hookrun.h).
 *
 * Empty blobs are already in stored form (empty content encodes to empty).
 */
#ifndef SOV_STOREDFORM_H
#define SOV_STOREDFORM_H

#include <git2.h>

#include "buf.h"

/*
 * Append to `out`, one per line, the paths under `root` added or changed
 * from commit `base` (NULL: every path) to commit `head` whose blob is not
 * in stored form although the attributes of the working tree (then index)
 * say filter=sovsync.  Returns 0 or -1.
 */
int sov_storedform_find_raw(git_repository *repo, const char *root, const git_oid *base,
			    const git_oid *head, struct sov_buf *out);

/*
 * Write the stored form of blob `blob` as a new blob; its id in `out`.
 * Content already in stored form is kept as it is.  Returns 0 or -1.
 */
int sov_storedform_encode_blob(git_repository *repo, const git_oid *blob, git_oid *out);

/*
 * The other way, for a clone made before the filter was configured (`git
 * clone`, then `sovsync install` on a second PC): Git checked every file
 * under filter=sovsync out in its stored form.  Each such work tree file
 * that is byte for byte its index blob, in stored form, is replaced by its
 * real content (atomically, its mode kept), and added again (cleaned, it
 * is the same blob; the entry gets its stat info), so `git status` stays
 * clean.  A file edited since, a link or a path through a
 * link is left alone.  Appends the paths replaced to `fixed`, one per line.
 * Returns 0 or -1 (the files replaced until then are refreshed too).
 */
int sov_storedform_checkout_real(git_repository *repo, struct sov_buf *fixed);

#endif
