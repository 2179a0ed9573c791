/*
 * docdriver.c - the document merge driver's decisions; see docdriver.h.
 */
#include "docdriver.h"
#include "error.h"
#include "jdriver.h"
#include "keepboth.h"
#include "timestamp.h"
#include "trace.h"

void sov_docdriver_settings_release(struct sov_docdriver_settings *s)
{
	sov_buf_release(&s->source);
}

/*
 * The blob id of `content`, stored if the object database lacks it.  In a
 * merge both sides are blobs of the two commits already, so this is only a
 * hash; storing is the guarantee that `sovsync resolve` can read them back.
 */
static int keep_blob(git_repository *repo, git_oid *id, const struct sov_buf *content,
		     const char *path)
{
	git_odb *odb = NULL;
	int ret = 0;

	if (git_odb_hash(id, content->ptr, content->len, GIT_OBJECT_BLOB) < 0 ||
	    git_repository_odb(&odb, repo) < 0 ||
	    (!git_odb_exists(odb, id) &&
	     git_odb_write(id, odb, content->ptr, content->len, GIT_OBJECT_BLOB) < 0))
		ret = sov_error_git("%s: cannot store a conflicting version", path);
	git_odb_free(odb);
	return ret;
}

/* Record the conflict in the queue.  0 or -1. */
static int flag_conflict(git_repository *repo, const char *path,
			 enum sov_conflict_kind kind, const struct sov_buf sides[3],
			 const struct sov_docdriver_settings *s)
{
	struct sov_doc_sides commits;
	struct sov_conflict c = { 0 };
	int ret;

	c.path = (char *)path;
	c.kind = kind;
	c.source = s->source.ptr;
	c.detected_at = sov_time_now();
	/* An empty base is add/add (or an empty file): nothing to point at. */
	c.has_base = sides[0].len > 0;
	if (c.has_base &&
	    git_odb_hash(&c.base, sides[0].ptr, sides[0].len, GIT_OBJECT_BLOB) < 0)
		return sov_error_git("%s: cannot hash the base", path);
	if (keep_blob(repo, &c.ours, &sides[1], path) < 0 ||
	    keep_blob(repo, &c.theirs, &sides[2], path) < 0)
		return -1;
	sov_doc_find_sides(repo, path, &c.ours, &c.theirs, &commits);
	c.has_ours_commit = commits.has_ours;
	c.ours_commit = commits.ours;
	c.has_theirs_commit = commits.has_theirs;
	c.theirs_commit = commits.theirs;
	/* Both versions as a person sees them (keepboth.h). */
	sov_keepboth_describe(repo, &c);
	ret = sov_conflicts_add(repo, &c);
	sov_conflict_info_release(&c.info[0]);
	sov_conflict_info_release(&c.info[1]);
	return ret;
}

int sov_docdriver_merge(git_repository *repo, const char *a_file, const char *path,
			unsigned marker_size, const struct sov_buf plain[3],
			const struct sov_buf stored[3], int ours_encoded,
			const struct sov_docdriver_settings *s,
			struct sov_docdriver_result *res)
{
	struct sov_doc_merge_opts opts = { 0 };
	struct sov_buf merged = SOV_BUF_INIT;
	int is_binary, has_conflict = 0, is_inner;

	res->outcome = SOV_DOCDRIVER_MERGED;
	res->kind = SOV_CONFLICT_TEXT;
	is_binary = sov_doc_is_binary(plain[0].ptr, plain[0].len) ||
		    sov_doc_is_binary(plain[1].ptr, plain[1].len) ||
		    sov_doc_is_binary(plain[2].ptr, plain[2].len);
	/*
	 * Git raises %L by 2 for each level of inner merge (merging the merge
	 * bases of a criss-cross merge).  Such a result only becomes a virtual
	 * base; its conflicts are not the user's and are not queued.
	 */
	is_inner = marker_size > sov_doc_marker_size(repo, path);

	if (is_binary && is_inner) {
		/* As Git's binary merge does: the virtual base is the base. */
		return sov_jdriver_replace(a_file, plain[0].ptr, plain[0].len, ours_encoded);
	} else if (is_binary) {
		res->kind = SOV_CONFLICT_BINARY;
		sov_trace("%s: binary, keeping ours", path);
	} else {
		opts.marker_size = marker_size;
		opts.style = s->style;
		opts.base_label = "base";
		opts.our_label = "ours";
		opts.their_label = "theirs";
		if (sov_doc_merge(&plain[0], &plain[1], &plain[2], &opts, &merged,
				  &has_conflict) < 0 ||
		    sov_jdriver_replace(a_file, merged.ptr, merged.len, ours_encoded) < 0) {
			sov_buf_release(&merged);
			return sov_error_prefix("%s", path);
		}
		sov_buf_release(&merged);
		if (!has_conflict)
			return 0;
	}
	res->outcome = SOV_DOCDRIVER_CONFLICT;
	if (is_inner || s->stop_on_conflict)
		return 0;
	res->outcome = flag_conflict(repo, path, res->kind, stored, s) < 0 ?
		SOV_DOCDRIVER_UNQUEUED : SOV_DOCDRIVER_FLAGGED;
	return 0;
}
