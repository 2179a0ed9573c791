/*
 * hookrun.c - the manifest work of the Git hooks; see hookrun.h.
 */
#include "hookrun.h"
#include "error.h"
#include "fs.h"
#include "repo.h"
#include "run.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sov_hookrun_open(struct sov_hookrun *h, const char *dir)
{
	if (sov_config_open(&h->cfg, dir) < 0)
		return -1;
	h->repo = sov_config_repo(h->cfg);
	if (!h->repo)
		return sov_error("not in a git repository");
	if (sov_config_get_string(h->cfg, "sovsync.root", "shared", &h->root) < 0 ||
	    sov_config_get_string(h->cfg, "sovsync.source", "local", &h->source) < 0 ||
	    sov_repo_state_path(h->repo, "conflicts.json", &h->conflicts) < 0)
		return -1;
	while (h->root.len > 1 && h->root.ptr[h->root.len - 1] == '/')
		sov_buf_setlen(&h->root, h->root.len - 1);
	return 0;
}

void sov_hookrun_release(struct sov_hookrun *h)
{
	sov_config_free(h->cfg);
	h->cfg = NULL;
	h->repo = NULL;
	sov_buf_release(&h->root);
	sov_buf_release(&h->source);
	sov_buf_release(&h->conflicts);
}

int sov_hookrun_is_followup(void)
{
	const char *v = getenv(SOV_FOLLOWUP_ENV);

	return v && *v;
}

void sov_hookrun_opts(struct sov_hookrun *h, struct sov_manifest_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->root = h->root.ptr;
	opts->source = h->source.ptr;
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

/* ---- pre-commit ---- */

/*
 * Remember what pre-commit staged: the commit it built on and the blob of
 * state.json, so that post-commit recognises its own work without a check.
 */
static int record_precommit(struct sov_hookrun *h, git_index *index, const git_oid *base)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT, state = SOV_BUF_INIT;
	char b1[GIT_OID_HEXSZ + 1], b2[GIT_OID_HEXSZ + 1];
	const git_index_entry *e;
	int ret;

	sov_buf_addf(&state, "%s/state.json", h->root.ptr);
	e = git_index_get_bypath(index, state.ptr, 0);
	sov_buf_addf(&text, "base %s\nstate %s\n", oid_or_none(base, b1),
		     oid_or_none(e ? &e->id : NULL, b2));
	ret = sov_repo_state_path(h->repo, "precommit", &path);
	if (!ret)
		ret = sov_fs_write_atomic(path.ptr, text.ptr, text.len, 0600);
	sov_buf_release(&path);
	sov_buf_release(&text);
	sov_buf_release(&state);
	return ret;
}

/*
 * `git commit --only <paths>` (and `git commit <paths>`) commits a temporary
 * index; what the hook staged there never reaches the real index, where it
 * would then look like a staged revert.  Note the paths for post-commit.
 */
static int note_index_fix(struct sov_hookrun *h, git_index *index)
{
	const char *file = git_index_path(index);
	const char *base = file ? strrchr(file, '/') : NULL;
	struct sov_buf path = SOV_BUF_INIT, list = SOV_BUF_INIT;
	size_t i, n = git_index_entrycount(index);
	int ret = 0;

	base = base ? base + 1 : file;
	if (!base || strncmp(base, "next-index", 10))
		return 0;
	for (i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);

		if (!GIT_INDEX_ENTRY_STAGE(e) && sov_manifest_is_own_file(h->root.ptr, e->path))
			sov_buf_addf(&list, "%s\n", e->path);
	}
	ret = sov_repo_state_path(h->repo, "fix-index", &path);
	if (!ret)
		ret = sov_fs_write_atomic(path.ptr, list.ptr, list.len, 0600);
	sov_buf_release(&path);
	sov_buf_release(&list);
	return ret;
}

int sov_hookrun_pre_commit(struct sov_hookrun *h)
{
	struct sov_manifest_opts opts;
	git_oid head, merge_head;
	git_index *index = NULL;
	int unborn, ret = -1;

	sov_hookrun_opts(h, &opts);
	if ((unborn = head_id(h->repo, &head)) < 0)
		return -1;
	if (!unborn)
		opts.base = &head;
	if (read_git_file_oid(h->repo, "MERGE_HEAD", &merge_head) == 0)
		opts.other = &merge_head;
	if (sov_manifest_commit_time(&opts.commit_time) < 0)
		return -1;
	if (git_repository_index(&index, h->repo) < 0)
		return sov_error_git("cannot read the index");
	if (sov_manifest_refresh_index(h->repo, index, &opts, NULL) == 0 &&
	    record_precommit(h, index, opts.base) == 0 &&
	    note_index_fix(h, index) == 0)
		ret = 0;
	git_index_free(index);
	return ret;
}

/* ---- post-commit ---- */

/* Copy HEAD's manifest files into the real index after `commit --only`. */
static int apply_index_fix(struct sov_hookrun *h)
{
	struct sov_buf path = SOV_BUF_INIT, list = SOV_BUF_INIT;
	git_index *index = NULL;
	char *line, *save = NULL;
	int ret = -1;

	if (sov_repo_state_path(h->repo, "fix-index", &path) < 0)
		return -1;
	if (!sov_fs_exists(path.ptr)) {
		ret = 0;
		goto out;
	}
	if (sov_buf_read_file(&list, path.ptr) < 0)
		goto out;
	unlink(path.ptr);
	if (git_repository_index(&index, h->repo) < 0 || git_index_read(index, 0) < 0) {
		sov_error_git("cannot read the index");
		goto out;
	}
	for (line = strtok_r(list.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (git_index_add_bypath(index, line) < 0) {
			sov_error_git("cannot stage %s", line);
			goto out;
		}
	if (list.len && git_index_write(index) < 0) {
		sov_error_git("cannot write the index");
		goto out;
	}
	ret = 0;
out:
	git_index_free(index);
	sov_buf_release(&path);
	sov_buf_release(&list);
	return ret;
}

/* Whether pre-commit staged exactly what HEAD holds, on HEAD's parent. */
static int precommit_matches(struct sov_hookrun *h, const git_oid *head, const git_oid *parent)
{
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT, want = SOV_BUF_INIT;
	char b1[GIT_OID_HEXSZ + 1], b2[GIT_OID_HEXSZ + 1];
	git_oid state;
	int has_state, ret = 0;

	if (sov_repo_state_path(h->repo, "precommit", &path) < 0 || !sov_fs_exists(path.ptr))
		goto out;
	if (sov_buf_read_file(&text, path.ptr) < 0)
		goto out;
	unlink(path.ptr);	/* one use only */
	sov_buf_addf(&want, "%s/state.json", h->root.ptr);
	has_state = blob_at(h->repo, head, want.ptr, &state);
	if (has_state < 0)
		goto out;
	sov_buf_reset(&want);
	sov_buf_addf(&want, "base %s\nstate %s\n", oid_or_none(parent, b1),
		     oid_or_none(has_state ? NULL : &state, b2));
	ret = has_state == 0 && !strcmp(text.ptr, want.ptr);
out:
	sov_error_clear();
	sov_buf_release(&path);
	sov_buf_release(&text);
	sov_buf_release(&want);
	return ret;
}

int sov_hookrun_post_commit(struct sov_hookrun *h)
{
	git_oid head, parent;
	int has_parent, ret;

	if (apply_index_fix(h) < 0)
		return -1;
	if ((ret = head_id(h->repo, &head)) != 0)
		return ret < 0 ? -1 : 0;
	if ((has_parent = parent_id(h->repo, &head, 0, &parent)) < 0)
		return -1;
	if (precommit_matches(h, &head, has_parent ? NULL : &parent)) {
		sov_trace("post-commit: HEAD holds the manifest pre-commit staged");
		return 0;
	}
	return sov_hookrun_ensure_fresh(h, has_parent ? NULL : &parent, NULL,
					git_repository_state(h->repo) == GIT_REPOSITORY_STATE_NONE);
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
		/* A merge commit: pre-merge-commit staged its manifest. */
		if (precommit_matches(h, &head, &p1))
			return 0;
		return sov_hookrun_ensure_fresh(h, &p1, &p2, 1);
	}
	/* A fast-forward: everything since ORIG_HEAD arrived from elsewhere. */
	if (read_git_file_oid(h->repo, "ORIG_HEAD", &orig) == 0 &&
	    git_graph_descendant_of(h->repo, &head, &orig) == 1)
		return sov_hookrun_ensure_fresh(h, &orig, NULL, 1);
	return sov_hookrun_ensure_fresh(h, NULL, NULL, 1);
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
	if (strcmp(kind, "rebase"))
		return 0;
	return sov_hookrun_ensure_fresh(h, NULL, NULL, 1);
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

static int run_git_env(git_repository *repo, const char *const *argv, const char *const *env)
{
	struct sov_buf err = SOV_BUF_INIT;
	struct sov_run r = { 0 };
	int status;

	r.argv = argv;
	r.dir = git_repository_workdir(repo);
	r.env = env;
	r.err = &err;
	status = sov_run(&r);
	if (status > 0) {
		char *nl = strchr(err.ptr, '\n');

		if (nl)
			*nl = '\0';
		sov_error("git %s: %s", argv[1], err.len ? err.ptr : "failed");
	}
	sov_buf_release(&err);
	return status == 0 ? 0 : -1;
}

static int commit_followup(struct sov_hookrun *h, const git_oid *head)
{
	struct sov_manifest_opts opts;
	struct sov_buf paths = SOV_BUF_INIT, date = SOV_BUF_INIT, env_flag = SOV_BUF_INIT;
	const char **argv = NULL;
	const char *env[5];
	size_t n = 0, i, nargs;
	char *p;
	int ret = -1;

	sov_hookrun_opts(h, &opts);
	opts.history = head;
	if (sov_manifest_commit_time(&opts.commit_time) < 0 ||
	    sov_manifest_refresh_tree(h->repo, head, &opts, &paths) < 0)
		goto out;
	if (!paths.len) {
		sov_trace("follow-up: nothing to rewrite");
		ret = 0;
		goto out;
	}
	for (p = paths.ptr; *p; p++)
		n += *p == '\n';
	argv = sov_calloc(n + 12, sizeof(*argv));
	nargs = 0;
	argv[nargs++] = "git";
	argv[nargs++] = "add";
	argv[nargs++] = "--";
	for (p = paths.ptr, i = 0; i < n; i++) {
		char *nl = strchr(p, '\n');

		*nl = '\0';
		argv[nargs++] = p;
		p = nl + 1;
	}
	/* The commit date is the one the manifest used for the files it wrote. */
	sov_buf_addf(&date, "GIT_COMMITTER_DATE=@%lld +0000",
		     (long long)(opts.commit_time / 1000000));
	sov_buf_addf(&env_flag, "%s=1", SOV_FOLLOWUP_ENV);
	env[0] = env_flag.ptr;
	env[1] = "GIT_INDEX_FILE";
	env[2] = date.ptr;
	env[3] = NULL;
	if (run_git_env(h->repo, argv, env) < 0)
		goto out;
	/* git commit --no-verify -q --only -m MSG -- paths: nothing else of the index. */
	memmove(argv + 8, argv + 3, (nargs - 3) * sizeof(*argv));
	argv[1] = "commit";
	argv[2] = "--no-verify";
	argv[3] = "--quiet";
	argv[4] = "--only";
	argv[5] = "-m";
	argv[6] = SOV_FOLLOWUP_MESSAGE;
	argv[7] = "--";
	argv[nargs + 5] = NULL;
	if (run_git_env(h->repo, argv, env) < 0)
		goto out;
	fprintf(stderr, "sovsync: %s: manifest refreshed in a follow-up commit\n",
		git_oid_tostr_s(head));
	ret = 0;
out:
	free(argv);
	sov_buf_release(&paths);
	sov_buf_release(&date);
	sov_buf_release(&env_flag);
	return ret;
}

int sov_hookrun_ensure_fresh(struct sov_hookrun *h, const git_oid *base,
			     const git_oid *other, int may_commit)
{
	struct sov_manifest_opts opts;
	struct sov_buf report = SOV_BUF_INIT;
	git_oid head;
	int ret;

	if ((ret = head_id(h->repo, &head)) != 0)
		return ret < 0 ? -1 : 0;
	sov_hookrun_opts(h, &opts);
	opts.base = base;
	opts.other = other;
	ret = sov_manifest_verify(h->repo, &head, &opts, &report);
	if (ret <= 0)
		goto out;
	sov_trace("manifest of %s is stale:\n%s", git_oid_tostr_s(&head), report.ptr);
	if (!may_commit) {
		sov_trace("follow-up deferred: an operation is in progress");
		ret = 0;
	} else if (head_is_followup(h->repo, &head)) {
		ret = sov_error("%s: manifest still stale after a refresh; not retrying",
				git_oid_tostr_s(&head));
	} else {
		ret = commit_followup(h, &head);
	}
out:
	sov_buf_release(&report);
	return ret;
}
