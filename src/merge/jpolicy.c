/*
 * jpolicy.c - merge policies of the synced JSON files; see jpolicy.h.
 */
#include "jpolicy.h"
#include "jscan.h"

#include <string.h>

static int name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && !memcmp(name, want, len);
}

/* ---- memories.json ---------------------------------------------------- */

static const char *const mem0_key[] = { "id", NULL };
/* A concurrent edit: the later updated_at, falling back to created_at. */
static const char *const mem0_time[] = { "updated_at", "created_at", NULL };
static const char *const mem0_order[] = { "created_at", NULL };
static const char *const mem0_arrays[] = { "results", "memories", NULL };

static const struct sov_jmerge_rule memories_rule = {
	.kind = SOV_JMERGE_KEYED,
	.key_fields = mem0_key,
	.time_fields = mem0_time,
	.order_fields = mem0_order,
	.mem0_dedup = 1,
	.entry_name = "memory",
	.container = '[',
	.entry_object = 1,
};

/*
 * mem0 graph memory: {"source", "relationship", "target"} triples.  A
 * relation has no id: it is its value, so the relations merge as a set by
 * value (an edit is a deletion plus an addition), deletions honoured.
 */
static const struct sov_jmerge_rule relations_rule = {
	.kind = SOV_JMERGE_KEYED,
	.key_whole = 1,
	.entry_name = "relation",
	.container = '[',
	.entry_object = 1,
};

static const struct sov_jmerge_rule *memories_member(const char *name, size_t len)
{
	for (size_t i = 0; mem0_arrays[i]; i++)
		if (name_is(name, len, mem0_arrays[i]))
			return &memories_rule;
	if (name_is(name, len, "relations"))
		return &relations_rule;
	return NULL;	/* other wrapper keys: whole values, 3-way */
}

/* A mem0 export always has its list: {} is damage, not "every memory deleted". */
static const struct sov_jmerge_rule memories_root = {
	.kind = SOV_JMERGE_OBJECT,
	.member = memories_member,
	.array_names = mem0_arrays,
	.array_required = 1,
};

const struct sov_jpolicy sov_jpolicy_memories = {
	"merge-memories", &memories_root, NULL,
};

/* ---- state.json ------------------------------------------------------- */

static const char *const file_time[] = { "last_modified", NULL };
static const char *const conflict_key[] = { "path", "file", "id", NULL };
static const char *const conflict_time[] = { "time", NULL };

static const struct sov_jmerge_rule state_files = {
	.kind = SOV_JMERGE_KEYED,
	.time_fields = file_time,
	.entry_name = "file",
	.container = '{',
	.entry_object = 1,
};

static const struct sov_jmerge_rule state_conflicts = {
	.kind = SOV_JMERGE_KEYED,
	.key_fields = conflict_key,
	.key_whole = 1,
	.time_fields = conflict_time,
	.order_fields = conflict_time,
	.entry_name = "conflict",
	.container = '[',
	.entry_object = 1,
};

static const struct sov_jmerge_rule state_latest = { .kind = SOV_JMERGE_LATEST };
static const struct sov_jmerge_rule state_latest_side = {
	.kind = SOV_JMERGE_LATEST_SIDE,
};

static const struct sov_jmerge_rule *state_member(const char *name, size_t len)
{
	if (name_is(name, len, "version") || name_is(name, len, "last_sync"))
		return &state_latest;
	if (name_is(name, len, "files"))
		return &state_files;
	if (name_is(name, len, "pending_conflicts"))
		return &state_conflicts;
	if (name_is(name, len, "sync_health"))
		return &state_latest_side;
	return NULL;	/* changed on both: the side that synced last */
}

static const struct sov_jmerge_rule state_root = {
	.kind = SOV_JMERGE_OBJECT,
	.member = state_member,
};

/* A side's last sync: the later of last_sync.local_to_remote and .remote_to_local. */
static void state_side_times(struct sov_jmerge *m, const char *const doc[3],
			     const size_t len[3])
{
	static const char *const dirs[] = { "local_to_remote", "remote_to_local" };

	for (int i = 0; i < 3; i++) {
		m->side_time[i] = SOV_JMERGE_NO_TIME;
		if (!doc[i])
			continue;
		for (int d = 0; d < 2; d++) {
			struct sov_span s;
			int64_t t;

			if (sov_jmerge_find(doc[i], len[i], "last_sync", dirs[d], &s) < 0)
				continue;
			t = sov_jmerge_instant(s.ptr, s.len);
			if (t > m->side_time[i])
				m->side_time[i] = t;
		}
	}
}

const struct sov_jpolicy sov_jpolicy_state = {
	"merge-state", &state_root, state_side_times,
};

/* ---- registries and conversations ------------------------------------- */

static const char *const entry_key[] = { "id", "path", NULL };
static const char *const entry_time[] = {
	"updated_at", "last_modified", "ingested_at", "created_at", NULL
};
static const char *const entry_order[] = { "created_at", "ingested_at", NULL };

/*
 * Any other collection in a registry: entries by id, else path; a list
 * with an entry that has neither (["x", "y", "x"]) is a sequence, kept
 * as written; an object by member name.  Not a container on every side:
 * a whole value.
 */
static const struct sov_jmerge_rule index_entries = {
	.kind = SOV_JMERGE_KEYED,
	.key_fields = entry_key,
	.sequence_unkeyed = 1,
	.time_fields = entry_time,
	.order_fields = entry_order,
	.entry_name = "entry",
};

/* The registries' own lists: arrays of objects, by id, else path, else value. */
static const struct sov_jmerge_rule index_documents = {
	.kind = SOV_JMERGE_KEYED,
	.key_fields = entry_key,
	.key_whole = 1,
	.time_fields = entry_time,
	.order_fields = entry_order,
	.entry_name = "entry",
	.container = '[',
	.entry_object = 1,
};

static const char *const message_time[] = { "timestamp", "created_at", NULL };

/*
 * Messages: a conversation is a sequence.  Both sides' new messages are
 * kept in their order, repeats included; messages both sides added at the
 * same place go in timestamp order when they all have one, else one
 * side's after the other's in a side-independent order (see
 * merge_sequence() in jmerge.c).
 */
static const struct sov_jmerge_rule conversation_messages = {
	.kind = SOV_JMERGE_SEQUENCE,
	.order_fields = message_time,
	.entry_name = "message",
	.container = '[',
	.entry_object = 1,
};

/* A registry written as a bare array merges like {"documents": [...]}. */
static const char *const index_arrays[] = { "documents", "conversations", NULL };

static const struct sov_jmerge_rule *index_member(const char *name, size_t len)
{
	if (name_is(name, len, "messages"))
		return &conversation_messages;
	for (size_t i = 0; index_arrays[i]; i++)
		if (name_is(name, len, index_arrays[i]))
			return &index_documents;
	return &index_entries;	/* not a collection: a whole value */
}

static const struct sov_jmerge_rule index_root = {
	.kind = SOV_JMERGE_OBJECT,
	.member = index_member,
	.array_names = index_arrays,
};

/* A conversation's own updated_at decides its other keys. */
static void index_side_times(struct sov_jmerge *m, const char *const doc[3],
			     const size_t len[3])
{
	for (int i = 0; i < 3; i++) {
		struct sov_span s;

		m->side_time[i] = SOV_JMERGE_NO_TIME;
		if (doc[i] && sov_jmerge_find(doc[i], len[i], "updated_at", NULL, &s) == 0)
			m->side_time[i] = sov_jmerge_instant(s.ptr, s.len);
	}
}

const struct sov_jpolicy sov_jpolicy_index = {
	"merge-index", &index_root, index_side_times,
};
