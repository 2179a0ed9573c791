/*
 * hookrun.c - the manifest work of the Git hooks; see hookrun.h.
 */
#include "hookrun.h"
#include "keepboth.h"
#include "blob.h"
#include "error.h"
#include "fs.h"
#include "install.h"
#include "hookinst.h"
#include "repo.h"
#include "run.h"
#include "storedform.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

int sov_hookrun_open(struct sov_hookrun *h, struct sov_ctx *ctx)
{
	const char *index_file = getenv("GIT_INDEX_FILE");

	h->ctx = ctx;
	h->repo = ctx->repo;
	if (!h->repo)
		return sov_error("not in a git repository");
	if (index_file)
		sov_buf_addstr(&h->index_file, index_file);
	h->is_installed = sov_install_is_installed(h->repo);
	if (h->only_if_installed && !h->is_installed)
		return 0;
	if (sov_ctx_load(ctx, SOV_HOOKRUN_SETTINGS) < 0 ||
	    sov_repo_state_path(h->repo, "conflicts.json", &h->conflicts) < 0)
		return -1;
	/*
	 * Only the stored-form check after a pull needs it: a bad value (which
	 * fails the filter itself, so `git add` says so) must not stop the
	 * manifest's upkeep.
	 */
	if (sov_ctx_load(ctx, SOV_SET_FILTER) < 0) {
		sov_warn("%s; the hooks use the default, 1m", sov_error_last());
		sov_error_clear();
		h->min_size = SOV_SETTINGS_MIN_SIZE_DEF;
	} else {
		h->min_size = (uint64_t)ctx->set.filter_min_size;
	}
	return 0;
}

void sov_hookrun_release(struct sov_hookrun *h)
{
	h->ctx = NULL;
	h->repo = NULL;
	sov_buf_release(&h->conflicts);
	sov_buf_release(&h->index_file);
}

void sov_hookrun_opts(struct sov_hookrun *h, struct sov_manifest_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->root = h->ctx->set.root.ptr;
	opts->source = h->ctx->set.source.ptr;
	opts->conflicts_path = h->conflicts.ptr;
}

/* HEAD's commit id; 1 when HEAD is unborn. */
static int head_id(git_repository *repo, git_oid *out)
{
	int err = git_reference_name_to_id(out, repo, "HEAD");

	if (err == GIT_ENOTFOUND || err == GIT_EUNBORNBRANCH)
		return 1;
	if (err < 0)
		return sov_error_git("HEAD");
	return 0;
}

/* The first line of <git dir>/<name> as an object id (MERGE_HEAD, ORIG_HEAD). */
static int read_git_file_oid(git_repository *repo, const char *name, git_oid *out)
{
	struct sov_buf path = SOV_BUF_INIT, data = SOV_BUF_INIT;
	int ret = -1;

	sov_buf_addf(&path, "%s%s", git_repository_path(repo), name);
	if (sov_fs_exists(path.ptr) && sov_buf_read_file(&data, path.ptr) == 0 &&
	    data.len >= GIT_OID_HEXSZ && git_oid_fromstrn(out, data.ptr, GIT_OID_HEXSZ) == 0)
		ret = 0;
	sov_error_clear();
	sov_buf_release(&path);
	sov_buf_release(&data);
	return ret;
}

static int parent_id(git_repository *repo, const git_oid *id, unsigned n, git_oid *out)
{
	git_commit *c = NULL;
	int ret = 1;

	if (git_commit_lookup(&c, repo, id) < 0)
		return sov_error_git("commit %s", git_oid_tostr_s(id));
	if (git_commit_parentcount(c) > n) {
		git_oid_cpy(out, git_commit_parent_id(c, n));
		ret = 0;
	}
	git_commit_free(c);
	return ret;
}

/* The blob id at `path` in `commit`; 1 when absent. */
static int blob_at(git_repository *repo, const git_oid *commit, const char *path, git_oid *out)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	int ret = 1;

	if (git_commit_lookup(&c, repo, commit) < 0 || git_commit_tree(&t, c) < 0) {
		ret = sov_error_git("commit %s", git_oid_tostr_s(commit));
	} else if (git_tree_entry_bypath(&e, t, path) == 0) {
		git_oid_cpy(out, git_tree_entry_id(e));
		ret = 0;
	}
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	return ret;
}

static const char *oid_or_none(const git_oid *id, char *buf)
{
	if (!id)
		return "none";
	return git_oid_tostr(buf, GIT_OID_HEXSZ + 1, id);
}

/* What ensure_fresh() checks besides the manifest. */
#define FRESH_PENDING 1	/* pending_conflicts match the local conflict queue */
#define FRESH_STORED 2	/* files that arrived since `base` are in stored form */

static int ensure_fresh(struct sov_hookrun *h, const git_oid *base, const git_oid *other,
			int may_commit, unsigned flags);

/* ---- trusted commits ---- */

#define TRUSTED_MAX 16

/*
 * Commits whose manifest sovsync wrote or checked in this clone, newest
 * first, in <git dir>/sovsync/trusted.  Only these serve as the base of an
 * incremental computation: a commit made elsewhere (or before install) may
 * carry a stale manifest, and building on it would carry the error forward.
 */
static int is_trusted(struct sov_hookrun *h, const git_oid *id)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	const char *p;
	int ret = 0;

	git_oid_tostr(hex, sizeof(hex), id);
	if (sov_repo_state_path(h->repo, "trusted", &path) == 0 && sov_fs_exists(path.ptr) &&
	    sov_buf_read_file(&text, path.ptr) == 0)
		for (p = text.ptr; (p = strstr(p, hex)); p++)
			if ((p == text.ptr || p[-1] == '\n') && p[GIT_OID_HEXSZ] == '\n') {
				ret = 1;
				break;
			}
	sov_error_clear();
	sov_buf_release(&path);
	sov_buf_release(&text);
	return ret;
}

static void mark_trusted(struct sov_hookrun *h, const git_oid *id)
{
	struct sov_buf path = SOV_BUF_INIT, old = SOV_BUF_INIT, text = SOV_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	char *line, *save = NULL;
	int n = 1;

	git_oid_tostr(hex, sizeof(hex), id);
	sov_buf_addf(&text, "%s\n", hex);
	if (sov_repo_state_path(h->repo, "trusted", &path) < 0)
		goto out;
	if (sov_fs_exists(path.ptr) && sov_buf_read_file(&old, path.ptr) == 0)
		for (line = strtok_r(old.ptr, "\n", &save); line && n < TRUSTED_MAX;
		     line = strtok_r(NULL, "\n", &save))
			if (strcmp(line, hex)) {
				sov_buf_addf(&text, "%s\n", line);
				n++;
			}
	if (sov_fs_replace(path.ptr, text.ptr, text.len, 0600) < 0)
		sov_trace("cannot record %s as trusted: %s", hex, sov_error_last());
out:
	sov_error_clear();
	sov_buf_release(&path);
	sov_buf_release(&old);
	sov_buf_release(&text);
}

/* ---- pre-commit ---- */

/*
 * The tree the hook's index would commit.  The blob of state.json alone
 * does not tell post-commit that HEAD is what pre-commit prepared: a record
 * left by a commit aborted after its pre-commit (an empty message, a failing
 * commit-msg hook) still names the staged state.json when a later commit
 * skips or loses its pre-commit (--no-verify, a killed hook) with more
 * changes staged; trusting that commit would carry its stale manifest into
 * every later incremental computation.  Returns 1 when the index cannot be
 * written as a tree (unmerged entries): then nothing will match.
 */
static int staged_tree(struct sov_hookrun *h, git_oid *out)
{
	git_index *idx = NULL;
	int ret;

	if (h->index_file.len)
		ret = git_index_open(&idx, h->index_file.ptr);
	else
		ret = git_repository_index(&idx, h->repo);
	if (ret == 0)
		ret = git_index_read(idx, 1);
	if (ret == 0)
		ret = git_index_write_tree_to(out, idx, h->repo);
	git_index_free(idx);
	if (ret < 0)
		sov_trace("pre-commit: no tree for the index: %s", git_error_last() ?
			  git_error_last()->message : "unknown error");
	return ret < 0 ? 1 : 0;
}

/*
 * Remember what pre-commit staged: the commit it built on, the blob of
 * state.json and the whole tree, so that post-commit recognises its own
 * work without a check.
 */
static int record_precommit(struct sov_hookrun *h, const struct sov_manifest_staged *st,
			    const git_oid *base)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT;
	char b1[GIT_OID_HEXSZ + 1], b2[GIT_OID_HEXSZ + 1], b3[GIT_OID_HEXSZ + 1];
	git_oid tree;
	int ret;

	sov_buf_addf(&text, "base %s\nstate %s\ntree %s\n", oid_or_none(base, b1),
		     oid_or_none(st->has_state ? &st->state : NULL, b2),
		     staged_tree(h, &tree) ? "unmerged" : git_oid_tostr(b3, sizeof(b3), &tree));
	ret = sov_repo_state_path(h->repo, "precommit", &path);
	if (!ret)
		ret = sov_fs_replace(path.ptr, text.ptr, text.len, 0600);
	sov_buf_release(&path);
	sov_buf_release(&text);
	return ret;
}

/*
 * Two cases where what the hook staged does not end up as the commit and the
 * real index: `git commit --only <paths>` (and `git commit <paths>`) commits
 * a temporary index, "next-index-<pid>.lock", so the real index never gets
 * the manifest and would then show a staged revert; and Git 2.39's `git
 * merge` writes the merge commit's tree before it runs pre-merge-commit, so
 * the merge commit never gets it.  Note the paths for post-commit /
 * post-merge, which put the real index in step with HEAD.
 */
static int note_index_fix(struct sov_hookrun *h, const struct sov_manifest_staged *st,
			  int is_merge)
{
	const char *file = h->index_file.len ? h->index_file.ptr : NULL;
	const char *base = file ? strrchr(file, '/') : NULL;
	struct sov_buf path = SOV_BUF_INIT;
	int ret = 0;

	base = base ? base + 1 : file;
	if (!st->staged.len || (!is_merge && (!base || strncmp(base, "next-index", 10))))
		return 0;
	ret = sov_repo_state_path(h->repo, "fix-index", &path);
	if (!ret)
		ret = sov_fs_replace(path.ptr, st->staged.ptr, st->staged.len, 0600);
	sov_buf_release(&path);
	return ret;
}

/*
 * Whether `git merge` is committing its own result: pre-merge-commit runs
 * before MERGE_HEAD is written, but Git exports GITHEAD_<id> for each
 * merged head (as it does for the merge drivers).
 */
static int merge_running(void)
{
	extern char **environ;
	char **e;

	for (e = environ; *e; e++)
		if (!strncmp(*e, "GITHEAD_", 8))
			return 1;
	return 0;
}

int sov_hookrun_pre_commit(struct sov_hookrun *h)
{
	struct sov_manifest_staged st = SOV_MANIFEST_STAGED_INIT;
	struct sov_manifest_opts opts;
	git_oid head, merge_head;
	int unborn, is_merge, ret = -1;

	sov_hookrun_opts(h, &opts);
	if ((unborn = head_id(h->repo, &head)) < 0)
		return -1;
	/* Untrusted bases mean a full computation: every file is read once. */
	if (!unborn && is_trusted(h, &head))
		opts.base = &head;
	is_merge = read_git_file_oid(h->repo, "MERGE_HEAD", &merge_head) == 0;
	if (is_merge && is_trusted(h, &merge_head))
		opts.other = &merge_head;
	/* What the merge brings in arrived from elsewhere (web commits). */
	if (is_merge) {
		opts.arrived_tip = &merge_head;
		opts.arrived_base = unborn ? NULL : &head;
	}
	/*
	 * The conflict copies merge-keep wrote belong in the merge, and so in
	 * the manifest computed below.  Concluding a stopped merge (MERGE_HEAD)
	 * they reach its commit; in pre-merge-commit (no MERGE_HEAD yet) Git
	 * 2.39 commits the tree it merged, and post-merge commits them on top
	 * (commit_copies), with the manifest this hook wrote to the work tree.
	 * A failure costs only that: the next commit or sync takes them.
	 */
	if ((is_merge || merge_running()) && sov_keepboth_stage_copies(h->repo, NULL) < 0) {
		sov_warn("conflict copies not staged: %s", sov_error_last());
		sov_error_clear();
	}
	if (sov_manifest_commit_time(&opts.commit_time) < 0)
		return -1;
	if (sov_manifest_refresh_index(h->repo, &opts, &st) == 0 &&
	    record_precommit(h, &st, unborn ? NULL : &head) == 0 &&
	    note_index_fix(h, &st, is_merge) == 0)
		ret = 0;
	sov_buf_release(&st.staged);
	return ret;
}

/* ---- post-commit ---- */

/* Whether the working tree file `path` holds exactly blob `a` or blob `b`. */
static int worktree_holds(git_repository *repo, const char *path, const git_oid *a,
			  const git_oid *b)
{
	git_oid id;
	int ret = sov_blob_worktree_id(git_repository_workdir(repo), path, &id) == 0 &&
		  (git_oid_equal(&id, a) || git_oid_equal(&id, b));

	sov_error_clear();
	return ret;
}

/*
 * Put the files noted by note_index_fix() ("<blob id> <path>" lines, the
 * blobs pre-commit staged) in step with HEAD.  After `commit --only`, HEAD
 * holds those blobs: stage them (sov_manifest_stage keeps an edit of the
 * user's in the working tree unstaged).  After a merge (`from_head`), HEAD
 * is the merge commit, which Git 2.39 wrote without them: put HEAD's
 * version back in the index, and in the working tree where it still holds
 * what the hook wrote there (not where the user edited it since), so that
 * a follow-up starts from HEAD.
 */
static int apply_index_fix(struct sov_hookrun *h, int from_head)
{
	struct sov_buf path = SOV_BUF_INIT, list = SOV_BUF_INIT, info = SOV_BUF_INIT;
	int ret = -1;

	if (sov_repo_state_path(h->repo, "fix-index", &path) < 0)
		return -1;
	if (!sov_fs_exists(path.ptr)) {
		ret = 0;
		goto out;
	}
	if (sov_buf_read_file(&list, path.ptr) < 0)
		goto out;
	sov_os_unlink(path.ptr);
	if (!from_head) {
		git_oid head;

		/* HEAD holds what pre-commit wrote: stage exactly that. */
		ret = head_id(h->repo, &head);
		if (ret == 0)
			ret = sov_manifest_stage_commit(h->repo, &head, list.ptr);
		else if (ret > 0)
			ret = 0;
	} else {
		/* Literal: a user directory named "a[1]" is not a pattern. */
		const char *argv[] = { "git", "--literal-pathspecs", "checkout", "-q", "HEAD",
				       "--", NULL, NULL };
		char *line, *save = NULL;
		git_oid head, blob, staged;

		ret = 0;
		if (head_id(h->repo, &head) != 0)
			goto out;
		for (line = strtok_r(list.ptr, "\n", &save); line && !ret;
		     line = strtok_r(NULL, "\n", &save)) {
			const char *file = line + GIT_OID_HEXSZ + 1;

			if (strlen(line) < GIT_OID_HEXSZ + 2 ||
			    git_oid_fromstrn(&staged, line, GIT_OID_HEXSZ) < 0 ||
			    blob_at(h->repo, &head, file, &blob) != 0)
				continue;
			if (!worktree_holds(h->repo, file, &staged, &blob)) {
				sov_buf_addf(&info, "%s %s\n", git_oid_tostr_s(&blob), file);
				continue;
			}
			argv[6] = file;
			ret = sov_run_git_argv(NULL, git_repository_workdir(h->repo), NULL, argv);
		}
		if (!ret && info.len)
			ret = sov_manifest_stage(h->repo, info.ptr);
	}
out:
	sov_buf_release(&path);
	sov_buf_release(&list);
	sov_buf_release(&info);
	return ret;
}

/* Whether pre-commit staged exactly what HEAD holds, on HEAD's parent. */
static int precommit_matches(struct sov_hookrun *h, const git_oid *head, const git_oid *parent)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT, want = SOV_BUF_INIT;
	char b1[GIT_OID_HEXSZ + 1], b2[GIT_OID_HEXSZ + 1], b3[GIT_OID_HEXSZ + 1];
	git_commit *commit = NULL;
	git_oid state;
	int has_state, ret = 0;

	if (sov_repo_state_path(h->repo, "precommit", &path) < 0 || !sov_fs_exists(path.ptr))
		goto out;
	if (sov_buf_read_file(&text, path.ptr) < 0)
		goto out;
	sov_os_unlink(path.ptr);	/* one use only */
	sov_buf_addf(&want, "%s/state.json", h->ctx->set.root.ptr);
	has_state = blob_at(h->repo, head, want.ptr, &state);
	if (has_state < 0)
		goto out;
	if (git_commit_lookup(&commit, h->repo, head) < 0)
		goto out;
	sov_buf_reset(&want);
	sov_buf_addf(&want, "base %s\nstate %s\ntree %s\n", oid_or_none(parent, b1),
		     oid_or_none(has_state ? NULL : &state, b2),
		     git_oid_tostr(b3, sizeof(b3), git_commit_tree_id(commit)));
	ret = has_state == 0 && !strcmp(text.ptr, want.ptr);
out:
	git_commit_free(commit);
	sov_error_clear();
	sov_buf_release(&path);
	sov_buf_release(&text);
	sov_buf_release(&want);
	return ret;
}

/*
 * Whether a follow-up may go on top of a commit just made.  A cherry-pick or
 * revert still has CHERRY_PICK_HEAD / REVERT_HEAD (and for several commits
 * .git/sequencer) while post-commit runs, but its commit is complete and the
 * next pick starts from HEAD, so a follow-up is fine there.  Not during a
 * rebase (each replayed commit is checked once at the end, post-rewrite), a
 * merge, am or bisect.
 */
static int may_follow_up(git_repository *repo)
{
	switch (git_repository_state(repo)) {
	case GIT_REPOSITORY_STATE_NONE:
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		return 1;
	default:
		return 0;
	}
}

int sov_hookrun_post_commit(struct sov_hookrun *h)
{
	git_oid head, parent;
	int has_parent, ret;

	if (apply_index_fix(h, 0) < 0)
		return -1;
	if ((ret = head_id(h->repo, &head)) != 0)
		return ret < 0 ? -1 : 0;
	if ((has_parent = parent_id(h->repo, &head, 0, &parent)) < 0)
		return -1;
	if (precommit_matches(h, &head, has_parent ? NULL : &parent)) {
		sov_trace("post-commit: HEAD holds the manifest pre-commit staged");
		mark_trusted(h, &head);
		return 0;
	}
	return ensure_fresh(h, has_parent ? NULL : &parent, NULL, may_follow_up(h->repo), 0);
}

/*
 * Whether a file under the filter arrived in its real form between `base`
 * and `head` (written by the web app, storedform.h); an error counts as yes,
 * so that ensure_fresh() looks again and reports it.
 */
static int arrived_unfiltered(struct sov_hookrun *h, const git_oid *base, const git_oid *head)
{
	struct sov_buf raw = SOV_BUF_INIT;
	int ret = sov_storedform_find_raw(h->repo, h->ctx->set.root.ptr, base, head, h->min_size,
					  &raw) < 0 || raw.len;

	sov_error_clear();
	sov_buf_release(&raw);
	return ret;
}

static int commit_on_head(struct sov_hookrun *h, const git_oid *tree, const git_oid *head,
			  const char *msg, int64_t when, git_oid *id, struct sov_buf *hex);

/*
 * After a merge Git committed by itself: the conflict copies merge-keep
 * wrote into the work tree during it (keepboth.h) never reached the merge
 * commit (Git 2.39 commits the tree it merged, not what pre-merge-commit
 * staged).  Stage them and commit them on top of `head` (plumbing, no
 * hooks), so that they are pushed with the merge; the caller then refreshes
 * the manifest.  1 when committed (*head is moved), 0 nothing to commit, -1.
 */
static int commit_copies(struct sov_hookrun *h, git_oid *head)
{
	struct sov_buf staged = SOV_BUF_INIT, hex = SOV_BUF_INIT;
	git_tree_update *updates = NULL;
	size_t nr = 0, alloc = 0;
	git_commit *c = NULL;
	git_tree *base = NULL;
	git_oid tree, id;
	const char *p, *end;
	int ret = -1;

	if (sov_keepboth_stage_copies(h->repo, &staged) < 0)
		goto out;
	if (git_commit_lookup(&c, h->repo, head) < 0 || git_commit_tree(&base, c) < 0) {
		sov_error_git("commit %s", git_oid_tostr_s(head));
		goto out;
	}
	/* "<mode> <id> <stage>\t<path>\0" */
	for (p = staged.ptr, end = staged.ptr + staged.len; p < end; p += strlen(p) + 1) {
		const char *tab = strchr(p, '\t');
		git_tree_entry *e = NULL;
		unsigned mode;
		git_oid blob;
		int same;

		if (!tab || sscanf(p, "%o", &mode) != 1 || strlen(p) < 7 + GIT_OID_HEXSZ + 2 ||
		    git_oid_fromstrn(&blob, p + 7, GIT_OID_HEXSZ) < 0 || tab[-1] != '0')
			continue;
		same = git_tree_entry_bypath(&e, base, tab + 1) == 0 &&
		       git_oid_equal(git_tree_entry_id(e), &blob);
		git_tree_entry_free(e);
		git_error_clear();
		if (same)
			continue;
		SOV_ALLOC_GROW(updates, nr + 1, alloc);
		memset(&updates[nr], 0, sizeof(*updates));
		updates[nr].action = GIT_TREE_UPDATE_UPSERT;
		updates[nr].filemode = mode;
		updates[nr].id = blob;
		updates[nr].path = tab + 1;
		nr++;
	}
	ret = 0;
	if (!nr)
		goto out;
	ret = -1;
	if (git_tree_create_updated(&tree, h->repo, base, nr, updates) < 0) {
		sov_error_git("cannot build the tree of the conflict copies");
		goto out;
	}
	/*
	 * Dated as the merge: pre-merge-commit dated the copies' manifest
	 * entries with the merge's time, so the follow-up finds the same.
	 */
	if (commit_on_head(h, &tree, head, SOV_COPIES_MESSAGE,
			   (int64_t)git_commit_time(c) * 1000000, &id, &hex) < 0)
		goto out;
	sov_warn("%zu conflict cop%s committed in %.12s", nr, nr > 1 ? "ies" : "y", hex.ptr);
	*head = id;
	ret = 1;
out:
	free(updates);
	git_tree_free(base);
	git_commit_free(c);
	sov_buf_release(&staged);
	sov_buf_release(&hex);
	return ret;
}

int sov_hookrun_post_merge(struct sov_hookrun *h, int is_squash)
{
	git_oid head, p1, p2, orig;
	int ret;

	if (is_squash)		/* nothing was committed */
		return 0;
	if ((ret = head_id(h->repo, &head)) != 0)
		return ret < 0 ? -1 : 0;
	if (parent_id(h->repo, &head, 1, &p2) == 0 && parent_id(h->repo, &head, 0, &p1) == 0) {
		/*
		 * A merge commit: first put the files pre-merge-commit wrote
		 * back to the commit's version, so that a follow-up starts from
		 * HEAD and tells them from an edit of the user's; then, did what
		 * pre-merge-commit staged reach it?
		 */
		int copies = commit_copies(h, &head);

		if (copies < 0) {
			/* The copies stay in the work tree; the next sync commits them. */
			sov_warn("conflict copies not committed: %s", sov_error_last());
			sov_error_clear();
			copies = 0;
		}
		if (apply_index_fix(h, 1) < 0)
			return -1;
		if (!copies && precommit_matches(h, &head, &p1) &&
		    !arrived_unfiltered(h, &p1, &head)) {
			mark_trusted(h, &head);
			return 0;
		}
		return ensure_fresh(h, &p1, &p2, 1, FRESH_PENDING | FRESH_STORED);
	}
	/* A fast-forward: everything since ORIG_HEAD arrived from elsewhere. */
	if (read_git_file_oid(h->repo, "ORIG_HEAD", &orig) == 0 &&
	    git_graph_descendant_of(h->repo, &head, &orig) == 1)
		return ensure_fresh(h, &orig, NULL, 1, FRESH_STORED);
	return ensure_fresh(h, NULL, NULL, 1, FRESH_STORED);
}

int sov_hookrun_post_rewrite(struct sov_hookrun *h, const char *kind)
{
	/*
	 * amend: post-commit has already run for the new commit.  rebase: the
	 * replayed commits carry the manifests of their old bases, and no
	 * pre-commit ran for them; check everything once, at the end.  The
	 * rebase state directory still exists while this hook runs, but the
	 * branch is already updated, so a follow-up commit is safe here.
	 */
	git_oid head;
	int copies = 0;

	if (strcmp(kind, "rebase"))
		return 0;
	/* The conflict copies merge-keep wrote while replaying (keepboth.h). */
	if (head_id(h->repo, &head) == 0 && (copies = commit_copies(h, &head)) < 0) {
		sov_warn("conflict copies not committed: %s", sov_error_last());
		sov_error_clear();
		copies = 0;
	}
	return ensure_fresh(h, NULL, NULL, 1, FRESH_STORED | (copies ? FRESH_PENDING : 0));
}

/* ---- follow-up ---- */

static int head_is_followup(git_repository *repo, const git_oid *head)
{
	git_commit *c = NULL;
	int ret;

	if (git_commit_lookup(&c, repo, head) < 0)
		return 0;
	ret = !strncmp(git_commit_message(c), SOV_FOLLOWUP_MESSAGE,
		       strlen(SOV_FOLLOWUP_MESSAGE));
	git_commit_free(c);
	return ret;
}

/*
 * HEAD's tree with the manifest's files (`paths`, "<blob id> <path>" lines)
 * replaced by their new blobs and the files of `raw` by their stored form;
 * `list` gets "<blob id> <path>" for each, for sov_manifest_stage().
 */
static int followup_tree(git_repository *repo, const git_oid *head, char *paths, char *raw,
			 uint64_t min_size, git_oid *tree_out, struct sov_buf *list)
{
	git_tree_update *updates = NULL;
	size_t nr = 0, alloc = 0;
	git_commit *c = NULL;
	git_tree *base = NULL;
	char *line, *save = NULL;
	int ret = -1;

	/* "<blob id> <path>": the manifest stored the new contents already. */
	for (line = strtok_r(paths, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		SOV_ALLOC_GROW(updates, nr + 1, alloc);
		memset(&updates[nr], 0, sizeof(*updates));
		updates[nr].action = GIT_TREE_UPDATE_UPSERT;
		updates[nr].filemode = GIT_FILEMODE_BLOB;
		if (strlen(line) < GIT_OID_HEXSZ + 2 ||
		    git_oid_fromstrn(&updates[nr].id, line, GIT_OID_HEXSZ) < 0) {
			sov_error("bad follow-up line '%.80s'", line);
			goto out;
		}
		updates[nr].path = line + GIT_OID_HEXSZ + 1;
		sov_buf_addf(list, "%s\n", line);
		nr++;
	}
	if (git_commit_lookup(&c, repo, head) < 0 || git_commit_tree(&base, c) < 0) {
		sov_error_git("commit %s", git_oid_tostr_s(head));
		goto out;
	}
	/* From HEAD's blob, not the working tree: keep the mode, take no edit. */
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		git_tree_entry *e = NULL;

		SOV_ALLOC_GROW(updates, nr + 1, alloc);
		memset(&updates[nr], 0, sizeof(*updates));
		updates[nr].action = GIT_TREE_UPDATE_UPSERT;
		updates[nr].path = line;
		if (git_tree_entry_bypath(&e, base, line) < 0) {
			sov_error_git("%s", line);
			goto out;
		}
		updates[nr].filemode = git_tree_entry_filemode(e);
		if (sov_storedform_encode_blob(repo, git_tree_entry_id(e), min_size,
					       &updates[nr].id) < 0) {
			git_tree_entry_free(e);
			goto out;
		}
		git_tree_entry_free(e);
		sov_buf_addf(list, "%s %s\n", git_oid_tostr_s(&updates[nr].id), line);
		nr++;
	}
	if (git_tree_create_updated(tree_out, repo, base, nr, updates) < 0) {
		sov_error_git("cannot build the follow-up tree");
		goto out;
	}
	ret = 0;
out:
	free(updates);
	git_tree_free(base);
	git_commit_free(c);
	return ret;
}

/*
 * Commit `tree` on top of `head` (which HEAD must still name) with plumbing
 * (commit-tree, update-ref): no hooks run.  `when` (an instant) is the
 * author and committer date.  *id and `hex` get the new commit.
 */
static int commit_on_head(struct sov_hookrun *h, const git_oid *tree, const git_oid *head,
			  const char *msg, int64_t when, git_oid *id, struct sov_buf *hex)
{
	struct sov_buf date = SOV_BUF_INIT, adate = SOV_BUF_INIT;
	struct sov_argv commit_tree = SOV_ARGV_INIT;
	char tree_hex[GIT_OID_HEXSZ + 1], head_hex[GIT_OID_HEXSZ + 1];
	const char *env[] = { NULL, NULL, NULL };
	const char *update_ref[] = { "git", "update-ref", "-m", msg, "HEAD", NULL, head_hex,
				     NULL };
	int sign = 0, ret = -1;

	git_oid_tostr(tree_hex, sizeof(tree_hex), tree);
	git_oid_tostr(head_hex, sizeof(head_hex), head);
	sov_buf_addf(&date, "GIT_COMMITTER_DATE=@%lld +0000", (long long)(when / 1000000));
	sov_buf_addf(&adate, "GIT_AUTHOR_DATE=@%lld +0000", (long long)(when / 1000000));
	env[0] = date.ptr;
	env[1] = adate.ptr;
	/*
	 * Signed as `git commit` would sign it: commit-tree reads gpg.format
	 * and user.signingKey for -S, but not commit.gpgSign (a branch
	 * protection that wants signed commits would refuse the commit).
	 */
	if (sov_config_get_bool(h->ctx->cfg, "commit.gpgSign", 0, &sign) < 0)
		goto out;
	sov_argv_pushl(&commit_tree, "git", "commit-tree", tree_hex, "-p", head_hex,
		       "-m", msg, NULL);
	if (sign)
		sov_argv_push(&commit_tree, "-S");
	sov_buf_reset(hex);
	if (sov_run_git_argv(hex, git_repository_workdir(h->repo), env, commit_tree.v) < 0)
		goto out;
	sov_buf_rtrim(hex);
	if (hex->len != GIT_OID_HEXSZ || git_oid_fromstrn(id, hex->ptr, hex->len) < 0) {
		sov_error("git commit-tree: unexpected output '%s'", hex->ptr);
		goto out;
	}
	update_ref[5] = hex->ptr;
	ret = sov_run_git_argv(NULL, git_repository_workdir(h->repo), NULL, update_ref);
out:
	sov_argv_release(&commit_tree);
	sov_buf_release(&date);
	sov_buf_release(&adate);
	return ret;
}

/*
 * Commit the refreshed manifest on top of HEAD.  Built with plumbing
 * (commit-tree, update-ref) rather than `git commit`: it runs no hooks (no
 * re-entry), works while Git still holds merge state in post-merge, and never
 * takes anything else the user has staged.
 */
static int commit_followup(struct sov_hookrun *h, const git_oid *head, char *raw,
			   const git_oid *arrived_tip, const git_oid *arrived_base)
{
	struct sov_manifest_opts opts;
	struct sov_buf paths = SOV_BUF_INIT, list = SOV_BUF_INIT, out = SOV_BUF_INIT;
	char head_hex[GIT_OID_HEXSZ + 1];
	git_oid tree, followup;
	int ret = -1;

	sov_hookrun_opts(h, &opts);
	opts.history = head;
	opts.arrived_tip = arrived_tip;
	opts.arrived_base = arrived_base;
	if (sov_manifest_commit_time(&opts.commit_time) < 0 ||
	    sov_manifest_refresh_tree(h->repo, head, &opts, &paths) < 0)
		goto out;
	if (!paths.len && !*raw) {
		sov_trace("follow-up: nothing to rewrite");
		ret = 0;
		goto out;
	}
	if (followup_tree(h->repo, head, paths.len ? paths.ptr : (char *)"", raw, h->min_size,
			  &tree, &list) < 0)
		goto out;
	git_oid_tostr(head_hex, sizeof(head_hex), head);
	/* The commit date is the one the manifest used for the files it wrote. */
	if (commit_on_head(h, &tree, head, SOV_FOLLOWUP_MESSAGE, opts.commit_time,
			   &followup, &out) < 0)
		goto out;
	/*
	 * By blob id, not by `git update-index <path>`: a file the pull checked
	 * out unfiltered is not rewritten here, only its stored form changes, and
	 * Git does not read a file again while its stat info looks unchanged.
	 */
	if (sov_manifest_stage_commit(h->repo, &followup, list.ptr) < 0)
		goto out;
	sov_warn("manifest of %.12s refreshed in follow-up commit %.12s",
		head_hex, out.ptr);
	mark_trusted(h, &followup);
	ret = 0;
out:
	sov_buf_release(&paths);
	sov_buf_release(&list);
	sov_buf_release(&out);
	return ret;
}

/*
 * With FRESH_PENDING, a commit whose pending_conflicts differ from the
 * local conflict queue counts as stale too: for a merge made here, whose
 * document conflicts were just queued by the doc driver.  Never for commits
 * that arrived from elsewhere, or two clones with different queues would
 * rewrite each other's list forever.  With FRESH_STORED, so does a commit
 * that brought files under the filter in their real form (storedform.h):
 * the follow-up stores them filtered.
 */
static int ensure_fresh(struct sov_hookrun *h, const git_oid *base, const git_oid *other,
			int may_commit, unsigned flags)
{
	struct sov_manifest_opts opts;
	struct sov_buf report = SOV_BUF_INIT, raw = SOV_BUF_INIT;
	git_oid head;
	int ret;

	if ((ret = head_id(h->repo, &head)) != 0)
		return ret < 0 ? -1 : 0;
	sov_hookrun_opts(h, &opts);
	/* A quick check builds on bases this clone checked; else check all. */
	opts.base = base && is_trusted(h, base) ? base : NULL;
	opts.other = other && is_trusted(h, other) ? other : NULL;
	ret = sov_manifest_verify(h->repo, &head, &opts, &report);
	if (ret == 0 && (flags & FRESH_PENDING)) {
		int current = sov_manifest_pending_is_current(h->repo, &head, &opts);

		if (current < 0)
			goto out;
		if (!current) {
			sov_buf_addstr(&report, "pending_conflicts differ from the queue\n");
			ret = 1;
		}
	}
	if (ret >= 0 && (flags & FRESH_STORED)) {
		if (sov_storedform_find_raw(h->repo, h->ctx->set.root.ptr, base, &head, h->min_size,
					    &raw) < 0) {
			ret = -1;
			goto out;
		}
		if (raw.len) {
			sov_buf_addf(&report, "stored unfiltered:\n%s", raw.ptr);
			ret = 1;
		}
	}
	if (ret == 0)
		mark_trusted(h, &head);
	if (ret <= 0)
		goto out;
	sov_trace("manifest of %s is stale:\n%s", git_oid_tostr_s(&head), report.ptr);
	if (!may_commit) {
		sov_trace("follow-up deferred: an operation is in progress");
		ret = 0;
	} else if (head_is_followup(h->repo, &head)) {
		ret = sov_error("%s: manifest still stale after a refresh; not retrying",
				git_oid_tostr_s(&head));
	} else if (flags & FRESH_STORED) {
		/*
		 * After a pull: base..(other or HEAD) arrived from elsewhere
		 * (a rebase: ORIG_HEAD..HEAD); without a base, nothing is
		 * taken for arrived.
		 */
		git_oid orig;
		const git_oid *from = base;

		if (!from && read_git_file_oid(h->repo, "ORIG_HEAD", &orig) == 0)
			from = &orig;
		ret = commit_followup(h, &head, raw.len ? raw.ptr : (char *)"",
				      from ? (other ? other : &head) : NULL, from);
	} else {
		ret = commit_followup(h, &head, raw.len ? raw.ptr : (char *)"", NULL, NULL);
	}
out:
	sov_buf_release(&report);
	sov_buf_release(&raw);
	return ret;
}

int sov_hookrun_check_push(struct sov_ctx *ctx)
{
	const char *workdir = sov_ctx_workdir(ctx);
	struct sov_hookrun h = SOV_HOOKRUN_INIT;
	struct sov_buf dir = SOV_BUF_INIT, problems = SOV_BUF_INIT, report = SOV_BUF_INIT;
	struct sov_manifest_opts opts;
	git_oid head;
	int ret;

	/* The whole context, as a hook has it: a follow-up reads its config. */
	h.only_if_installed = 1;
	ret = sov_hookrun_open(&h, ctx);
	if (ret < 0 || !h.is_installed || !workdir || head_id(h.repo, &head) != 0)
		goto out;	/* no hooks to keep it; nothing to push; (push fails) */
	ret = sov_hookinst_check(workdir, &dir, &problems);
	if (ret > 0) {
		/*
		 * Hooks in order: HEAD is trusted unless it was made while they
		 * were not (or arrived and was never checked): check it as
		 * post-commit would, with a follow-up when stale.
		 */
		ret = is_trusted(&h, &head) ? 0 :
			ensure_fresh(&h, NULL, NULL, may_follow_up(h.repo), 0);
		goto out;
	}
	if (ret < 0)
		goto out;
	sov_hookrun_opts(&h, &opts);
	ret = sov_manifest_verify(h.repo, &head, &opts, &report);
	if (ret == 0)
		mark_trusted(&h, &head);
	if (ret > 0) {
		sov_buf_rtrim(&problems);
		ret = sov_error("not pushing: the manifest of %.12s is stale (%.*s) and the "
				"hooks in %s are bypassed (%s); run 'sovsync install'",
				git_oid_tostr_s(&head), (int)strcspn(report.ptr, "\n"), report.ptr,
				dir.ptr, problems.ptr);
	}
out:
	sov_hookrun_release(&h);
	sov_buf_release(&dir);
	sov_buf_release(&problems);
	sov_buf_release(&report);
	return ret < 0 ? -1 : 0;
}
