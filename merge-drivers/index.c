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
	"ingested_at, created_at).  A conversation's messages, and any list whose\n"
	"entries have no id or path, are sequences: a 3-way merge that keeps both\n"
	"sides' new elements in their order, repeats included, and honours\n"
	"deletions; what both sides inserted at the same place goes in timestamp\n"
	"order when every element has one.  A conversation's other keys changed on\n"
	"both sides come from the side with the later updated_at.  The output is\n"
	"canonical, so either side order gives the same bytes.\n"
	"\n"
	"Exits 0 with the merged file.  On a side that is not valid JSON, a\n"
	"collection of the wrong type (\"documents\": {}, \"messages\": null, a message\n"
	"that is not an object) or an id twice, prints the path, the side and the\n"
	"cause, leaves %A untouched and exits 1, so that Git records a conflict.\n",
	1,
};
