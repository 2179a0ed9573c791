/* Unit tests for src/setup/doctor.c: the helpers behind the checks. */
#include "tap.h"
#include "buf.h"
#include "doctor.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

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
	setenv("PATH", "/nonexistent:/bin:/usr/bin", 1);
	is_int(sov_doctor_program("sh -c true", &b), 0, "a name is looked up in PATH");
	ok(!strcmp(b.ptr, "/bin/sh") || !strcmp(b.ptr, "/usr/bin/sh"), "found: %s", b.ptr);
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
		struct sov_buf cmd = SOV_BUF_INIT;

		ok(mkdtemp(dir) != NULL, "temp dir");
		sov_buf_addf(&cmd, "mkdir -p %s/a/b/c %s/d && ln -s .. %s/a/up && ln -s /tmp %s/tmp "
			     "&& touch %s/a/file", dir, dir, dir, dir, dir);
		ok(system(cmd.ptr) == 0, "a tree with links back up and out");
		is_int((int)sov_doctor_count_dirs(dir), 5, "the top, a, a/b, a/b/c, d");
		is_int((int)sov_doctor_count_dirs("/nonexistent/sovsync"), 0, "no directory");
		sov_buf_reset(&cmd);
		sov_buf_addf(&cmd, "rm -rf %s", dir);
		ok(system(cmd.ptr) == 0, "cleaned up");
		sov_buf_release(&cmd);
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
