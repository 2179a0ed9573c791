/* Unit tests for the tables: src/merge/drivers.c, src/manifest/hooktab.c, src/webhook/events.c. */
#include "tap.h"
#include "buf.h"
#include "drivers.h"
#include "error.h"
#include "events.h"
#include "hooktab.h"

#include <string.h>

static void test_drivers(void)
{
	struct sov_buf a = SOV_BUF_INIT;
	const struct sov_driver *d, *e;
	size_t n = 0;

	for (d = sov_drivers; d->attr; d++, n++) {
		ok(!strncmp(d->attr, "sovsync-", 8) && !strncmp(d->command, "merge-", 6) &&
		   d->args[0] == ' ' && d->name && d->patterns && d->patterns[0],
		   "%s: attribute, command, arguments, name, patterns", d->attr);
		ok(!d->policy || (d->summary && d->help), "%s: a JSON driver has its help",
		   d->attr);
		ok(sov_driver_by_attr(d->attr) == d && sov_driver_by_command(d->command) == d,
		   "%s: found by attribute and command", d->attr);
		for (e = d + 1; e->attr; e++)
			ok(strcmp(d->attr, e->attr) && strcmp(d->command, e->command),
			   "%s and %s differ", d->attr, e->attr);
	}
	is_int(n, sov_ndrivers, "sov_ndrivers counts the rows");
	ok(!sov_driver_by_attr("sovsync-docs") && !sov_driver_by_command("merge"),
	   "no row for a near miss");

	sov_drivers_attributes("data/sub", &a);
	ok(strstr(a.ptr, "data/sub/** merge=sovsync-keep\n") == a.ptr,
	   "the catch-all line first, under the root (later lines win)");
	ok(strstr(a.ptr, "\ndata/sub/state.json merge=sovsync-state\n") != NULL,
	   "the state line after it");
	{
		struct sov_buf first = SOV_BUF_INIT;

		sov_drivers_first_lines("data/sub", &first);
		is_str(first.ptr, "data/sub/** merge=sovsync-keep\n",
		       "the lines that go first in the file: the catch-all only");
		sov_buf_release(&first);
	}
	ok(strstr(a.ptr, "\ndata/sub/documents/ingested/** filter=sovsync diff=sovsync "
		  "merge=sovsync-doc\ndata/sub/documents/ingested/.gitkeep -filter -diff -merge\n"),
	   "the documents line, then the placeholder's after it");
	ok(!strstr(a.ptr, "shared"), "nothing but the root given");
	sov_buf_reset(&a);
	sov_driver_help(sov_driver_by_command("merge-index"), &a);
	ok(strstr(a.ptr, "\n    conversations/*.json\n") && !strstr(a.ptr, "sync_manifest"),
	   "merge-index's help names its files, not the derived ones");
	sov_buf_release(&a);
}

static void test_hooks(void)
{
	const struct sov_hook *h, *g;

	for (h = sov_hooks; h->name; h++) {
		ok(h->handler != NULL && sov_hook_find(h->name) == h, "%s: a handler", h->name);
		ok(h->is_pre == !strncmp(h->name, "pre-", 4), "%s: pre/post as named", h->name);
		for (g = h + 1; g->name; g++)
			ok(strcmp(h->name, g->name), "%s once", h->name);
	}
	ok(!sov_hook_find("pre-receive"), "no row, no hook");
	ok(sov_hook_find("pre-push")->may_refuse, "pre-push is the one hook that may refuse");
	for (h = sov_hooks; h->name; h++)
		ok(!h->may_refuse || !strcmp(h->name, "pre-push"), "%s: its status is ignored", h->name);
}

static void test_events(void)
{
	const struct sov_event *e;
	unsigned mask = 0, all = 0;

	for (e = sov_events; e->name; e++) {
		ok(sov_hook_find(e->hook) != NULL, "%s: queued by a hook of the table", e->name);
		ok(e->bit && !(all & e->bit), "%s: a bit of its own", e->name);
		all |= e->bit;
	}
	ok(sov_events_parse(" commit,merge\tpush ", &mask) == 0 && mask == all, "all three");
	ok(sov_events_parse(",,", &mask) == 0 && mask == 0, "none");
	ok(sov_events_parse("commit,pushed", &mask) < 0 &&
	   strstr(sov_error_last(), "unknown event 'pushed' (expected commit, merge, push)"),
	   "an unknown event is named, with the known ones");
	is_int(SOV_EVENT_COMMIT | SOV_EVENT_MERGE | SOV_EVENT_PUSH, 7, "the bits");
}

int main(void)
{
	test_drivers();
	test_hooks();
	test_events();
	return done_testing();
}
