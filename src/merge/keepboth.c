/*
 * keepboth.c - conflict copies and the keep-both policy; see keepboth.h.
 */
#include "keepboth.h"
#include "error.h"
#include "frame.h"
#include "fs.h"
#include "blob.h"
#include "docmerge.h"
#include "run.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "osfs.h"
#include "ostime.h"

#define WRITER_WALK_MAX 300	/* commits looked at to find a version's writer */
#define COPY_SERIAL_MAX 20	/* names tried before giving up */
#define WHO_MAX 32

int sov_keepboth_parse_policy(const char *value, enum sov_keepboth_policy *out)
{
	if (!value || !*value || !strcmp(value, "copy")) {
		*out = SOV_KEEPBOTH_COPY;
		return 0;
	}
	if (!strcmp(value, "newest")) {
		*out = SOV_KEEPBOTH_NEWEST;
		return 0;
	}
	return sov_error("%s: '%s' is not 'copy' or 'newest'", SOV_KEEPBOTH_ATTR, value);
}

int sov_keepboth_policy(git_repository *repo, const char *path,
			enum sov_keepboth_policy *out)
{
	const char *value = NULL;

	if (git_attr_get(&value, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path,
			 SOV_KEEPBOTH_ATTR) < 0)
		return sov_error_git("%s: cannot read the %s attribute", path, SOV_KEEPBOTH_ATTR);
	switch (git_attr_value(value)) {
	case GIT_ATTR_VALUE_STRING:
		break;
	case GIT_ATTR_VALUE_UNSPECIFIED:
	case GIT_ATTR_VALUE_FALSE:
	case GIT_ATTR_VALUE_TRUE:
		value = NULL;
		break;
	}
	if (sov_keepboth_parse_policy(value, out) < 0)
		return sov_error_prefix("%s", path);
	return 0;
}

void sov_keepboth_copy_name(const char *path, int64_t when, const char *who,
			    unsigned serial, struct sov_buf *out)
{
	const char *base = strrchr(path, '/'), *dot;
	char stamp[32];
	struct tm tm;
	time_t secs = (time_t)(when / 1000000);
	size_t n = 0;
	int dash = 0;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == base)
		dot = NULL;	/* ".bashrc": a name, no extension */
	if (sov_os_gmtime(secs, &tm) < 0)
		memset(&tm, 0, sizeof(tm));
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	sov_buf_reset(out);
	sov_buf_add(out, path, dot ? (size_t)(dot - path) : strlen(path));
	sov_buf_addf(out, ".sync-conflict-%s-", stamp);
	for (; who && *who && n < WHO_MAX; who++) {
		char ch = *who;
		int plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '_';

		if (plain) {
			sov_buf_addch(out, ch);
			dash = 0;
			n++;
		} else if (!dash && n) {
			sov_buf_addch(out, '-');
			dash = 1;
			n++;
		}
	}
	if (dash)
		sov_buf_setlen(out, out->len - 1);
	if (!n || (n == 1 && dash))
		sov_buf_addstr(out, "remote");
	if (serial > 1)
		sov_buf_addf(out, "-%u", serial);
	if (dot)
		sov_buf_addstr(out, dot);
}

/* Whether `tree` holds exactly `blob` at `path`. */
static int tree_holds(git_tree *tree, const char *path, const git_oid *blob)
{
	git_tree_entry *e = NULL;
	int ret;

	if (git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return 0;
	}
	ret = git_oid_equal(git_tree_entry_id(e), blob);
	git_tree_entry_free(e);
	return ret;
}

static int commit_holds(git_commit *c, const char *path, const git_oid *blob)
{
	git_tree *tree = NULL;
	int ret = 0;

	if (git_commit_tree(&tree, c) == 0)
		ret = tree_holds(tree, path, blob);
	git_tree_free(tree);
	return ret;
}

static void set_writer(git_commit *c, struct sov_conflict_info *info)
{
	const git_signature *a = git_commit_author(c);
	struct sov_buf who = SOV_BUF_INIT;

	free(info->author);
	info->author = NULL;
	if (a) {
		sov_buf_addf(&who, "%s <%s>", a->name, a->email);
		/* JSON strings are UTF-8; a signature need not be. */
		{
			json_t *probe = json_string(who.ptr);

			if (probe)
				info->author = sov_buf_detach(&who, NULL);
			json_decref(probe);
		}
		info->has_written_at = 1;
		info->written_at = (int64_t)a->when.time * 1000000;
	}
	sov_buf_release(&who);
}

void sov_keepboth_find_writer(git_repository *repo, const git_oid *commit,
			      const char *path, const git_oid *blob,
			      struct sov_conflict_info *info)
{
	git_revwalk *walk = NULL;
	git_commit *c = NULL, *found = NULL;
	git_oid id;
	int seen = 0;

	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, commit) < 0)
		goto out;
	while (!found && seen++ < WRITER_WALK_MAX && git_revwalk_next(&id, walk) == 0) {
		unsigned i, n, parent_holds = 0;

		if (git_commit_lookup(&c, repo, &id) < 0)
			break;
		if (commit_holds(c, path, blob)) {
			n = git_commit_parentcount(c);
			for (i = 0; i < n && !parent_holds; i++) {
				git_commit *p = NULL;

				if (git_commit_parent(&p, c, i) == 0)
					parent_holds = commit_holds(p, path, blob);
				git_commit_free(p);
			}
			if (!parent_holds) {
				found = c;
				c = NULL;
			}
		}
		git_commit_free(c);
		c = NULL;
	}
	if (!found)
		git_commit_lookup(&found, repo, commit);
	if (found)
		set_writer(found, info);
out:
	git_error_clear();
	git_commit_free(found);
	git_revwalk_free(walk);
}

#define DESCRIBE_WHOLE_MAX (1u << 20)	/* blobs read whole to describe them */

struct head_reader {
	struct sov_buf data;
	size_t want;
};

static int read_head(void *ctx, const void *data, size_t len)
{
	struct head_reader *r = ctx;
	size_t room = r->want - r->data.len;

	sov_buf_add(&r->data, data, len < room ? len : room);
	return r->data.len >= r->want ? 1 : 0;
}

void sov_keepboth_describe_blob(git_repository *repo, const git_oid *blob,
				struct sov_conflict_info *info)
{
	struct head_reader r = { SOV_BUF_INIT, DESCRIBE_WHOLE_MAX };
	struct sov_buf plain = SOV_BUF_INIT;
	git_odb *odb = NULL;
	git_object_t type;
	size_t size = 0;

	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_read_header(&size, &type, odb, blob) < 0 || type != GIT_OBJECT_BLOB)
		goto out;
	if (size > DESCRIBE_WHOLE_MAX)
		r.want = SOV_CONFLICT_PREVIEW_MAX + 4;
	if (sov_blob_stream(repo, blob, read_head, &r) < 0)
		goto out;
	if (sov_frame_is_encoded(r.data.ptr, r.data.len) && r.data.len) {
		if (size <= DESCRIBE_WHOLE_MAX &&
		    sov_frame_decode_buf(r.data.ptr, r.data.len, &plain) == 0) {
			sov_conflict_info_set_content(info, plain.ptr, plain.len);
		} else {
			/* Too large to decode here: the blob id says the rest. */
			sov_conflict_info_set_content(info, "", 0);
			info->size = (int64_t)size;
			info->binary = 1;
		}
	} else {
		sov_conflict_info_set_content(info, r.data.ptr, r.data.len);
		info->size = (int64_t)size;
		info->truncated = info->truncated || r.data.len < size;
	}
out:
	sov_error_clear();
	git_error_clear();
	git_odb_free(odb);
	sov_buf_release(&r.data);
	sov_buf_release(&plain);
}

void sov_keepboth_describe(git_repository *repo, struct sov_conflict *c)
{
	static const enum sov_conflict_side sides[] = { SOV_CONFLICT_OURS, SOV_CONFLICT_THEIRS };
	size_t i;

	for (i = 0; i < 2; i++) {
		const git_oid *blob = sov_conflict_version(c, sides[i]);
		int has_commit = sides[i] == SOV_CONFLICT_OURS ? c->has_ours_commit
							       : c->has_theirs_commit;

		if (!blob)
			continue;
		sov_keepboth_describe_blob(repo, blob, &c->info[sides[i]]);
		if (has_commit)
			sov_keepboth_find_writer(repo, sides[i] == SOV_CONFLICT_OURS
							 ? &c->ours_commit : &c->theirs_commit,
						 c->path, blob, &c->info[sides[i]]);
	}
}

int sov_keepboth_set_versions(git_repository *repo, const char *path,
			      const struct sov_buf stored[3], struct sov_conflict *c)
{
	struct sov_doc_sides commits;

	c->has_base = stored[0].len > 0;
	if (c->has_base &&
	    git_odb_hash(&c->base, stored[0].ptr, stored[0].len, GIT_OBJECT_BLOB) < 0)
		return sov_error_git("%s: cannot hash the base", path);
	if (sov_blob_store(repo, stored[1].ptr, stored[1].len, &c->ours) < 0 ||
	    sov_blob_store(repo, stored[2].ptr, stored[2].len, &c->theirs) < 0)
		return sov_error_prefix("%s", path);
	sov_doc_find_sides(repo, path, &c->ours, &c->theirs, &commits);
	c->has_ours_commit = commits.has_ours;
	c->ours_commit = commits.ours;
	c->has_theirs_commit = commits.has_theirs;
	c->theirs_commit = commits.theirs;
	return 0;
}

int sov_keepboth_write_copy(const char *workdir, const char *path, int64_t when,
			    const char *who, const void *data, size_t len,
			    struct sov_buf *copy)
{
	struct sov_buf have = SOV_BUF_INIT;
	unsigned serial;
	int r, ret = -1;

	for (serial = 1; serial <= COPY_SERIAL_MAX; serial++) {
		sov_keepboth_copy_name(path, when, who, serial, copy);
		sov_buf_reset(&have);
		r = sov_fs_read_under(workdir, copy->ptr, &have);
		if (r < 0) {
			/* A directory or a link of that name: try the next one. */
			sov_error_clear();
			continue;
		}
		if (r == 0 && (have.len != len || memcmp(have.ptr, data, len)))
			continue;
		if (r == 0) {
			ret = 0;	/* written by an earlier run of the same merge */
			break;
		}
		ret = sov_fs_replace_under(workdir, copy->ptr, data, len, -1,
					   SOV_FS_MKDIRS | SOV_FS_DURABLE);
		break;
	}
	if (serial > COPY_SERIAL_MAX)
		ret = sov_error("%s: no free name for a conflict copy (%u tried)", path,
				COPY_SERIAL_MAX);
	sov_buf_release(&have);
	return ret;
}

int sov_keepboth_stage_copies(git_repository *repo, struct sov_buf *staged)
{
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_buf untracked = SOV_BUF_INIT;
	struct sov_argv copies = SOV_ARGV_INIT, args = SOV_ARGV_INIT;
	const char *workdir = git_repository_workdir(repo);
	size_t i, n = 0;
	const char *p;
	int ret = -1;

	if (staged)
		sov_buf_reset(staged);
	if (!workdir)
		return 0;
	if (sov_conflicts_load(repo, &q) < 0)
		return -1;
	for (i = 0; i < q.nr; i++) {
		const struct sov_conflict *c = &q.items[i];

		if (c->kind != SOV_CONFLICT_COPY || !c->copy ||
		    sov_fs_check_relpath(c->copy) < 0 ||
		    sov_fs_check_under(workdir, c->copy, SOV_FS_FILE) != 1) {
			sov_error_clear();
			continue;
		}
		sov_argv_push(&copies, c->copy);
		n++;
	}
	ret = 0;
	if (!n)
		goto out;
	ret = -1;
	sov_argv_pushl(&args, "git", "--literal-pathspecs", "ls-files", "-z", "--others",
		       "--", NULL);
	for (i = 0; i < n; i++)
		sov_argv_push(&args, copies.v[i]);
	if (sov_run_git_argv(&untracked, workdir, NULL, args.v) < 0)
		goto out;
	sov_argv_release(&args);
	sov_argv_pushl(&args, "git", "--literal-pathspecs", "add", "-f", "--", NULL);
	i = 0;
	for (p = untracked.ptr; p < untracked.ptr + untracked.len; p += strlen(p) + 1, i++)
		sov_argv_push(&args, p);
	if (i) {
		sov_trace("staging %zu conflict cop%s", i, i > 1 ? "ies" : "y");
		if (sov_run_git_argv(NULL, workdir, NULL, args.v) < 0)
			goto out;
	}
	ret = 0;
	if (staged) {
		sov_argv_release(&args);
		sov_argv_pushl(&args, "git", "--literal-pathspecs", "ls-files", "-s", "-z",
			       "--", NULL);
		for (i = 0; i < n; i++)
			sov_argv_push(&args, copies.v[i]);
		ret = sov_run_git_argv(staged, workdir, NULL, args.v);
	}
out:
	sov_argv_release(&args);
	sov_argv_release(&copies);
	sov_buf_release(&untracked);
	sov_conflicts_release(&q);
	return ret;
}

int sov_keepboth_remove_copy(const char *workdir, const char *copy)
{
	struct sov_buf dir = SOV_BUF_INIT;
	const char *slash = strrchr(copy, '/');
	int fd, ret = 0;

	if (sov_fs_check_relpath(copy) < 0)
		return -1;
	if (sov_run_git(NULL, workdir, "--literal-pathspecs", "rm", "-q", "-f", "--cached",
			"--ignore-unmatch", "--", copy, NULL) < 0)
		return -1;
	sov_buf_add(&dir, copy, slash ? (size_t)(slash - copy) : 0);
	fd = sov_fs_open_dir_under(workdir, dir.ptr, 0);
	if (fd < 0) {
		if (errno == ENOENT) {
			sov_error_clear();
		} else {
			ret = -1;
		}
	} else {
		if (sov_os_unlinkat(fd, slash ? slash + 1 : copy) < 0 && errno != ENOENT)
			ret = sov_error_errno("%s: cannot remove the conflict copy", copy);
		close(fd);
	}
	sov_buf_release(&dir);
	return ret;
}
