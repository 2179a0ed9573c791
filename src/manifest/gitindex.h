/*
 * gitindex.h - Git's index file read directly, for the hooks' hot path.
 *
 * pre-commit needs three things from the index Git is committing: the
 * entries under the synced root, the tree those entries make, and a few of
 * them restaged (the manifest's files).  `git ls-files`, a tree written by
 * libgit2 from the whole index and `git update-index` each parse (and the
 * last rewrites) all of a 100,000-entry index; here the file is read once,
 * only the entries under the root are kept, and restaging rewrites the
 * file in one pass.
 *
 * Only the forms this module fully understands are handled (index versions
 * 2-4 with SHA-1 ids; as extensions only the cache tree "TREE" and the
 * resolve-undo "REUC" for rewriting); anything else (a split or sparse
 * index, an untracked cache, fsmonitor data, the offset tables of threaded
 * reading, an unknown extension, an entry flagged assume-unchanged, an
 * executable or new file) is answered with 1, and the caller leaves the
 * work to Git as before.  The format: Git's Documentation/gitformat-index.txt.
 */
#ifndef SOV_GITINDEX_H
#define SOV_GITINDEX_H

#include <git2.h>
#include <stddef.h>

#include "buf.h"
#include "osfs.h"

struct sov_gitindex_entry {
	char *path;		/* owned; full path in the repository */
	unsigned mode;		/* 0100644, 0100755, 0120000 or 0160000 */
	unsigned stage;		/* 0, or 1-3 for an unmerged path */
	unsigned flags;		/* the on-disk 16-bit flags */
	unsigned xflags;	/* the extended flags (versions 3, 4), or 0 */
	git_oid oid;
	size_t off;		/* offset of the entry in the file; 0 when added in memory */
};

struct sov_gitindex {
	struct sov_buf file;		/* the path read */
	const unsigned char *map;	/* the whole file, read-only (sov_os_map_file);
					 * NULL: none */
	size_t len;
	struct sov_os_stat st;		/* of the file as read */
	unsigned version;
	size_t ext_off;			/* where the extensions start */
	size_t end;			/* where the trailing checksum starts */
	int rewritable;			/* every extension is one sov_gitindex_restage keeps */
	struct sov_gitindex_entry *v;	/* the entries under the directory, index order */
	size_t nr, alloc;
};

#define SOV_GITINDEX_INIT { .file = SOV_BUF_INIT }

/*
 * Read the index file `file` and keep its entries under `dir` (a path
 * without a trailing slash).  0; 1 when the file is absent or in a form
 * left to Git (see above; nothing kept); -1 with a message when it is
 * damaged.  Release with sov_gitindex_release either way.
 */
int sov_gitindex_read(struct sov_gitindex *ix, const char *file, const char *dir);
void sov_gitindex_release(struct sov_gitindex *ix);

/* The stage-0 entry at `path` among those kept, or NULL. */
struct sov_gitindex_entry *sov_gitindex_find(struct sov_gitindex *ix, const char *path);

/*
 * Set `path` (under the directory read) to blob `oid`, mode 100644, in the
 * entries kept in memory (not in the file): what `git update-index` just
 * staged, for sov_gitindex_tree.
 */
void sov_gitindex_set(struct sov_gitindex *ix, const char *path, const git_oid *oid);

/*
 * The id of the tree the kept entries make under `dir` (what `git
 * write-tree` would put there), computed without writing objects.  1 when
 * they make none (no entries, an unmerged or intent-to-add entry).
 */
int sov_gitindex_tree(const struct sov_gitindex *ix, const char *dir, git_oid *out);

/*
 * Restage the files of `list` ("<blob id> <path>" lines, paths under the
 * directory read) from the working tree under `workdir`, as `git
 * update-index -- <paths>` would: each must be an existing stage-0 entry
 * without special flags, mode 100644, and its working tree file a regular,
 * non-executable file holding that blob.  Writes the whole file once
 * (under "<file>.lock", renamed over it), with the cache tree invalidated
 * along the paths and the file's modification time kept, so that Git's
 * racy-timestamp checks see every entry as before.  0 when staged (the
 * kept entries updated too); 1 when left to Git (nothing written);
 * -1 with a message.
 */
int sov_gitindex_restage(struct sov_gitindex *ix, const char *workdir, const char *list);

#endif
