/*
 * syncstop.h - why the sync stands still, and the next step to take.
 *
 * The sync cycle (sync.h) leaves flags in <git common dir>/sovsync/ when it
 * stops short of a merge and a push (formats in docs/FORMATS.md):
 *
 *   sync-conflict.json      the merge stopped on conflicts the drivers could
 *                           not settle; aborted, local commits kept
 *   remote-rewritten.json   the remote's history was rewritten; nothing
 *                           merged or pushed until it is taken
 *   merge-in-progress.json  of this work tree, with no cycle running (the
 *                           sync lock is free): a cycle was killed while it
 *                           merged
 *
 * `sovsync status`, `sovsync conflicts` and `sovsync doctor` show the same
 * reading.  Nothing here writes.
 */
#ifndef SOV_SYNCSTOP_H
#define SOV_SYNCSTOP_H

#include <git2.h>
#include <jansson.h>

/*
 * The reason the sync stands still, as a new JSON object (the caller owns
 * it): {"reason": "conflict" | "remote-rewritten" | "killed-merge",
 * "since": ISO-8601 or null, "paths": [...] (conflict only), "message":
 * what happened, "nextStep": what to do}; *out NULL when none.  A flag that
 * cannot be read is reported as its reason with the read error as message.
 * Returns 0, or -1 when the bookkeeping directory cannot be found.
 */
int sov_syncstop_load(git_repository *repo, json_t **out);

#endif
