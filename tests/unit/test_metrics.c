/* Unit tests for src/core/metrics.c and src/core/repo.c. */
#include "tap.h"
#include "scratch.h"
#include "error.h"
#include "metrics.h"
#include "repo.h"
#include "child.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The other processes of the checks above, run as `<this> --child <what>
 * <dir>`: "add" makes 25 increments in the repository `dir`; "lock" tries
 * its watch lock without waiting.  Exit status 0 when it went as expected.
 */
static int child(const char *what, const char *dir)
{
	git_repository *r2 = NULL;
	int ret = 0;

	git_libgit2_init();
	if (git_repository_open(&r2, dir) < 0) {
		ret = 2;
	} else if (!strcmp(what, "lock")) {
		ret = sov_repo_lock(r2, "watch", 0) < 0 && sov_error_code() == SOV_ELOCKED ? 0 : 1;
	} else {
		for (int k = 0; k < 25 && !ret; k++)
			if (sov_metrics_add_resolved(r2, 1) < 0)
				ret = 1;
	}
	/* Everything released: the sanitized build checks the child for leaks too. */
	git_repository_free(r2);
	git_libgit2_shutdown();
	return ret;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/sovsync-metrics-XXXXXX";
	struct sov_metrics m = SOV_METRICS_INIT;
	struct sov_buf path = SOV_BUF_INIT;
	git_repository *repo = NULL;
	struct stat st;
	int lock, lock2;
	json_t *j;

	if (argc == 4 && !strcmp(argv[1], CHILD_FLAG))
		return child(argv[2], argv[3]);
	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");

	ok(sov_repo_state_path(repo, "x.json", &path) == 0, "state path");
	ok(strstr(path.ptr, "/.git/sovsync/x.json") != NULL, "under .git/sovsync: %s", path.ptr);
	sov_buf_setlen(&path, path.len - strlen("/x.json"));
	if (!TEST_POSIX)
		skip(1, "directory created 0700: Windows has no directory modes");
	else
		ok(stat(path.ptr, &st) == 0 && (st.st_mode & 0777) == 0700,
		   "directory created 0700");

	ok(sov_metrics_load(repo, &m) == 0, "load without a file");
	ok(m.total_syncs == 0 && !strcmp(sov_metrics_health(&m), "healthy"), "all zero, healthy");

	ok(sov_metrics_record_sync(repo, 1, 1, 2000000, NULL) == 0, "record a success");
	ok(sov_metrics_record_sync(repo, 0, 0, 4000000, "push: connection refused") == 0, "a failure");
	ok(sov_metrics_load(repo, &m) == 0, "reload");
	is_int(m.total_syncs, 2, "totalSyncs");
	is_int(m.successful_syncs, 1, "successfulSyncs");
	is_int(m.failed_syncs, 1, "failedSyncs");
	ok(m.average_sync_ms > 2999.0 && m.average_sync_ms < 3001.0, "average of 2 s and 4 s is 3000 ms");
	is_str(sov_metrics_health(&m), "degraded", "one failure: degraded");
	is_str(m.last_error.ptr, "push: connection refused", "last error kept");
	ok(m.last_sync > 0, "lastSyncTimestamp set");
	sov_metrics_record_sync(repo, 0, 0, 1000, "x");
	sov_metrics_record_sync(repo, 0, 0, 1000, "y");
	sov_metrics_load(repo, &m);
	is_str(sov_metrics_health(&m), "failing", "three failures in a row: failing");
	is_int(m.consecutive_failures, 3, "consecutiveFailures");
	sov_metrics_record_sync(repo, 1, 0, 1000, NULL);
	sov_metrics_load(repo, &m);
	is_str(sov_metrics_health(&m), "healthy", "a success heals");
	is_int(m.last_error.len, 0, "and clears the last error");
	is_int(m.changed_syncs, 1, "changedSyncs: the success that moved data");
	is_int(m.idle_syncs, 1, "idleSyncs: the success that found nothing to do");
	is_int(m.successful_syncs, m.changed_syncs + m.idle_syncs, "the two make successfulSyncs");

	ok(sov_metrics_add_resolved(repo, 2) == 0, "count resolved conflicts");
	sov_metrics_load(repo, &m);
	is_int(m.conflicts_resolved, 2, "conflictsResolved");
	j = sov_metrics_to_json(&m);
	ok(json_integer_value(json_object_get(j, "totalSyncs")) == 5, "JSON names: totalSyncs");
	ok(json_is_string(json_object_get(j, "lastSyncTimestamp")), "JSON names: lastSyncTimestamp");
	ok(json_integer_value(json_object_get(j, "idleSyncs")) == 1 &&
	   json_integer_value(json_object_get(j, "changedSyncs")) == 1,
	   "JSON names: changedSyncs, idleSyncs");
	json_decref(j);

	/* Concurrent writers (this program again, see child()): every
	 * increment survives. */
	{
		const char *args[] = { CHILD_FLAG, "add", dir, NULL };
		intptr_t pids[4];

		for (int i = 0; i < 4; i++)
			pids[i] = child_start(args);
		for (int i = 0; i < 4; i++)
			if (pids[i] >= 0)
				child_wait(pids[i]);
	}
	sov_metrics_load(repo, &m);
	is_int(m.conflicts_resolved, 102, "100 concurrent increments all counted");

	lock = sov_repo_lock(repo, "watch", 0);
	ok(lock >= 0, "take a lock");
	{
		const char *args[] = { CHILD_FLAG, "lock", dir, NULL };
		intptr_t pid = child_start(args);

		ok(pid >= 0 && child_wait(pid) == 0,
		   "another process cannot take it without waiting (ELOCKED)");
	}
	sov_repo_unlock(lock);
	lock2 = sov_repo_lock(repo, "watch", 0);
	ok(lock2 >= 0, "released locks can be taken again");
	sov_repo_unlock(lock2);

	sov_repo_state_path(repo, "metrics.json", &path);
	{
		FILE *f = fopen(path.ptr, "w");
		fputs("{ not json", f);
		fclose(f);
	}
	ok(sov_metrics_load(repo, &m) == -1, "a corrupt metrics file is an error");
	ok(strstr(sov_error_last(), "metrics.json") != NULL, "naming the file");
	ok(sov_metrics_add_resolved(repo, 1) == 0, "an update over a corrupt file restarts it");
	ok(sov_metrics_load(repo, &m) == 0 && m.conflicts_resolved == 1, "and it is valid again");

	ok(scratch_remove(dir) == 0, "cleanup");
	sov_metrics_release(&m);
	sov_buf_release(&path);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return done_testing();
}
