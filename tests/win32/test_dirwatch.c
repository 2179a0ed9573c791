/*
 * Unit tests of the Windows directory watch (src/os/win32/dirwatch.c), stop
 * request (src/os/win32/stop.c) and the form of a path for Git's sh
 * (src/os/win32/exe.c), built with MinGW-w64 and run under Wine by
 * tests/t8102-dirwatch-wine.sh (or on Windows).  TAP output.
 *
 * Needs only the os layer and src/util/buf.c, error.c: the one libgit2
 * call of error.c is stubbed below.
 */
#include "../unit/tap.h"
#include "error.h"
#include "osdirwatch.h"
#include "osexe.h"

#include <git2.h>
#include <stdlib.h>
#include <windows.h>

/* error.c asks libgit2 for its last error: there is none here. */
const git_error *git_error_last(void)
{
	return NULL;
}

#define PATIENCE_MS 10000

static char top[MAX_PATH * 2];

static void path_of(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s\\%s", top, rel);
}

static wchar_t *wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
	wchar_t *w = malloc((size_t)n * sizeof(wchar_t));

	MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
	return w;
}

static void write_file(const char *rel, const char *data)
{
	char p[MAX_PATH * 3];
	wchar_t *w;
	HANDLE h;
	DWORD done;

	path_of(p, sizeof(p), rel);
	w = wide(p);
	h = CreateFileW(w, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE) {
		printf("# cannot write %s (%lu)\n", p, (unsigned long)GetLastError());
		exit(1);
	}
	WriteFile(h, data, (DWORD)strlen(data), &done, NULL);
	CloseHandle(h);
}

static void make_dir(const char *rel)
{
	char p[MAX_PATH * 3];
	wchar_t *w;

	path_of(p, sizeof(p), rel);
	w = wide(p);
	if (!CreateDirectoryW(w, NULL)) {
		printf("# cannot mkdir %s (%lu)\n", p, (unsigned long)GetLastError());
		exit(1);
	}
	free(w);
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
		if (sov_os_dirwatch_wait(w, NULL, 100, b) < 0) {
			printf("# wait: %s\n", sov_error_last());
			return 0;
		}
		waited += 100;
	}
	for (size_t i = 0, off = 0; i < b->count; i++, off += strlen(b->paths.ptr + off) + 1)
		printf("# got: %s\n", b->paths.ptr + off);
	return 0;
}

static void settle(struct sov_os_dirwatch *w, struct sov_os_dirwatch_batch *b)
{
	while (sov_os_dirwatch_wait(w, NULL, 300, b) > 0)
		;
	sov_os_dirwatch_batch_reset(b);
}

int main(void)
{
	struct sov_os_dirwatch_batch b = SOV_OS_DIRWATCH_BATCH_INIT;
	struct sov_os_dirwatch *w;
	struct sov_os_stop *stop;
	char tmp[MAX_PATH], a[MAX_PATH * 3], c[MAX_PATH * 3];
	int i;

	GetTempPathA(sizeof(tmp), tmp);
	snprintf(top, sizeof(top), "%ssovsync-dirwatch-%lu-%lu", tmp,
		 (unsigned long)GetCurrentProcessId(), (unsigned long)GetTickCount());
	if (!CreateDirectoryA(top, NULL)) {
		printf("Bail out! cannot create %s\n", top);
		return 1;
	}
	printf("# top: %s\n", top);

	make_dir("pre");
	make_dir("pre\\sub");
	ok(sov_os_dirwatch_open(&w, top, ".") == 0, "open a watch on the tree");
	write_file("pre\\sub\\x.md", "x");
	ok(collect(w, &b, (const char *[]){ "pre/sub/x.md", NULL }, 0),
	   "a change in a directory that was there before the watch is seen");
	settle(w, &b);
	is_int((int)sov_os_dirwatch_count(w), 1, "one watch holds the tree");
	is_int(sov_os_dirwatch_wait(w, NULL, 50, &b), 0, "nothing changed: the wait times out");

	make_dir("a");
	make_dir("a\\b");
	write_file("a\\b\\f.md", "one\n");
	ok(collect(w, &b, (const char *[]){ "a", "a/b/f.md", NULL }, 0),
	   "new nested directories and files, named with '/'");
	settle(w, &b);

	write_file("a\\b\\f.md", "two, longer\n");
	ok(collect(w, &b, (const char *[]){ "a/b/f.md", NULL }, 0), "a change is seen");
	settle(w, &b);

	path_of(a, sizeof(a), "a\\b\\f.md");
	path_of(c, sizeof(c), "a\\b\\g.md");
	MoveFileA(a, c);
	ok(collect(w, &b, (const char *[]){ "a/b/f.md", "a/b/g.md", NULL }, 0),
	   "a rename reports both names");
	settle(w, &b);

	DeleteFileA(c);
	ok(collect(w, &b, (const char *[]){ "a/b/g.md", NULL }, 0), "a deletion is reported");
	settle(w, &b);

	/* Hostile: a name beyond ASCII comes back as UTF-8. */
	write_file("a\\caf\xc3\xa9 \xe2\x82\xac.md", "x");
	ok(collect(w, &b, (const char *[]){ "a/caf\xc3\xa9 \xe2\x82\xac.md", NULL }, 0),
	   "a UTF-16 name is reported in UTF-8");
	settle(w, &b);
	sov_os_dirwatch_close(w);

	/* A watch on a part of the tree reports only that part. */
	ok(sov_os_dirwatch_open(&w, top, "s/t") == 0, "open a watch on a tree not there yet");
	make_dir("s");
	make_dir("s\\t");
	ok(collect(w, &b, (const char *[]){ NULL }, 1), "the tree appearing asks for a rescan");
	settle(w, &b);
	write_file("s\\outside.md", "x");
	write_file("s\\t\\x.md", "x");
	ok(collect(w, &b, (const char *[]){ "s/t/x.md", NULL }, 0), "its files are followed");
	ok(!has_path(&b, "s/outside.md"), "a file next to the tree is not reported");
	settle(w, &b);

	/* More changes than the buffer holds between two waits. */
	make_dir("s\\t\\flood");
	settle(w, &b);
	for (i = 0; i < 3000; i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "s\\t\\flood\\a-long-file-name-to-fill-the-buffer-%05d.md", i);
		write_file(rel, "x");
	}
	ok(collect(w, &b, (const char *[]){ NULL }, 1),
	   "3000 files at once overflow the buffer: a rescan is asked for");
	ok(!has_path(&b, "s/t/flood/a-long-file-name-to-fill-the-buffer-02999.md"),
	   "and the names that did not fit are not made up (%lu reported)",
	   (unsigned long)b.count);
	settle(w, &b);
	write_file("s\\t\\after.md", "x");
	ok(collect(w, &b, (const char *[]){ "s/t/after.md", NULL }, 0),
	   "after the overflow changes are seen again");

	ok(sov_os_stop_new(&stop) == 0, "a stop request");
	sov_os_stop_request(stop, SOV_STOP_SERVICE);
	sov_os_stop_request(stop, SOV_STOP_INTERRUPT);
	is_int(sov_os_dirwatch_wait(w, stop, -1, &b), 0, "a raised request ends an unlimited wait");
	is_int(sov_os_stop_requested(stop), SOV_STOP_SERVICE, "the first reason is kept");
	sov_os_stop_free(stop);
	sov_os_dirwatch_close(w);
	sov_os_dirwatch_batch_release(&b);

	ok(sov_os_dirwatch_open(&w, "C:\\nonexistent\\sovsync-dirwatch", ".") < 0,
	   "a missing top is an error");
	printf("# %s\n", sov_error_last());

	/* The path the hooks call sovsync.exe by, for Git for Windows' sh. */
	{
		struct sov_buf p = SOV_BUF_INIT;

		sov_os_sh_path("C:\\Program Files\\sovsync\\sovsync.exe", &p);
		is_str(p.ptr, "C:/Program Files/sovsync/sovsync.exe", "backslashes become slashes");
		sov_os_sh_path("\\\\srv\\share\\sovsync.exe", &p);
		is_str(p.ptr, "//srv/share/sovsync.exe", "a UNC path too");
		sov_os_sh_path("C:/already/fine.exe", &p);
		is_str(p.ptr, "C:/already/fine.exe", "a path with slashes is kept");
		sov_os_sh_path("\\\\?\\C:\\Long\\sovsync.exe", &p);
		is_str(p.ptr, "C:/Long/sovsync.exe", "the long-path prefix is dropped");
		sov_os_sh_path("\\\\?\\UNC\\srv\\share\\sovsync.exe", &p);
		is_str(p.ptr, "//srv/share/sovsync.exe", "a long UNC path becomes //srv/share");
		is_str(sov_os_sh_pwd(), "$(pwd -W)", "the hooks compare C:/ forms of the directory");
		sov_buf_release(&p);
	}
	return done_testing();
}
