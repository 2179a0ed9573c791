/* Unit tests for the debounce timer of src/sync/watch.c (the watcher: t5001). */
#include "tap.h"
#include "watch.h"

int main(void)
{
	struct sov_debounce d;

	sov_debounce_init(&d, 2000);
	is_int(sov_debounce_due(&d), -1, "no change: nothing due");
	sov_debounce_touch(&d, 1000);
	is_int(sov_debounce_due(&d), 3000, "due 2 s after a change");
	sov_debounce_touch(&d, 2500);
	is_int(sov_debounce_due(&d), 4500, "each change pushes it back");
	/* A writer that never pauses: at most 10 quiet periods after the first. */
	for (int64_t t = 2500; t < 30000; t += 500)
		sov_debounce_touch(&d, t);
	is_int(sov_debounce_due(&d), 21000, "a stream still commits after 20 s");
	sov_debounce_clear(&d);
	is_int(sov_debounce_due(&d), -1, "cleared");
	sov_debounce_touch(&d, 50000);
	is_int(sov_debounce_due(&d), 52000, "a new batch starts afresh");

	sov_debounce_init(&d, 0);
	sov_debounce_touch(&d, 7);
	is_int(sov_debounce_due(&d), 7, "zero debounce: due at once");

	/* Which reported paths call for a cycle (the same on every system). */
	ok(sov_watch_path_matters(".", "notes.md"), "a file at the top matters");
	ok(sov_watch_path_matters(".", "a/b/notes.md"), "a nested file matters");
	ok(!sov_watch_path_matters(".", ".git"), ".git does not");
	ok(!sov_watch_path_matters(".", ".git/index.lock"), "nor what is in it");
	ok(!sov_watch_path_matters(".", "sub/.git/HEAD"), "nor a nested repository's .git");
	ok(sov_watch_path_matters(".", ".gitignore"), ".gitignore does");
	ok(sov_watch_path_matters(".", "a/.github/x"), "and a .github directory");
	ok(!sov_watch_path_matters(".", "a/.notes.md.swp"), "an editor's scratch file does not");
	ok(sov_watch_path_matters("shared", "shared/m.json"), "under the synced root");
	ok(sov_watch_path_matters("shared", "shared"), "the synced root itself");
	ok(!sov_watch_path_matters("shared", "shared2/m.json"), "a sibling with the prefix is out");
	ok(!sov_watch_path_matters("shared", "other/m.json"), "a path outside the root is out");
	return done_testing();
}
