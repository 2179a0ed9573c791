/* Unit tests for src/setup/doctor.c: the helpers behind the checks. */
#include "tap.h"
#include "scratch.h"
#include "buf.h"
#include "doctor.h"
#include "error.h"
#include "fs.h"
#include "osfs.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	struct sov_buf b = SOV_BUF_INIT;
	struct sov_doctor d = SOV_DOCTOR_INIT;
	json_t *j;

	/* The program of a config command, as /bin/sh would split it. */
	is_int(sov_doctor_program("'/opt/my dir/sovsync' merge-doc %O %A", &b), 0, "quoted path");
	is_str(b.ptr, "/opt/my dir/sovsync", "single quotes kept the space");
	is_int(sov_doctor_program("'/a/it'\\''s/sovsync' clean %f", &b), 0, "install's '\\'' quoting");
	is_str(b.ptr, "/a/it's/sovsync", "an embedded quote");
	is_int(sov_doctor_program("  \"/x/\\\"y\" filter-process", &b), 0, "double quotes");
	is_str(b.ptr, "/x/\"y", "with a backslash escape");
	is_int(sov_doctor_program("/bin/sh -c true", &b), 0, "a plain path");
	is_str(b.ptr, "/bin/sh", "first word only");
	{
		/* This program by its name, in the second directory of PATH
		 * (on Windows: ';' between them, and the name without .exe). */
		struct sov_buf self = SOV_BUF_INIT, dir = SOV_BUF_INIT, want = SOV_BUF_INIT;
		struct sov_buf path = SOV_BUF_INIT;

		ok(sov_os_self_exe(&self) == 0, "this program: %s", self.ptr);
		sov_fs_dirname(self.ptr, &dir);
		sov_buf_addf(&want, "%s/test_doctor%s", dir.ptr, SOV_OS_EXE_SUFFIX);
		sov_buf_addf(&path, "/nonexistent%c%s", SOV_OS_PATH_LIST_SEP, dir.ptr);
		setenv("PATH", path.ptr, 1);
		is_int(sov_doctor_program("test_doctor --x", &b), 0, "a name is looked up in PATH");
		is_str(b.ptr, want.ptr, "found in its second directory");
		sov_buf_release(&self);
		sov_buf_release(&dir);
		sov_buf_release(&want);
		sov_buf_release(&path);
	}
	if (!TEST_POSIX) {
		skip(2, "sh in /bin or /usr/bin: POSIX");
	} else {
		setenv("PATH", "/nonexistent:/bin:/usr/bin", 1);
		is_int(sov_doctor_program("sh -c true", &b), 0, "a name is looked up in PATH");
		ok(!strcmp(b.ptr, "/bin/sh") || !strcmp(b.ptr, "/usr/bin/sh"), "found: %s", b.ptr);
	}
	is_int(sov_doctor_program("no-such-program-sovsync x", &b), 0, "a name PATH lacks");
	is_str(b.ptr, "no-such-program-sovsync", "is given back for the caller to refuse");
	is_int(sov_doctor_program("", &b), -1, "an empty command");
	is_int(sov_doctor_program("$(evil) x", &b), -1, "a command substitution is no plain word");
	is_int(sov_doctor_program("'unterminated x", &b), -1, "an unterminated quote");

	/* Sample paths for .gitattributes patterns. */
	is_int(sov_doctor_attr_sample("shared/memories/*/memories.json", &b), 0, "a star");
	is_str(b.ptr, "shared/memories/sovsync-doctor/memories.json", "becomes a name");
	is_int(sov_doctor_attr_sample("shared/documents/ingested/**", &b), 0, "two stars");
	is_str(b.ptr, "shared/documents/ingested/sovsync-doctor", "one name too");
	is_int(sov_doctor_attr_sample("/*.bi?", &b), 0, "a leading slash and a question mark");
	is_str(b.ptr, "sovsync-doctor.bix", "anchored, one character");
	is_int(sov_doctor_attr_sample("*.[ch]", &b), -1, "a bracket expression: no sample");
	is_int(sov_doctor_attr_sample("dir/", &b), -1, "a directory pattern: no sample");
	is_int(sov_doctor_attr_sample("", &b), -1, "empty");

	/* Credentials never reach a message. */
	sov_buf_reset(&b);
	sov_doctor_redact_url("https://user:tok@example.com/r.git", &b);
	is_str(b.ptr, "https://***@example.com/r.git", "user:password@ redacted");
	sov_buf_reset(&b);
	sov_doctor_redact_url("https://example.com/a@b", &b);
	is_str(b.ptr, "https://example.com/a@b", "an @ in the path is not userinfo");
	sov_buf_reset(&b);
	sov_doctor_redact_url("git@github.com:o/r.git", &b);
	is_str(b.ptr, "git@github.com:o/r.git", "scp-like ssh: a user, no secret");

	/* Directories for inotify: links are not followed (a loop counts nothing). */
	{
		char dir[] = "/tmp/sovsync-doctor-XXXXXX";
		struct sov_buf p[5] = { SOV_BUF_INIT, SOV_BUF_INIT, SOV_BUF_INIT, SOV_BUF_INIT,
					SOV_BUF_INIT };

		ok(mkdtemp(dir) != NULL, "temp dir");
		sov_buf_addf(&p[0], "%s/a/b/c", dir);
		sov_buf_addf(&p[1], "%s/d", dir);
		sov_buf_addf(&p[2], "%s/a/file", dir);
		sov_buf_addf(&p[3], "%s/a/up", dir);
		sov_buf_addf(&p[4], "%s/tmp", dir);
		ok(sov_fs_mkdirs(p[0].ptr, 0755) == 0 && sov_fs_mkdirs(p[1].ptr, 0755) == 0 &&
		   sov_fs_write_atomic(p[2].ptr, "", 0, 0644) == 0, "a tree");
		if (!TEST_POSIX)
			skip(1, "links back up and out: Windows (Wine) makes no symbolic links");
		else
			ok(symlink("..", p[3].ptr) == 0 && symlink("/tmp", p[4].ptr) == 0,
			   "links in it back up and out");
		is_int((int)sov_doctor_count_dirs(dir), 5, "the top, a, a/b, a/b/c, d");
		is_int((int)sov_doctor_count_dirs("/nonexistent/sovsync"), 0, "no directory");
		ok(scratch_remove(dir) == 0, "cleaned up");
		for (int i = 0; i < 5; i++)
			sov_buf_release(&p[i]);
	}

	/* Results and levels. */
	is_int(sov_doctor_worst(&d), SOV_DOCTOR_OK, "no checks: ok");
	sov_doctor_add(&d, "a", SOV_DOCTOR_OK, "fine", NULL);
	sov_doctor_add(&d, "b", SOV_DOCTOR_WARN, "hm", "look");
	is_int(sov_doctor_worst(&d), SOV_DOCTOR_WARN, "a warning");
	j = sov_doctor_to_json(&d);
	ok(json_is_true(json_object_get(j, "ok")), "warnings leave ok true");
	json_decref(j);
	sov_doctor_add(&d, "c", SOV_DOCTOR_FAIL, "broken", "fix it");
	is_int(sov_doctor_worst(&d), SOV_DOCTOR_FAIL, "a failure");
	j = sov_doctor_to_json(&d);
	ok(json_is_false(json_object_get(j, "ok")), "a failure makes ok false");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(j, "checks"), 2),
						 "status")), "fail", "status named");
	json_decref(j);
	sov_doctor_release(&d);
	sov_buf_release(&b);
	return done_testing();
}
