/* Unit tests for src/merge/conflicts.c: the conflict queue. */
#include "tap.h"
#include "scratch.h"
#include "conflicts.h"
#include "error.h"
#include "fs.h"
#include "repo.h"
#include "timestamp.h"
#include "child.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void fill(struct sov_conflict *c, const char *path, char digit, int64_t when)
{
	char hex[GIT_OID_HEXSZ + 1];

	memset(c, 0, sizeof(*c));
	c->path = (char *)path;
	c->kind = SOV_CONFLICT_TEXT;
	memset(hex, digit, GIT_OID_HEXSZ);
	hex[GIT_OID_HEXSZ] = '\0';
	git_oid_fromstr(&c->ours, hex);
	hex[0] = 'a';
	git_oid_fromstr(&c->theirs, hex);
	c->detected_at = when;
	c->source = "local";
}

static int write_queue(git_repository *repo, const char *text)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret = sov_repo_state_path(repo, "conflicts.json", &path) == 0 &&
		  sov_fs_write_atomic(path.ptr, text, strlen(text), 0600) == 0;

	sov_buf_release(&path);
	return ret;
}

/* A child of the concurrency check: 5 entries p<n>/<k>.md into the queue
 * of the repository `dir`.  Its exit status: 0, or 1 when one failed. */
static int add_five(const char *dir, const char *n)
{
	git_repository *repo = NULL;
	struct sov_conflict c;
	char path[32];
	int64_t t0;
	int k;

	git_libgit2_init();
	sov_time_parse_str("2026-02-08T17:30:00Z", &t0);
	if (git_repository_open(&repo, dir) < 0)
		return 1;
	for (k = 0; k < 5; k++) {
		snprintf(path, sizeof(path), "p%s/%d.md", n, k);
		fill(&c, path, '4', t0);
		if (sov_conflicts_add(repo, &c) < 0)
			return 1;
	}
	git_repository_free(repo);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/sovsync-conflicts-XXXXXX";
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_conflict c, parsed;
	git_repository *repo = NULL;
	const struct sov_conflict *got;
	int64_t t0;
	json_t *j;
	intptr_t pids[8];
	int i, status;

	if (argc == 4 && !strcmp(argv[1], CHILD_FLAG))
		return add_five(argv[2], argv[3]);
	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");
	sov_time_parse_str("2026-02-08T17:30:00Z", &t0);

	ok(sov_conflicts_load(repo, &q) == 0 && q.nr == 0, "no file: empty queue");
	ok(sov_conflicts_find(&q, "x") == NULL, "find in an empty queue");

	fill(&c, "shared/documents/b.md", '1', t0);
	ok(sov_conflicts_add(repo, &c) == 0, "add b.md");
	fill(&c, "shared/documents/a.md", '2', t0 + 1);
	c.kind = SOV_CONFLICT_BINARY;
	c.has_base = 1;
	git_oid_fromstr(&c.base, "0123456789012345678901234567890123456789");
	c.has_theirs_commit = 1;
	git_oid_fromstr(&c.theirs_commit, "89abcdef0123456789abcdef0123456789abcdef");
	c.source = "web";
	ok(sov_conflicts_add(repo, &c) == 0, "add a.md");

	ok(sov_conflicts_load(repo, &q) == 0, "reload");
	is_int(q.nr, 2, "two entries");
	is_str(q.items[0].path, "shared/documents/a.md", "sorted by path: a first");
	is_str(q.items[1].path, "shared/documents/b.md", "then b");
	got = sov_conflicts_find(&q, "shared/documents/a.md");
	ok(got && got->kind == SOV_CONFLICT_BINARY, "kind survives the round trip");
	ok(got && got->has_base && !got->has_ours_commit && got->has_theirs_commit,
	   "null and non-null ids survive");
	ok(got && git_oid_equal(&got->base, &c.base), "base id");
	ok(got && got->detected_at == t0 + 1, "detected_at (microseconds) survives");
	is_str(got ? got->source : NULL, "web", "source");

	j = sov_conflict_to_json(got);
	is_str(json_string_value(json_object_get(j, "kind")), "binary", "JSON kind");
	ok(json_is_null(json_object_get(j, "ours_commit")), "JSON null commit");
	is_str(json_string_value(json_object_get(j, "theirs_commit")),
	       "89abcdef0123456789abcdef0123456789abcdef", "JSON commit id");
	is_str(json_string_value(json_object_get(j, "detected_at")),
	       "2026-02-08T17:30:00.000001Z", "JSON time in UTC");
	ok(sov_conflict_from_json(j, &parsed, "test") == 0 &&
	   !strcmp(parsed.path, got->path) && git_oid_equal(&parsed.theirs, &got->theirs),
	   "from_json inverts to_json");
	sov_conflict_release(&parsed);
	json_object_set_new(j, "kind", json_string("other"));
	ok(sov_conflict_from_json(j, &parsed, "entry") < 0 &&
	   strstr(sov_error_last(), "entry: \"kind\""), "unknown kind refused: %s",
	   sov_error_last());
	sov_conflict_release(&parsed);
	json_object_set_new(j, "kind", json_string("text"));
	json_object_set_new(j, "ours", json_null());
	ok(sov_conflict_from_json(j, &parsed, "entry") < 0, "ours may not be null");
	sov_conflict_release(&parsed);
	json_decref(j);

	/* modify/delete: the deleting side has no version. */
	fill(&c, "shared/documents/c.md", '5', t0 + 2);
	c.kind = SOV_CONFLICT_MODIFY_DELETE;
	c.deleted_by = SOV_CONFLICT_THEIRS;
	ok(sov_conflict_version(&c, SOV_CONFLICT_OURS) == &c.ours &&
	   sov_conflict_version(&c, SOV_CONFLICT_THEIRS) == NULL,
	   "modify/delete: only the editing side has a version");
	ok(sov_conflicts_add(repo, &c) == 0, "add a modify/delete entry");
	sov_conflicts_load(repo, &q);
	got = sov_conflicts_find(&q, "shared/documents/c.md");
	ok(got && got->kind == SOV_CONFLICT_MODIFY_DELETE &&
	   got->deleted_by == SOV_CONFLICT_THEIRS && git_oid_equal(&got->ours, &c.ours),
	   "modify/delete survives the round trip");
	j = sov_conflict_to_json(got);
	is_str(json_string_value(json_object_get(j, "kind")), "modify/delete",
	       "JSON kind modify/delete");
	is_str(json_string_value(json_object_get(j, "deleted_by")), "theirs", "JSON deleted_by");
	ok(json_is_null(json_object_get(j, "theirs")) &&
	   json_is_string(json_object_get(j, "ours")), "JSON: the deleted side is null");
	json_object_set_new(j, "deleted_by", json_string("ours"));
	ok(sov_conflict_from_json(j, &parsed, "entry") < 0 &&
	   strstr(sov_error_last(), "\"theirs\" is not an object id"),
	   "the side that did not delete needs a version: %s", sov_error_last());
	sov_conflict_release(&parsed);
	json_object_set(j, "theirs", json_object_get(j, "ours"));
	ok(sov_conflict_from_json(j, &parsed, "entry") < 0 &&
	   strstr(sov_error_last(), "\"ours\" is not null"),
	   "deleted_by must name the null side: %s", sov_error_last());
	sov_conflict_release(&parsed);
	json_object_del(j, "deleted_by");
	ok(sov_conflict_from_json(j, &parsed, "entry") < 0 &&
	   strstr(sov_error_last(), "deleted_by"), "deleted_by is required: %s",
	   sov_error_last());
	sov_conflict_release(&parsed);
	json_decref(j);
	j = sov_conflict_to_json(sov_conflicts_find(&q, "shared/documents/a.md"));
	ok(json_object_get(j, "deleted_by") == NULL, "other kinds have no deleted_by");
	json_decref(j);
	is_int(sov_conflicts_remove(repo, "shared/documents/c.md"), 1, "remove c.md");

	fill(&c, "shared/documents/b.md", '3', t0 + 5);
	ok(sov_conflicts_add(repo, &c) == 0, "a newer conflict on b.md");
	sov_conflicts_load(repo, &q);
	is_int(q.nr, 2, "replaces, does not add");
	got = sov_conflicts_find(&q, "shared/documents/b.md");
	ok(got && got->detected_at == t0 + 5, "the newer entry wins");

	is_int(sov_conflicts_remove(repo, "shared/documents/a.md"), 1, "remove a.md");
	is_int(sov_conflicts_remove(repo, "shared/documents/a.md"), 0, "removing again: none");
	sov_conflicts_load(repo, &q);
	ok(q.nr == 1 && !strcmp(q.items[0].path, "shared/documents/b.md"), "b.md left");

	/* A copy entry with both versions described. */
	{
		struct sov_conflict_info info = { 0 };
		char big[SOV_CONFLICT_PREVIEW_MAX + 100];

		memset(big, 'x', sizeof(big));
		memcpy(big + SOV_CONFLICT_PREVIEW_MAX - 1, "\xc3\xa9", 2);
		sov_conflict_info_set_content(&info, big, sizeof(big));
		ok(!info.binary && info.truncated && info.size == (int64_t)sizeof(big) &&
		   strlen(info.preview) == SOV_CONFLICT_PREVIEW_MAX - 1,
		   "a large text: a bounded preview, cut before a split character");
		sov_conflict_info_set_content(&info, "a\0b", 3);
		ok(info.binary && !info.preview && info.size == 3, "a NUL byte: binary, no preview");
		sov_conflict_info_set_content(&info, "caf\xe9\n", 5);
		ok(info.binary && !info.preview, "Latin-1 (not UTF-8): no preview");
		sov_conflict_info_set_content(&info, "caf\xc3\xa9\n", 6);
		ok(!info.binary && !info.truncated && !strcmp(info.preview, "caf\xc3\xa9\n"),
		   "UTF-8 text: whole");
		sov_conflict_info_release(&info);
	}
	fill(&c, "shared/notes.txt", '6', t0 + 6);
	c.kind = SOV_CONFLICT_COPY;
	c.copy = "shared/notes.sync-conflict-20261203-101500-web.txt";
	sov_conflict_info_set_content(&c.info[0], "ours\n", 5);
	sov_conflict_info_set_content(&c.info[1], "theirs\n", 7);
	c.info[1].author = "Web <web@example.com>";
	c.info[1].has_written_at = 1;
	c.info[1].written_at = t0;
	ok(sov_conflicts_add(repo, &c) == 0, "add a copy entry");
	free(c.info[0].preview);
	free(c.info[1].preview);
	memset(c.info, 0, sizeof(c.info));
	sov_conflicts_load(repo, &q);
	got = sov_conflicts_find(&q, "shared/notes.txt");
	ok(got && got->kind == SOV_CONFLICT_COPY && got->choice == SOV_CHOICE_BOTH &&
	   !strcmp(got->copy, "shared/notes.sync-conflict-20261203-101500-web.txt"),
	   "copy entry: kind, default choice both, copy path");
	ok(got && !strcmp(got->info[1].preview, "theirs\n") &&
	   !strcmp(got->info[1].author, "Web <web@example.com>") &&
	   got->info[1].written_at == t0 && !got->info[0].has_written_at,
	   "versions survive the round trip");
	j = sov_conflict_to_json(got);
	is_str(json_string_value(json_object_get(json_object_get(json_object_get(j, "versions"),
				 "ours"), "content")), "ours\n", "JSON versions.ours.content");
	is_str(json_string_value(json_object_get(j, "choice")), "both", "JSON choice");
	json_object_del(j, "copy");
	ok(sov_conflict_from_json(j, &parsed, "entry") < 0 && strstr(sov_error_last(), "copy"),
	   "a copy entry needs its copy: %s", sov_error_last());
	sov_conflict_release(&parsed);
	json_object_set_new(j, "copy", json_string("x"));
	json_object_set_new(j, "kind", json_string("newest"));
	ok(sov_conflict_from_json(j, &parsed, "entry") < 0 && strstr(sov_error_last(), "newest"),
	   "a newest entry needs a side: %s", sov_error_last());
	sov_conflict_release(&parsed);
	json_object_set_new(j, "choice", json_string("theirs"));
	json_object_set_new(json_object_get(j, "versions"), "ours", json_string("x"));
	ok(sov_conflict_from_json(j, &parsed, "entry") < 0 && strstr(sov_error_last(), "versions"),
	   "a version of the wrong type: %s", sov_error_last());
	sov_conflict_release(&parsed);
	json_decref(j);
	is_int(sov_conflicts_remove(repo, "shared/notes.txt"), 1, "remove the copy entry");

	c.path = "bad\xff.md";
	ok(sov_conflicts_add(repo, &c) < 0 && strstr(sov_error_last(), "UTF-8"),
	   "a non-UTF-8 path is refused: %s", sov_error_last());
	c.path = "";
	ok(sov_conflicts_add(repo, &c) < 0, "an empty path is refused");

	/* Concurrent writers (this program again, see add_five()): the lock
	 * must keep every add. */
	for (i = 0; i < 8; i++) {
		char n[16];
		const char *args[] = { CHILD_FLAG, dir, n, NULL };

		snprintf(n, sizeof(n), "%d", i);
		pids[i] = child_start(args);
	}
	status = 0;
	for (i = 0; i < 8; i++)
		status |= pids[i] < 0 || child_wait(pids[i]) != 0;
	ok(status == 0, "8 processes added 5 entries each");
	sov_conflicts_load(repo, &q);
	is_int(q.nr, 41, "no update lost under concurrency");

	ok(write_queue(repo, "{\"version\": 2, \"conflicts\": []}"), "write a v2 queue");
	ok(sov_conflicts_load(repo, &q) < 0 && strstr(sov_error_last(), "version 2"),
	   "a newer version is refused: %s", sov_error_last());
	ok(q.nr == 0, "and leaves the queue empty");
	ok(write_queue(repo, "{\"version\": 1, \"conflicts\": [{\"path\": \"x\"}]}"),
	   "write a bad entry");
	ok(sov_conflicts_load(repo, &q) < 0 &&
	   strstr(sov_error_last(), "conflicts.json: conflicts[0]"),
	   "a bad entry is named: %s", sov_error_last());
	ok(sov_conflicts_add(repo, &c) < 0, "add refuses to overwrite a damaged queue");
	ok(write_queue(repo, "[1"), "write broken JSON");
	ok(sov_conflicts_load(repo, &q) < 0 && strstr(sov_error_last(), "invalid JSON"),
	   "broken JSON is reported: %s", sov_error_last());

	sov_conflicts_release(&q);
	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
