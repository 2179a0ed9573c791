/*
 * storedform.c - files stored unfiltered under filter=sovsync; see
 * storedform.h.
 */
#include "storedform.h"
#include "chunkstore.h"
#include "blob.h"
#include "error.h"
#include "filter.h"
#include "frame.h"
#include "fs.h"
#include "run.h"

#include <fcntl.h>
#include <string.h>
#include "osfs.h"
#include <unistd.h>

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

/*
 * A stored form of content below min_size is at most this much larger than
 * min_size (header, records, end, zstd's worst case over 16-256 KiB
 * chunks); larger stored forms are taken by their header.
 */
#define SMALL_STORED_SLACK (64u * 1024)

int sov_storedform_blob_ok(git_repository *repo, const git_oid *id, uint64_t min_size,
			   int strict)
{
	git_odb *odb = NULL;
	git_object_t type;
	git_blob *b = NULL;
	uint64_t content = 0;
	size_t size = 0;
	int r;

	if (git_repository_odb(&odb, repo) < 0 || git_odb_read_header(&size, &type, odb, id) < 0) {
		git_odb_free(odb);
		return sov_error_git("blob %s", git_oid_tostr_s(id));
	}
	git_odb_free(odb);
	/* Its first bytes only: a raw file can be large. */
	if ((r = sov_blob_is_encoded(repo, id)) < 0)
		return -1;
	if (!r)
		return (uint64_t)size < min_size;
	if (!size || (uint64_t)size >= min_size + SMALL_STORED_SLACK)
		return 1;
	if (git_blob_lookup(&b, repo, id) < 0)
		return sov_error_git("blob %s", git_oid_tostr_s(id));
	r = sov_filter_is_valid_stored(git_blob_rawcontent(b), size, &content);
	git_blob_free(b);
	if (!r)
		return 0;
	return !strict || content >= min_size;
}

int sov_storedform_find_raw(git_repository *repo, const char *root, const git_oid *base,
			    const git_oid *head, uint64_t min_size, struct sov_buf *out)
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
		if (!r)
			continue;
		if ((r = sov_storedform_blob_ok(repo, &d->new_file.id, min_size, 0)) < 0)
			goto out;
		if (!r)
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

int sov_storedform_encode_blob(git_repository *repo, const git_oid *blob, uint64_t min_size,
			       git_oid *out)
{
	struct sov_buf stored = SOV_BUF_INIT;
	git_blob *b = NULL;
	int ret = -1;

	if (git_blob_lookup(&b, repo, blob) < 0)
		return sov_error_git("blob %s", git_oid_tostr_s(blob));
	if (sov_filter_clean_buf(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), min_size,
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

/*
 * 1 when the work tree file `full` is byte for byte blob `id` and that blob
 * is in stored form: Git wrote it unfiltered (no filter configured yet).
 * A link, a missing file or an edit of the user's is 0.
 */
static int holds_stored_blob(const char *full, const git_oid *id)
{
	char head[SOV_FRAME_HEADER_SIZE];
	struct sov_os_stat st;
	git_oid have;
	ssize_t n;
	int fd, ret = 0;

	fd = sov_os_open(full, O_RDONLY | O_NOFOLLOW, 0);
	if (fd < 0)
		return 0;
	if (sov_os_fstat(fd, &st) == 0 && st.type == SOV_OS_REG && st.size > 0) {
		n = read(fd, head, sizeof(head));
		ret = n > 0 && sov_frame_is_encoded(head, (size_t)n) &&
		      git_odb_hashfile(&have, full, GIT_OBJECT_BLOB) == 0 &&
		      git_oid_equal(&have, id);
	}
	git_error_clear();
	close(fd);
	return ret;
}

/* Whether the file `full` starts with a chunk list (chunkstore.h). */
static int holds_pointer(const char *full)
{
	char head[SOV_FRAME_HEADER_SIZE];
	int fd = sov_os_open(full, O_RDONLY | O_NOFOLLOW, 0), ret = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, head, sizeof(head));
	ret = n > 0 && sov_chunks_is_pointer(head, (size_t)n);
	close(fd);
	return ret;
}

/* Replace `full` by its smudged (real) content, atomically, mode kept. */
static int smudge_in_place(git_repository *repo, const char *full, const char *path)
{
	struct sov_atomic a = SOV_ATOMIC_INIT;
	int in = sov_os_open(full, O_RDONLY | O_NOFOLLOW, 0), ret = -1;

	if (in < 0)
		return sov_error_errno("%s", path);
	if (sov_atomic_open(&a, full, -1) == 0) {
		if (sov_filter_fd_in(repo, SOV_FILTER_SMUDGE, 0, in, a.fd) == 0)
			ret = sov_atomic_commit(&a);
		else
			sov_error_prefix("%s", path);
		sov_atomic_abort(&a);
	}
	close(in);
	return ret;
}

int sov_storedform_checkout_real(git_repository *repo, struct sov_buf *fixed)
{
	const char *wd = git_repository_workdir(repo);
	struct sov_buf full = SOV_BUF_INIT, specs = SOV_BUF_INIT;
	git_index *index = NULL;
	size_t i, n;
	int ret = -1;

	if (!wd)
		return 0;
	if (git_repository_index(&index, repo) < 0 || git_index_read(index, 0) < 0) {
		sov_error_git("%s: cannot read the index", git_repository_path(repo));
		goto out;
	}
	n = git_index_entrycount(index);
	for (i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		int filtered;

		if (git_index_entry_stage(e) != 0 ||
		    (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE))
			continue;
		filtered = is_filtered(repo, e->path);
		if (filtered < 0)
			goto out;
		/* No link on the way: the file is read and replaced in place. */
		if (!filtered || sov_fs_check_under(wd, e->path, SOV_FS_FILE) != 1) {
			sov_error_clear();
			continue;
		}
		sov_buf_reset(&full);
		sov_buf_addf(&full, "%s%s", wd, e->path);
		if (!holds_stored_blob(full.ptr, &e->id))
			continue;
		if (smudge_in_place(repo, full.ptr, e->path) < 0) {
			if (!holds_pointer(full.ptr))
				goto out;
			/*
			 * A chunked file whose chunks this clone has not
			 * fetched (a plain `git clone`): the message names
			 * the fetch; install again after it.
			 */
			sov_warn("%s", sov_error_last());
			sov_error_clear();
			continue;
		}
		sov_buf_addf(fixed, "%s\n", e->path);
		sov_buf_addf(&specs, ":(top,literal)%s", e->path);
		sov_buf_addch(&specs, '\0');
	}
	ret = 0;
out:
	/*
	 * Their size changed, which Git takes for a modification without
	 * looking (`add --refresh` would not do): add them again, cleaned to
	 * the same stored form, so the entries get their stat info and the
	 * same blob.  Also after a failure midway.
	 */
	if (specs.len) {
		const char *refresh[] = { "git", "add", "--pathspec-from-file=-",
					  "--pathspec-file-nul", NULL };

		if (sov_run_git_input(NULL, wd, refresh, specs.ptr, specs.len) < 0 && ret == 0)
			ret = -1;
	}
	git_index_free(index);
	sov_buf_release(&full);
	sov_buf_release(&specs);
	return ret;
}
