/*
 * cli_conflicts.c - `sovsync conflicts` (list the conflict queue) and
 * `sovsync resolve` (settle one entry).  The queue is conflicts.h; the
 * merge driver that fills it is merge-drivers/doc.c.
 */
#include "cli.h"
#include "ctx.h"
#include "conflicts.h"
#include "docmerge.h"
#include "error.h"
#include "fs.h"
#include "json.h"
#include "metrics.h"
#include "run.h"
#include "syncstop.h"
#include "timestamp.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Open the context of the current directory's repository; ctx owns it. */
static git_repository *open_repo(struct sov_ctx *ctx)
{
	return sov_ctx_open(ctx, NULL, SOV_CTX_REPO) < 0 ? NULL : ctx->repo;
}

/* The KIND cell: the kind, and for a modify/delete the side that deleted. */
static void kind_cell(const struct sov_conflict *c, struct sov_buf *out)
{
	sov_buf_reset(out);
	sov_buf_addstr(out, sov_conflict_kind_name(c->kind));
	if (c->kind == SOV_CONFLICT_MODIFY_DELETE)
		sov_buf_addf(out, " (deleted by %s)", sov_conflict_side_name(c->deleted_by));
}

static void print_table(const struct sov_conflicts *q)
{
	struct sov_buf when = SOV_BUF_INIT, kind = SOV_BUF_INIT;
	int width = 4, kind_width = 6;
	size_t i;

	if (!q->nr) {
		printf("No pending conflicts.\n");
		return;
	}
	for (i = 0; i < q->nr; i++) {
		if ((int)strlen(q->items[i].path) > width)
			width = (int)strlen(q->items[i].path);
		kind_cell(&q->items[i], &kind);
		if ((int)kind.len > kind_width)
			kind_width = (int)kind.len;
	}
	printf("%-*s  %-*s  %-27s  %s\n", width, "PATH", kind_width, "KIND",
	       "DETECTED AT", "SOURCE");
	for (i = 0; i < q->nr; i++) {
		const struct sov_conflict *c = &q->items[i];

		sov_buf_reset(&when);
		sov_time_format(c->detected_at, &when);
		kind_cell(c, &kind);
		printf("%-*s  %-*s  %-27s  %s\n", width, c->path, kind_width, kind.ptr,
		       when.ptr, c->source);
	}
	sov_buf_release(&when);
	sov_buf_release(&kind);
}

/* A sync that stands still (syncstop.h) waits on the user too: say what to do. */
static void print_sync_stopped(git_repository *repo)
{
	json_t *stop = NULL;

	if (sov_syncstop_load(repo, &stop) < 0)
		sov_error_clear();
	if (!stop)
		return;
	printf("\nThe sync stands still: %s\nNext step: %s\n",
	       json_string_value(json_object_get(stop, "message")),
	       json_string_value(json_object_get(stop, "nextStep")));
	json_decref(stop);
}

static int cmd_conflicts(int argc, char **argv)
{
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	git_repository *repo;
	int as_json = 0, ret = SOV_EXIT_FAIL;

	if (argc == 2 && !strcmp(argv[1], "--json"))
		as_json = 1;
	else if (argc != 1)
		return sov_cli_usage_error(&sov_cmd_conflicts, "unexpected argument '%s'",
					   argv[1]);
	repo = open_repo(&ctx);
	if (!repo || sov_conflicts_load(repo, &q) < 0) {
		ret = sov_cli_fail();
		goto out;
	}
	if (as_json) {
		struct sov_buf text = SOV_BUF_INIT;
		json_t *arr = sov_conflicts_to_json(&q);

		sov_json_dump(arr, &text);
		fwrite(text.ptr, 1, text.len, stdout);
		json_decref(arr);
		sov_buf_release(&text);
	} else {
		print_table(&q);
		print_sync_stopped(repo);
	}
	ret = SOV_EXIT_OK;
out:
	sov_conflicts_release(&q);
	sov_ctx_release(&ctx);
	return ret;
}

const struct sov_cmd sov_cmd_conflicts = {
	"conflicts", cmd_conflicts,
	"List document conflicts waiting for review",
	"sovsync conflicts [--json]",
	"Lists the conflict queue of this clone (.git/sovsync/conflicts.json):\n"
	"documents that a pull could not merge and that the document merge\n"
	"driver flagged instead of stopping the sync.  A text document holds\n"
	"conflict markers; a binary document keeps our version and theirs waits\n"
	"in history.  A modify/delete entry is a synced file that one side\n"
	"deleted and the other edited: 'sovsync sync' kept the edit, and KIND\n"
	"says which side deleted it.  Settle each one with 'sovsync resolve'.\n"
	"A sync that stands still (a merge stopped on conflicts it could not\n"
	"settle, a rewritten remote, a killed merge) is listed after them, with\n"
	"the next step to take.\n"
	"\n"
	"    --json    print the entries as a JSON array (format in\n"
	"              docs/FORMATS.md: path, kind, base, ours, theirs,\n"
	"              ours_commit, theirs_commit, detected_at, source, and\n"
	"              deleted_by for a modify/delete)\n"
	"\n"
	"Exit status: 0 listed (an empty queue included), 1 the queue cannot be\n"
	"read (the message names the file and the cause), 2 wrong usage.\n",
	0,
};

/* Resolve "." and ".." lexically in a '/'-separated path, in place. */
static void normalize(struct sov_buf *p)
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
 * `arg` as a path relative to the top of the worktree, taking it the way Git
 * does (relative to the current directory, or absolute).  Sets `out` to ""
 * when it lies outside the worktree.  0 or -1.
 */
static int worktree_path(const char *workdir, const char *arg, struct sov_buf *out)
{
	char cwd[PATH_MAX], *top;
	struct sov_buf root = SOV_BUF_INIT;

	sov_buf_reset(out);
	if (arg[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return sov_error_errno("cannot get the current directory");
		sov_buf_addf(out, "%s/", cwd);
	}
	sov_buf_addstr(out, arg);
	normalize(out);
	top = realpath(workdir, NULL);
	if (!top)
		return sov_error_errno("%s", workdir);
	sov_buf_addstr(&root, top);
	free(top);
	normalize(&root);
	if (!strncmp(out->ptr, root.ptr, root.len) && out->ptr[root.len] == '/')
		sov_buf_remove(out, 0, root.len + 1);
	else
		sov_buf_reset(out);
	sov_buf_release(&root);
	return 0;
}

/*
 * The queue entry `arg` names: the path relative to the current directory
 * first, then relative to the top of the worktree.  NULL with a message.
 */
static const struct sov_conflict *find_entry(const struct sov_conflicts *q,
					     const char *workdir, const char *arg)
{
	struct sov_buf path = SOV_BUF_INIT;
	const struct sov_conflict *c = NULL;

	if (worktree_path(workdir, arg, &path) < 0)
		return NULL;
	if (path.len)
		c = sov_conflicts_find(q, path.ptr);
	if (!c && arg[0] != '/') {
		sov_buf_reset(&path);
		sov_buf_addstr(&path, arg);
		normalize(&path);
		if (path.len)
			c = sov_conflicts_find(q, path.ptr + 1);
	}
	if (!c)
		sov_error("%s: no pending conflict for this path (see 'sovsync conflicts')",
			  arg);
	sov_buf_release(&path);
	return c;
}

/*
 * The one place resolve reads a recorded version: the blob as a checkout
 * would write it, through the path's filters (smudge, eol), so a file kept
 * encoded in the repository comes out real.
 */
static int real_blob_content(const char *workdir, const char *path,
			     const git_oid *blob, struct sov_buf *out)
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
 * Write a recorded version into the work tree.  Its directories are opened
 * one by one from the top of the work tree, none through a link, and the
 * file is replaced inside the directory so opened: a directory swapped for
 * a link while the version is read (the filters run programs) is refused,
 * and one swapped after it was opened still receives the file itself, never
 * the link's target.
 */
static int write_version(const char *workdir, const struct sov_conflict *c,
			 const git_oid *blob)
{
	struct sov_buf content = SOV_BUF_INIT;
	int ret = -1;

	if (real_blob_content(workdir, c->path, blob, &content) == 0)
		ret = sov_fs_replace_under(workdir, c->path, content.ptr, content.len, -1,
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

enum side { SIDE_NONE, SIDE_OURS, SIDE_THEIRS };

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
				 enum side side, int *deleted)
{
	const git_oid *version = NULL;
	int exists, ret = 0;

	if ((exists = sov_fs_check_under(workdir, c->path, SOV_FS_ANY)) < 0)
		return -1;
	if (side != SIDE_NONE) {
		version = sov_conflict_version(c, side == SIDE_OURS ? SOV_CONFLICT_OURS
								   : SOV_CONFLICT_THEIRS);
		*deleted = version == NULL;
	} else {
		*deleted = !exists;
	}
	if (*deleted)
		/* -f: the chosen side is a deletion, as --theirs overwrites. */
		return stage_path(workdir, "rm", c->path);
	if (!exists)
		ret = write_version(workdir, c, version);
	if (ret == 0)
		ret = stage_path(workdir, "add", c->path);
	return ret;
}

static int resolve(git_repository *repo, const char *arg, enum side side)
{
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	const struct sov_conflict *c;
	const char *workdir = git_repository_workdir(repo);
	int deleted = 0, ret = -1;

	if (!workdir)
		return sov_error("resolve needs a working tree (this repository is bare)");
	if (sov_conflicts_load(repo, &q) < 0 || !(c = find_entry(&q, workdir, arg)))
		goto out;
	/* The queue is a file: its path must stay a plain one inside the tree. */
	if (sov_fs_check_relpath(c->path) < 0)
		goto out;
	if (c->kind == SOV_CONFLICT_MODIFY_DELETE) {
		if (resolve_modify_delete(workdir, c, side, &deleted) < 0)
			goto out;
	} else if (side == SIDE_NONE && c->kind == SOV_CONFLICT_BINARY) {
		sov_error("%s: binary document: choose a version with --ours or --theirs",
			  c->path);
		goto out;
	} else if (side != SIDE_NONE) {
		if (write_version(workdir, c, side == SIDE_OURS ? &c->ours : &c->theirs) < 0 ||
		    stage_path(workdir, "add", c->path) < 0)
			goto out;
	} else if (check_no_markers(repo, workdir, c) < 0 ||
		   stage_path(workdir, "add", c->path) < 0) {
		goto out;
	}
	if (sov_conflicts_remove(repo, c->path) < 0)
		goto out;
	printf("Resolved '%s'%s%s.\n", c->path, deleted ? " by deleting it" : "",
	       side == SIDE_OURS ? " with ours" : side == SIDE_THEIRS ? " with theirs" : "");
	ret = 0;
out:
	sov_conflicts_release(&q);
	return ret;
}

static int cmd_resolve(int argc, char **argv)
{
	struct sov_ctx ctx = SOV_CTX_INIT;
	git_repository *repo;
	const char *arg = NULL;
	enum side side = SIDE_NONE;
	int i, dashdash = 0, ret = SOV_EXIT_FAIL;

	for (i = 1; i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
		} else if (!dashdash && (!strcmp(argv[i], "--ours") ||
					 !strcmp(argv[i], "--theirs"))) {
			enum side want = argv[i][2] == 'o' ? SIDE_OURS : SIDE_THEIRS;

			if (side != SIDE_NONE && side != want)
				return sov_cli_usage_error(&sov_cmd_resolve,
							   "--ours and --theirs exclude each other");
			side = want;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			return sov_cli_usage_error(&sov_cmd_resolve, "unknown option '%s'",
						   argv[i]);
		} else if (arg) {
			return sov_cli_usage_error(&sov_cmd_resolve, "one path at a time");
		} else {
			arg = argv[i];
		}
	}
	if (!arg || !*arg)
		return sov_cli_usage_error(&sov_cmd_resolve, "which path?");
	repo = open_repo(&ctx);
	if (!repo || resolve(repo, arg, side) < 0) {
		ret = sov_cli_fail();
		goto out;
	}
	ret = SOV_EXIT_OK;
	/* The conflict is settled either way; a counter must not undo that. */
	if (sov_metrics_add_resolved(repo, 1) < 0) {
		sov_error_prefix("resolved, but conflictsResolved not counted");
		sov_error_report();
	}
out:
	sov_ctx_release(&ctx);
	return ret;
}

const struct sov_cmd sov_cmd_resolve = {
	"resolve", cmd_resolve,
	"Settle a flagged document conflict",
	"sovsync resolve [--ours | --theirs] [--] <path>",
	"Settles one entry of the conflict queue ('sovsync conflicts').  <path>\n"
	"is taken like Git takes paths: relative to the current directory (a\n"
	"path relative to the top of the worktree works too).\n"
	"\n"
	"With no option, the document must be a text file whose conflict\n"
	"markers have all been edited away: resolve refuses, naming the lines,\n"
	"while any remain.  A binary document needs --ours or --theirs.\n"
	"\n"
	"    --ours     write our version (as it was before the merge)\n"
	"    --theirs   write their version (from history, through the path's\n"
	"               filters, so it comes out as a checkout would write it)\n"
	"\n"
	"A modify/delete entry (one side deleted the file, the other edited it;\n"
	"'sovsync sync' kept the edit) is settled the same way: the option\n"
	"naming the side that deleted the file applies the deletion ('git rm'),\n"
	"the other keeps the file as it is now in the work tree, later edits\n"
	"included (that side's recorded version is written only if the file is\n"
	"gone).  With no option the work tree is taken as it stands: the file is\n"
	"kept, or its deletion staged if you removed it yourself.\n"
	"\n"
	"Ours and theirs are Git's sides: after 'git pull --rebase' ours is the\n"
	"upstream version and theirs your own replayed commit's.\n"
	"\n"
	"The file is then staged with 'git add' or 'git rm' (commit it as usual,\n"
	"or let the next 'sovsync sync' do it), the entry\n"
	"leaves the queue and conflictsResolved in the sync metrics goes up.\n"
	"\n"
	"Exit status: 0 resolved, 1 not resolved (no such entry, markers left,\n"
	"a binary document without a side, a version that cannot be read or\n"
	"written; the entry then stays queued), 2 wrong usage.\n",
	0,
};

/* For `sovsync ui` (cli_ui.c): a recorded version as `resolve` reads it. */
int sov_cli_conflict_version(const char *workdir, const char *path,
			     const git_oid *blob, struct sov_buf *out)
{
	return real_blob_content(workdir, path, blob, out);
}

/*
 * For `sovsync ui` (cli_ui.c): `sovsync resolve [--ours | --theirs] <path>`
 * (side 0: none, 1: --ours, 2: --theirs), conflictsResolved included.
 */
int sov_cli_resolve(git_repository *repo, const char *path, int side)
{
	if (resolve(repo, path, side == 1 ? SIDE_OURS : side == 2 ? SIDE_THEIRS
							: SIDE_NONE) < 0)
		return -1;
	if (sov_metrics_add_resolved(repo, 1) < 0) {
		sov_error_prefix("resolved, but conflictsResolved not counted");
		sov_error_report();
	}
	return 0;
}
