/*
 * derived.c - `sovsync merge-derived`: Git's merge driver for the manifest
 * files the hooks recompute after every merge (<root>/memories/
 * sync_manifest.json, <root>/memories/<user>/index.meta).  Their content
 * follows from the memories, so the driver keeps ours and pre-merge-commit
 * writes the true one.
 *
 * Keeping one side drops the other side's edit, which is only right for
 * those files.  `.gitattributes` is tracked, so anyone who can push can
 * assign this driver to any path (`*.md merge=sovsync-derived`): the
 * driver checks %P against the derived files and for any other path
 * leaves %A as it is and exits 1, so Git records an ordinary conflict.
 */
#include "cli.h"
#include "ctx.h"
#include "error.h"
#include "manifest.h"

#include <string.h>

/* Whether `path` is one of the derived manifest files under sovsync.root. */
static int is_derived_path(const char *path, int *derived)
{
	struct sov_ctx ctx = SOV_CTX_INIT;
	const char *root;

	*derived = 0;
	/* Normalised as the hooks have it ("./shared/" is "shared"). */
	if (sov_ctx_open(&ctx, NULL, SOV_SET_ROOT) < 0) {
		sov_ctx_release(&ctx);
		return -1;
	}
	root = ctx.set.root.ptr;
	/* state.json has its own driver: no derived file. */
	*derived = sov_manifest_is_own_file(root, path) &&
		   strcmp(path + strlen(root) + 1, "state.json") != 0;
	sov_ctx_release(&ctx);
	return 0;
}

static int cmd_merge_derived(int argc, char **argv)
{
	int derived;

	if (argc != 5 && argc != 6)
		return sov_cli_usage_error(&sov_cmd_merge_derived, "expected %%O %%A %%B %%P [%%L]");
	if (is_derived_path(argv[4], &derived) < 0) {
		sov_error_prefix("merge-derived: %s", argv[4]);
		return sov_cli_fail();
	}
	if (!derived) {
		sov_error("merge-derived: %s: not a manifest file that sovsync recomputes "
			  "(check .gitattributes): not merged, ours left as it was", argv[4]);
		return sov_cli_fail();
	}
	/* %A already holds ours; the hooks recompute the file for the merge commit. */
	return SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_merge_derived = {
	"merge-derived", cmd_merge_derived,
	"Merge driver for the recomputed manifest files (run by Git)",
	"sovsync merge-derived %O %A %B %P [%L]",
	"Git runs this as the merge driver of the manifest files that the hooks\n"
	"recompute after every merge:\n"
	"\n"
	"    git config merge.sovsync-derived.driver 'sovsync merge-derived %O %A %B %P'\n"
	"    echo 'shared/memories/sync_manifest.json merge=sovsync-derived' >>.gitattributes\n"
	"\n"
	"For <root>/memories/sync_manifest.json and <root>/memories/<user>/index.meta\n"
	"(root: sovsync.root, default shared) it keeps ours and exits 0; the\n"
	"pre-merge-commit hook writes the true content.  For any other path (a\n"
	".gitattributes line that assigns the driver elsewhere) it would drop the\n"
	"other side's edit: it prints the path, leaves %A untouched and exits 1,\n"
	"so that Git records an ordinary conflict.\n",
	1,
};
