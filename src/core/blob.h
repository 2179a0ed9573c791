/*
 * blob.h - read a blob in bounded memory, whatever its size.
 *
 * libgit2 inflates a whole object into memory to read it; a tracked file
 * can be many GiB.  Blobs from SOV_BLOB_STREAM_MIN up are piped from `git
 * cat-file blob` instead, which streams even a packed blob when told to
 * (core.bigFileThreshold), with small pack windows (mapped pack pages count
 * in the resident size).  Smaller blobs are read through libgit2, which is
 * cheaper than a process.
 */
#ifndef SOV_BLOB_H
#define SOV_BLOB_H

#include <git2.h>

#define SOV_BLOB_STREAM_MIN (8u << 20)

/*
 * Hand blob `id`'s content to `fn` in pieces (one piece for a small blob).
 * `fn` returns 0 to go on, 1 when it has seen enough (the rest is not
 * read), or -1 with a message.  Returns 0, or -1 (a missing object, a
 * failed git, fn's own failure).
 */
int sov_blob_stream(git_repository *repo, const git_oid *id,
		    int (*fn)(void *ctx, const void *data, size_t len), void *ctx);

/*
 * The first `want` bytes of blob `id` (fewer when it is shorter) into
 * `out`, their number in *got; a large blob is not read beyond them.
 * 0 or -1.
 */
int sov_blob_head(git_repository *repo, const git_oid *id, void *out, size_t want,
		  size_t *got);

/*
 * Whether blob `id` is in the large-file filter's stored form (frame.h):
 * 1 (an empty blob counts: empty content encodes to empty), 0 not, -1 on
 * error.  Only its first bytes are read.
 */
int sov_blob_is_encoded(git_repository *repo, const git_oid *id);

/*
 * The blob id of the work tree file top/rel as it is (no filter: what the
 * manifest files hold), read without following a link anywhere on the
 * path (fs.h).  Returns 0 with `out` set, 1 when it is absent or not a
 * regular file, -1 on error.
 */
int sov_blob_worktree_id(const char *top, const char *rel, git_oid *out);

/*
 * The blob id of `len` bytes at `data` in `id`, the blob written to the
 * object database when it lacks it.  0, or -1 with a message.
 */
int sov_blob_store(git_repository *repo, const void *data, size_t len, git_oid *id);

#endif
