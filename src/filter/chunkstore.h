/*
 * chunkstore.h - large files stored as chunk blobs under a size limit.
 *
 * Git hosts refuse objects above a size (GitHub: 100 MB), and Git stores
 * blobs above core.bigFileThreshold without deltas.  A tracked file whose
 * stored form (frame.h, format version 1) would be larger than
 * sovsync.maxObjectSize is therefore stored as a small pointer blob
 * (format version 2) that lists its chunks; each chunk, one zstd frame of
 * one content-defined chunk (cdc.h), is a blob of its own.  Identical
 * chunks are the same blob, so an edit adds only the chunks around it.
 *
 * The chunk blobs are kept reachable by the commit at SOV_CHUNKS_REF
 * (refs/sovsync/chunks): its tree lists every chunk this clone stored or
 * merged, as <first 2 hex digits>/<other 38 hex digits> -> blob.  Each
 * update adds a commit whose parent is the previous tip; two clones'
 * histories merge by a commit whose tree is the union of both trees, so no
 * chunk of either side is ever dropped, and `git gc --prune=now` keeps all
 * of them.  Push carries the ref (the pre-push hook pushes it first,
 * sov_chunks_push()); fetch carries it through the refspec that install
 * adds to the remote (sov_chunks_refspec(): all of refs/sovsync/ into
 * refs/sovsync/remotes/<remote>/).
 * docs/FORMATS.md ("Chunked large files") is the full specification.
 *
 * A struct sov_chunks serves one filter (clean or smudge) for many files in
 * a row.  It owns its configuration and repository when it opened them
 * itself (NULL given to sov_chunks_new: the repository Git runs the filter
 * in), else borrows the caller's.  The output callbacks and their contexts
 * are borrowed.
 */
#ifndef SOV_CHUNKSTORE_H
#define SOV_CHUNKSTORE_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "ctx.h"

#include "buf.h"
#include "frame.h"

#define SOV_CHUNKS_VERSION 4		/* written: the header carries the digest */
#define SOV_CHUNKS_VERSION_NODIGEST 2	/* read */
#define SOV_CHUNKS_REF "refs/sovsync/chunks"
/*
 * The smallest sovsync.maxObjectSize accepted: a chunk blob holds up to
 * 256 KiB of content (cdc.h), a little more when it does not compress.
 */
#define SOV_CHUNKS_MIN_LIMIT (512u * 1024)

struct sov_chunks;

/*
 * A new chunk store for `repo` (borrowed; NULL: open the repository of the
 * environment and current directory when first needed).  Never fails.
 */
struct sov_chunks *sov_chunks_new(git_repository *repo);

/*
 * The same for an entry point's context: the repository and the settings
 * (SOV_SET_CORE | SOV_SET_FILTER, loaded here) come from `ctx`, which must
 * outlive the store; nothing reads config again.  An invalid setting fails
 * every later use with its message.
 */
struct sov_chunks *sov_chunks_new_ctx(struct sov_ctx *ctx);
void sov_chunks_free(struct sov_chunks *c);

/*
 * The one rule: a stored form of `stored` bytes goes into chunk blobs when
 * it is larger than `max` (sovsync.maxObjectSize).  1 or 0.
 */
int sov_chunks_above_limit(uint64_t stored, uint64_t max);

/* 1 if `data` starts with a chunk list's header (format version 2). */
int sov_chunks_is_pointer(const void *data, size_t len);

/*
 * Clean side.  Feed the stored form the frame encoder writes
 * (sov_chunks_clean_write is a sov_frame_write_fn, ctx the struct
 * sov_chunks); finish passes to write(ctx, ...) either that stored form
 * or, above the limit, the pointer, after the chunk blobs are
 * written and kept by SOV_CHUNKS_REF.  `header` is the encoder's final
 * header (sov_frame_encoder_header(), SOV_FRAME_FULL_HEADER_SIZE bytes):
 * it replaces the first bytes of the stored form, and gives the pointer
 * its digest; NULL when the stored form came as it is (passed through by
 * the encoder): a version 3 one gives the pointer its own digest.  Memory is bounded: the stored form
 * is held in a spool (spool.h) only until it passes the limit.  Outside a
 * repository nothing is chunked.  0 or -1.
 */
void sov_chunks_clean_start(struct sov_chunks *c, sov_frame_write_fn write, void *ctx);
int sov_chunks_clean_write(void *c, const void *data, size_t len);
int sov_chunks_clean_finish(struct sov_chunks *c, const unsigned char *header);

/*
 * Smudge side, in front of the frame decoder: stored bytes in; a pointer
 * is replaced by the stored form in frames its chunks make (header, version
 * 3 with the pointer's digest or 1 for a version 2 pointer, one record per
 * chunk blob, end record), anything else passes unchanged, to
 * write(ctx, ...).  A missing chunk fails with a message naming the git
 * fetch command that brings the chunks.  0 or -1 ("corrupt: ..." for a
 * damaged pointer).
 */
void sov_chunks_smudge_start(struct sov_chunks *c, sov_frame_write_fn write, void *ctx);
int sov_chunks_smudge_write(struct sov_chunks *c, const void *data, size_t len);
int sov_chunks_smudge_finish(struct sov_chunks *c);

/*
 * Make SOV_CHUNKS_REF keep the `n` blobs `ids` (any order, repeats
 * allowed): a new commit adds those its tree lacks.  Concurrent updaters
 * are safe (compare-and-swap, retried).  0 or -1.
 */
int sov_chunks_keep(git_repository *repo, const git_oid *ids, size_t n);

/*
 * Merge commit `other` (another clone's SOV_CHUNKS_REF) into ours: fast
 * forward, or a merge commit whose tree is the union of both.  0 or -1.
 */
int sov_chunks_merge(git_repository *repo, const git_oid *other);

/*
 * Merge every fetched copy (refs/sovsync/remotes/<remote>/chunks) into
 * SOV_CHUNKS_REF, so that the chunks the commits brought by a pull need
 * stay reachable from our own ref even when a later fetch replaces the
 * fetched copy (it is fetched with '+').  After a merge or rebase and
 * before a push.  0 or -1.
 */
int sov_chunks_absorb(git_repository *repo);

/*
 * The pre-push step: push SOV_CHUNKS_REF to `remote` (a name or URL) with
 * `git push --no-verify`; when the remote has chunks we lack (another
 * clone pushed), fetch its ref, merge, and push again (bounded).  Nothing
 * to do without a local ref.  0 or -1 (the branch push must not go on).
 */
int sov_chunks_push(git_repository *repo, const char *remote);

/* The fetch refspec that carries the chunks of `remote` (appended). */
void sov_chunks_refspec(const char *remote, struct sov_buf *out);

/*
 * Add that refspec to remote `remote` when it is a configured remote
 * without it: 1 added, 0 nothing to do (no such remote, already there),
 * -1 on error.
 */
int sov_chunks_add_refspec(git_repository *repo, const char *remote);

#endif
