/*
 * jpolicy.h - the merge policies of sovsync's JSON files.
 *
 * Each policy is a tree of sov_jmerge rules (see jmerge.h) plus how to find
 * each side's instant for "the side that synced last" decisions:
 *
 *   memories   shared/memories/<user>/memories.json (mem0 exports)
 *   state      shared/state.json
 *   index      shared/documents/index.json, shared/conversations/index.json
 *              and conversation files shared/conversations/<id>.json (a
 *              `messages` list)
 *
 * Which files each policy merges is the driver table's (drivers.c).
 * docs/FORMATS.md states the rules in prose; keep the two in step.
 */
#ifndef SOV_JPOLICY_H
#define SOV_JPOLICY_H

#include "jmerge.h"

struct sov_jpolicy {
	const char *name;			/* the driver command, for messages */
	const struct sov_jmerge_rule *root;
	/* Fill m->side_time[] from the three documents (NULL: not needed). */
	void (*side_times)(struct sov_jmerge *m, const char *const doc[3],
			   const size_t len[3]);
};

extern const struct sov_jpolicy sov_jpolicy_memories;
extern const struct sov_jpolicy sov_jpolicy_state;
extern const struct sov_jpolicy sov_jpolicy_index;

#endif
