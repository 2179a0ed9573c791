/*
 * metrics.c - sync metrics in .git/sovsync/metrics.json; see metrics.h.
 */
#include "metrics.h"
#include "error.h"
#include "json.h"
#include "repo.h"
#include "timestamp.h"

#include <unistd.h>

#include "osfs.h"

#define METRICS_FILE "metrics.json"

void sov_metrics_release(struct sov_metrics *m)
{
	sov_buf_release(&m->last_error);
	*m = (struct sov_metrics)SOV_METRICS_INIT;
}

const char *sov_metrics_health(const struct sov_metrics *m)
{
	if (m->consecutive_failures == 0)
		return "healthy";
	return m->consecutive_failures < 3 ? "degraded" : "failing";
}

json_t *sov_metrics_to_json(const struct sov_metrics *m)
{
	struct sov_buf when = SOV_BUF_INIT;
	json_t *obj;

	if (m->last_sync)
		sov_time_format(m->last_sync, &when);
	obj = json_pack("{s:I, s:I, s:I, s:I, s:I, s:f, s:o, s:I, s:{s:s, s:o, s:I}}",
			"totalSyncs", (json_int_t)m->total_syncs,
			"successfulSyncs", (json_int_t)m->successful_syncs,
			"changedSyncs", (json_int_t)m->changed_syncs,
			"idleSyncs", (json_int_t)m->idle_syncs,
			"failedSyncs", (json_int_t)m->failed_syncs,
			"averageSyncDuration", m->average_sync_ms,
			"lastSyncTimestamp", m->last_sync ? json_string(when.ptr) : json_null(),
			"conflictsResolved", (json_int_t)m->conflicts_resolved,
			"health",
			"status", sov_metrics_health(m),
			"lastError", m->last_error.len ? json_string(m->last_error.ptr) : json_null(),
			"consecutiveFailures", (json_int_t)m->consecutive_failures);
	sov_buf_release(&when);
	return obj;
}

static int64_t get_int(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int from_json(json_t *obj, struct sov_metrics *m, const char *path)
{
	json_t *health, *v;

	if (!json_is_object(obj))
		return sov_error("%s: not a JSON object", path);
	m->total_syncs = get_int(obj, "totalSyncs");
	m->successful_syncs = get_int(obj, "successfulSyncs");
	m->failed_syncs = get_int(obj, "failedSyncs");
	m->changed_syncs = get_int(obj, "changedSyncs");
	m->idle_syncs = get_int(obj, "idleSyncs");
	m->conflicts_resolved = get_int(obj, "conflictsResolved");
	v = json_object_get(obj, "averageSyncDuration");
	m->average_sync_ms = json_is_number(v) ? json_number_value(v) : 0.0;
	v = json_object_get(obj, "lastSyncTimestamp");
	if (json_is_string(v) && sov_time_parse_str(json_string_value(v), &m->last_sync) < 0)
		return sov_error_prefix("%s: lastSyncTimestamp", path);
	health = json_object_get(obj, "health");
	m->consecutive_failures = get_int(health, "consecutiveFailures");
	v = json_object_get(health, "lastError");
	sov_buf_reset(&m->last_error);
	if (json_is_string(v))
		sov_buf_addstr(&m->last_error, json_string_value(v));
	return 0;
}

static int load_path(const char *path, struct sov_metrics *m)
{
	json_t *obj;
	int ret;

	sov_metrics_release(m);
	if (sov_os_access(path, F_OK) < 0)
		return 0;
	if (sov_json_load_file(&obj, path) < 0)
		return -1;
	ret = from_json(obj, m, path);
	json_decref(obj);
	return ret;
}

int sov_metrics_load(git_repository *repo, struct sov_metrics *m)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret = -1;

	if (sov_repo_state_path(repo, METRICS_FILE, &path) == 0)
		ret = load_path(path.ptr, m);
	sov_buf_release(&path);
	return ret;
}

/* Read, let `change` edit, write back; all under the metrics lock. */
static int update(git_repository *repo,
		  void (*change)(struct sov_metrics *, const void *), const void *arg)
{
	struct sov_metrics m = SOV_METRICS_INIT;
	struct sov_buf path = SOV_BUF_INIT;
	json_t *obj = NULL;
	int lock, ret = -1;

	lock = sov_repo_lock(repo, "metrics", 1);
	if (lock < 0)
		return -1;
	if (sov_repo_state_path(repo, METRICS_FILE, &path) < 0)
		goto out;
	if (load_path(path.ptr, &m) < 0) {
		/* Counters are not user data: a damaged file restarts them. */
		sov_warn("%s; starting the metrics afresh", sov_error_last());
		sov_metrics_release(&m);
	}
	change(&m, arg);
	obj = sov_metrics_to_json(&m);
	ret = sov_json_write_file(path.ptr, obj);
out:
	json_decref(obj);
	sov_repo_unlock(lock);
	sov_metrics_release(&m);
	sov_buf_release(&path);
	return ret;
}

struct sync_result {
	int ok;
	int moved_data;
	int64_t duration_us;
	const char *error;
};

static void apply_sync(struct sov_metrics *m, const void *arg)
{
	const struct sync_result *r = arg;
	double ms = (double)r->duration_us / 1000.0;

	m->average_sync_ms = (m->average_sync_ms * (double)m->total_syncs + ms) /
			     (double)(m->total_syncs + 1);
	m->total_syncs++;
	m->last_sync = sov_time_now();
	sov_buf_reset(&m->last_error);
	if (r->ok) {
		m->successful_syncs++;
		if (r->moved_data)
			m->changed_syncs++;
		else
			m->idle_syncs++;
		m->consecutive_failures = 0;
	} else {
		m->failed_syncs++;
		m->consecutive_failures++;
		sov_buf_addstr(&m->last_error, r->error ? r->error : "unknown error");
	}
}

int sov_metrics_record_sync(git_repository *repo, int ok, int moved_data,
			    int64_t duration_us, const char *error)
{
	struct sync_result r = { ok, moved_data, duration_us, error };
	return update(repo, apply_sync, &r);
}

static void apply_resolved(struct sov_metrics *m, const void *arg)
{
	m->conflicts_resolved += *(const int64_t *)arg;
}

int sov_metrics_add_resolved(git_repository *repo, int64_t n)
{
	return update(repo, apply_resolved, &n);
}
