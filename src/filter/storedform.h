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

#include <stdint.h>

#include <git2.h>

#include "buf.h"

/*
 * Whether blob `id`, under filter=sovsync, is in the form the clean filter
 * gives its content (filter.h, sovsync.filter.minSize = `min_size`): 1,
 * 0, or -1 on error.  A plain blob is right below min_size and wrong from
 * it up; a stored form is right, unless it is small and not a valid one
 * (content that only starts like a stored form: clean wraps it), or,
 * with `strict`, its content is below min_size (clean would store that
 * plain now: `track --renormalize`).  Without `strict` such a blob, from
 * before minSize or from a clone with another minSize, is left as it is:
 * only its next edit stores it plain.  Reads the blob's size and first
 * bytes; small stored forms are decoded whole.  An empty blob is right.
 */
int sov_storedform_blob_ok(git_repository *repo, const git_oid *id, uint64_t min_size,
			   int strict);

/*
 * Append to `out`, one per line, the paths under `root` added or changed
 * from commit `base` (NULL: every path) to commit `head` whose blob is not
 * in the form clean gives (sov_storedform_blob_ok, not strict) although
 * the attributes of the working tree (then index) say filter=sovsync: a
 * file of min_size or more written unfiltered.  A small plain file (the
 * web app's document) is in its form already and is never listed.
 * Returns 0 or -1.
 */
int sov_storedform_find_raw(git_repository *repo, const char *root, const git_oid *base,
			    const git_oid *head, uint64_t min_size, struct sov_buf *out);

/*
 * Write the form clean gives blob `blob`'s content (filter.h, `min_size`)
 * as a new blob; its id in `out`.  Content already in stored form is kept
 * as it is.  Returns 0 or -1.
 */
int sov_storedform_encode_blob(git_repository *repo, const git_oid *blob, uint64_t min_size,
			       git_oid *out);

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
