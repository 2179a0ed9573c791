/*
 * Unit tests for the POSIX directory watch (src/os/posix/dirwatch.c,
 * src/os/osdirwatch.h): what a change in a nested directory reports, new
 * directories followed, renames, deletions, .git left alone, the watched
 * tree appearing, a queue overflow turned into a rescan, the stop request.
 */
#include "tap.h"
#include "scratch.h"
#include "osdirwatch.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Longest wait for an event the test is sure to get. */
#define PATIENCE_MS 5000

static char top[64];

static void path_of(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", top, rel);
}

static void write_file(const char *rel, const char *data)
{
	char p[512];
	FILE *f;

	path_of(p, sizeof(p), rel);
	f = fopen(p, "w");
	if (!f || fputs(data, f) < 0 || fclose(f)) {
		perror(p);
		exit(1);
	}
}

static void do_mkdir(const char *rel)
{
	char p[512];

	path_of(p, sizeof(p), rel);
	if (mkdir(p, 0777) < 0) {
		perror(p);
		exit(1);
	}
}

static void do_rename(const char *from, const char *to)
{
	char a[512], b[512];

	path_of(a, sizeof(a), from);
	path_of(b, sizeof(b), to);
	if (rename(a, b) < 0) {
		perror(a);
		exit(1);
	}
}

static int has_path(const struct sov_os_dirwatch_batch *b, const char *want)
{
	const char *p = b->paths.ptr;
	size_t i;

	for (i = 0; i < b->count; i++, p += strlen(p) + 1)
		if (!strcmp(p, want))
			return 1;
	return 0;
}

/*
 * Wait until every path of `want` (NULL-terminated) is in `b` (and, with
 * `rescan`, a rescan flagged), or PATIENCE_MS passed.  1 if all came.
 */
static int collect(struct sov_os_dirwatch *w, struct sov_os_dirwatch_batch *b,
		   const char *const *want, int rescan)
{
	int waited = 0;

	sov_os_dirwatch_batch_reset(b);
	while (waited < PATIENCE_MS) {
		const char *const *p;
		int all = !rescan || b->rescan;

		for (p = want; *p && all; p++)
			all = has_path(b, *p);
		if (all)
			return 1;
		if (sov_os_dirwatch_wait(w, NULL, 100, b) < 0)
			return 0;
		waited += 100;
	}
	return 0;
}

/* Let what is queued arrive, then forget it. */
static void settle(struct sov_os_dirwatch *w, struct sov_os_dirwatch_batch *b)
{
	while (sov_os_dirwatch_wait(w, NULL, 200, b) > 0)
		;
	sov_os_dirwatch_batch_reset(b);
}

static void test_tree(void)
{
	struct sov_os_dirwatch_batch b = SOV_OS_DIRWATCH_BATCH_INIT;
	struct sov_os_dirwatch *w;
	char p[512];

	do_mkdir("old");
	ok(sov_os_dirwatch_open(&w, top, ".") == 0, "open a watch on the tree");
	is_int((int)sov_os_dirwatch_count(w), 2, "the top and its directory are watched");

	is_int(sov_os_dirwatch_wait(w, NULL, 50, &b), 0, "nothing changed: the wait times out");
	is_int((int)b.count, 0, "and reports nothing");

	do_mkdir("a");
	do_mkdir("a/b");
	write_file("a/b/f.md", "one\n");
	ok(collect(w, &b, (const char *[]){ "a", "a/b", "a/b/f.md", NULL }, 0),
	   "new nested directories and a file created in them at once are reported");
	settle(w, &b);

	write_file("a/b/f.md", "two\n");
	ok(collect(w, &b, (const char *[]){ "a/b/f.md", NULL }, 0),
	   "a change in a new nested directory is seen (its watch was added)");
	settle(w, &b);

	do_rename("a/b/f.md", "a/b/g.md");
	ok(collect(w, &b, (const char *[]){ "a/b/f.md", "a/b/g.md", NULL }, 0),
	   "a rename reports both names");
	settle(w, &b);

	path_of(p, sizeof(p), "a/b/g.md");
	unlink(p);
	ok(collect(w, &b, (const char *[]){ "a/b/g.md", NULL }, 0), "a deletion is reported");
	settle(w, &b);

	do_mkdir("a/.git");
	settle(w, &b);
	write_file("a/.git/index", "x");
	write_file("a/seen.md", "x");
	ok(collect(w, &b, (const char *[]){ "a/seen.md", NULL }, 0), "a later change arrives");
	ok(!has_path(&b, "a/.git/index"), "a .git directory is not watched");
	settle(w, &b);

	do_rename("a", "c");
	ok(collect(w, &b, (const char *[]){ "a", "c", NULL }, 1),
	   "a renamed directory: both names, and a rescan");
	settle(w, &b);
	write_file("c/b/h.md", "x");
	ok(collect(w, &b, (const char *[]){ "c/b/h.md", NULL }, 0),
	   "the watches follow the renamed directory");
	settle(w, &b);

	/* Hostile: a symbolic link to the top is not followed (no loop). */
	path_of(p, sizeof(p), "c/loop");
	if (symlink(top, p) < 0)
		perror(p);
	settle(w, &b);
	sov_os_dirwatch_rescan(w);
	is_int((int)sov_os_dirwatch_count(w), 4, "a link back to the top is not walked into");

	path_of(p, sizeof(p), "old");
	rmdir(p);
	ok(collect(w, &b, (const char *[]){ "old", NULL }, 0), "a removed directory is reported");
	settle(w, &b);
	is_int((int)sov_os_dirwatch_count(w), 3, "and its watch dropped");

	sov_os_dirwatch_close(w);
	sov_os_dirwatch_batch_release(&b);
}

static void test_sub(void)
{
	struct sov_os_dirwatch_batch b = SOV_OS_DIRWATCH_BATCH_INIT;
	struct sov_os_dirwatch *w;

	do_mkdir("s");
	ok(sov_os_dirwatch_open(&w, top, "s/t") == 0, "open a watch on a tree not there yet");
	is_int((int)sov_os_dirwatch_count(w), 0, "nothing to watch yet");
	write_file("s/outside.md", "x");
	do_mkdir("s/t");
	ok(collect(w, &b, (const char *[]){ NULL }, 1), "the tree appearing asks for a rescan");
	ok(!has_path(&b, "s/outside.md"), "a file next to the tree is not reported");
	settle(w, &b);
	write_file("s/t/x.md", "x");
	ok(collect(w, &b, (const char *[]){ "s/t/x.md", NULL }, 0),
	   "then its files are followed, named from the top");
	sov_os_dirwatch_close(w);
	sov_os_dirwatch_batch_release(&b);
}

static void test_overflow(void)
{
	struct sov_os_dirwatch_batch b = SOV_OS_DIRWATCH_BATCH_INIT;
	struct sov_os_dirwatch *w;
	long max = 16384, i, n;
	char p[512], rel[64];
	FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");

	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 16384;
		fclose(f);
	}
	do_mkdir("flood");
	ok(sov_os_dirwatch_open(&w, top, "flood") == 0, "open a watch on the flood directory");
	/* Each file is at least two events (create, close): overflow the queue. */
	n = max / 2 + 64;
	for (i = 0; i < n; i++) {
		int fd;

		snprintf(rel, sizeof(rel), "flood/%ld", i);
		path_of(p, sizeof(p), rel);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0) {
			perror(p);
			exit(1);
		}
		close(fd);
	}
	ok(collect(w, &b, (const char *[]){ NULL }, 1),
	   "%ld files at once overflow the queue: a rescan is asked for", n);
	settle(w, &b);
	write_file("flood/after.md", "x");
	ok(collect(w, &b, (const char *[]){ "flood/after.md", NULL }, 0),
	   "after the overflow changes are seen again");
	sov_os_dirwatch_close(w);
	sov_os_dirwatch_batch_release(&b);
}

static void test_stop(void)
{
	struct sov_os_dirwatch_batch b = SOV_OS_DIRWATCH_BATCH_INIT;
	struct sov_os_dirwatch *w;
	struct sov_os_stop *stop;

	ok(sov_os_stop_new(&stop) == 0, "a stop request");
	is_int(sov_os_stop_requested(stop), SOV_STOP_NONE, "not raised yet");
	ok(sov_os_dirwatch_open(&w, top, ".") == 0, "open");
	sov_os_stop_request(stop, SOV_STOP_SERVICE);
	sov_os_stop_request(stop, SOV_STOP_INTERRUPT);
	is_int(sov_os_dirwatch_wait(w, stop, -1, &b), 0,
	       "a raised request ends an unlimited wait");
	is_int(sov_os_stop_requested(stop), SOV_STOP_SERVICE, "the first reason is kept");
	is_int(*sov_os_stop_flag(stop), SOV_STOP_SERVICE, "the sync cycle's flag is set");
	is_str(sov_os_stop_reason_name(SOV_STOP_TERMINATE), "Terminated", "named like strsignal");
	sov_os_dirwatch_close(w);
	sov_os_stop_free(stop);
	sov_os_dirwatch_batch_release(&b);

	ok(sov_os_dirwatch_open(&w, "/nonexistent/sovsync-dirwatch", ".") < 0,
	   "a missing top is an error");
}

int main(void)
{
	snprintf(top, sizeof(top), "/tmp/sovsync-dirwatch-XXXXXX");
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	test_tree();
	test_sub();
	test_overflow();
	test_stop();
	ok(scratch_remove(top) == 0, "cleanup");
	return done_testing();
}
