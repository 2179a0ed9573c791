/*
 * jdriver.h - what the JSON merge drivers share: read Git's three versions,
 * merge them under a policy, replace %A.
 *
 * Git's merge-driver contract (gitattributes(5)): %O, %A and %B are
 * temporary files holding the base, ours and theirs; the driver leaves the
 * result in %A and exits 0 (clean) or 1 (conflict).  %P is the path in the
 * repository, used in messages.  The drivers resolve every difference
 * between valid documents; they fail only on a side that cannot be read
 * (or decoded from the filter's stored form), is not JSON, or holds a value
 * of the wrong shape where the policy wants a collection, and when %A
 * cannot be written.  Then %A is left exactly as it was and Git records an
 * ordinary conflict, losing nothing.
 *
 * A base that does not parse (the virtual base of a criss-cross merge may
 * hold conflict markers) or is absent gives a two-way merge.
 *
 * All reading of the three versions goes through one function, and all
 * writing of the result through another (sov_jdriver_read_side,
 * sov_jdriver_replace), for the JSON drivers and the document driver
 * alike, so that content Git hands over in the filter's stored form can be
 * decoded and encoded back at exactly one place.  sov_jdriver_run reads
 * through the same loader and decoder, but keeps a side of 1 MiB or more
 * mapped (sov_os_map_file) instead of reading it.
 */
#ifndef SOV_JDRIVER_H
#define SOV_JDRIVER_H

#include "ctx.h"
#include "jpolicy.h"

/*
 * `ctx` is the driver's context (ctx.h), borrowed: its repository (NULL
 * outside one) and its config snapshot, from which sovsync.filter.minSize
 * is loaded (SOV_SET_FILTER) when a result is encoded.  Nothing here opens
 * the repository or the config again.
 */

/*
 * Merge `base`, `ours`, `theirs` (file names) into `ours`.  `path` names
 * the file in messages.  Returns 0, or -1 with a message
 * "<path>: <side>: <cause>" and `ours` untouched.
 */
int sov_jdriver_run(struct sov_ctx *ctx, const struct sov_jpolicy *policy, const char *base,
		    const char *ours, const char *theirs, const char *path);

/*
 * The one place a merge driver reads a side Git handed over (%O, %A, %B):
 * `file` into `plain`.  A file tracked with the sovsync filter reaches the
 * drivers in the filter's stored form: then `plain` gets the decoded
 * content and *encoded is set.  `stored` (NULL: not wanted) gets the bytes
 * as Git handed them over, from which blob ids are computed (that is what
 * the trees hold).  0 or -1 (the cause; callers put the repository path
 * and the side in front).
 */
int sov_jdriver_read_side(const char *file, struct sov_buf *plain, struct sov_buf *stored,
			  int *encoded);

/*
 * Replace %A (`file`) with `len` bytes of `data`, atomically, for every
 * merge driver; with `encode` set (ours came in the filter's stored form)
 * the bytes are stored in that form, as the clean filter would have.  The
 * temporary file is made in the context's git directory, not beside %A: Git creates %A in the top of the work tree,
 * and a driver killed between creating its temporary and renaming it
 * (kill -9, the OOM killer, Ctrl-C reaching the whole process group) would
 * leave there a file that the user's next `git add -A` commits.  In the
 * git directory it is harmless.  Outside a repository, or with the git
 * directory on another file system, the temporary goes beside %A.
 * Returns 0 or -1.
 */
int sov_jdriver_replace(struct sov_ctx *ctx, const char *file, const void *data, size_t len,
			int encode);

#endif
