/*
 * Fuzz target: the conflict queue entry parser (src/merge/conflicts.c) and the
 * conflict-marker scan (src/merge/docmerge.c).  An entry that parses must write
 * back to JSON that parses to the same entry; the marker scan must count the
 * same lines whatever room it is given to store them.
 */
#include "conflicts.h"
#include "docmerge.h"
#include "error.h"
#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_markers(const uint8_t *data, size_t size)
{
	size_t lines[8], n, all, i, prev = 0;

	n = sov_doc_find_markers((const char *)data, size, 7, lines, 8);
	all = sov_doc_find_markers((const char *)data, size, 7, NULL, 0);
	if (n != all)
		abort();
	for (i = 0; i < n && i < 8; i++) {
		if (lines[i] <= prev)
			abort();
		prev = lines[i];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sov_conflict a, b;
	json_t *v = NULL, *w = NULL, *x = NULL;

	check_markers(data, size);
	if (sov_json_load(&v, data, size, "fuzz") < 0)
		return 0;
	if (sov_conflict_from_json(v, &a, "fuzz") == 0) {
		w = sov_conflict_to_json(&a);
		if (!w || sov_conflict_from_json(w, &b, "again") < 0)
			abort();
		x = sov_conflict_to_json(&b);
		if (!json_equal(w, x) || strcmp(a.path, b.path) || a.kind != b.kind ||
		    a.detected_at != b.detected_at)
			abort();
		if (a.kind == SOV_CONFLICT_MODIFY_DELETE && a.deleted_by != b.deleted_by)
			abort();
		if ((a.kind != SOV_CONFLICT_MODIFY_DELETE || a.deleted_by != SOV_CONFLICT_OURS) &&
		    !git_oid_equal(&a.ours, &b.ours))
			abort();
		if ((a.kind != SOV_CONFLICT_MODIFY_DELETE || a.deleted_by != SOV_CONFLICT_THEIRS) &&
		    !git_oid_equal(&a.theirs, &b.theirs))
			abort();
		sov_conflict_release(&b);
	}
	sov_conflict_release(&a);
	sov_error_clear();
	json_decref(v);
	json_decref(w);
	json_decref(x);
	return 0;
}
