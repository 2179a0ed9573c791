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

/* Record the conflict in the queue.  0 or -1. */
static int flag_conflict(git_repository *repo, const char *path,
			 enum sov_conflict_kind kind, const struct sov_buf sides[3],
			 const struct sov_docdriver_settings *s)
{
	struct sov_conflict c = { 0 };
	int ret;

	c.path = (char *)path;
	c.kind = kind;
	c.source = s->source.ptr;
	c.detected_at = sov_time_now();
	if (sov_keepboth_set_versions(repo, path, sides, &c) < 0)
		return -1;
	/* Both versions as a person sees them (keepboth.h). */
	sov_keepboth_describe(repo, &c);
	ret = sov_conflicts_add(repo, &c);
	sov_conflict_info_release(&c.info[0]);
	sov_conflict_info_release(&c.info[1]);
	return ret;
}

int sov_docdriver_merge(struct sov_ctx *ctx, const char *a_file, const char *path,
			unsigned marker_size, const struct sov_buf plain[3],
			const struct sov_buf stored[3], int ours_encoded,
			const struct sov_docdriver_settings *s,
			struct sov_docdriver_result *res)
{
	git_repository *repo = ctx->repo;
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
		return sov_jdriver_replace(ctx, a_file, plain[0].ptr, plain[0].len, ours_encoded);
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
		    sov_jdriver_replace(ctx, a_file, merged.ptr, merged.len, ours_encoded) < 0) {
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
