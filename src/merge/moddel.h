/*
 * moddel.h - recognise the modify/delete conflicts a sync cycle may settle.
 *
 * Git never calls a merge driver when one side deleted a path and the other
 * changed it (merge-ort reports "CONFLICT (modify/delete)" and leaves the
 * changed version in the work tree and in its index stage).  For the files
 * sovsync's drivers own, the design wants the merge to go on anyway: the
 * JSON engine's rule is "a deletion loses to a change", and a document is
 * flagged rather than stopping the sync.  So a sync cycle (sync.c) keeps the
 * edited side, queues the conflict (conflicts.h) and concludes the merge -
 * but only when every unmerged path qualifies; anything else is aborted as
 * before.
 *
 * This module is the pure part of that decision: it parses what
 * `git ls-files -u -z` and `git check-attr -z merge` print and says which
 * paths qualify.  Running Git is the caller's business.
 *
 * Index stages (git-read-tree(1)): 1 the merge base, 2 ours (HEAD),
 * 3 theirs.  A modify/delete has a base and exactly one of ours and theirs;
 * the missing one is the side that deleted the path.
 */
#ifndef SOV_MODDEL_H
#define SOV_MODDEL_H

#include <stddef.h>

#include <git2.h>

#include "conflicts.h"
#include "settings.h"

/* One unmerged path and its index stages. */
struct sov_moddel_path {
	char *path;			/* owned; repository-relative */
	unsigned stages;		/* bit (1 << s) set: stage s present */
	unsigned mode[4];		/* by stage (index 0 unused) */
	git_oid oid[4];			/* blob ids by stage */
	int is_settled_by_driver;	/* set by sov_moddel_check_attrs */
};

struct sov_moddel_list {
	struct sov_moddel_path *items;	/* owned, in the order Git listed them */
	size_t nr, alloc;
};

#define SOV_MODDEL_LIST_INIT { .items = NULL, .nr = 0, .alloc = 0 }

void sov_moddel_list_release(struct sov_moddel_list *l);

/*
 * Parse `git ls-files -u -z` output ("<mode> <id> <stage>\t<path>\0", a
 * path's stages adjacent) into `l` (appended).  0, or -1 on a malformed
 * record.
 */
int sov_moddel_parse_unmerged(const char *z, size_t len, struct sov_moddel_list *l);

/*
 * Whether `p` is a modify/delete: a base and exactly one side.  Then
 * *deleted_by is the side without a version.  Add/add (no base), a both-
 * deleted rename leftover or an ordinary content conflict (all three
 * stages) are not.
 */
int sov_moddel_is_modify_delete(const struct sov_moddel_path *p,
				enum sov_conflict_side *deleted_by);

/*
 * Apply `git check-attr -z merge -- <paths>` output ("<path>\0merge\0
 * <value>\0" records) to `l`: set is_settled_by_driver of each path listed
 * from its driver's row (sov_driver_settles, drivers.h: the JSON drivers,
 * the derived files, the document driver under onConflict = flag).
 * 0, or -1 on malformed output.
 */
int sov_moddel_check_attrs(struct sov_moddel_list *l, const char *z, size_t len,
			   enum sov_on_conflict on_conflict);

/*
 * Whether the merge may be settled: `l` is not empty and every path in it
 * is a modify/delete whose driver settles it.  Otherwise, when `why` is not
 * NULL, *why points at the first path that is not (borrowed from l).
 */
int sov_moddel_all_settle(const struct sov_moddel_list *l, const char **why);

#endif
