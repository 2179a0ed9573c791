/*
 * resolve.c - settle one entry of the conflict queue; see resolve.h.
 */
#include "resolve.h"
#include "docmerge.h"
#include "error.h"
#include "fs.h"
#include "keepboth.h"
#include "run.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

void sov_resolve_outcome_release(struct sov_resolve_outcome *o)
{
	sov_buf_release(&o->path);
	sov_buf_release(&o->copy);
	o->deleted = 0;
}

void sov_resolve_normalize(struct sov_buf *p)
{
	struct sov_buf out = SOV_BUF_INIT;
	const char *s = p->ptr;

	while (*s) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);

		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = strrchr(out.ptr, '/');

			sov_buf_setlen(&out, slash ? (size_t)(slash - out.ptr) : 0);
		} else {
			sov_buf_addch(&out, '/');
			sov_buf_add(&out, s, n);
		}
		s = *e ? e + 1 : e;
	}
	sov_buf_reset(p);
	sov_buf_add(p, out.ptr, out.len);
	sov_buf_release(&out);
}

/*
 * `dir` and a '/' appended to `out`, in the form sov_os_realpath() gives
 * the work tree (on Windows a drive and '/', where getcwd() gives '\' and
 * a path may come without its drive): its longest part that exists
 * resolved, the rest as given.
 */
static void real_dir(const char *dir, struct sov_buf *out)
{
	struct sov_buf head = SOV_BUF_INIT;
	size_t root = sov_os_root_len(dir), cut;
	char *real = NULL;

	sov_buf_addstr(&head, dir);
	for (cut = head.len; cut > root; ) {
		sov_buf_setlen(&head, cut);
		if ((real = sov_os_realpath(head.ptr)))
			break;
		while (cut > root && dir[cut - 1] != '/' && dir[cut - 1] != '\\')
			cut--;
		while (cut > root && (dir[cut - 1] == '/' || dir[cut - 1] == '\\'))
			cut--;
	}
	if (real) {
		sov_buf_addf(out, "%s%s/", real, dir + cut);
		free(real);
	} else {
		sov_buf_addf(out, "%s/", dir);
	}
	sov_buf_release(&head);
}

int sov_resolve_worktree_path(const char *workdir, const char *cwd, const char *arg,
			      struct sov_buf *out)
{
	struct sov_buf root = SOV_BUF_INIT;
	char *top;

	sov_buf_reset(out);
	if (!sov_os_is_absolute(arg))
		real_dir(cwd, out);
	sov_buf_addstr(out, arg);
	sov_resolve_normalize(out);
	top = sov_os_realpath(workdir);
	if (!top)
		return sov_error_errno("%s", workdir);
	sov_buf_addstr(&root, top);
	free(top);
	sov_resolve_normalize(&root);
	if (!strncmp(out->ptr, root.ptr, root.len) && out->ptr[root.len] == '/')
		sov_buf_remove(out, 0, root.len + 1);
	else
		sov_buf_reset(out);
	sov_buf_release(&root);
	return 0;
}

const struct sov_conflict *sov_resolve_find(const struct sov_conflicts *q,
					    const char *workdir, const char *cwd,
					    const char *arg)
{
	struct sov_buf path = SOV_BUF_INIT;
	const struct sov_conflict *c = NULL;

	if (sov_resolve_worktree_path(workdir, cwd, arg, &path) < 0)
		goto out;
	if (path.len)
		c = sov_conflicts_find(q, path.ptr);
	if (!c && arg[0] != '/') {
		sov_buf_reset(&path);
		sov_buf_addstr(&path, arg);
		sov_resolve_normalize(&path);
		if (path.len)
			c = sov_conflicts_find(q, path.ptr + 1);
	}
	if (!c)
		sov_error("%s: no pending conflict for this path (see 'sovsync conflicts')",
			  arg);
out:
	sov_buf_release(&path);
	return c;
}

/*
 * The one place resolve reads a recorded version: the blob as a checkout
 * would write it, through the path's filters (smudge, eol), so a file kept
 * encoded in the repository comes out real.
 */
int sov_resolve_version(const char *workdir, const char *path, const git_oid *blob,
			struct sov_buf *out)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct sov_buf path_arg = SOV_BUF_INIT;
	int ret;

	git_oid_tostr(hex, sizeof(hex), blob);
	sov_buf_addf(&path_arg, "--path=%s", path);
	ret = sov_run_git(out, workdir, "cat-file", "--filters", path_arg.ptr, hex, NULL);
	sov_buf_release(&path_arg);
	if (ret < 0)
		sov_error_prefix("%s: cannot read version %.7s", path, hex);
	return ret;
}

/*
 * Write a recorded version into the work tree at `path`.  Its directories
 * are opened one by one from the top of the work tree, none through a
 * link, and the file is replaced inside the directory so opened: a
 * directory swapped for a link while the version is read (the filters run
 * programs) is refused, and one swapped after it was opened still receives
 * the file itself, never the link's target.
 */
static int write_version(const char *workdir, const char *path, const git_oid *blob)
{
	struct sov_buf content = SOV_BUF_INIT;
	int ret = -1;

	if (sov_resolve_version(workdir, path, blob, &content) == 0)
		ret = sov_fs_replace_under(workdir, path, content.ptr, content.len, -1,
					   SOV_FS_MKDIRS | SOV_FS_DURABLE);
	sov_buf_release(&content);
	return ret;
}

/* Refuse a text file that still has conflict markers, naming the lines. */
static int check_no_markers(git_repository *repo, const char *workdir,
			    const struct sov_conflict *c)
{
	struct sov_buf file = SOV_BUF_INIT, data = SOV_BUF_INIT;
	size_t lines[10], n, i;
	int ret = -1, r;

	if ((r = sov_fs_read_under(workdir, c->path, &data)) != 0) {
		if (r > 0)
			sov_error("%s: no such file; restore it, or choose a side with "
				  "--ours or --theirs", c->path);
		goto out;
	}
	n = sov_doc_find_markers(data.ptr, data.len, sov_doc_marker_size(repo, c->path),
				 lines, sizeof(lines) / sizeof(lines[0]));
	if (n) {
		sov_buf_reset(&file);
		for (i = 0; i < n && i < sizeof(lines) / sizeof(lines[0]); i++)
			sov_buf_addf(&file, "%s%zu", i ? ", " : "", lines[i]);
		if (n > i)
			sov_buf_addf(&file, " and %zu more", n - i);
		sov_error("%s: conflict markers remain on line%s %s; edit the file, "
			  "or choose a side with --ours or --theirs", c->path,
			  n > 1 ? "s" : "", file.ptr);
		goto out;
	}
	ret = 0;
out:
	sov_buf_release(&file);
	sov_buf_release(&data);
	return ret;
}

/*
 * Stage `path` as it is in the work tree (op "add") or its deletion (op
 * "rm").  --literal-pathspecs: a name such as "notes[1].md" is a file, not
 * a pattern that would also take "notes1.md" with it.
 */
static int stage_path(const char *workdir, const char *op, const char *path)
{
	if (!strcmp(op, "rm"))
		return sov_run_git(NULL, workdir, "--literal-pathspecs", "rm", "-q", "-f",
				   "--ignore-unmatch", "--", path, NULL);
	return sov_run_git(NULL, workdir, "--literal-pathspecs", "add", "--", path, NULL);
}

static enum sov_conflict_side side_of(enum sov_resolve_choice choice)
{
	return choice == SOV_RESOLVE_OURS ? SOV_CONFLICT_OURS : SOV_CONFLICT_THEIRS;
}

/*
 * Settle a modify/delete entry in the work tree and the index.  The side
 * that deleted the file gets the deletion applied (`git rm`).  The side
 * that kept it keeps the file as it now is in the work tree: the edit
 * `sovsync sync` kept may have been edited again since, and writing the
 * recorded version would revert that; only a file that is gone gets that
 * side's recorded version back.  With no side, the work tree as it stands
 * is taken: the file kept if it is there, its deletion staged if the user
 * removed it.  *deleted tells which.
 */
static int resolve_modify_delete(const char *workdir, const struct sov_conflict *c,
				 enum sov_resolve_choice choice, int *deleted)
{
	const git_oid *version = NULL;
	int exists, ret = 0;

	if ((exists = sov_fs_check_under(workdir, c->path, SOV_FS_ANY)) < 0)
		return -1;
	if (choice != SOV_RESOLVE_EDITED) {
		version = sov_conflict_version(c, side_of(choice));
		*deleted = version == NULL;
	} else {
		*deleted = !exists;
	}
	if (*deleted)
		/* -f: the chosen side is a deletion, as --theirs overwrites. */
		return stage_path(workdir, "rm", c->path);
	if (!exists)
		ret = write_version(workdir, c->path, version);
	if (ret == 0)
		ret = stage_path(workdir, "add", c->path);
	return ret;
}

/*
 * Write `side`'s recorded version of `c` as a conflict copy beside its path
 * (named after that side's writer when known); `copy` gets the name.
 */
static int write_copy(const char *workdir, const struct sov_conflict *c,
		      enum sov_conflict_side side, struct sov_buf *copy)
{
	const struct sov_conflict_info *info = &c->info[side];
	struct sov_buf content = SOV_BUF_INIT, who = SOV_BUF_INIT;
	const char *lt = info->author ? strstr(info->author, " <") : NULL;
	int ret = -1;

	if (info->author)
		sov_buf_add(&who, info->author, lt ? (size_t)(lt - info->author)
						   : strlen(info->author));
	if (sov_resolve_version(workdir, c->path, sov_conflict_version(c, side), &content) == 0)
		ret = sov_keepboth_write_copy(workdir, c->path,
					      info->has_written_at ? info->written_at
								   : c->detected_at,
					      who.ptr, content.ptr, content.len, copy);
	sov_buf_release(&content);
	sov_buf_release(&who);
	return ret;
}

/*
 * Keep both: the path holds the side chosen so far (ours unless a "newest"
 * entry kept theirs), the other side goes to a conflict copy (a "copy"
 * entry's own, written again only if it is gone); both are staged.
 */
static int keep_both(const char *workdir, const struct sov_conflict *c,
		     struct sov_resolve_outcome *out)
{
	enum sov_conflict_side kept = c->kind == SOV_CONFLICT_NEWEST &&
				      c->choice == SOV_CHOICE_THEIRS ? SOV_CONFLICT_THEIRS
								     : SOV_CONFLICT_OURS;
	enum sov_conflict_side other = kept == SOV_CONFLICT_OURS ? SOV_CONFLICT_THEIRS
								 : SOV_CONFLICT_OURS;
	int have;

	/* A text file with markers gets ours back; the others hold it already. */
	if (c->kind == SOV_CONFLICT_TEXT &&
	    write_version(workdir, c->path, sov_conflict_version(c, kept)) < 0)
		return -1;
	if (c->kind == SOV_CONFLICT_COPY) {
		if (sov_fs_check_relpath(c->copy) < 0 ||
		    (have = sov_fs_check_under(workdir, c->copy, SOV_FS_FILE)) < 0)
			return -1;
		sov_buf_reset(&out->copy);
		sov_buf_addstr(&out->copy, c->copy);
		if (!have && write_version(workdir, c->copy, &c->theirs) < 0)
			return -1;
	} else if (write_copy(workdir, c, other, &out->copy) < 0) {
		return -1;
	}
	return stage_path(workdir, "add", c->path) < 0 ||
	       stage_path(workdir, "add", out->copy.ptr) < 0 ? -1 : 0;
}

/* Apply `choice` to the entry `c` in the work tree and the index. */
static int apply(git_repository *repo, const char *workdir, const struct sov_conflict *c,
		 enum sov_resolve_choice choice, struct sov_resolve_outcome *out)
{
	int r;

	/* The queue is a file: its paths must stay plain ones inside the tree. */
	if (sov_fs_check_relpath(c->path) < 0 ||
	    (c->kind == SOV_CONFLICT_COPY && sov_fs_check_relpath(c->copy) < 0))
		return -1;
	if (c->kind == SOV_CONFLICT_MODIFY_DELETE) {
		/* Both: the file, which only one side has, is kept. */
		if (choice == SOV_RESOLVE_BOTH)
			choice = c->deleted_by == SOV_CONFLICT_OURS ? SOV_RESOLVE_THEIRS
								    : SOV_RESOLVE_OURS;
		return resolve_modify_delete(workdir, c, choice, &out->deleted);
	}
	if (choice == SOV_RESOLVE_BOTH)
		return keep_both(workdir, c, out);
	if (choice == SOV_RESOLVE_EDITED && c->kind == SOV_CONFLICT_BINARY)
		return sov_error("%s: binary document: choose a version with --ours, "
				 "--theirs or --both", c->path);
	if (choice != SOV_RESOLVE_EDITED) {
		if (write_version(workdir, c->path, sov_conflict_version(c, side_of(choice))) < 0)
			return -1;
	} else if (c->kind == SOV_CONFLICT_TEXT) {
		if (check_no_markers(repo, workdir, c) < 0)
			return -1;
	} else if ((r = sov_fs_check_under(workdir, c->path, SOV_FS_FILE)) <= 0) {
		/* copy, newest: sovsync wrote no markers; the file must be there. */
		if (r == 0)
			sov_error("%s: no such file; restore it, or choose a side with "
				  "--ours, --theirs or --both", c->path);
		return -1;
	}
	if (stage_path(workdir, "add", c->path) < 0)
		return -1;
	/* The choice replaces the copy. */
	return c->kind == SOV_CONFLICT_COPY ? sov_keepboth_remove_copy(workdir, c->copy) : 0;
}

int sov_resolve(git_repository *repo, const char *cwd, const char *arg,
		enum sov_resolve_choice choice, struct sov_resolve_outcome *out)
{
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	const struct sov_conflict *c;
	const char *workdir = git_repository_workdir(repo);
	char here[PATH_MAX];
	int ret = -1;

	out->deleted = 0;
	sov_buf_reset(&out->path);
	sov_buf_reset(&out->copy);
	if (!workdir)
		return sov_error("resolve needs a working tree (this repository is bare)");
	if (!cwd) {
		if (!getcwd(here, sizeof(here)))
			return sov_error_errno("cannot get the current directory");
		cwd = here;
	}
	if (sov_conflicts_load(repo, &q) < 0 || !(c = sov_resolve_find(&q, workdir, cwd, arg)))
		goto out;
	if (apply(repo, workdir, c, choice, out) < 0 ||
	    sov_conflicts_remove(repo, c->path) < 0)
		goto out;
	sov_buf_addstr(&out->path, c->path);
	ret = 0;
out:
	sov_conflicts_release(&q);
	return ret;
}
