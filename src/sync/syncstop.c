/*
 * syncstop.c - read the flags of a stopped sync; see syncstop.h.
 */
#include "syncstop.h"
#include "buf.h"
#include "error.h"
#include "fs.h"
#include "json.h"
#include "repo.h"

#include <string.h>

/* The flag file `name`: 1 and *doc (NULL when unreadable, message in `why`), 0 absent. */
static int load_flag(git_repository *repo, const char *name, json_t **doc,
		     struct sov_buf *why)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret = -1;

	*doc = NULL;
	if (sov_repo_state_path(repo, name, &path) < 0)
		goto out;
	ret = 0;
	if (!sov_fs_exists(path.ptr))
		goto out;
	ret = 1;
	if (sov_json_load_file(doc, path.ptr) < 0 || !json_is_object(*doc)) {
		sov_buf_addstr(why, sov_error_isset() ? sov_error_last() : "not a JSON object");
		sov_error_clear();
		json_decref(*doc);
		*doc = NULL;
	}
out:
	sov_buf_release(&path);
	return ret;
}

static const char *str(json_t *doc, const char *key, const char *def)
{
	const char *v = json_string_value(json_object_get(doc, key));
	return v && *v ? v : def;
}

static json_t *conflict(json_t *doc, const char *why)
{
	struct sov_buf msg = SOV_BUF_INIT, step = SOV_BUF_INIT, list = SOV_BUF_INIT;
	const char *remote = str(doc, "remote", "origin"), *branch = str(doc, "branch", "main");
	json_t *paths = json_object_get(doc, "paths"), *p, *out;
	size_t i;

	json_array_foreach(paths, i, p)
		if (json_is_string(p))
			sov_buf_addf(&list, "%s%s", list.len ? " " : "", json_string_value(p));
	if (why)
		sov_buf_addf(&msg, "the last sync stopped on a conflict (sync-conflict.json: %s)",
			     why);
	else
		sov_buf_addf(&msg, "the last sync stopped: %s",
			     str(doc, "message", "a merge stopped on conflicts"));
	sov_buf_addf(&step, "git merge %s/%s, settle the conflicts%s%s, git commit; "
		     "then 'sovsync sync' pushes it", remote, branch,
		     list.len ? " in " : "", list.ptr);
	out = json_pack("{s:s, s:O?, s:o, s:s, s:s}", "reason", "conflict",
			"since", json_object_get(doc, "detected_at"),
			"paths", json_is_array(paths) ? json_incref(paths) : json_array(),
			"message", msg.ptr, "nextStep", step.ptr);
	sov_buf_release(&msg);
	sov_buf_release(&step);
	sov_buf_release(&list);
	return out;
}

static json_t *rewritten(json_t *doc, const char *why)
{
	struct sov_buf msg = SOV_BUF_INIT;
	json_t *out;

	if (why)
		sov_buf_addf(&msg, "the remote was found rewritten (remote-rewritten.json: %s)",
			     why);
	else
		sov_buf_addf(&msg, "the sync stands still: %s",
			     str(doc, "message", "the remote's history was rewritten"));
	out = json_pack("{s:s, s:O?, s:[], s:s, s:s}", "reason", "remote-rewritten",
			"since", json_object_get(doc, "detected_at"), "paths",
			"message", msg.ptr, "nextStep",
			"check that the rewrite was wanted, then 'sovsync sync --accept-rewrite' "
			"replays the local commits onto it and pushes");
	sov_buf_release(&msg);
	return out;
}

static json_t *killed_merge(json_t *doc, const char *why)
{
	struct sov_buf msg = SOV_BUF_INIT;
	json_t *out;

	if (why)
		sov_buf_addf(&msg, "a sync was killed while it merged (merge-in-progress.json: %s)",
			     why);
	else
		sov_buf_addf(&msg, "a sync was killed while it merged %s into %s",
			     str(doc, "merging", "?"), str(doc, "worktree", "the work tree"));
	out = json_pack("{s:s, s:O?, s:[], s:s, s:s}", "reason", "killed-merge",
			"since", json_object_get(doc, "started_at"), "paths",
			"message", msg.ptr, "nextStep",
			why ? "look at the file, remove it, then 'sovsync sync'" :
			"'sovsync sync' puts the work tree back to HEAD and merges again");
	sov_buf_release(&msg);
	return out;
}

int sov_syncstop_load(git_repository *repo, json_t **out)
{
	struct sov_buf why = SOV_BUF_INIT;
	json_t *doc = NULL;
	int r, lock;

	*out = NULL;
	if ((r = load_flag(repo, "remote-rewritten.json", &doc, &why)) < 0)
		goto fail;
	if (r) {
		*out = rewritten(doc, why.len ? why.ptr : NULL);
		goto done;
	}
	if ((r = load_flag(repo, "sync-conflict.json", &doc, &why)) < 0)
		goto fail;
	if (r) {
		*out = conflict(doc, why.len ? why.ptr : NULL);
		goto done;
	}
	if ((r = load_flag(repo, "merge-in-progress.json", &doc, &why)) < 0)
		goto fail;
	if (r && doc && json_is_string(json_object_get(doc, "worktree")) &&
	    git_repository_workdir(repo) &&
	    strcmp(str(doc, "worktree", ""), git_repository_workdir(repo)))
		r = 0;	/* another worktree's merge: its own cycle sees to it */
	if (r) {
		/* A cycle running now holds the sync lock: its marker is no news. */
		lock = sov_repo_lock(repo, "sync", 0);
		if (lock >= 0) {
			*out = killed_merge(doc, why.len ? why.ptr : NULL);
			sov_repo_unlock(lock);
		} else if (sov_error_code() != SOV_ELOCKED) {
			*out = killed_merge(doc, why.len ? why.ptr : NULL);
		}
		sov_error_clear();
	}
done:
	json_decref(doc);
	sov_buf_release(&why);
	return 0;
fail:
	sov_buf_release(&why);
	return -1;
}
