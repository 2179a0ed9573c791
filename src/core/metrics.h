/*
 * metrics.h - the sync metrics and health of a clone.
 *
 * Kept in "<git dir>/sovsync/metrics.json" (local, never committed; format in
 * docs/FORMATS.md) under the names of the design: totalSyncs,
 * successfulSyncs, failedSyncs, averageSyncDuration (milliseconds),
 * lastSyncTimestamp, conflictsResolved, and health (status, lastError,
 * consecutiveFailures).  `sovsync sync` records each cycle, `sovsync
 * resolve` counts resolved conflicts, `sovsync status` reads them.  Updates
 * are read-modify-write under a lock and written atomically.
 *
 * Health: "healthy" after a success, "degraded" after 1 or 2 failures in a
 * row, "failing" from 3 on.
 */
#ifndef SOV_METRICS_H
#define SOV_METRICS_H

#include <stdint.h>

#include <git2.h>
#include <jansson.h>

#include "buf.h"

struct sov_metrics {
	int64_t total_syncs;
	int64_t successful_syncs;
	int64_t failed_syncs;
	/*
	 * Of the successful ones: cycles that moved data (committed, merged,
	 * replayed or pushed) and cycles that found nothing to do.  Files
	 * written before these counters count neither.
	 */
	int64_t changed_syncs;
	int64_t idle_syncs;
	double average_sync_ms;		/* over all recorded cycles */
	int64_t last_sync;		/* instant of the last cycle; 0: never */
	int64_t conflicts_resolved;
	int64_t consecutive_failures;
	struct sov_buf last_error;	/* empty: none */
};

#define SOV_METRICS_INIT { .average_sync_ms = 0.0, .last_error = SOV_BUF_INIT }

void sov_metrics_release(struct sov_metrics *m);

/* "healthy", "degraded" or "failing" (a static string). */
const char *sov_metrics_health(const struct sov_metrics *m);

/* Load (a missing file is all zeros).  Returns 0 or -1 (file named). */
int sov_metrics_load(git_repository *repo, struct sov_metrics *m);

/*
 * Record one sync cycle: success or failure with its error text; a
 * success that `moved_data` (a commit, merge, replay or push) or not.
 */
int sov_metrics_record_sync(git_repository *repo, int ok, int moved_data,
			    int64_t duration_us, const char *error);

/* Add `n` to conflictsResolved. */
int sov_metrics_add_resolved(git_repository *repo, int64_t n);

/* A new JSON object with the metrics under their documented names. */
json_t *sov_metrics_to_json(const struct sov_metrics *m);

#endif
