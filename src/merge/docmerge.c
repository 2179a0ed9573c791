/*
 * docmerge.c - 3-way document merge and the merge's context; see docmerge.h.
 */
#include "docmerge.h"
#include "error.h"
#include "trace.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int sov_doc_is_binary(const void *data, size_t len)
{
	return git_blob_data_is_binary(data, len);
}

int sov_doc_parse_style(const char *value, enum sov_doc_style *out)
{
	if (!value || !*value || !strcmp(value, "merge"))
		*out = SOV_DOC_STYLE_MERGE;
	else if (!strcmp(value, "diff3"))
		*out = SOV_DOC_STYLE_DIFF3;
	else if (!strcmp(value, "zdiff3"))
		*out = SOV_DOC_STYLE_ZDIFF3;
	else
		return sov_error("merge.conflictStyle: unknown style '%s'", value);
	return 0;
}

static void set_input(git_merge_file_input *in, const struct sov_buf *buf)
{
	git_merge_file_input_init(in, GIT_MERGE_FILE_INPUT_VERSION);
	in->ptr = buf->ptr;
	in->size = buf->len;
}

int sov_doc_merge(const struct sov_buf *base, const struct sov_buf *ours,
		  const struct sov_buf *theirs, const struct sov_doc_merge_opts *opts,
		  struct sov_buf *out, int *has_conflict)
{
	git_merge_file_input in_base, in_ours, in_theirs;
	git_merge_file_options mo;
	git_merge_file_result res = { 0 };

	set_input(&in_base, base);
	set_input(&in_ours, ours);
	set_input(&in_theirs, theirs);
	git_merge_file_options_init(&mo, GIT_MERGE_FILE_OPTIONS_VERSION);
	mo.ancestor_label = opts->base_label;
	mo.our_label = opts->our_label;
	mo.their_label = opts->their_label;
	/* libgit2 keeps the size in an unsigned short; Git's %L is far below. */
	mo.marker_size = (unsigned short)(opts->marker_size > 0xffff ? 0xffff
					  : opts->marker_size);
	switch (opts->style) {
	case SOV_DOC_STYLE_DIFF3:
		mo.flags |= GIT_MERGE_FILE_STYLE_DIFF3;
		break;
	case SOV_DOC_STYLE_ZDIFF3:
		mo.flags |= GIT_MERGE_FILE_STYLE_ZDIFF3;
		break;
	case SOV_DOC_STYLE_MERGE:
		mo.flags |= GIT_MERGE_FILE_STYLE_MERGE;
		break;
	}
	if (git_merge_file(&res, &in_base, &in_ours, &in_theirs, &mo) < 0)
		return sov_error_git("3-way merge failed");
	*has_conflict = !res.automergeable;
	sov_buf_add(out, res.ptr, res.len);
	git_merge_file_result_free(&res);
	return 0;
}

unsigned sov_doc_marker_size(git_repository *repo, const char *path)
{
	const char *value = NULL;
	unsigned long n;
	char *end;

	/* Git's ll_merge reads attributes worktree first, then the index. */
	if (!repo || git_attr_get(&value, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path,
				  "conflict-marker-size") < 0 ||
	    git_attr_value(value) != GIT_ATTR_VALUE_STRING)
		return SOV_DOC_MARKER_SIZE;
	n = strtoul(value, &end, 10);
	if (*end || n == 0 || n > 1024)
		return SOV_DOC_MARKER_SIZE;
	return (unsigned)n;
}

/* Whether the line at p (len bytes, no newline) is a conflict marker. */
static int is_marker(const char *p, size_t len, unsigned size)
{
	char c = p[0];
	size_t i;

	if (c != '<' && c != '>' && c != '=' && c != '|')
		return 0;
	if (len < size)
		return 0;
	for (i = 1; i < size; i++)
		if (p[i] != c)
			return 0;
	if (len == size)
		return 1;
	/* "=======" stands alone; the others may carry a label. */
	if (p[size] == '\r' && len == size + 1)
		return 1;
	return c != '=' && (p[size] == ' ' || p[size] == '\t');
}

size_t sov_doc_find_markers(const char *data, size_t len, unsigned marker_size,
			    size_t *lines, size_t max)
{
	size_t found = 0, line = 1, pos = 0;

	while (pos < len) {
		const char *eol = memchr(data + pos, '\n', len - pos);
		size_t n = eol ? (size_t)(eol - (data + pos)) : len - pos;

		if (is_marker(data + pos, n, marker_size)) {
			if (found < max)
				lines[found] = line;
			found++;
		}
		pos += n + 1;
		line++;
	}
	return found;
}

/*
 * Whether commit `spec` (any revision syntax) has blob `blob` at `path`;
 * stores the commit's id in `out` when it does.
 */
static int commit_has_blob(git_repository *repo, const char *spec, const char *path,
			   const git_oid *blob, git_oid *out)
{
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int ok = 0;

	if (git_revparse_single(&obj, repo, spec) < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0 ||
	    git_commit_tree(&tree, commit) < 0 ||
	    git_tree_entry_bypath(&entry, tree, path) < 0)
		goto out;
	if (git_oid_equal(git_tree_entry_id(entry), blob)) {
		git_oid_cpy(out, git_commit_id(commit));
		ok = 1;
	}
out:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	return ok;
}

/* The commit id on the last line of rebase-merge/done, into `out`. */
static int rebase_pick(git_repository *repo, struct sov_buf *out)
{
	struct sov_buf file = SOV_BUF_INIT, done = SOV_BUF_INIT;
	const char *line, *p;
	int ret = 0;

	sov_buf_addf(&file, "%srebase-merge/done", git_repository_path(repo));
	if (sov_buf_read_file(&done, file.ptr) < 0) {
		/* Not rebasing (or an older layout): nothing to offer. */
		sov_error_clear();
		goto out;
	}
	sov_buf_rtrim(&done);
	line = strrchr(done.ptr, '\n');
	line = line ? line + 1 : done.ptr;
	/* "<command> <commit> <subject>": the second word. */
	p = line;
	while (*p && !isspace((unsigned char)*p))
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	sov_buf_reset(out);
	while (isxdigit((unsigned char)*p))
		sov_buf_addch(out, *p++);
	ret = out->len >= 4;
out:
	sov_buf_release(&file);
	sov_buf_release(&done);
	return ret;
}

void sov_doc_find_sides(git_repository *repo, const char *path,
			const git_oid *ours_blob, const git_oid *theirs_blob,
			struct sov_doc_sides *out)
{
	struct sov_buf spec = SOV_BUF_INIT;
	char **env;

	memset(out, 0, sizeof(*out));
	if (commit_has_blob(repo, "HEAD", path, ours_blob, &out->ours))
		out->has_ours = 1;

	for (env = environ; *env && !out->has_theirs; env++) {
		const char *eq = strchr(*env, '=');

		if (strncmp(*env, "GITHEAD_", 8) || !eq)
			continue;
		sov_buf_reset(&spec);
		sov_buf_add(&spec, *env + 8, (size_t)(eq - *env - 8));
		if (spec.len != GIT_OID_HEXSZ)
			continue;
		if (commit_has_blob(repo, spec.ptr, path, theirs_blob, &out->theirs))
			out->has_theirs = 1;
	}
	if (!out->has_theirs && rebase_pick(repo, &spec) &&
	    commit_has_blob(repo, spec.ptr, path, theirs_blob, &out->theirs))
		out->has_theirs = 1;
	sov_trace("%s: ours commit %s, theirs commit %s", path,
		  out->has_ours ? "known" : "unknown", out->has_theirs ? "known" : "unknown");
	sov_buf_release(&spec);
	sov_error_clear();
	git_error_clear();
}
