/*
 * docmerge.h - 3-way merge of documents (shared/documents/) for the
 * `sovsync merge-doc` driver, and what the driver can learn about the merge
 * Git is running.
 *
 * Text documents get Git's usual line merge (libgit2's git_merge_file, the
 * same xdiff code as `git merge-file`), with standard conflict markers.
 * Binary documents are never merged or marked: the driver keeps ours and
 * records theirs in the conflict queue (conflicts.h).
 *
 * A merge driver sees the clean (repository) form of each side (gitattributes
 * (5)), so the blob ids computed here from the temporary files are the ids
 * of the blobs in the two commits.
 */
#ifndef SOV_DOCMERGE_H
#define SOV_DOCMERGE_H

#include <stddef.h>

#include <git2.h>

#include "buf.h"

/* Git's default conflict marker size (gitattributes(5), conflict-marker-size). */
#define SOV_DOC_MARKER_SIZE 7

enum sov_doc_style {
	SOV_DOC_STYLE_MERGE,	/* ours / theirs */
	SOV_DOC_STYLE_DIFF3,	/* ours / base / theirs */
	SOV_DOC_STYLE_ZDIFF3,	/* diff3 with common lines moved out */
};

struct sov_doc_merge_opts {
	unsigned marker_size;		/* %L */
	enum sov_doc_style style;	/* from merge.conflictStyle */
	const char *base_label;		/* borrowed; NULL: none */
	const char *our_label;
	const char *their_label;
};

/* Whether content is binary, by libgit2's rule (git_blob_data_is_binary). */
int sov_doc_is_binary(const void *data, size_t len);

/*
 * Merge `ours` and `theirs` against `base` line by line.  Sets *has_conflict
 * and appends the result (with conflict markers where both sides changed the
 * same lines) to `out`.  Returns 0, or -1 when libgit2 fails.
 */
int sov_doc_merge(const struct sov_buf *base, const struct sov_buf *ours,
		  const struct sov_buf *theirs, const struct sov_doc_merge_opts *opts,
		  struct sov_buf *out, int *has_conflict);

/*
 * Parse merge.conflictStyle ("merge", "diff3", "zdiff3"; NULL or empty:
 * merge).  0, or -1 naming the value.
 */
int sov_doc_parse_style(const char *value, enum sov_doc_style *out);

/*
 * The conflict marker size configured for `path` (the conflict-marker-size
 * attribute, else SOV_DOC_MARKER_SIZE).  Git passes a larger %L to the
 * driver when it merges merge bases (inner merge of a criss-cross merge):
 * %L > this size means the result is only a virtual base, not a conflict
 * the user will see.
 */
unsigned sov_doc_marker_size(git_repository *repo, const char *path);

/*
 * Find conflict marker lines ("<<<<<<< ", "|||||||", "=======",
 * ">>>>>>> " with exactly `marker_size` characters, as Git's `diff --check`
 * does).  Stores up to `max` 1-based line numbers in `lines` and returns how
 * many marker lines there are in all.
 */
size_t sov_doc_find_markers(const char *data, size_t len, unsigned marker_size,
			    size_t *lines, size_t max);

/* The two commits being merged, when they can be known soundly. */
struct sov_doc_sides {
	int has_ours, has_theirs;
	git_oid ours, theirs;
};

/*
 * Find the commits of the merge Git is running.  Ours is HEAD.  Theirs is
 * what Git exposes to a driver (checked on Git 2.39): `git merge` (and so
 * `git pull`) exports GITHEAD_<commit id>=<name> for each merged head,
 * MERGE_HEAD is only written afterwards; `git rebase` lists the commit
 * being picked last in rebase-merge/done.  A candidate is accepted only if
 * its tree has exactly the given blob at `path`, so a renamed file, a
 * criss-cross virtual base or an unrelated variable leaves the side unknown
 * rather than wrong.  Never fails: unknown sides are left unset.
 */
void sov_doc_find_sides(git_repository *repo, const char *path,
			const git_oid *ours_blob, const git_oid *theirs_blob,
			struct sov_doc_sides *out);

#endif
