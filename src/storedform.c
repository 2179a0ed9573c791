/*
 * storedform.c - files stored unfiltered under filter=sovsync; see
 * storedform.h.
 */
#include "storedform.h"
#include "error.h"
#include "frame.h"

#include <string.h>

static int commit_tree(git_repository *repo, const git_oid *id, git_tree **out)
{
	git_commit *c = NULL;
	int ret = 0;

	*out = NULL;
	if (!id)
		return 0;
	if (git_commit_lookup(&c, repo, id) < 0 || git_commit_tree(out, c) < 0)
		ret = sov_error_git("commit %s", git_oid_tostr_s(id));
	git_commit_free(c);
	return ret;
}

static int is_filtered(git_repository *repo, const char *path)
{
	const char *value = NULL;

	if (git_attr_get(&value, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path, "filter") < 0)
		return sov_error_git("%s: attributes", path);
	return git_attr_value(value) == GIT_ATTR_VALUE_STRING && !strcmp(value, "sovsync");
}

/* 1 when the blob is non-empty and lacks the stored form's header. */
static int is_raw(git_repository *repo, const git_oid *id)
{
	git_blob *blob = NULL;
	int ret;

	if (git_blob_lookup(&blob, repo, id) < 0)
		return sov_error_git("blob %s", git_oid_tostr_s(id));
	ret = git_blob_rawsize(blob) > 0 &&
	      !sov_frame_is_encoded(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return ret;
}

int sov_storedform_find_raw(git_repository *repo, const char *root, const git_oid *base,
			    const git_oid *head, struct sov_buf *out)
{
	git_diff_options opts;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_diff *diff = NULL;
	struct sov_buf spec = SOV_BUF_INIT;
	char *pathspec[1];
	size_t i, n;
	int ret = -1;

	/* Only what arrived is looked at: a tree diff, no file is read. */
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	sov_buf_addf(&spec, "%s/", root);
	pathspec[0] = spec.ptr;
	opts.pathspec.strings = pathspec;
	opts.pathspec.count = 1;
	opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	if (commit_tree(repo, base, &old_tree) < 0 || commit_tree(repo, head, &new_tree) < 0)
		goto out;
	if (git_diff_tree_to_tree(&diff, repo, old_tree, new_tree, &opts) < 0) {
		sov_error_git("diff of %s", git_oid_tostr_s(head));
		goto out;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		int r;

		if (d->status == GIT_DELTA_DELETED ||
		    (d->new_file.mode != GIT_FILEMODE_BLOB &&
		     d->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE))
			continue;
		if ((r = is_filtered(repo, d->new_file.path)) < 0)
			goto out;
		if (r && (r = is_raw(repo, &d->new_file.id)) < 0)
			goto out;
		if (r)
			sov_buf_addf(out, "%s\n", d->new_file.path);
	}
	ret = 0;
out:
	git_diff_free(diff);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	sov_buf_release(&spec);
	return ret;
}

int sov_storedform_encode_blob(git_repository *repo, const git_oid *blob, git_oid *out)
{
	struct sov_buf stored = SOV_BUF_INIT;
	git_blob *b = NULL;
	int ret = -1;

	if (git_blob_lookup(&b, repo, blob) < 0)
		return sov_error_git("blob %s", git_oid_tostr_s(blob));
	if (sov_frame_encode_buf(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b),
				 &stored) < 0) {
		sov_error_prefix("blob %s", git_oid_tostr_s(blob));
		goto out;
	}
	if (git_blob_create_from_buffer(out, repo, stored.ptr, stored.len) < 0) {
		sov_error_git("cannot store the encoded blob %s", git_oid_tostr_s(blob));
		goto out;
	}
	ret = 0;
out:
	git_blob_free(b);
	sov_buf_release(&stored);
	return ret;
}
