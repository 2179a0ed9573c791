/*
 * cli_conflicts.c - `sovsync conflicts` (list the conflict queue) and
 * `sovsync resolve` (settle one entry).  The queue is conflicts.h; the
 * merge driver that fills it is merge-drivers/doc.c.
 */
#include "cli.h"
#include "ctx.h"
#include "conflicts.h"
#include "error.h"
#include "json.h"
#include "metrics.h"
#include "run.h"
#include "syncstop.h"
#include "resolve.h"
#include "timestamp.h"

#include <stdlib.h>
#include <string.h>

/* Open the context of the current directory's repository; ctx owns it. */
static git_repository *open_repo(struct sov_ctx *ctx)
{
	return sov_ctx_open(ctx, NULL, SOV_CTX_REPO) < 0 ? NULL : ctx->repo;
}

/* The KIND cell: the kind, and for a modify/delete the side that deleted. */
static void kind_cell(const struct sov_conflict *c, struct sov_buf *out)
{
	sov_buf_reset(out);
	sov_buf_addstr(out, sov_conflict_kind_name(c->kind));
	if (c->kind == SOV_CONFLICT_MODIFY_DELETE)
		sov_buf_addf(out, " (deleted by %s)", sov_conflict_side_name(c->deleted_by));
}

static void print_table(const struct sov_conflicts *q)
{
	struct sov_buf when = SOV_BUF_INIT, kind = SOV_BUF_INIT;
	int width = 4, kind_width = 6;
	size_t i;

	if (!q->nr) {
		printf("No pending conflicts.\n");
		return;
	}
	for (i = 0; i < q->nr; i++) {
		if ((int)strlen(q->items[i].path) > width)
			width = (int)strlen(q->items[i].path);
		kind_cell(&q->items[i], &kind);
		if ((int)kind.len > kind_width)
			kind_width = (int)kind.len;
	}
	printf("%-*s  %-*s  %-27s  %s\n", width, "PATH", kind_width, "KIND",
	       "DETECTED AT", "SOURCE");
	for (i = 0; i < q->nr; i++) {
		const struct sov_conflict *c = &q->items[i];

		sov_buf_reset(&when);
		sov_time_format(c->detected_at, &when);
		kind_cell(c, &kind);
		printf("%-*s  %-*s  %-27s  %s\n", width, c->path, kind_width, kind.ptr,
		       when.ptr, c->source);
	}
	sov_buf_release(&when);
	sov_buf_release(&kind);
}

/* A sync that stands still (syncstop.h) waits on the user too: say what to do. */
static void print_sync_stopped(git_repository *repo)
{
	json_t *stop = NULL;

	if (sov_syncstop_load(repo, &stop) < 0)
		sov_error_clear();
	if (!stop)
		return;
	printf("\nThe sync stands still: %s\nNext step: %s\n",
	       json_string_value(json_object_get(stop, "message")),
	       json_string_value(json_object_get(stop, "nextStep")));
	json_decref(stop);
}

#define CARD_LINES 10	/* lines of each side's content shown by --verbose */

/* One side of a card: who wrote it when, and the start of its content. */
static void print_side(const struct sov_conflict *c, enum sov_conflict_side side)
{
	const struct sov_conflict_info *i = &c->info[side];
	struct sov_buf when = SOV_BUF_INIT;
	const char *p, *nl;
	int n;

	printf("  %-8s", side == SOV_CONFLICT_OURS ? "ours:" : "theirs:");
	if (!sov_conflict_version(c, side)) {
		printf("deleted\n");
		return;
	}
	if (!i->known) {
		printf("%s (no details recorded)\n", git_oid_tostr_s(sov_conflict_version(c, side)));
		return;
	}
	if (i->has_written_at)
		sov_time_format(i->written_at, &when);
	printf("%s%s%s, %lld bytes%s\n", i->author ? i->author : "unknown author",
	       when.len ? ", " : "", when.ptr, (long long)i->size, i->binary ? ", binary" : "");
	sov_buf_release(&when);
	for (p = i->preview, n = 0; p && *p && n < CARD_LINES; p = nl ? nl + 1 : p + strlen(p), n++) {
		nl = strchr(p, '\n');
		printf("    | %.*s\n", (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
		if (!nl)
			break;
	}
	if (p && *p && (n == CARD_LINES || i->truncated))
		printf("    | ...\n");
}

/* --verbose: one card per entry, with what a person needs to decide. */
static void print_cards(const struct sov_conflicts *q)
{
	struct sov_buf when = SOV_BUF_INIT, kind = SOV_BUF_INIT;
	size_t i;

	if (!q->nr) {
		printf("No pending conflicts.\n");
		return;
	}
	for (i = 0; i < q->nr; i++) {
		const struct sov_conflict *c = &q->items[i];
		const char *choice = sov_conflict_choice_name(c->choice);

		sov_buf_reset(&when);
		sov_time_format(c->detected_at, &when);
		kind_cell(c, &kind);
		printf("%s%s  %s, detected %s by %s\n", i ? "\n" : "", c->path, kind.ptr,
		       when.ptr, c->source);
		printf("  choice: %s", choice ? choice : "none yet (conflict markers)");
		if (c->kind == SOV_CONFLICT_COPY)
			printf(" (ours at the path, theirs in %s)", c->copy);
		printf("\n");
		print_side(c, SOV_CONFLICT_OURS);
		print_side(c, SOV_CONFLICT_THEIRS);
	}
	sov_buf_release(&when);
	sov_buf_release(&kind);
}

static int cmd_conflicts(int argc, char **argv)
{
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	git_repository *repo;
	int as_json = 0, verbose = 0, ret = SOV_EXIT_FAIL;

	if (argc == 2 && !strcmp(argv[1], "--json"))
		as_json = 1;
	else if (argc == 2 && (!strcmp(argv[1], "--verbose") || !strcmp(argv[1], "-v")))
		verbose = 1;
	else if (argc != 1)
		return sov_cli_usage_error(&sov_cmd_conflicts, "unexpected argument '%s'",
					   argv[1]);
	repo = open_repo(&ctx);
	if (!repo || sov_conflicts_load(repo, &q) < 0) {
		ret = sov_cli_fail();
		goto out;
	}
	if (as_json) {
		struct sov_buf text = SOV_BUF_INIT;
		json_t *arr = sov_conflicts_to_json(&q);

		sov_json_dump(arr, &text);
		fwrite(text.ptr, 1, text.len, stdout);
		json_decref(arr);
		sov_buf_release(&text);
	} else if (verbose) {
		print_cards(&q);
	} else {
		print_table(&q);
		print_sync_stopped(repo);
	}
	ret = SOV_EXIT_OK;
out:
	sov_conflicts_release(&q);
	sov_ctx_release(&ctx);
	return ret;
}

const struct sov_cmd sov_cmd_conflicts = {
	"conflicts", cmd_conflicts,
	"List conflicts waiting for review",
	"sovsync conflicts [--verbose | --json]",
	"Lists the conflict queue of this clone (.git/sovsync/conflicts.json):\n"
	"files that a pull could not merge and that a sovsync merge driver\n"
	"settled instead of stopping the sync.  KIND says how:\n"
	"\n"
	"    text           a document merged with conflict markers\n"
	"    binary         a binary document: ours kept, theirs in history\n"
	"    copy           a file no other driver owns: ours kept at the path,\n"
	"                   theirs written beside it as a conflict copy\n"
	"                   (<name>.sync-conflict-<time>-<author><.ext>)\n"
	"    newest         the version written last kept whole (the path's\n"
	"                   sovsync-conflict=newest attribute)\n"
	"    modify/delete  one side deleted the file, the other edited it:\n"
	"                   'sovsync sync' kept the edit; KIND says who deleted\n"
	"\n"
	"Settle each one with 'sovsync resolve'.  A sync that stands still (a\n"
	"merge stopped on conflicts it could not settle, a rewritten remote, a\n"
	"killed merge) is listed after them, with the next step to take.\n"
	"\n"
	"    -v, --verbose  one card per conflict: the choice taken so far, the\n"
	"                   copy, and for each side who wrote it when, its size\n"
	"                   and its first lines\n"
	"    --json         print the entries as a JSON array (format in\n"
	"                   docs/FORMATS.md: path, kind, base, ours, theirs,\n"
	"                   ours_commit, theirs_commit, detected_at, source,\n"
	"                   deleted_by, copy, choice, versions)\n"
	"\n"
	"Exit status: 0 listed (an empty queue included), 1 the queue cannot be\n"
	"read (the message names the file and the cause), 2 wrong usage.\n",
	0,
};

static int cmd_resolve(int argc, char **argv)
{
	struct sov_ctx ctx = SOV_CTX_INIT;
	git_repository *repo;
	const char *arg = NULL;
	enum sov_resolve_choice side = SOV_RESOLVE_EDITED;
	struct sov_resolve_outcome done = SOV_RESOLVE_OUTCOME_INIT;
	int i, dashdash = 0, ret = SOV_EXIT_FAIL;

	for (i = 1; i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
		} else if (!dashdash && (!strcmp(argv[i], "--ours") ||
					 !strcmp(argv[i], "--theirs") ||
					 !strcmp(argv[i], "--both"))) {
			enum sov_resolve_choice want = argv[i][2] == 'o' ? SOV_RESOLVE_OURS :
						       argv[i][2] == 't' ? SOV_RESOLVE_THEIRS
									 : SOV_RESOLVE_BOTH;

			if (side != SOV_RESOLVE_EDITED && side != want)
				return sov_cli_usage_error(&sov_cmd_resolve,
							   "--ours, --theirs and --both exclude "
							   "each other");
			side = want;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			return sov_cli_usage_error(&sov_cmd_resolve, "unknown option '%s'",
						   argv[i]);
		} else if (arg) {
			return sov_cli_usage_error(&sov_cmd_resolve, "one path at a time");
		} else {
			arg = argv[i];
		}
	}
	if (!arg || !*arg)
		return sov_cli_usage_error(&sov_cmd_resolve, "which path?");
	repo = open_repo(&ctx);
	if (!repo || sov_resolve(repo, NULL, arg, side, &done) < 0) {
		ret = sov_cli_fail();
		goto out;
	}
	if (done.copy.len)
		printf("Resolved '%s' keeping both: theirs is '%s'.\n", done.path.ptr,
		       done.copy.ptr);
	else
		printf("Resolved '%s'%s%s.\n", done.path.ptr,
		       done.deleted ? " by deleting it" : "",
		       side == SOV_RESOLVE_OURS ? " with ours" :
		       side == SOV_RESOLVE_THEIRS ? " with theirs" : "");
	ret = SOV_EXIT_OK;
	/* The conflict is settled either way; a counter must not undo that. */
	if (sov_metrics_add_resolved(repo, 1) < 0) {
		sov_error_prefix("resolved, but conflictsResolved not counted");
		sov_error_report();
	}
out:
	sov_resolve_outcome_release(&done);
	sov_ctx_release(&ctx);
	return ret;
}

const struct sov_cmd sov_cmd_resolve = {
	"resolve", cmd_resolve,
	"Settle a queued conflict",
	"sovsync resolve [--ours | --theirs | --both] [--] <path>",
	"Settles one entry of the conflict queue ('sovsync conflicts').  <path>\n"
	"is taken like Git takes paths: relative to the current directory (a\n"
	"path relative to the top of the worktree works too).\n"
	"\n"
	"With no option, the file as you edited it is taken: a text document\n"
	"must have had all its conflict markers edited away (resolve refuses,\n"
	"naming the lines, while any remain); a binary document needs a side.\n"
	"\n"
	"    --ours     write our version (as it was before the merge)\n"
	"    --theirs   write their version (from history, through the path's\n"
	"               filters, so it comes out as a checkout would write it)\n"
	"    --both     keep both: the path keeps ours (for a newest entry the\n"
	"               version kept), the other version stays as a conflict\n"
	"               copy beside it (written again if it is gone)\n"
	"\n"
	"A copy entry settled with no option, --ours or --theirs loses its\n"
	"conflict copy ('git rm', or removed if it was never committed).\n"
	"\n"
	"A modify/delete entry (one side deleted the file, the other edited it;\n"
	"'sovsync sync' kept the edit) is settled the same way: the option\n"
	"naming the side that deleted the file applies the deletion ('git rm'),\n"
	"the other keeps the file as it is now in the work tree, later edits\n"
	"included (that side's recorded version is written only if the file is\n"
	"gone).  With no option the work tree is taken as it stands: the file is\n"
	"kept, or its deletion staged if you removed it yourself.\n"
	"\n"
	"Ours and theirs are Git's sides: after 'git pull --rebase' ours is the\n"
	"upstream version and theirs your own replayed commit's.\n"
	"\n"
	"The file is then staged with 'git add' or 'git rm' (commit it as usual,\n"
	"or let the next 'sovsync sync' do it), the entry\n"
	"leaves the queue and conflictsResolved in the sync metrics goes up.\n"
	"\n"
	"Exit status: 0 resolved, 1 not resolved (no such entry, markers left,\n"
	"a binary document without a side, a missing file, a version that\n"
	"cannot be read or\n"
	"written; the entry then stays queued), 2 wrong usage.\n",
	0,
};
