/*
 * keep.c - `sovsync merge-keep %O %A %B %P %L`: the merge driver for every
 * file under the synced root that no other sovsync driver owns
 * (a line "<root>/ and all below: merge=sovsync-keep", the first sovsync line of
 * .gitattributes, so that the specific lines after it win).
 *
 * Data flow: read the three sides Git wrote to temporary files (decoded
 * when stored by the sovsync filter, docmerge.h); text gets a 3-way line
 * merge, and a clean result replaces %A.  When both sides changed the same
 * lines, or the file is binary, nothing stops the merge: the path's policy
 * (keepboth.h, attribute sovsync-conflict) decides:
 *   copy (default)  %A keeps ours; theirs' real content is written beside
 *                   the file as a conflict copy in the work tree (the hooks
 *                   add it to the merge commit); the conflict is queued;
 *   newest          %A gets the side whose writing commit is newer (ties:
 *                   the greater blob id, never "ours"); queued.
 * Exit 0, so the merge completes and every other file syncs.
 *
 * Exit 1 (Git's own conflict, nothing lost) for: an inner merge of a
 * criss-cross merge (its result is only a virtual base), a repository
 * without a work tree (nowhere to put a copy), and every failure (bad
 * arguments, unreadable sides, a queue or copy that cannot be written),
 * with %A holding ours or the marked result.  Never more than 1.
 */
#include "conflicts.h"
#include "docmerge.h"
#include "drvinput.h"
#include "error.h"
#include "jdriver.h"
#include "keepboth.h"
#include "timestamp.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#define DRIVER_FAIL 1

/*
 * Fill the queue entry of `path`: blob ids, commits, and each side's
 * version as a person sees it (decoded content, who wrote it when).
 */
static int describe(git_repository *repo, const char *path, const struct sov_buf stored[3],
		    const struct sov_buf sides[3], struct sov_conflict *c)
{
	if (sov_keepboth_set_versions(repo, path, stored, c) < 0)
		return -1;
	sov_conflict_info_set_content(&c->info[0], sides[1].ptr, sides[1].len);
	sov_conflict_info_set_content(&c->info[1], sides[2].ptr, sides[2].len);
	if (c->has_ours_commit)
		sov_keepboth_find_writer(repo, &c->ours_commit, path, &c->ours, &c->info[0]);
	if (c->has_theirs_commit)
		sov_keepboth_find_writer(repo, &c->theirs_commit, path, &c->theirs, &c->info[1]);
	return 0;
}

/* The name part of "Name <email>" (into out), for the copy's name. */
static void author_name(const char *author, struct sov_buf *out)
{
	const char *lt = author ? strstr(author, " <") : NULL;

	sov_buf_reset(out);
	if (author)
		sov_buf_add(out, author, lt ? (size_t)(lt - author) : strlen(author));
}

/* Whether theirs was written after ours (ties: the greater blob id). */
static int theirs_is_newer(const struct sov_conflict *c)
{
	int64_t o = c->info[0].has_written_at ? c->info[0].written_at : INT64_MIN;
	int64_t t = c->info[1].has_written_at ? c->info[1].written_at : INT64_MIN;

	if (o != t)
		return t > o;
	return git_oid_cmp(&c->theirs, &c->ours) > 0;
}

/* Settle the conflict of `path` under its policy; the driver's status. */
static int keep_both(struct sov_ctx *ctx, const char *a_file, const char *path,
		     const struct sov_buf stored[3], const struct sov_buf sides[3],
		     const char *source)
{
	git_repository *repo = ctx->repo;
	struct sov_conflict c;
	struct sov_buf copy = SOV_BUF_INIT, who = SOV_BUF_INIT;
	enum sov_keepboth_policy policy;
	const char *workdir = git_repository_workdir(repo);
	int ret = DRIVER_FAIL;

	memset(&c, 0, sizeof(c));
	c.path = (char *)path;
	c.source = (char *)source;
	c.detected_at = sov_time_now();
	if (sov_keepboth_policy(repo, path, &policy) < 0 ||
	    describe(repo, path, stored, sides, &c) < 0)
		goto fail;
	if (policy == SOV_KEEPBOTH_NEWEST) {
		c.kind = SOV_CONFLICT_NEWEST;
		c.choice = theirs_is_newer(&c) ? SOV_CHOICE_THEIRS : SOV_CHOICE_OURS;
		/* %A is ours already; theirs goes in as Git handed it over. */
		if (c.choice == SOV_CHOICE_THEIRS &&
		    sov_jdriver_replace(ctx, a_file, stored[2].ptr, stored[2].len, 0) < 0)
			goto fail;
	} else {
		if (!workdir) {
			sov_error("%s: no work tree to keep their version in", path);
			goto fail;
		}
		c.kind = SOV_CONFLICT_COPY;
		c.choice = SOV_CHOICE_BOTH;
		author_name(c.info[1].author, &who);
		if (sov_keepboth_write_copy(workdir, path,
					    c.info[1].has_written_at ? c.info[1].written_at
								     : c.detected_at,
					    who.ptr, sides[2].ptr, sides[2].len, &copy) < 0)
			goto fail;
		c.copy = copy.ptr;
	}
	if (sov_conflicts_add(repo, &c) < 0)
		goto fail;
	if (c.kind == SOV_CONFLICT_COPY)
		fprintf(stderr, "sovsync: %s: conflict: both versions kept, theirs as %s "
			"(see 'sovsync conflicts')\n", path, c.copy);
	else
		fprintf(stderr, "sovsync: %s: conflict: kept %s, the newer version "
			"(see 'sovsync conflicts')\n", path,
			sov_conflict_choice_name(c.choice));
	ret = 0;
	goto out;
fail:
	sov_error_report();
	sov_warn("%s: conflict not settled; leaving it to Git", path);
out:
	c.path = NULL;
	c.source = NULL;
	c.copy = NULL;
	sov_conflict_release(&c);
	sov_buf_release(&copy);
	sov_buf_release(&who);
	return ret;
}

static int merge_file(struct sov_ctx *ctx, const char *a_file, const char *path,
		      unsigned marker_size, const struct sov_buf stored[3],
		      const struct sov_buf sides[3], int ours_encoded, const char *source,
		      enum sov_doc_style style)
{
	git_repository *repo = ctx->repo;
	struct sov_doc_merge_opts opts = { 0 };
	struct sov_buf merged = SOV_BUF_INIT;
	int is_binary, has_conflict = 0, is_inner;

	is_binary = sov_doc_is_binary(sides[0].ptr, sides[0].len) ||
		    sov_doc_is_binary(sides[1].ptr, sides[1].len) ||
		    sov_doc_is_binary(sides[2].ptr, sides[2].len);
	/* Git raises %L by 2 per level of inner (virtual base) merge. */
	is_inner = marker_size > sov_doc_marker_size(repo, path);
	if (is_binary && is_inner) {
		if (sov_jdriver_replace(ctx, a_file, stored[0].ptr, stored[0].len, 0) < 0) {
			sov_error_report();
			return DRIVER_FAIL;
		}
		return 0;
	}
	if (!is_binary) {
		opts.marker_size = marker_size;
		opts.style = style;
		opts.base_label = "base";
		opts.our_label = "ours";
		opts.their_label = "theirs";
		if (sov_doc_merge(&sides[0], &sides[1], &sides[2], &opts, &merged,
				  &has_conflict) < 0) {
			sov_error_prefix("%s", path);
			sov_error_report();
			return DRIVER_FAIL;
		}
		/* Clean, or an inner merge: the result (markers and all) is %A. */
		if (!has_conflict || is_inner) {
			int failed = sov_jdriver_replace(ctx, a_file, merged.ptr, merged.len,
							 ours_encoded) < 0;

			sov_buf_release(&merged);
			if (failed) {
				sov_error_prefix("%s", path);
				sov_error_report();
				return DRIVER_FAIL;
			}
			return has_conflict ? 1 : 0;
		}
		sov_buf_release(&merged);
	}
	sov_trace("%s: %s conflict, keeping both", path, is_binary ? "binary" : "text");
	return keep_both(ctx, a_file, path, stored, sides, source);
}

static int cmd_merge_keep(int argc, char **argv)
{
	struct sov_drv_input in = SOV_DRV_INPUT_INIT;
	int ret = DRIVER_FAIL;

	if (sov_drv_input_open(&in, &sov_cmd_merge_keep, argc, argv, SOV_SET_CORE) == 0)
		ret = merge_file(&in.ctx, in.a_file, in.path, in.marker_size, in.stored,
				 in.sides, in.encoded[1], in.ctx.set.source.ptr, in.style);
	sov_drv_input_release(&in);
	return ret;
}

const struct sov_cmd sov_cmd_merge_keep = {
	"merge-keep", cmd_merge_keep,
	"Merge driver for the other files under the root: both versions kept",
	"sovsync merge-keep <base> <ours> <theirs> <path> [<marker-size>]",
	"Run by Git as the merge driver of every file under the synced root that\n"
	"no other sovsync driver owns.  'sovsync install' configures\n"
	"\n"
	"    git config merge.sovsync-keep.driver 'sovsync merge-keep %O %A %B %P %L'\n"
	"\n"
	"and puts '<root>/** merge=sovsync-keep' first in .gitattributes (later\n"
	"lines, the other drivers' and your own, win).\n"
	"\n"
	"Text gets Git's 3-way line merge; a clean result replaces <ours>.  When\n"
	"both sides changed the same lines, or the file is binary, the merge is\n"
	"not stopped.  The attribute sovsync-conflict of the path decides:\n"
	"\n"
	"    copy     (default) <ours> is kept; their version is written next to\n"
	"             the file as <name>.sync-conflict-<YYYYMMDD-HHMMSS>-<author>\n"
	"             <.ext> (time and author of the commit that wrote it, UTC),\n"
	"             which the merge commit includes\n"
	"    newest   the version whose commit is newer is kept whole (e.g.\n"
	"             'shared/settings/** sovsync-conflict=newest')\n"
	"\n"
	"Either way the conflict is queued with both versions ('sovsync\n"
	"conflicts'); 'sovsync resolve' settles it.\n"
	"\n"
	"Exit status: 0 merged or both kept; 1 a conflict left to Git: the inner\n"
	"merge of a criss-cross merge, a repository without a work tree, or any\n"
	"failure (then <ours> holds our version or the marked result, so that\n"
	"nothing is lost).\n",
	1,
};
