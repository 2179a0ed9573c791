/*
 * memories.c - `sovsync merge-memories`: Git's merge driver for mem0
 * exports (shared/memories/<user>/memories.json).  The rules are the
 * memories policy in src/jpolicy.c over the engine in src/jmerge.c.
 */
#include "cli.h"
#include "jdriver.h"
#include "json_driver.h"

static int cmd_merge_memories(int argc, char **argv)
{
	return sov_json_driver_main(&sov_cmd_merge_memories, &sov_jpolicy_memories,
				    argc, argv);
}

const struct sov_cmd sov_cmd_merge_memories = {
	"merge-memories", cmd_merge_memories,
	"Merge driver for mem0 memories.json (run by Git)",
	"sovsync merge-memories %O %A %B %P [%L]",
	"Git runs this as the merge driver of memories.json files:\n"
	"\n"
	"    git config merge.sovsync-memories.driver 'sovsync merge-memories %O %A %B %P'\n"
	"    echo 'shared/memories/*/memories.json merge=sovsync-memories' >>.gitattributes\n"
	"\n"
	"%O, %A and %B are the base, ours and theirs; the merged result replaces %A.\n"
	"Memories are matched by id.  One that only one side added, changed or\n"
	"deleted takes that side's version; one changed on both sides takes the\n"
	"version with the later updated_at (else created_at), compared as instants;\n"
	"a deletion loses to a change.  The same text (hash) in the same scope\n"
	"(user_id, agent_id, run_id) added under two ids by the two sides is kept\n"
	"once: the earliest created_at, then the smallest id; duplicates already in\n"
	"the base always stay.  Graph memory relations (source, relationship,\n"
	"target) merge as a set by value.  An empty or unreadable base gives a\n"
	"two-way union.  The output is canonical (docs/FORMATS.md), so either side\n"
	"order gives the same bytes.\n"
	"\n"
	"Exits 0 with the merged file.  If a side is not valid JSON or not a mem0\n"
	"export (\"results\" that is not an array, a memory that is not an object or\n"
	"has no string id, an id twice), prints the path, the side and the cause,\n"
	"leaves %A untouched and exits 1, so that Git records an ordinary conflict.\n"
	"With SOVSYNC_TRACE set, traces how many memories were added, updated,\n"
	"deleted and deduplicated.\n",
	1,
};
