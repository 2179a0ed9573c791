/*
 * manifest.h - the manifest of the synced root: computing, staging, checking.
 *
 * The manifest is three kinds of tracked files under the synced root
 * (sovsync.root, default "shared"; formats in docs/FORMATS.md):
 *   <root>/state.json                   "files": path -> hash, size,
 *                                       last_modified, source of every other
 *                                       file under the root; "pending_conflicts"
 *   <root>/memories/sync_manifest.json  per-user memory count and hash
 *   <root>/memories/<user>/index.meta   the same for one user
 * Invariant kept by the hooks: in every commit these describe that commit's
 * tree exactly.
 *
 * A "snapshot" is the set of files under the root in an index or a tree.
 * The computation reuses the entries of a trusted base commit for files
 * whose blob is unchanged, so a commit costs work proportional to the files
 * it changes (plus one pass over the entries under the root), not to the
 * repository.  Everything written is deterministic: timestamps come from
 * commit dates, never from the clock of the machine that recomputes.
 *
 * Content hashes are of the real (smudged) content.  A file's hash and size
 * are computed streaming (the stored form decoded chunk by chunk, blobs over
 * 8 MiB piped from `git cat-file`), so memory does not grow with the file;
 * the JSON files the manifest reads whole go through
 * sov_manifest_real_content().
 */
#ifndef SOV_MANIFEST_H
#define SOV_MANIFEST_H

#include <stdint.h>

#include <git2.h>

#include "buf.h"

struct sov_manifest_opts {
	const char *root;		/* synced root, e.g. "shared" */
	const char *source;		/* sovsync.source of this clone */
	int64_t commit_time;		/* instant of the commit being made */
	/*
	 * Commits whose manifests are trusted: a file with the same blob as
	 * in one of them takes that commit's entry without being read.  NULL
	 * when absent (first commit, or a full recomputation).
	 */
	const git_oid *base;
	const git_oid *other;		/* MERGE_HEAD of a merge commit */
	/*
	 * For files whose entry must be recomputed and whose blob is already
	 * in `history`: last_modified is the committer time of the commit of
	 * that first-parent history which introduced the blob (a follow-up
	 * repair).  NULL: such files take commit_time.
	 */
	const git_oid *history;
	const char *conflicts_path;	/* conflicts.json for pending_conflicts, or NULL */
	/*
	 * Commits that arrived from elsewhere (a pull): those reachable from
	 * `arrived_tip` but not from `arrived_base` (NULL: all of its
	 * history).  A file whose entry must be recomputed and whose blob
	 * one of them introduced did not come through sovsync here or on a
	 * clone whose hooks recorded it: its source is that commit's
	 * `Sovsync-Source:` trailer, else "web", and its last_modified that
	 * commit's committer time.  NULL: every new entry is `source`'s.
	 */
	const git_oid *arrived_tip;
	const git_oid *arrived_base;
	/*
	 * A file stored in frames whose header carries the content's size and
	 * SHA-256 (format versions 3, 4) is described by them: its header is
	 * read, not its content.  With verify_content (`sovsync verify`) the
	 * content is decoded too and must match them, else the computation
	 * fails naming the file ("corrupt: content is sha256:... but the
	 * header says ...").
	 */
	int verify_content;
};

/* The source of a file that a commit not made through sovsync wrote. */
#define SOV_MANIFEST_SOURCE_WEB "web"
/* The trailer naming the source of a commit made without sovsync. */
#define SOV_MANIFEST_SOURCE_TRAILER "Sovsync-Source"

struct sov_manifest_staged {
	struct sov_buf staged;	/* paths written and staged, one per line */
	git_oid state;		/* blob of <root>/state.json in the index after */
	int has_state;
	/*
	 * The tree of the root in the index after (what the commit will hold
	 * there), when the index was read directly (gitindex.h) and makes one.
	 */
	git_oid tree;
	int has_tree;
};

#define SOV_MANIFEST_STAGED_INIT { .staged = SOV_BUF_INIT, .has_state = 0, .has_tree = 0 }

/*
 * Files written: each new content is stored as a blob and listed as a
 * "<blob id> <path>" line, and written into the working tree too unless the
 * working tree copy holds an edit of the user's that the snapshot lacks (it
 * differs from the snapshot's blob, is deleted, or is not a regular file).
 * Such a copy is never overwritten and never staged: only the members the
 * manifest changed are brought up to date in it, when both are JSON
 * objects; otherwise it is left byte for byte.
 */

/*
 * Refresh the manifest of the index Git is committing (the one GIT_INDEX_FILE
 * names in a hook, else the repository's): compute it, write the files that
 * changed (see above) and stage them.  The index file is read and restaged
 * directly (gitindex.h: one pass, one rewrite); the forms gitindex.h leaves
 * to Git go through `git ls-files` and `git update-index` (libgit2 is much
 * slower on large indexes).
 * Fills `out`: out->staged holds "<blob id> <path>" lines (release it);
 * out->tree the root's tree in the index after, when it was read directly.
 * Returns 0 or -1.
 */
int sov_manifest_refresh_index(git_repository *repo, const struct sov_manifest_opts *opts,
			       struct sov_manifest_staged *out);

/*
 * Stage the blobs `list` names ("<blob id> <path>" lines): from the working
 * tree (`git update-index --add`, which records its stat data) where the
 * file holds that blob, else by id (`--index-info`, mode 100644), which
 * leaves an edit of the user's in the working tree unstaged.  Git's
 * environment (GIT_INDEX_FILE) applies.  Only for the files the manifest
 * just wrote (pre-commit, a merge's index fix): a file Git already staged
 * from a different stored form goes through sov_manifest_stage_commit().
 * Returns 0 or -1.
 */
int sov_manifest_stage(git_repository *repo, const char *list);

/*
 * Put the index entries of `list` ("<blob id> <path>" lines, as
 * sov_manifest_refresh_tree() gives them) in step with
 * `commit`, a commit sovsync made or completed: each path gets the mode and
 * blob `commit` holds (`git update-index --index-info`), then its stat info
 * is refreshed from the working tree where the file still cleans to that
 * blob (`git add --refresh`); a file that does not stays an unstaged change,
 * never a staged one.  Unlike sov_manifest_stage(), this trusts no stat info:
 * a file whose stored form changed while its content did not (a follow-up
 * storing an unfiltered file filtered) would keep its old blob under `git
 * update-index` whenever the index was written in a later second than the
 * file.  A path `commit` lacks is left alone.  Returns 0 or -1.
 */
int sov_manifest_stage_commit(git_repository *repo, const git_oid *commit,
			      const char *list);

/*
 * Compute the manifest of `commit`'s tree, store the files that differ as
 * blobs and write them (see above; not staged): the content of a follow-up
 * commit.  `paths` receives "<blob id> <path>" lines.  Returns 0 or -1.
 */
int sov_manifest_refresh_tree(git_repository *repo, const git_oid *commit,
			      const struct sov_manifest_opts *opts, struct sov_buf *paths);

/*
 * Check that `commit`'s manifest describes its tree.  With opts->base set,
 * files unchanged since base are taken as base recorded them (the quick
 * check of the hooks, valid when base was checked); without, every file
 * under the root is read.  Differences are appended to `report`, one line
 * each.  Returns 0 when the manifest is true, 1 when not, -1 on error.
 */
int sov_manifest_verify(git_repository *repo, const git_oid *commit,
			const struct sov_manifest_opts *opts, struct sov_buf *report);

/*
 * The real (smudged) content of a blob: what a checkout writes.  Files that
 * the sovsync filter stores compressed are decoded here (and only here).
 * Appends to `out`.  Returns 0 or -1.
 */
int sov_manifest_real_content(git_repository *repo, const git_oid *blob,
			      struct sov_buf *out);

/*
 * The committer time Git will record for a commit made now: GIT_COMMITTER_DATE
 * when set (in any format Git accepts), else the current second.
 */
int sov_manifest_commit_time(int64_t *out);

/*
 * Whether `commit`'s state.json lists exactly the conflicts of the local
 * queue (opts->conflicts_path) as pending_conflicts: 1 yes (or no state.json),
 * 0 no, -1 error.  Not part of verify: the queue is this clone's.
 */
int sov_manifest_pending_is_current(git_repository *repo, const git_oid *commit,
				    const struct sov_manifest_opts *opts);

/* Whether `path` (repository-relative) is one of the manifest's own files. */
int sov_manifest_is_own_file(const char *root, const char *path);

#endif
