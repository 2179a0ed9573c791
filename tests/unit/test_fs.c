/* Unit tests for src/util/fs.c. */
#include "tap.h"
#include "scratch.h"
#include "buf.h"
#include "error.h"
#include "fs.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* The paths under a trusted top: every component checked, no link followed. */
static void test_under(const char *dir)
{
	struct sov_buf top = SOV_BUF_INIT, p = SOV_BUF_INIT, got = SOV_BUF_INIT;
	struct sov_buf out = SOV_BUF_INIT;
	int fd;

	sov_buf_addf(&top, "%s/wt", dir);
	sov_buf_addf(&out, "%s/outside", dir);
	ok(mkdir(top.ptr, 0755) == 0 && mkdir(out.ptr, 0755) == 0, "a work tree and an outside");

	ok(sov_fs_check_relpath("shared/a.json") == 0, "a plain relative path");
	ok(sov_fs_check_relpath("") < 0, "empty refused");
	ok(sov_fs_check_relpath("/etc/passwd") < 0, "absolute refused");
	ok(sov_fs_check_relpath("shared/../../x") < 0, "'..' refused");
	ok(strstr(sov_error_last(), "shared/../../x") != NULL, "the message names the path");
	ok(sov_fs_check_relpath("..") < 0, "'..' alone refused");
	ok(sov_fs_check_relpath("./shared") < 0, "'.' refused");
	ok(sov_fs_check_relpath("shared//a") < 0, "an empty component refused");
	ok(sov_fs_check_relpath("shared/") < 0, "a trailing slash refused");

	is_int(sov_fs_check_under(top.ptr, "shared/a/b.json", SOV_FS_ANY), 0,
	       "missing components are fine");
	ok(sov_fs_replace_under(top.ptr, "shared/a/b.json", "{}", 2, -1, SOV_FS_MKDIRS) == 0,
	   "replace_under creates the directories");
	is_int(sov_fs_check_under(top.ptr, "shared/a/b.json", SOV_FS_FILE), 1, "then it exists");
	is_int(sov_fs_check_under(top.ptr, "shared/a", SOV_FS_FILE), -1,
	       "a directory is not a file");
	is_int(sov_fs_read_under(top.ptr, "shared/a/b.json", &got), 0, "read_under");
	is_str(got.ptr, "{}", "its content");
	is_int(sov_fs_read_under(top.ptr, "shared/a/none.json", &got), 1, "a missing file: 1");
	is_int(sov_fs_read_under(top.ptr, "nodir/none.json", &got), 1,
	       "a missing directory: 1");
	ok(!sov_error_isset(), "and no message left");
	is_int(sov_fs_read_under(top.ptr, "shared/a", &got), -1, "a directory cannot be read");
	ok(strstr(sov_error_last(), "shared/a: a directory") != NULL, "(%s)", sov_error_last());
	is_int(sov_error_code(), SOV_ESHAPE, "code ESHAPE");
	is_int(sov_fs_open_dir_under(top.ptr, "shared/none/deeper", 0), -1,
	       "a missing directory cannot be opened");
	is_int(sov_error_code(), SOV_ENOTFOUND, "code ENOTFOUND");
	is_int(sov_fs_check_relpath("../x"), -1, "'..' refused");
	is_int(sov_error_code(), SOV_EUNSAFE, "code EUNSAFE");
	is_int(sov_fs_replace_under(top.ptr, "shared/a", "x", 1, -1, 0), -1,
	       "nor replaced by a file");

	if (!TEST_POSIX) {
		skip(21, "symbolic links in the tree: Windows (Wine) makes none");
		goto out;
	}

	/* A link as the root, deeper down, as the file, dangling. */
	sov_buf_addf(&p, "%s/link", top.ptr);
	ok(symlink(out.ptr, p.ptr) == 0, "link -> outside");
	is_int(sov_fs_check_under(top.ptr, "link", SOV_FS_DIR), -1, "a root link is refused");
	ok(strstr(sov_error_last(), "link: a symbolic link (to ") != NULL, "(%s)",
	   sov_error_last());
	is_int(sov_error_code(), SOV_EUNSAFE, "code EUNSAFE");
	is_int(sov_fs_replace_under(top.ptr, "link/x.json", "x", 1, -1, SOV_FS_MKDIRS), -1,
	       "no write through it");
	is_int(sov_fs_read_under(top.ptr, "link/x.json", &got), -1, "no read through it");
	sov_buf_reset(&p);
	sov_buf_addf(&p, "%s/shared/a/deep", top.ptr);
	ok(symlink(out.ptr, p.ptr) == 0, "shared/a/deep -> outside");
	is_int(sov_fs_check_under(top.ptr, "shared/a/deep/x/y", SOV_FS_ANY), -1,
	       "a link deeper down is refused");
	ok(strstr(sov_error_last(), "shared/a/deep: a symbolic link") != NULL, "(%s)",
	   sov_error_last());
	is_int(sov_fs_replace_under(top.ptr, "shared/a/deep/x/y", "x", 1, -1, SOV_FS_MKDIRS),
	       -1, "and not written through");
	sov_buf_reset(&p);
	sov_buf_addf(&p, "%s/dangling", top.ptr);
	ok(symlink("/nonexistent/target", p.ptr) == 0, "a dangling link");
	is_int(sov_fs_read_under(top.ptr, "dangling", &got), -1, "is not read as missing");
	ok(strstr(sov_error_last(), "to /nonexistent/target") != NULL, "(%s)", sov_error_last());
	is_int(sov_fs_check_under(top.ptr, "dangling", SOV_FS_ANY), -1, "nor checked as missing");
	is_int(count_entries(out.ptr), 0, "nothing appeared outside");

	/* A directory swapped for a link after it was opened: the file lands in
	 * the directory that was opened, never in the link's target. */
	fd = sov_fs_open_dir_under(top.ptr, "shared/a", 0);
	ok(fd >= 0, "open shared/a");
	sov_buf_reset(&p);
	sov_buf_addf(&p, "%s/shared/a", top.ptr);
	sov_buf_reset(&got);
	sov_buf_addf(&got, "%s/shared/moved", top.ptr);
	ok(rename(p.ptr, got.ptr) == 0 && symlink(out.ptr, p.ptr) == 0,
	   "shared/a swapped for a link to outside");
	ok(fd >= 0 && sov_fs_replace_at(fd, "late.json", "late", "late", 4, -1, 0) == 0,
	   "replace_at through the descriptor");
	is_int(count_entries(out.ptr), 0, "nothing written outside");
	sov_buf_addstr(&got, "/late.json");
	ok(sov_fs_exists(got.ptr), "the file is in the directory that was opened");
	if (fd >= 0)
		close(fd);
	is_int(sov_fs_open_dir_under(top.ptr, "shared/a", 0), -1,
	       "opening it again now is refused");

out:
	sov_buf_release(&top);
	sov_buf_release(&p);
	sov_buf_release(&got);
	sov_buf_release(&out);
}

/* The permission bits of `path` are `mode` (POSIX; skipped on Windows). */
static void check_mode(const char *path, int mode, const char *what)
{
	struct stat st;

	if (!TEST_POSIX) {
		skip(1, "file modes: Windows has none");
		return;
	}
	ok(stat(path, &st) == 0 && (int)(st.st_mode & 0777) == mode, "%s", what);
}

int main(void)
{
	char dir[] = "/tmp/sovsync-fs-XXXXXX";
	struct sov_buf path = SOV_BUF_INIT, got = SOV_BUF_INIT, other = SOV_BUF_INIT;
	struct sov_atomic a = SOV_ATOMIC_INIT;
	struct stat st;

	ok(mkdtemp(dir) != NULL, "temp dir");
	sov_buf_addf(&path, "%s/file.json", dir);

	ok(sov_fs_write_atomic(path.ptr, "one", 3, 0640) == 0, "atomic write creates");
	ok(sov_buf_read_file(&got, path.ptr) == 0 && !strcmp(got.ptr, "one"), "content written");
	check_mode(path.ptr, 0640, "requested mode applied");

	ok(sov_fs_write_atomic(path.ptr, "two!", 4, -1) == 0, "atomic write replaces");
	sov_buf_reset(&got);
	ok(sov_buf_read_file(&got, path.ptr) == 0 && !strcmp(got.ptr, "two!"), "new content");
	check_mode(path.ptr, 0640, "mode of the old file kept");
	is_int(count_entries(dir), 1, "no temporary file left behind");

	ok(sov_atomic_open(&a, path.ptr, -1) == 0, "streamed replacement opens");
	ok(sov_atomic_write(&a, "partial", 7) == 0, "streamed write");
	sov_atomic_abort(&a);
	sov_buf_reset(&got);
	ok(sov_buf_read_file(&got, path.ptr) == 0 && !strcmp(got.ptr, "two!"),
	   "abort leaves the old file intact");
	is_int(count_entries(dir), 1, "abort removes the temporary");

	if (!TEST_POSIX) {
		skip(2, "a read-only directory: Windows has no directory modes");
	} else if (geteuid() != 0) {
		chmod(dir, 0555);
		ok(sov_fs_write_atomic(path.ptr, "three", 5, -1) == -1,
		   "a read-only directory fails the write");
		ok(strstr(sov_error_last(), "file.json") != NULL, "the error names the file");
		chmod(dir, 0755);
	} else {
		ok(1, "# skip read-only directory check (running as root)");
		ok(1, "# skip");
	}
	sov_buf_reset(&got);
	ok(sov_buf_read_file(&got, path.ptr) == 0 && !strcmp(got.ptr, "two!"),
	   "the old file is intact after a failed write");

	ok(sov_fs_write_atomic("/nonexistent-dir/x", "a", 1, -1) == -1,
	   "a missing directory fails");
	ok(strstr(sov_error_last(), "/nonexistent-dir/x") != NULL, "and says which file");

	ok(sov_fs_replace(path.ptr, "nosync", 6, -1) == 0, "replace without fsync");
	sov_buf_reset(&got);
	ok(sov_buf_read_file(&got, path.ptr) == 0 && !strcmp(got.ptr, "nosync"), "its content");
	check_mode(path.ptr, 0640, "its mode kept");
	is_int(count_entries(dir), 1, "and no temporary file left");

	/* sov_fs_replace_via: the temporary goes into the directory given. */
	sov_buf_reset(&other);
	sov_buf_addf(&other, "%s/notadir", dir);
	ok(sov_fs_write_atomic(other.ptr, "x", 1, -1) == 0, "a file where a directory is expected");
	ok(sov_fs_replace_via(path.ptr, other.ptr, "via", 3, -1) == -1,
	   "replace_via makes its temporary in the given directory");
	ok(strstr(sov_error_last(), "notadir/.file.json.sovsync-") != NULL, "(the error says so)");
	unlink(other.ptr);
	sov_buf_reset(&other);
	sov_buf_addf(&other, "%s/tmpd", dir);
	ok(mkdir(other.ptr, 0700) == 0, "a directory for temporaries");
	ok(sov_fs_replace_via(path.ptr, other.ptr, "via", 3, -1) == 0, "replace_via");
	sov_buf_reset(&got);
	ok(sov_buf_read_file(&got, path.ptr) == 0 && !strcmp(got.ptr, "via"), "its content");
	check_mode(path.ptr, 0640, "its mode kept");
	is_int(count_entries(other.ptr), 0, "nothing left in the temporaries' directory");
	is_int(count_entries(dir), 2, "nor beside the file");
	ok(sov_fs_replace_via(path.ptr, "/proc", "elsewhere", 9, -1) == 0,
	   "a directory on another file system: beside the file instead");
	sov_buf_reset(&got);
	ok(sov_buf_read_file(&got, path.ptr) == 0 && !strcmp(got.ptr, "elsewhere"), "its content");
	ok(sov_fs_replace_via(path.ptr, NULL, "plain", 5, -1) == 0, "no directory: beside the file");
	is_int(count_entries(dir), 2, "no temporary file left");

	sov_fs_dirname("a/b/c", &other);
	is_str(other.ptr, "a/b", "dirname of a/b/c");
	sov_fs_dirname("c", &other);
	is_str(other.ptr, ".", "dirname of c");
	sov_fs_dirname("/c", &other);
	is_str(other.ptr, "/", "dirname of /c");

	sov_buf_reset(&path);
	sov_buf_addf(&path, "%s/a/b/c", dir);
	ok(sov_fs_mkdirs(path.ptr, 0755) == 0, "mkdirs creates nested directories");
	ok(stat(path.ptr, &st) == 0 && S_ISDIR(st.st_mode), "and they exist");
	ok(sov_fs_mkdirs(path.ptr, 0755) == 0, "mkdirs is idempotent");
	ok(sov_fs_exists(path.ptr) == 1, "exists sees a directory");

	test_under(dir);

	ok(scratch_remove(dir) == 0, "cleanup");
	sov_buf_release(&path);
	sov_buf_release(&got);
	sov_buf_release(&other);
	return done_testing();
}
