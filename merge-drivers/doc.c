/*
 * doc.c - `sovsync merge-doc %O %A %B %P %L`: the merge driver for
 * documents (merge=sovsync-doc in .gitattributes).
 *
 * Data flow: read the three sides Git wrote to temporary files; text gets a
 * 3-way line merge (docmerge.h) written to %A; when both sides changed the
 * same lines, sovsync.documents.onConflict decides:
 *   flag (default)  %A gets the standard conflict markers, the conflict is
 *                   recorded in the queue (conflicts.h) and the driver exits
 *                   0, so the merge completes and every other file syncs;
 *                   the hooks copy the queue into shared/state.json;
 *   stop            %A gets the markers and the driver exits 1: Git's usual
 *                   conflict, resolved with Git's own tools.
 * Binary documents never get markers: %A keeps ours untouched and theirs'
 * blob id goes to the queue (the blob stays reachable through the merge's
 * second parent), for `sovsync resolve --theirs`.
 *
 * Exit contract (gitattributes(5)): 0 clean or flagged, 1 conflict.  Every
 * failure (bad arguments, unreadable files, bad config, a queue that cannot
 * be written) also exits 1, with %A holding ours or the marked result, so Git
 * records a plain conflict and nothing is lost.  Never more than 1: from Git
 * 2.42 a status above 128 aborts the whole merge.
 */
#include "cli.h"
#include "config.h"
#include "conflicts.h"
#include "docmerge.h"
#include "error.h"
#include "jdriver.h"
#include "keepboth.h"
#include "timestamp.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#define DRIVER_FAIL 1	/* a driver's failure is a plain conflict for Git */

struct doc_settings {
	int stop_on_conflict;
	enum sov_doc_style style;
	struct sov_buf source;
};

static int read_settings(struct sov_config *cfg, struct doc_settings *s)
{
	struct sov_buf value = SOV_BUF_INIT;
	int ret = -1;

	if (sov_config_get_string(cfg, "sovsync.documents.onConflict", "flag", &value) < 0)
		goto out;
	if (!strcmp(value.ptr, "stop")) {
		s->stop_on_conflict = 1;
	} else if (strcmp(value.ptr, "flag")) {
		sov_error("sovsync.documents.onConflict: '%s' is not 'flag' or 'stop'",
			  value.ptr);
		goto out;
	}
	if (sov_config_get_string(cfg, "merge.conflictStyle", NULL, &value) < 0 ||
	    sov_doc_parse_style(value.ptr, &s->style) < 0 ||
	    sov_config_get_string(cfg, "sovsync.source", "local", &s->source) < 0)
		goto out;
	ret = 0;
out:
	sov_buf_release(&value);
	return ret;
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
			 const struct doc_settings *s)
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

/* Merge the sides of `path`; returns the driver's exit status. */
static int merge_document(git_repository *repo, const char *a_file, const char *path,
			  unsigned marker_size, const struct sov_buf sides[3],
			  const struct sov_buf stored[3], int ours_encoded,
			  const struct doc_settings *s)
{
	struct sov_doc_merge_opts opts = { 0 };
	struct sov_buf merged = SOV_BUF_INIT;
	int is_binary, has_conflict = 0, is_inner;
	enum sov_conflict_kind kind;

	is_binary = sov_doc_is_binary(sides[0].ptr, sides[0].len) ||
		    sov_doc_is_binary(sides[1].ptr, sides[1].len) ||
		    sov_doc_is_binary(sides[2].ptr, sides[2].len);
	/*
	 * Git raises %L by 2 for each level of inner merge (merging the merge
	 * bases of a criss-cross merge).  Such a result only becomes a virtual
	 * base; its conflicts are not the user's and are not queued.
	 */
	is_inner = marker_size > sov_doc_marker_size(repo, path);

	if (is_binary && is_inner) {
		/* As Git's binary merge does: the virtual base is the base. */
		if (sov_jdriver_replace(a_file, sides[0].ptr, sides[0].len,
					ours_encoded) < 0) {
			sov_error_report();
			return DRIVER_FAIL;
		}
		return 0;
	} else if (is_binary) {
		kind = SOV_CONFLICT_BINARY;
		sov_trace("%s: binary, keeping ours", path);
	} else {
		kind = SOV_CONFLICT_TEXT;
		opts.marker_size = marker_size;
		opts.style = s->style;
		opts.base_label = "base";
		opts.our_label = "ours";
		opts.their_label = "theirs";
		if (sov_doc_merge(&sides[0], &sides[1], &sides[2], &opts, &merged,
				  &has_conflict) < 0 ||
		    sov_jdriver_replace(a_file, merged.ptr, merged.len, ours_encoded) < 0) {
			sov_buf_release(&merged);
			sov_error_prefix("%s", path);
			sov_error_report();
			return DRIVER_FAIL;
		}
		sov_buf_release(&merged);
		if (!has_conflict)
			return 0;
	}
	if (is_inner || s->stop_on_conflict)
		return 1;
	if (flag_conflict(repo, path, kind, stored, s) < 0) {
		sov_error_report();
		sov_warn("%s: conflict not queued; leaving it to Git", path);
		return 1;
	}
	fprintf(stderr, "sovsync: %s: %s conflict flagged for review "
		"(see 'sovsync conflicts')\n", path, sov_conflict_kind_name(kind));
	return 0;
}

static int cmd_merge_doc(int argc, char **argv)
{
	struct doc_settings settings = { 0, SOV_DOC_STYLE_MERGE, SOV_BUF_INIT };
	struct sov_buf sides[3] = { SOV_BUF_INIT, SOV_BUF_INIT, SOV_BUF_INIT };
	struct sov_buf stored[3] = { SOV_BUF_INIT, SOV_BUF_INIT, SOV_BUF_INIT };
	int encoded[3] = { 0, 0, 0 };
	struct sov_config *cfg = NULL;
	git_repository *repo;
	unsigned long marker_size = 0;
	const char *path;
	int i, ret = DRIVER_FAIL;

	if (argc != 5 && argc != 6) {
		sov_cli_usage_error(&sov_cmd_merge_doc, "expected 4 or 5 arguments, got %d",
				    argc - 1);
		return DRIVER_FAIL;
	}
	path = argv[4];
	if (argc == 6) {
		char *end;

		marker_size = strtoul(argv[5], &end, 10);
		if (*end || !*argv[5] || marker_size == 0 || marker_size > 1024) {
			sov_cli_usage_error(&sov_cmd_merge_doc,
					    "marker size '%s' is not a number in 1..1024",
					    argv[5]);
			return DRIVER_FAIL;
		}
	}
	for (i = 0; i < 3; i++)
		if (sov_doc_load_side(argv[i + 1], &stored[i], &sides[i], &encoded[i]) < 0)
			goto fail;
	if (sov_config_open(&cfg, NULL) < 0)
		goto fail;
	repo = sov_config_repo(cfg);
	if (!repo) {
		sov_error("%s: not in a git repository", path);
		goto fail;
	}
	if (read_settings(cfg, &settings) < 0)
		goto fail;
	if (!marker_size)
		marker_size = sov_doc_marker_size(repo, path);
	sov_trace("merge-doc %s, marker size %lu", path, marker_size);
	ret = merge_document(repo, argv[2], path, (unsigned)marker_size, sides, stored,
			     encoded[1], &settings);
	goto out;
fail:
	sov_error_report();
out:
	for (i = 0; i < 3; i++) {
		sov_buf_release(&sides[i]);
		sov_buf_release(&stored[i]);
	}
	sov_buf_release(&settings.source);
	sov_config_free(cfg);
	return ret;
}

const struct sov_cmd sov_cmd_merge_doc = {
	"merge-doc", cmd_merge_doc,
	"Merge driver for documents: 3-way text merge, conflicts flagged",
	"sovsync merge-doc <base> <ours> <theirs> <path> [<marker-size>]",
	"Run by Git as the merge driver of documents.  Configure it with\n"
	"\n"
	"    git config merge.sovsync-doc.driver 'sovsync merge-doc %O %A %B %P %L'\n"
	"\n"
	"and 'shared/documents/** merge=sovsync-doc' in .gitattributes\n"
	"('sovsync install' does both).  <base>, <ours> and <theirs> are the\n"
	"temporary files Git passes as %O, %A and %B, <path> is the file's path in\n"
	"the repository (%P), <marker-size> the conflict marker length (%L).\n"
	"\n"
	"Text documents get Git's 3-way line merge; the result replaces <ours>.\n"
	"When both sides changed the same lines:\n"
	"\n"
	"    sovsync.documents.onConflict = flag   (default) write the result with\n"
	"        standard conflict markers, record the conflict in the queue\n"
	"        (.git/sovsync/conflicts.json) and exit 0, so that the merge\n"
	"        completes and every other file keeps syncing\n"
	"    sovsync.documents.onConflict = stop   write the markers and exit 1:\n"
	"        Git's usual conflict\n"
	"\n"
	"Binary documents are never marked: <ours> is kept as it is and the other\n"
	"version is recorded in the queue, so that 'sovsync resolve --theirs'\n"
	"can bring it back.  merge.conflictStyle (merge, diff3, zdiff3) is\n"
	"honoured.  Conflicts of an inner merge (the merge bases of a criss-cross\n"
	"merge, seen as a larger marker size) are left to Git and not queued;\n"
	"there a binary document takes the base, as Git's binary merge does.\n"
	"\n"
	"Exit status: 0 merged or flagged; 1 conflict left to Git.  Any failure\n"
	"also exits 1 with <ours> holding our version (or the marked result), so\n"
	"that Git records an ordinary conflict and nothing is lost.\n",
	1,
};
