/*
 * conflicts.h - the conflict queue: document conflicts waiting for the user.
 *
 * When the document merge driver (merge-drivers/doc.c) cannot merge a file
 * under shared/documents/ and sovsync.documents.onConflict is "flag", it lets
 * the merge complete and records the conflict here instead.  A sync cycle
 * (sync.c) records here the modify/delete conflicts it settles (a file one
 * side deleted and the other edited: Git never calls a driver for them, the
 * cycle keeps the edit).  `sovsync conflicts` lists the queue, `sovsync
 * resolve` settles an entry, and the hooks copy the queue into
 * shared/state.json's pending_conflicts.
 *
 * The queue lives in "<common git dir>/sovsync/conflicts.json" (local, never
 * committed; format in docs/FORMATS.md):
 *
 *   {"version": 1, "conflicts": [ {"path", "kind", "base", "ours", "theirs",
 *    "ours_commit", "theirs_commit", "detected_at", "source"
 *    [, "deleted_by"] [, "copy"], "choice" [, "versions"]}, ... ]}
 *
 * A file under the synced root that no driver settles (merge-drivers/keep.c)
 * is a "copy" entry: ours stays at the path, theirs is written next to it as
 * a conflict copy (`copy`); or, under a per-pattern policy, a "newest" entry:
 * the side written last was kept.  `versions` carries what a person needs to
 * decide: each side's decoded content (a bounded preview), size, and who
 * wrote it when.
 *
 * Invariants: at most one entry per path (a newer conflict on a path
 * replaces the older one); entries are kept sorted by path (byte order), so
 * the file is deterministic; every read-modify-write happens under the
 * "conflicts" lock (sov_repo_lock) and the file is replaced atomically, so a
 * merge driver and `sovsync resolve` running at the same time cannot lose
 * each other's update.
 */
#ifndef SOV_CONFLICTS_H
#define SOV_CONFLICTS_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>
#include <jansson.h>

#define SOV_CONFLICTS_VERSION 1

enum sov_conflict_kind {
	SOV_CONFLICT_TEXT,	/* merged with conflict markers in the file */
	SOV_CONFLICT_BINARY,	/* ours kept as is, theirs only in history */
	/*
	 * One side deleted the file, the other edited it; the edit was kept.
	 * The deleting side's blob id is absent (null in JSON).
	 */
	SOV_CONFLICT_MODIFY_DELETE,
	/* Ours kept at the path, theirs written beside it as `copy`. */
	SOV_CONFLICT_COPY,
	/* One side kept whole by the "newest" policy: the one written last. */
	SOV_CONFLICT_NEWEST,
};

/* The choice taken so far ("choice" in JSON). */
enum sov_conflict_choice {
	SOV_CHOICE_NONE,	/* null: nothing chosen (a text file with markers) */
	SOV_CHOICE_OURS,	/* the path holds ours */
	SOV_CHOICE_THEIRS,	/* the path holds theirs */
	SOV_CHOICE_BOTH,	/* ours at the path, theirs in the copy */
};

/* Bytes of each side's content kept in the queue (a preview beyond that). */
#define SOV_CONFLICT_PREVIEW_MAX 4096

/*
 * One side's version as a person sees it.  All optional: entries written
 * by older sovsync have none (`known` 0).
 */
struct sov_conflict_info {
	int known;
	int64_t size;			/* bytes of the decoded content */
	int binary;			/* binary (or not UTF-8): no preview */
	char *preview;			/* owned; UTF-8, at most ..._PREVIEW_MAX bytes */
	int truncated;			/* preview shorter than the content */
	char *author;			/* owned "Name <email>" of the writing commit, or NULL */
	int has_written_at;
	int64_t written_at;		/* that commit's time (instant) */
};

/* A side of the merge, in Git's sense (ours: HEAD). */
enum sov_conflict_side {
	SOV_CONFLICT_OURS,
	SOV_CONFLICT_THEIRS,
};

struct sov_conflict {
	char *path;			/* owned; repository-relative, '/' separated */
	enum sov_conflict_kind kind;
	int has_base;			/* 0: base is null (no or empty base) */
	git_oid base, ours, theirs;	/* blob ids, as Git stores them (clean form) */
	/*
	 * SOV_CONFLICT_MODIFY_DELETE only: the side that deleted the file;
	 * its blob id above is meaningless.
	 */
	enum sov_conflict_side deleted_by;
	int has_ours_commit, has_theirs_commit;
	git_oid ours_commit, theirs_commit;
	int64_t detected_at;		/* instant, see timestamp.h */
	char *source;			/* owned; sovsync.source of the clone */
	char *copy;			/* owned; SOV_CONFLICT_COPY: the copy's path */
	enum sov_conflict_choice choice;
	struct sov_conflict_info info[2];	/* by enum sov_conflict_side */
};

struct sov_conflicts {
	struct sov_conflict *items;	/* owned, sorted by path */
	size_t nr, alloc;
};

#define SOV_CONFLICTS_INIT { .items = NULL, .nr = 0, .alloc = 0 }

/* Free what an entry owns (the struct itself is the caller's). */
void sov_conflict_release(struct sov_conflict *c);

void sov_conflicts_release(struct sov_conflicts *q);

/* "text", "binary", "modify/delete", "copy" or "newest" (static strings). */
const char *sov_conflict_kind_name(enum sov_conflict_kind kind);

/* "ours" or "theirs" (static strings). */
const char *sov_conflict_side_name(enum sov_conflict_side side);

/* "ours", "theirs", "both", or NULL for SOV_CHOICE_NONE (static strings). */
const char *sov_conflict_choice_name(enum sov_conflict_choice choice);

/*
 * The choice an entry without a "choice" member stands for: text none,
 * binary ours, modify/delete the side that kept the file, copy both.
 */
enum sov_conflict_choice sov_conflict_default_choice(const struct sov_conflict *c);

/* Free what an info owns; copy one (deep). */
void sov_conflict_info_release(struct sov_conflict_info *i);
void sov_conflict_info_copy(struct sov_conflict_info *dst, const struct sov_conflict_info *src);

/*
 * Fill `i` from one side's decoded content: size, binary (libgit2's rule,
 * or not valid UTF-8), and a preview of at most SOV_CONFLICT_PREVIEW_MAX
 * bytes cut on a character boundary.  Author and time are left as they are.
 */
void sov_conflict_info_set_content(struct sov_conflict_info *i, const char *data,
				   size_t len);

/*
 * The blob id of one side's version (borrowed from c), or NULL when that
 * side deleted the file (a modify/delete entry).
 */
const git_oid *sov_conflict_version(const struct sov_conflict *c,
				    enum sov_conflict_side side);

/* The entry for `path` (borrowed from q), or NULL. */
const struct sov_conflict *sov_conflicts_find(const struct sov_conflicts *q,
					      const char *path);

/*
 * Load the queue (a missing file is an empty queue).  Returns 0, or -1 with
 * a message naming the file (invalid JSON, unknown version, bad entry).
 */
int sov_conflicts_load(git_repository *repo, struct sov_conflicts *q);

/*
 * Record `c` (copied; the caller keeps ownership of its strings), replacing
 * any entry for the same path.  Locked read-modify-write.  0 or -1.
 */
int sov_conflicts_add(git_repository *repo, const struct sov_conflict *c);

/*
 * Remove the entry for `path`.  Locked read-modify-write.  Returns 1 when
 * an entry was removed, 0 when there was none, -1 on error.
 */
int sov_conflicts_remove(git_repository *repo, const char *path);

/* The entry as a JSON object in the queue's format (new reference). */
json_t *sov_conflict_to_json(const struct sov_conflict *c);

/* All entries as a JSON array (new reference). */
json_t *sov_conflicts_to_json(const struct sov_conflicts *q);

/*
 * Parse one entry (`what` names the input in errors).  Fills *c (release
 * with sov_conflict_release) and returns 0, or -1.
 */
int sov_conflict_from_json(const json_t *obj, struct sov_conflict *c, const char *what);

#endif
