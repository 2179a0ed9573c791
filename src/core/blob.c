/*
 * blob.c - blobs in bounded memory; see blob.h.
 */
#include "blob.h"
#include "error.h"
#include "frame.h"
#include "fs.h"
#include "run.h"

#include <string.h>

int sov_blob_stream(git_repository *repo, const git_oid *id,
		    int (*fn)(void *ctx, const void *data, size_t len), void *ctx)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t size = 0;
	git_object_t type;
	git_odb *odb = NULL;
	git_blob *b = NULL;
	int ret;

	git_oid_tostr(hex, sizeof(hex), id);
	if (git_repository_odb(&odb, repo) < 0 || git_odb_read_header(&size, &type, odb, id) < 0) {
		git_odb_free(odb);
		return sov_error_git("blob %s", hex);
	}
	git_odb_free(odb);
	if (size >= SOV_BLOB_STREAM_MIN) {
		const char *argv[] = { "git", "--git-dir", git_repository_path(repo),
				       "-c", "core.bigFileThreshold=1m",
				       "-c", "core.packedGitWindowSize=1m",
				       "-c", "core.packedGitLimit=16m",
				       "cat-file", "blob", hex, NULL };
		struct sov_run run = { 0 };

		run.argv = argv;
		run.out_fn = fn;
		run.out_ctx = ctx;
		run.inherit_stderr = 1;
		ret = sov_run(&run);
		if (ret > 0)
			sov_error("git cat-file blob %s failed", hex);
		return ret ? -1 : 0;
	}
	if (git_blob_lookup(&b, repo, id) < 0)
		return sov_error_git("blob %s", hex);
	ret = size ? fn(ctx, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b)) : 0;
	git_blob_free(b);
	return ret < 0 ? -1 : 0;
}

struct head {
	unsigned char *bytes;
	size_t want, len;
};

static int take_head(void *ctx, const void *data, size_t len)
{
	struct head *h = ctx;
	size_t n = h->want - h->len;

	if (n > len)
		n = len;
	memcpy(h->bytes + h->len, data, n);
	h->len += n;
	return h->len == h->want;
}

int sov_blob_head(git_repository *repo, const git_oid *id, void *out, size_t want,
		  size_t *got)
{
	struct head h = { out, want, 0 };

	*got = 0;
	if (want && sov_blob_stream(repo, id, take_head, &h) < 0)
		return -1;
	*got = h.len;
	return 0;
}

int sov_blob_is_encoded(git_repository *repo, const git_oid *id)
{
	unsigned char bytes[SOV_FRAME_HEADER_SIZE];
	size_t len;

	if (sov_blob_head(repo, id, bytes, sizeof(bytes), &len) < 0)
		return -1;
	return !len || sov_frame_is_encoded(bytes, len);
}

int sov_blob_worktree_id(const char *top, const char *rel, git_oid *out)
{
	struct sov_buf data = SOV_BUF_INIT;
	int ret = sov_fs_read_under(top, rel, &data);

	if (ret < 0) {
		sov_error_clear();	/* a link or a directory: not a file of ours */
		ret = 1;
	} else if (ret == 0 && git_odb_hash(out, data.ptr, data.len, GIT_OBJECT_BLOB) < 0) {
		ret = sov_error_git("%s: cannot hash", rel);
	}
	sov_buf_release(&data);
	return ret;
}

int sov_blob_store(git_repository *repo, const void *data, size_t len, git_oid *id)
{
	git_odb *odb = NULL;
	int ret = 0;

	if (git_odb_hash(id, data, len, GIT_OBJECT_BLOB) < 0 ||
	    git_repository_odb(&odb, repo) < 0 ||
	    (!git_odb_exists(odb, id) && git_odb_write(id, odb, data, len, GIT_OBJECT_BLOB) < 0))
		ret = sov_error_git("cannot store a blob");
	git_odb_free(odb);
	return ret;
}
