/*
 * state.c - `sovsync merge-state`: Git's merge driver for shared/state.json,
 * the state policy in src/jpolicy.c over the engine in src/jmerge.c.
 */
#include "cli.h"
#include "jdriver.h"
#include "json_driver.h"

static int cmd_merge_state(int argc, char **argv)
{
	return sov_json_driver_main(&sov_cmd_merge_state, &sov_jpolicy_state, argc, argv);
}

const struct sov_cmd sov_cmd_merge_state = {
	"merge-state", cmd_merge_state,
	"Merge driver for shared/state.json (run by Git)",
	"sovsync merge-state %O %A %B %P [%L]",
	"Git runs this as the merge driver of shared/state.json:\n"
	"\n"
	"    git config merge.sovsync-state.driver 'sovsync merge-state %O %A %B %P'\n"
	"    echo 'shared/state.json merge=sovsync-state' >>.gitattributes\n"
	"\n"
	"last_sync.* take the later instant and version the higher number; files\n"
	"merge per path (changed on both sides: the later last_modified);\n"
	"pending_conflicts merge per file (an entry resolved on one side stays\n"
	"resolved); sync_health comes from the side that synced last, and so does\n"
	"any other key changed on both sides.  The output is canonical, so either\n"
	"side order gives the same bytes.\n"
	"\n"
	"Exits 0 with the merged file; on a side that is not valid JSON prints the\n"
	"side, line and column, leaves %A untouched and exits 1.\n",
	1,
};
