/* Unit tests for src/manifest/pushcheck.c. */
#include "tap.h"
#include "scratch.h"
#include "testrepo.h"
#include "error.h"
#include "fs.h"
#include "pushcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/sovsync-pushcheck-XXXXXX";

static void put(const char *rel, size_t len, int byte)
{
	struct sov_buf path = SOV_BUF_INIT;
	char *data = malloc(len);

	memset(data, byte, len);
	sov_buf_addf(&path, "%s/%s", dir, rel);
	sov_fs_write_atomic(path.ptr, data, len, -1);
	sov_buf_release(&path);
	free(data);
}

int main(void)
{
	struct sov_buf s = SOV_BUF_INIT, report = SOV_BUF_INIT, in = SOV_BUF_INIT;
	git_repository *repo = NULL;
	git_oid c1, c2;
	char hex1[GIT_OID_HEXSZ + 1], hex2[GIT_OID_HEXSZ + 1];
	const char *zeros = "0000000000000000000000000000000000000000";

	sov_pushcheck_human_size(512, &s);
	is_str(s.ptr, "512 bytes", "bytes");
	sov_buf_reset(&s);
	sov_pushcheck_human_size(1536, &s);
	is_str(s.ptr, "1.50 KiB", "KiB");
	sov_buf_reset(&s);
	sov_pushcheck_human_size(95u << 20, &s);
	is_str(s.ptr, "95.00 MiB", "MiB");
	sov_buf_reset(&s);
	sov_pushcheck_human_size(3ull << 30, &s);
	is_str(s.ptr, "3.00 GiB", "GiB");

	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	put("small", 100, 'a');
	c1 = commit_all(repo, "small", 1700000000);
	put("large", 5000, 'b');
	c2 = commit_all(repo, "large", 1700000060);
	git_oid_tostr(hex1, sizeof(hex1), &c1);
	git_oid_tostr(hex2, sizeof(hex2), &c2);

	sov_buf_addf(&in, "refs/heads/main %s refs/heads/main %s\n", hex2, zeros);
	ok(sov_pushcheck_run(repo, "origin", in.ptr, 1000, &report) == 1, "refused");
	ok(strstr(report.ptr, "large: 4.88 KiB (blob ") != NULL, "names the file and size");
	ok(strstr(report.ptr, "small") == NULL, "not the small file");
	ok(strstr(report.ptr, "sovsync.maxObjectSize (1000 bytes)") != NULL, "and the limit");

	sov_buf_reset(&report);
	ok(sov_pushcheck_run(repo, "origin", in.ptr, 10000, &report) == 0 && !report.len,
	   "under a higher limit: nothing");

	sov_buf_reset(&in);
	sov_buf_reset(&report);
	sov_buf_addf(&in, "refs/heads/main %s refs/heads/main %s\n", hex2, hex1);
	ok(sov_pushcheck_run(repo, "origin", in.ptr, 1000, &report) == 1, "the new commit's blob");
	sov_buf_reset(&in);
	sov_buf_reset(&report);
	sov_buf_addf(&in, "refs/heads/main %s refs/heads/main %s\n", hex1, zeros);
	ok(sov_pushcheck_run(repo, "origin", in.ptr, 1000, &report) == 0, "an older tip: fine");

	sov_buf_reset(&in);
	sov_buf_addf(&in, "(delete) %s refs/heads/x %s\n", zeros, hex2);
	ok(sov_pushcheck_run(repo, "origin", in.ptr, 1, &report) == 0, "a deletion sends nothing");
	ok(sov_pushcheck_run(repo, "origin", "garbage\n", 1, &report) < 0 &&
	   strstr(sov_error_last(), "unexpected input line 'garbage'"), "bad input: an error");
	ok(sov_pushcheck_run(repo, "origin", "", 1, &report) == 0, "empty input: nothing to push");

	sov_buf_release(&s);
	sov_buf_release(&report);
	sov_buf_release(&in);
	git_repository_free(repo);
	if (scratch_remove(dir) < 0)
		printf("# could not remove %s\n", dir);
	git_libgit2_shutdown();
	return done_testing();
}
