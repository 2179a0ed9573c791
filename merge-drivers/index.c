/*
 * index.c - `sovsync merge-index`: Git's merge driver for the registries
 * (documents/index.json, conversations/index.json, sync_manifest.json) and
 * conversation files; the index policy in src/jpolicy.c over the engine in
 * src/jmerge.c.
 */
#include "cli.h"
#include "jdriver.h"
#include "json_driver.h"

static int cmd_merge_index(int argc, char **argv)
{
	return sov_json_driver_main(&sov_cmd_merge_index, &sov_jpolicy_index, argc, argv);
}

const struct sov_cmd sov_cmd_merge_index = {
	"merge-index", cmd_merge_index,
	"Merge driver for registries and conversations (run by Git)",
	"sovsync merge-index %O %A %B %P [%L]",
	"Git runs this as the merge driver of shared/documents/index.json,\n"
	"shared/conversations/*.json and shared/memories/sync_manifest.json:\n"
	"\n"
	"    git config merge.sovsync-index.driver 'sovsync merge-index %O %A %B %P'\n"
	"    echo 'shared/conversations/*.json merge=sovsync-index' >>.gitattributes\n"
	"\n"
	"Every collection (an array of entries, or an object of entries) merges\n"
	"entry by entry, keyed by id, else path, else the member name; an entry\n"
	"changed on both sides takes the later updated_at (or last_modified,\n"
	"ingested_at, created_at).  A conversation's messages are the union of both\n"
	"sides, one per id (or per timestamp, role and content), in timestamp order;\n"
	"its other keys changed on both sides come from the side with the later\n"
	"updated_at.  The output is canonical, so either side order gives the same\n"
	"bytes.\n"
	"\n"
	"Exits 0 with the merged file; on a side that is not valid JSON prints the\n"
	"side, line and column, leaves %A untouched and exits 1.\n",
	1,
};
