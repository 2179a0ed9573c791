/* Unit tests for src/merge/keepboth.c: conflict copy names, policies, writers. */
#include "tap.h"
#include "scratch.h"
#include "testrepo.h"
#include "error.h"
#include "fs.h"
#include "keepboth.h"
#include "timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void name(const char *path, const char *who, unsigned serial, const char *want)
{
	struct sov_buf b = SOV_BUF_INIT;
	int64_t t;

	sov_time_parse_str("2026-12-03T10:15:00Z", &t);
	sov_keepboth_copy_name(path, t, who, serial, &b);
	is_str(b.ptr, want, "copy name of %s by '%s'", path, who ? who : "(null)");
	sov_buf_release(&b);
}

int main(void)
{
	char dir[] = "/tmp/sovsync-keepboth-XXXXXX";
	struct sov_conflict_info info = { 0 };
	struct sov_buf copy = SOV_BUF_INIT, have = SOV_BUF_INIT;
	enum sov_keepboth_policy pol;
	git_repository *repo = NULL;
	git_oid c1, c2, blob;
	const char *wd;
	int64_t t;

	git_libgit2_init();
	name("shared/notes.txt", "web", 1, "shared/notes.sync-conflict-20261203-101500-web.txt");
	name("notes.txt", "web", 1, "notes.sync-conflict-20261203-101500-web.txt");
	name("shared/a.b/Makefile", "Ann Lee", 1,
	     "shared/a.b/Makefile.sync-conflict-20261203-101500-Ann-Lee");
	name("shared/.bashrc", "x", 2, "shared/.bashrc.sync-conflict-20261203-101500-x-2");
	name("shared/x.tar.gz", "../../etc", 1, "shared/x.tar.sync-conflict-20261203-101500-etc.gz");
	name("shared/n.md", "", 1, "shared/n.sync-conflict-20261203-101500-remote.md");
	name("shared/n.md", NULL, 1, "shared/n.sync-conflict-20261203-101500-remote.md");
	name("shared/n.md", "Jos\xc3\xa9 / \xe2\x82\xac", 3,
	     "shared/n.sync-conflict-20261203-101500-Jos-3.md");

	ok(sov_keepboth_parse_policy(NULL, &pol) == 0 && pol == SOV_KEEPBOTH_COPY, "default copy");
	ok(sov_keepboth_parse_policy("newest", &pol) == 0 && pol == SOV_KEEPBOTH_NEWEST, "newest");
	ok(sov_keepboth_parse_policy("oldest", &pol) < 0 && strstr(sov_error_last(), "oldest"),
	   "unknown policy refused: %s", sov_error_last());

	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	wd = git_repository_workdir(repo);
	{
		const char *attrs = "shared/s/** sovsync-conflict=newest\n"
				    "shared/bad sovsync-conflict=sometimes\n";

		sov_fs_replace_under(wd, ".gitattributes", attrs, strlen(attrs), -1, 0);
	}
	ok(sov_keepboth_policy(repo, "shared/s/x.json", &pol) == 0 && pol == SOV_KEEPBOTH_NEWEST,
	   "attribute: newest");
	ok(sov_keepboth_policy(repo, "shared/x.json", &pol) == 0 && pol == SOV_KEEPBOTH_COPY,
	   "no attribute: copy");
	ok(sov_keepboth_policy(repo, "shared/bad", &pol) < 0 &&
	   strstr(sov_error_last(), "shared/bad"), "a bad value names the path: %s",
	   sov_error_last());

	/* Who wrote the version: the commit that brought the blob, not the tip. */
	sov_fs_replace_under(wd, "shared/n.txt", "v1\n", 3, -1, SOV_FS_MKDIRS);
	c1 = commit_all(repo, "one", 1000);
	sov_fs_replace_under(wd, "shared/other", "x\n", 2, -1, 0);
	c2 = commit_all(repo, "two", 2000);
	(void)c1;
	git_blob_create_from_buffer(&blob, repo, "v1\n", 3);
	sov_keepboth_find_writer(repo, &c2, "shared/n.txt", &blob, &info);
	ok(info.has_written_at && info.written_at == 1000 * 1000000LL,
	   "written at the first commit's time");
	is_str(info.author, "T <t@example.com>", "author");
	sov_conflict_info_release(&info);

	/* Copies: written once, a name taken by other content skipped. */
	sov_time_parse_str("2026-12-03T10:15:00Z", &t);
	ok(sov_keepboth_write_copy(wd, "shared/n.txt", t, "web", "theirs\n", 7, &copy) == 0,
	   "copy written");
	is_str(copy.ptr, "shared/n.sync-conflict-20261203-101500-web.txt", "first name");
	ok(sov_keepboth_write_copy(wd, "shared/n.txt", t, "web", "theirs\n", 7, &copy) == 0 &&
	   !strcmp(copy.ptr, "shared/n.sync-conflict-20261203-101500-web.txt"),
	   "the same content again: the same copy");
	ok(sov_keepboth_write_copy(wd, "shared/n.txt", t, "web", "other\n", 6, &copy) == 0,
	   "other content");
	is_str(copy.ptr, "shared/n.sync-conflict-20261203-101500-web-2.txt", "the next name");
	ok(sov_fs_read_under(wd, copy.ptr, &have) == 0 && !strcmp(have.ptr, "other\n"),
	   "its content");
	if (!TEST_POSIX) {
		skip(3, "a link where the copy would go: Windows (Wine) makes no symbolic links");
	} else {
		struct sov_buf link = SOV_BUF_INIT;

		sov_buf_addf(&link, "%sshared/l.sync-conflict-20261203-101500-web.txt", wd);
		ok(symlink("/etc/hostname", link.ptr) == 0, "a link where the copy would go");
		ok(sov_keepboth_write_copy(wd, "shared/l.txt", t, "web", "x\n", 2, &copy) == 0,
		   "copy written");
		is_str(copy.ptr, "shared/l.sync-conflict-20261203-101500-web-2.txt",
		       "the link's name is skipped, never written through");
		sov_buf_release(&link);
	}
	ok(sov_keepboth_remove_copy(wd, "shared/n.sync-conflict-20261203-101500-web-2.txt") == 0 &&
	   sov_fs_check_under(wd, "shared/n.sync-conflict-20261203-101500-web-2.txt",
			      SOV_FS_ANY) == 0, "an untracked copy removed");
	ok(sov_keepboth_remove_copy(wd, "shared/none.txt") == 0, "a missing copy is fine");
	ok(sov_keepboth_remove_copy(wd, "../x") < 0, "a path out of the tree is refused");

	/* Describing a blob: small whole, large bounded. */
	{
		size_t big = 3u << 20;
		char *data = malloc(big);

		memset(data, 'y', big);
		git_blob_create_from_buffer(&blob, repo, "small\n", 6);
		sov_keepboth_describe_blob(repo, &blob, &info);
		ok(info.known && info.size == 6 && !strcmp(info.preview, "small\n") &&
		   !info.truncated, "a small blob: whole");
		sov_conflict_info_release(&info);
		git_blob_create_from_buffer(&blob, repo, data, big);
		sov_keepboth_describe_blob(repo, &blob, &info);
		ok(info.known && info.size == (int64_t)big && info.truncated &&
		   strlen(info.preview) <= SOV_CONFLICT_PREVIEW_MAX,
		   "a 3 MiB blob: its size and a bounded preview");
		sov_conflict_info_release(&info);
		git_oid_fromstr(&blob, "0123456789012345678901234567890123456789");
		sov_keepboth_describe_blob(repo, &blob, &info);
		ok(!info.known, "a missing blob: unknown, no failure");
		sov_conflict_info_release(&info);
		free(data);
	}

	sov_buf_release(&copy);
	sov_buf_release(&have);
	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
