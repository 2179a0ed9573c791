/* Unit tests for src/manifest/manifest.c. */
#include "tap.h"
#include "scratch.h"
#include "testrepo.h"
#include "error.h"
#include "fs.h"
#include "manifest.h"
#include "run.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/sovsync-manifest-XXXXXX";

static void put(const char *rel, const char *text)
{
	struct sov_buf path = SOV_BUF_INIT;

	sov_buf_addf(&path, "%s/%s", dir, rel);
	*strrchr(path.ptr, '/') = '\0';
	sov_fs_mkdirs(path.ptr, 0777);
	path.ptr[strlen(path.ptr)] = '/';
	sov_fs_write_atomic(path.ptr, text, strlen(text), -1);
	sov_buf_release(&path);
}

static int verify(git_repository *repo, const git_oid *id, struct sov_buf *report)
{
	struct sov_manifest_opts opts = { "shared", "local", 0, NULL, NULL, NULL, NULL, NULL, NULL, 0 };

	sov_buf_reset(report);
	return sov_manifest_verify(repo, id, &opts, report);
}

int main(void)
{
	struct sov_manifest_opts opts = { "shared", "local", 0, NULL, NULL, NULL, NULL, NULL, NULL, 0 };
	struct sov_buf report = SOV_BUF_INIT, paths = SOV_BUF_INIT, data = SOV_BUF_INIT;
	git_repository *repo = NULL;
	git_oid c1, c2, c3;
	int64_t t;

	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");

	/* Own files. */
	ok(sov_manifest_is_own_file("shared", "shared/state.json"), "state.json is own");
	ok(sov_manifest_is_own_file("shared", "shared/memories/a/index.meta"), "index.meta is own");
	ok(sov_manifest_is_own_file("shared", "shared/memories/sync_manifest.json"), "sync_manifest");
	ok(!sov_manifest_is_own_file("shared", "shared/memories/a/memories.json"), "memories not");
	ok(!sov_manifest_is_own_file("shared", "sharedx/state.json"), "other root not");

	/* Commit times. */
	setenv("GIT_COMMITTER_DATE", "@1700000000 +0200", 1);
	ok(sov_manifest_commit_time(&t) == 0 && t == 1700000000LL * 1000000, "@secs form");
	setenv("GIT_COMMITTER_DATE", "1700000123 -0500", 1);
	ok(sov_manifest_commit_time(&t) == 0 && t == 1700000123LL * 1000000, "raw form");
	unsetenv("GIT_COMMITTER_DATE");
	ok(sov_manifest_commit_time(&t) == 0 && t % 1000000 == 0 && t > 0, "now, whole seconds");

	/* A commit without a manifest is stale. */
	put("shared/conversations/a.json", "{\"id\": \"a\"}\n");
	put("shared/memories/alex/memories.json",
	    "{\"results\": [{\"id\": \"1\", \"memory\": \"x\"}, {\"id\": \"2\", \"memory\": \"y\"}]}\n");
	put("README", "outside the root\n");
	c1 = commit_all(repo, "no manifest", 1700000000);
	is_int(verify(repo, &c1, &report), 1, "no manifest: stale");
	ok(strstr(report.ptr, "missing: shared/state.json") != NULL, "names state.json: %s", report.ptr);
	ok(strstr(report.ptr, "stale: shared/memories/alex/index.meta") != NULL, "names index.meta");

	/* Refresh from the tree, commit it: fresh. */
	opts.commit_time = 1700000100LL * 1000000;
	opts.history = &c1;
	ok(sov_manifest_refresh_tree(repo, &c1, &opts, &paths) == 0, "refresh from the tree");
	ok(strstr(paths.ptr, "shared/state.json\n") && strstr(paths.ptr, "index.meta\n"),
	   "lists what it wrote: %s", paths.ptr);
	c2 = commit_all(repo, "manifest", 1700000100);
	is_int(verify(repo, &c2, &report), 0, "fresh after the refresh: %s", report.ptr);

	sov_buf_reset(&data);
	sov_buf_reset(&paths);
	sov_buf_addf(&paths, "%s/shared/state.json", dir);
	sov_buf_read_file(&data, paths.ptr);
	ok(strstr(data.ptr, "\"conversations/a.json\"") != NULL, "file listed");
	ok(strstr(data.ptr, "\"README\"") == NULL, "outside the root not listed");
	ok(strstr(data.ptr, "\"last_modified\": \"2023-11-14T22:13:20Z\"") != NULL,
	   "last_modified from the commit that introduced the file");
	ok(strstr(data.ptr, "\"state.json\"") == NULL, "state.json does not list itself");

	/* A quick check against a trusted base catches a changed file. */
	put("shared/conversations/a.json", "{\"id\": \"a\", \"v\": 2}\n");
	c3 = commit_all(repo, "changed, no manifest", 1700000200);
	opts.base = &c2;
	opts.history = NULL;
	sov_buf_reset(&report);
	is_int(sov_manifest_verify(repo, &c3, &opts, &report), 1, "quick check: stale");
	ok(strstr(report.ptr, "hash differs: conversations/a.json") != NULL, "%s", report.ptr);
	is_int(verify(repo, &c2, &report), 0, "the older commit still verifies");

	/* Real content goes through one function. */
	{
		git_oid blob;

		git_blob_create_from_buffer(&blob, repo, "abc", 3);
		sov_buf_reset(&data);
		ok(sov_manifest_real_content(repo, &blob, &data) == 0 && data.len == 3 &&
		   !memcmp(data.ptr, "abc", 3), "real content of a plain blob");
	}

	/*
	 * Staging a commit's files trusts no stat info: the entry of a file
	 * whose stat info is settled (a past second) still takes the blob the
	 * commit holds, and keeps no stat info while the file differs from it.
	 */
	{
		const char *one = "one\n";
		struct timespec past[2] = { { time(NULL) - 10, 0 }, { time(NULL) - 10, 0 } };
		git_tree_update upd = { GIT_TREE_UPDATE_UPSERT, { { 0 } }, GIT_FILEMODE_BLOB,
					"shared/stage.txt" };
		git_commit *c = NULL;
		git_tree *tr = NULL;
		git_signature *sig = NULL;
		git_oid c4, c5, tree, blob_one;
		char hex[GIT_OID_HEXSZ + 2];
/* The blob of a "<blob id> <path>" line: the commit's own is what counts. */
#define ANY "0000000000000000000000000000000000000000 "

		put("shared/stage.txt", one);
		sov_buf_reset(&paths);
		sov_buf_addf(&paths, "%s/shared/stage.txt", dir);
		ok(utimensat(AT_FDCWD, paths.ptr, past, 0) == 0, "stage: file dated 10 s back");
		c4 = commit_all(repo, "stage.txt", 1700000300);
		ok(sov_run_git(NULL, dir, "update-index", "-q", "--refresh", NULL) == 0,
		   "stage: stat info settled");
		git_blob_create_from_buffer(&blob_one, repo, one, strlen(one));
		git_blob_create_from_buffer(&upd.id, repo, "two\n", 4);
		git_commit_lookup(&c, repo, &c4);
		git_commit_tree(&tr, c);
		git_tree_create_updated(&tree, repo, tr, 1, &upd);
		git_tree_free(tr);
		git_tree_lookup(&tr, repo, &tree);
		git_signature_new(&sig, "T", "t@example.com", 1700000400, 0);
		ok(git_commit_create_v(&c5, repo, NULL, sig, sig, NULL, "two", tr, 1, c) == 0,
		   "stage: a commit with another blob, the file untouched");
		git_signature_free(sig);
		git_tree_free(tr);
		git_commit_free(c);

		ok(sov_manifest_stage_commit(repo, &c5, ANY "shared/stage.txt\n" ANY
					      "shared/absent.txt\n")
		   == 0, "stage_commit");
		sov_buf_reset(&data);
		sov_run_git(&data, dir, "rev-parse", ":shared/stage.txt", NULL);
		git_oid_tostr(hex, sizeof(hex), &upd.id);
		strcat(hex, "\n");
		is_str(data.ptr, hex, "the index holds the commit's blob despite settled stat info");
		sov_buf_reset(&data);
		sov_run_git(&data, dir, "ls-files", "shared/absent.txt", NULL);
		is_int((int)data.len, 0, "a path the commit lacks is left alone");
		sov_buf_reset(&data);
		sov_run_git(&data, dir, "diff-files", "--name-only", NULL);
		is_str(data.ptr, "shared/stage.txt\n", "the differing file keeps no stat info");

		ok(sov_manifest_stage_commit(repo, &c4, ANY "shared/stage.txt\n") == 0,
		   "stage_commit back");
		sov_buf_reset(&data);
		sov_run_git(&data, dir, "rev-parse", ":shared/stage.txt", NULL);
		git_oid_tostr(hex, sizeof(hex), &blob_one);
		strcat(hex, "\n");
		is_str(data.ptr, hex, "the index holds that commit's blob");
		sov_buf_reset(&data);
		sov_run_git(&data, dir, "diff-files", "--name-only", NULL);
		is_int((int)data.len, 0, "a matching file gets its stat info back");

		git_oid_fromstr(&c5, "0123456789012345678901234567890123456789");
		is_int(sov_manifest_stage_commit(repo, &c5, ANY "shared/stage.txt\n"), -1,
		       "a missing commit is an error");
		ok(strstr(sov_error_last(), "commit 0123456789") != NULL, "naming it: %s",
		   sov_error_last());
		is_int(sov_manifest_stage_commit(repo, &c4, "shared/stage.txt\n"), -1,
		       "a line without its blob id is an error");
#undef ANY
	}

	sov_buf_release(&report);
	sov_buf_release(&paths);
	sov_buf_release(&data);
	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
