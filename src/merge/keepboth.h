/*
 * keepboth.h - keep both versions of a file no driver can merge: the
 * library side of `sovsync merge-keep` (merge-drivers/keep.c), of the
 * hooks that commit the conflict copies, and of `sovsync resolve --both`.
 *
 * Under the synced root, a conflict must not stop a sync.  A file no other
 * sovsync driver owns (plain text, unknown JSON, binary) that both sides
 * changed and a line merge cannot settle keeps our version at its path and
 * gets their version written beside it as a conflict copy:
 *
 *     shared/notes.txt -> shared/notes.sync-conflict-20261203-101500-web.txt
 *
 * (the time and the author name of the commit that wrote theirs, UTC).  A
 * per-pattern policy in .gitattributes (`sovsync-conflict=newest`) keeps
 * instead the version written last, whole, and no copy.  Either way the
 * conflict goes to the queue (conflicts.h) with both versions described.
 */
#ifndef SOV_KEEPBOTH_H
#define SOV_KEEPBOTH_H

#include <stdint.h>

#include <git2.h>

#include "buf.h"
#include "conflicts.h"

/* The gitattributes attribute that names the policy of a path. */
#define SOV_KEEPBOTH_ATTR "sovsync-conflict"

enum sov_keepboth_policy {
	SOV_KEEPBOTH_COPY,	/* default: ours at the path, theirs as a copy */
	SOV_KEEPBOTH_NEWEST,	/* the side written last, whole */
};

/*
 * Parse the attribute's value: NULL, "" (unspecified) or "copy" -> copy,
 * "newest" -> newest.  0, or -1 naming the value.
 */
int sov_keepboth_parse_policy(const char *value, enum sov_keepboth_policy *out);

/* The policy .gitattributes sets for `path` in `repo`.  0 or -1. */
int sov_keepboth_policy(git_repository *repo, const char *path,
			enum sov_keepboth_policy *out);

/*
 * The conflict copy's path for `path` (repository-relative): the same
 * directory, the name's stem, ".sync-conflict-YYYYMMDD-HHMMSS-<who>", the
 * name's extension (none for names such as ".bashrc" or "Makefile").
 * `when` is an instant (UTC); `who` is reduced to [A-Za-z0-9_-] (others
 * become '-', at most 32 characters, "remote" when nothing is left).  A
 * `serial` above 1 is appended to the stem's suffix ("-2"), for a name taken
 * by other content.  Sets `out`.
 */
void sov_keepboth_copy_name(const char *path, int64_t when, const char *who,
			    unsigned serial, struct sov_buf *out);

/*
 * Who wrote `blob` at `path` as seen from `commit`: the newest commit in
 * its history (at most a few hundred looked at) that holds the blob there
 * while none of its parents does; else `commit` itself.  Sets
 * info->author ("Name <email>") and info->written_at (commit time).
 * Never fails: what cannot be known is left unset.
 */
void sov_keepboth_find_writer(git_repository *repo, const git_oid *commit,
			      const char *path, const git_oid *blob,
			      struct sov_conflict_info *info);

/*
 * Describe one recorded version for a person (conflicts.h): its decoded
 * content's size and a preview, from blob `blob` alone.  Bounded: a blob
 * up to 1 MiB is read whole (decoded when in the sovsync filter's stored
 * form); a larger one is streamed for its first bytes only (a stored-form
 * one gets no preview, its size is the stored size).  Never fails: an
 * unreadable blob leaves `info` unknown.
 */
void sov_keepboth_describe_blob(git_repository *repo, const git_oid *blob,
				struct sov_conflict_info *info);

/*
 * Fill c->info for both sides from the entry's blob ids and commits
 * (describe_blob, find_writer); a deleted side is left unknown.  For the
 * queue's writers that hold only blob ids (the document driver, the sync
 * cycle's modify/delete).  The caller releases c->info.
 */
void sov_keepboth_describe(git_repository *repo, struct sov_conflict *c);

/*
 * Set the versions of `c`, the conflict of `path`, from the three sides as
 * Git handed them over (base, ours, theirs): the base's blob id (none for
 * an empty base: add/add or an empty file), ours and theirs stored in the
 * object database when it lacks them (in a merge they are blobs of the two
 * commits already; storing guarantees that `sovsync resolve` can read them
 * back), and the commits that hold them (sov_doc_find_sides).  0, or -1
 * with a message naming `path`.
 */
int sov_keepboth_set_versions(git_repository *repo, const char *path,
			      const struct sov_buf stored[3], struct sov_conflict *c);

/*
 * Write the copy of `path` holding `data` (the real, decoded content) into
 * the work tree `workdir`: the first free name of sov_keepboth_copy_name
 * (a name holding the same content already counts as written), no symbolic
 * link followed.  Sets `copy` to the name used.  0 or -1.
 */
int sov_keepboth_write_copy(const char *workdir, const char *path, int64_t when,
			    const char *who, const void *data, size_t len,
			    struct sov_buf *copy);

/*
 * Stage the conflict copies of the queue's copy entries that exist in the
 * work tree and are not tracked (`git add`), so that they are committed and
 * pushed: by the commit that concludes a stopped merge (pre-commit with
 * MERGE_HEAD), or after a merge Git committed by itself (post-merge, whose
 * own commit the hooks then make; pre-merge-commit's staging never reaches
 * that merge commit).  With `staged`, it gets `git ls-files -s -z` of every
 * queued copy in the index ("<mode> <id> <stage>\t<path>\0").  0 or -1.
 */
int sov_keepboth_stage_copies(git_repository *repo, struct sov_buf *staged);

/*
 * Remove the copy `copy` (repository-relative) from the index and the work
 * tree, whether tracked or not; a missing copy is fine.  0 or -1.
 */
int sov_keepboth_remove_copy(const char *workdir, const char *copy);

#endif
