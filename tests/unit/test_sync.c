/* Unit tests for the pure parts of src/sync/sync.c (the cycle: t5000, t5001). */
#include "tap.h"
#include "scratch.h"
#include "error.h"
#include "fs.h"
#include "repo.h"
#include "sync.h"
#include "synctip.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_message(void)
{
	struct sov_buf msg = SOV_BUF_INIT;

	sov_sync_commit_message("local", "A\tshared/a.md\n", 10, &msg);
	is_str(msg.ptr, "sovsync: 1 file from local\n\nA\tshared/a.md\n", "one file, singular");
	sov_buf_reset(&msg);
	sov_sync_commit_message("web", "A\ta\nM\tb\nD\tc\n", 10, &msg);
	is_str(msg.ptr, "sovsync: 3 files from web\n\nA\ta\nM\tb\nD\tc\n", "paths in the body");
	sov_buf_reset(&msg);
	sov_sync_commit_message("pc", "A\ta\nM\tb\nD\tc\n", 2, &msg);
	is_str(msg.ptr, "sovsync: 3 files from pc\n\nA\ta\nM\tb\n... and 1 more\n",
	       "long lists are cut");
	sov_buf_release(&msg);
}

static void test_status(void)
{
	static const char z[] = "?? shared/new.md\0 M shared/mod.md\0 D shared/gone.md\0"
				"A  shared/staged.md\0D  shared/rm.md\0MM shared/both.md\0";
	struct sov_buf ch = SOV_BUF_INIT;

	is_int(sov_sync_parse_status(z, sizeof(z) - 1, &ch), 6, "six records");
	is_str(ch.ptr, "A\tshared/new.md\nM\tshared/mod.md\nD\tshared/gone.md\n"
	       "A\tshared/staged.md\nD\tshared/rm.md\nM\tshared/both.md\n", "letters");
	sov_buf_reset(&ch);
	is_int(sov_sync_parse_status("", 0, &ch), 0, "empty status");
	{
		struct sov_buf e = SOV_BUF_INIT;

		sov_buf_addstr(&e, "Enumerating objects: 5, done.\n"
			       "remote: Counting objects: 100% (3/3), done.\n"
			       "Receiving objects:  12% (1/8)\rReceiving objects:  50% (4/8)"
			       "\rerror: RPC failed; curl 56 Recv failure\n"
			       "remote: Total 3 (delta 0), reused 0 (delta 0)\n"
			       "fatal: early EOF\n");
		sov_sync_strip_progress(&e);
		is_str(e.ptr, "error: RPC failed; curl 56 Recv failure\nfatal: early EOF\n",
		       "progress dropped, an error on a progress line kept");
		sov_buf_release(&e);
	}
	sov_buf_reset(&ch);
	{
		static const char s[] = "?? shared/~$report.docx\0?? shared/d/x.TMP\0"
					" M shared/kept.tmp\0 D shared/old~\0?? shared/ok.md\0";
		is_int(sov_sync_parse_status(s, sizeof(s) - 1, &ch), 3,
		       "untracked scratch files left out, tracked ones kept");
		is_str(ch.ptr, "M\tshared/kept.tmp\nD\tshared/old~\nA\tshared/ok.md\n",
		       "tracked scratch names are synced");
	}
	sov_buf_release(&ch);
}

static void test_scratch(void)
{
	ok(sov_sync_is_scratch_name("shared/.notes.md.swp"), "vim swap");
	ok(sov_sync_is_scratch_name("4913"), "vim's probe file");
	ok(sov_sync_is_scratch_name("a/b/notes.md~"), "backup~");
	ok(sov_sync_is_scratch_name(".#notes.md"), "emacs lock");
	ok(sov_sync_is_scratch_name(".~lock.report.odt#"), "libreoffice lock");
	ok(!sov_sync_is_scratch_name("shared/notes.md"), "a document is not");
	ok(!sov_sync_is_scratch_name("swp"), "nor a file named swp");
	ok(sov_sync_is_scratch_name("shared/~$report.docx"), "office owner file");
	ok(sov_sync_is_scratch_name("#notes.md#"), "emacs autosave");
	ok(sov_sync_is_scratch_name("d/.goutputstream-Q1ZX2"), "glib atomic save");
	ok(sov_sync_is_scratch_name("a/~WRL0001.TMP"), "*.tmp, any case");
	ok(sov_sync_is_scratch_name("NOTES.SWP"), "swap file, any case");
	ok(!sov_sync_is_scratch_name("tmp"), "nor a file named tmp");
	ok(!sov_sync_is_scratch_name("a.tmp/notes.md"), "a directory name does not count");
	ok(!sov_sync_is_scratch_name("#notes"), "a leading # alone is not");
}

static void test_describe(void)
{
	struct sov_sync_result res = SOV_SYNC_RESULT_INIT;
	struct sov_buf line = SOV_BUF_INIT;

	res.files = 3;
	strcpy(res.commit, "0123456789abcdef0123456789abcdef01234567");
	res.merged = res.pushed = 1;
	res.push_attempts = 2;
	res.duration_us = 1500000;
	sov_sync_describe(&res, &line);
	is_str(line.ptr, "ok 1.500s committed 3 files (0123456) merged pushed (2 push attempts)",
	       "a full cycle");
	sov_buf_reset(&line);
	sov_sync_result_release(&res);
	res.outcome = SOV_SYNC_FAILED;
	sov_buf_addstr(&res.error, "git fetch: no route");
	sov_sync_describe(&res, &line);
	is_str(line.ptr, "failed 0.000s: git fetch: no route", "a failure names the cause");
	sov_buf_reset(&line);
	sov_sync_result_release(&res);
	res.outcome = SOV_SYNC_REWRITTEN;
	sov_buf_addstr(&res.error, "origin/main was rewritten");
	sov_sync_describe(&res, &line);
	is_str(line.ptr, "rewritten 0.000s: origin/main was rewritten", "a rewritten remote");
	sov_buf_reset(&line);
	sov_sync_result_release(&res);
	res.replayed = res.pushed = 1;
	sov_sync_describe(&res, &line);
	is_str(line.ptr, "ok 0.000s replayed local commits onto the rewritten remote, pushed",
	       "a rewrite taken");
	sov_buf_reset(&line);
	sov_sync_result_release(&res);
	res.merged = 1;
	sov_buf_addstr(&res.recovered, "work tree put back");
	sov_sync_describe(&res, &line);
	is_str(line.ptr, "ok 0.000s (work tree put back) merged",
	       "what the cycle did about a killed merge comes first");
	sov_buf_release(&line);
	sov_sync_result_release(&res);
}

static void test_log(void)
{
	char dir[] = "/tmp/sovsync-sync-XXXXXX";
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT, old = SOV_BUF_INIT;
	git_repository *repo = NULL;
	int i;

	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	ok(sov_sync_log(repo, "ok 0.1s up to date", 100) == 0, "first line");
	sov_repo_state_path(repo, "log", &path);
	sov_buf_read_file(&text, path.ptr);
	ok(strstr(text.ptr, "Z ok 0.1s up to date\n") != NULL && text.ptr[4] == '-',
	   "time stamp, then the line: %s", text.ptr);
	for (i = 0; i < 10; i++)
		sov_sync_log(repo, "ok 0.1s up to date", 100);
	sov_buf_addf(&old, "%s.1", path.ptr);
	ok(access(old.ptr, F_OK) == 0, "rotated to log.1");
	sov_buf_reset(&text);
	sov_buf_read_file(&text, path.ptr);
	ok(text.len < 100 + 64, "the live log stays under the bound (%zu)", text.len);

	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	sov_buf_release(&path);
	sov_buf_release(&text);
	sov_buf_release(&old);
}

static void test_synctip(void)
{
	char dir[] = "/tmp/sovsync-synctip-XXXXXX";
	struct sov_buf path = SOV_BUF_INIT, text = SOV_BUF_INIT;
	git_repository *repo = NULL;
	git_oid a, b, got;

	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	git_oid_fromstr(&a, "0123456789abcdef0123456789abcdef01234567");
	git_oid_fromstr(&b, "89abcdef0123456789abcdef0123456789abcdef");
	is_int(sov_synctip_get(repo, "origin", "main", &got), 0, "nothing recorded yet");
	ok(sov_synctip_record(repo, "origin", "main", &a) == 0, "record origin/main");
	ok(sov_synctip_record(repo, "origin", "feature/x", &b) == 0, "a branch with a slash");
	ok(sov_synctip_record(repo, "backup", "main", &b) == 0, "another remote");
	is_int(sov_synctip_get(repo, "origin", "main", &got), 1, "recorded");
	ok(git_oid_equal(&got, &a), "per remote and branch");
	is_int(sov_synctip_get(repo, "backup", "main", &got), 1, "the other remote");
	ok(git_oid_equal(&got, &b), "its own tip");
	is_int(sov_synctip_get(repo, "origin", "other", &got), 0, "an unknown branch: none");

	sov_repo_state_path(repo, "synced-tips.json", &path);
	sov_buf_read_file(&text, path.ptr);
	ok(strstr(text.ptr, "\"feature/x\": \"89abcdef") != NULL, "stored as JSON");
	{
		static const char wrong[] = "{\"version\": 1, \"tips\": {\"origin\": {\"main\": 7}}}\n";
		sov_fs_replace(path.ptr, wrong, sizeof(wrong) - 1, 0600);
	}
	is_int(sov_synctip_get(repo, "origin", "main", &got), -1, "a wrong type is an error");
	ok(strstr(sov_error_last(), "tips.origin.main: not a commit id") != NULL,
	   "naming the entry: %s", sov_error_last());
	sov_fs_replace(path.ptr, "[1, 2", 5, 0600);
	is_int(sov_synctip_get(repo, "origin", "main", &got), -1, "damaged JSON is an error");
	ok(strstr(sov_error_last(), "synced-tips.json") != NULL, "naming the file");
	is_int(sov_synctip_record(repo, "origin", "main", &a), -1,
	       "and is not overwritten blindly");

	ok(sov_synctip_flag_rewrite(repo, "origin", "main", &a, &b, "rewritten") == 0,
	   "flag a rewrite");
	sov_buf_reset(&path);
	sov_repo_state_path(repo, "remote-rewritten.json", &path);
	sov_buf_reset(&text);
	sov_buf_read_file(&text, path.ptr);
	ok(strstr(text.ptr, "\"synced_commit\": \"0123456789abcdef") != NULL &&
	   strstr(text.ptr, "\"remote_commit\": \"89abcdef") != NULL, "naming both commits");
	ok(sov_synctip_clear_flag(repo) == 0 && access(path.ptr, F_OK) < 0, "cleared");
	ok(sov_synctip_clear_flag(repo) == 0, "clearing twice is fine");

	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	sov_buf_release(&path);
	sov_buf_release(&text);
}

int main(void)
{
	git_libgit2_init();
	test_message();
	test_status();
	test_scratch();
	test_describe();
	test_log();
	test_synctip();
	git_libgit2_shutdown();
	return done_testing();
}
