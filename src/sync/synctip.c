/*
 * synctip.c - the remote commit last synced, and the rewrite flag; see
 * synctip.h.
 */
#include "synctip.h"
#include "buf.h"
#include "error.h"
#include "fs.h"
#include "json.h"
#include "repo.h"
#include "timestamp.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

#define TIPS_FILE "synced-tips.json"
#define REWRITE_FILE "remote-rewritten.json"

/* Load the record (a new reference), or an empty one when there is none. */
static int load_tips(git_repository *repo, json_t **tips)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret = 0;

	*tips = NULL;
	if (sov_repo_state_path(repo, TIPS_FILE, &path) < 0)
		ret = -1;
	else if (sov_fs_exists(path.ptr) && sov_json_load_file(tips, path.ptr) < 0)
		ret = -1;
	else if (*tips && !json_is_object(json_object_get(*tips, "tips")))
		ret = sov_error("%s: no \"tips\" object", path.ptr);
	if (ret < 0) {
		json_decref(*tips);
		*tips = NULL;
	} else if (!*tips) {
		*tips = json_pack("{s:i, s:{}}", "version", 1, "tips");
	}
	sov_buf_release(&path);
	return ret;
}

int sov_synctip_get(git_repository *repo, const char *remote, const char *branch,
		    git_oid *oid)
{
	json_t *tips, *entry;
	const char *hex;
	int ret = 0;

	if (load_tips(repo, &tips) < 0)
		return -1;
	entry = json_object_get(json_object_get(json_object_get(tips, "tips"), remote),
				branch);
	hex = json_string_value(entry);
	if (entry && (!hex || git_oid_fromstr(oid, hex) < 0))
		ret = sov_error("%s: tips.%s.%s: not a commit id", TIPS_FILE, remote, branch);
	else if (hex)
		ret = 1;
	json_decref(tips);
	return ret;
}

int sov_synctip_record(git_repository *repo, const char *remote, const char *branch,
		       const git_oid *oid)
{
	struct sov_buf path = SOV_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	json_t *tips, *all, *per_remote;
	const char *old;
	int ret = -1;

	if (load_tips(repo, &tips) < 0)
		return -1;
	git_oid_tostr(hex, sizeof(hex), oid);
	all = json_object_get(tips, "tips");
	per_remote = json_object_get(all, remote);
	if (!json_is_object(per_remote)) {
		per_remote = json_object();
		json_object_set_new(all, remote, per_remote);
	}
	old = json_string_value(json_object_get(per_remote, branch));
	if (old && !strcmp(old, hex)) {
		ret = 0;
		goto out;
	}
	json_object_set_new(per_remote, branch, json_string(hex));
	if (sov_repo_state_path(repo, TIPS_FILE, &path) == 0)
		ret = sov_json_write_file(path.ptr, tips);
out:
	json_decref(tips);
	sov_buf_release(&path);
	return ret;
}

int sov_synctip_flag_rewrite(git_repository *repo, const char *remote,
			     const char *branch, const git_oid *synced,
			     const git_oid *tip, const char *message)
{
	struct sov_buf path = SOV_BUF_INIT, when = SOV_BUF_INIT;
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	json_t *obj;
	int ret = -1;

	git_oid_tostr(old_hex, sizeof(old_hex), synced);
	git_oid_tostr(new_hex, sizeof(new_hex), tip);
	sov_time_format(sov_time_now(), &when);
	obj = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}",
			"version", 1, "detected_at", when.ptr,
			"remote", remote, "branch", branch,
			"synced_commit", old_hex, "remote_commit", new_hex,
			"message", message);
	if (!obj)
		sov_error("%s: cannot build the flag (bad UTF-8 in a name?)", REWRITE_FILE);
	else if (sov_repo_state_path(repo, REWRITE_FILE, &path) == 0)
		ret = sov_json_write_file(path.ptr, obj);
	json_decref(obj);
	sov_buf_release(&path);
	sov_buf_release(&when);
	return ret;
}

int sov_synctip_clear_flag(git_repository *repo)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret = 0;

	if (sov_repo_state_path(repo, REWRITE_FILE, &path) < 0)
		ret = -1;
	else if (sov_os_unlink(path.ptr) < 0 && errno != ENOENT)
		ret = sov_error_errno("%s: cannot remove", path.ptr);
	sov_buf_release(&path);
	return ret;
}
