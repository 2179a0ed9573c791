/*
 * drivers.c - the merge driver table; see drivers.h.
 */
#include "drivers.h"

#include <string.h>

static const char *const state_patterns[] = { "state.json", NULL };
/* Recomputed by the hooks: ours kept, the true content written by pre-merge-commit. */
static const char *const derived_patterns[] = {
	"memories/sync_manifest.json", "memories/*/index.meta", NULL,
};
static const char *const memories_patterns[] = { "memories/*/memories.json", NULL };
/* conversations/index.json is also under *.json; older installs wrote it first. */
static const char *const index_patterns[] = {
	"documents/index.json", "conversations/index.json", "conversations/*.json", NULL,
};
static const char *const doc_patterns[] = { "documents/ingested/**", NULL };
static const char *const keep_patterns[] = { "**", NULL };

const struct sov_driver sov_drivers[] = {
	{
		/* Every other file under the root: both versions kept (keepboth.h). */
		.attr = "sovsync-keep", .command = "merge-keep", .args = " %O %A %B %P %L",
		.name = "sovsync: other files under the root, both versions kept",
		.policy = NULL, .patterns = keep_patterns, .first = 1,
		.moddel = SOV_MODDEL_SETTLES,
	},
	{
		.attr = "sovsync-state", .command = "merge-state", .args = " %O %A %B %P",
		.name = "sovsync: state.json by timestamps",
		.policy = &sov_jpolicy_state, .patterns = state_patterns,
		.moddel = SOV_MODDEL_SETTLES,
		.summary = "Merge driver for shared/state.json (run by Git)",
		.help =
		"last_sync.* take the later instant and version the higher number; files\n"
		"merge per path (changed on both sides: the later last_modified);\n"
		"pending_conflicts merge per file (an entry resolved on one side stays\n"
		"resolved); sync_health comes from the side that synced last, and so does\n"
		"any other key changed on both sides.  The output is canonical, so either\n"
		"side order gives the same bytes.\n"
		"\n"
		"Exits 0 with the merged file; on a side that is not valid JSON prints the\n"
		"side, line and column, leaves %A untouched and exits 1.\n",
	},
	{
		.attr = "sovsync-derived", .command = "merge-derived", .args = " %O %A %B %P",
		.name = "sovsync: derived manifest, recomputed by the hooks",
		.policy = NULL, .patterns = derived_patterns,
		.moddel = SOV_MODDEL_SETTLES,
	},
	{
		.attr = "sovsync-memories", .command = "merge-memories", .args = " %O %A %B %P",
		.name = "sovsync: mem0 memories, 3-way by memory id",
		.policy = &sov_jpolicy_memories, .patterns = memories_patterns,
		.moddel = SOV_MODDEL_SETTLES,
		.summary = "Merge driver for mem0 memories.json (run by Git)",
		.help =
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
	},
	{
		.attr = "sovsync-index", .command = "merge-index", .args = " %O %A %B %P",
		.name = "sovsync: union of index.json registries",
		.policy = &sov_jpolicy_index, .patterns = index_patterns,
		.moddel = SOV_MODDEL_SETTLES,
		.summary = "Merge driver for registries and conversations (run by Git)",
		.help =
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
	},
	{
		.attr = "sovsync-doc", .command = "merge-doc", .args = " %O %A %B %P %L",
		.name = "sovsync: documents, conflicts queued",
		.policy = NULL, .patterns = doc_patterns,
		.extra = "filter=sovsync diff=sovsync",
		.moddel = SOV_MODDEL_SETTLES_IF_FLAG,
	},
	{ 0 },
};

const size_t sov_ndrivers = sizeof(sov_drivers) / sizeof(sov_drivers[0]) - 1;

/* Lines that belong to no driver: written after the drivers' lines. */
static const char *const other_lines[] = {
	/* The placeholder that keeps the directory in Git is plain text. */
	"documents/ingested/.gitkeep -filter -diff -merge",
	NULL,
};

const struct sov_driver *sov_driver_by_attr(const char *attr)
{
	const struct sov_driver *d;

	for (d = sov_drivers; d->attr; d++)
		if (!strcmp(d->attr, attr))
			return d;
	return NULL;
}

const struct sov_driver *sov_driver_by_command(const char *command)
{
	const struct sov_driver *d;

	for (d = sov_drivers; d->attr; d++)
		if (!strcmp(d->command, command))
			return d;
	return NULL;
}

int sov_driver_settles(const char *attr, enum sov_on_conflict on_conflict)
{
	const struct sov_driver *d = sov_driver_by_attr(attr);

	if (!d)
		return 0;
	switch (d->moddel) {
	case SOV_MODDEL_SETTLES:
		return 1;
	case SOV_MODDEL_SETTLES_IF_FLAG:
		return on_conflict == SOV_ON_CONFLICT_FLAG;
	}
	return 0;
}

void sov_drivers_attributes(const char *root, struct sov_buf *out)
{
	const struct sov_driver *d;
	const char *const *p;

	for (d = sov_drivers; d->attr; d++)
		for (p = d->patterns; *p; p++)
			sov_buf_addf(out, "%s/%s %s%smerge=%s\n", root, *p,
				     d->extra ? d->extra : "", d->extra ? " " : "", d->attr);
	for (p = other_lines; *p; p++)
		sov_buf_addf(out, "%s/%s\n", root, *p);
}

void sov_drivers_first_lines(const char *root, struct sov_buf *out)
{
	const struct sov_driver *d;
	const char *const *p;

	for (d = sov_drivers; d->attr; d++)
		for (p = d->patterns; d->first && *p; p++)
			sov_buf_addf(out, "%s/%s merge=%s\n", root, *p, d->attr);
}

void sov_driver_usage(const struct sov_driver *d, struct sov_buf *out)
{
	sov_buf_addf(out, "sovsync %s%s [%%L]", d->command, d->args);
}

void sov_driver_help(const struct sov_driver *d, struct sov_buf *out)
{
	const char *const *p;

	sov_buf_addstr(out, "Git runs this as the merge driver of these files under the synced\n"
		       "root (sovsync.root, default shared):\n\n");
	for (p = d->patterns; *p; p++)
		sov_buf_addf(out, "    %s\n", *p);
	sov_buf_addf(out, "\nas 'sovsync install' sets it up:\n"
		     "\n"
		     "    git config merge.%s.driver 'sovsync %s%s'\n"
		     "    echo 'shared/%s merge=%s' >>.gitattributes\n"
		     "\n%s", d->attr, d->command, d->args, d->patterns[0], d->attr,
		     d->help ? d->help : "");
}
