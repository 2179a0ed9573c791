/*
 * events.c - the webhook event table; see events.h.
 */
#include "events.h"
#include "error.h"

#include <string.h>

const struct sov_event sov_events[] = {
	{ "commit", SOV_EVENT_COMMIT, "post-commit", "^" },
	{ "merge", SOV_EVENT_MERGE, "post-merge", "ORIG_HEAD" },
	{ "push", SOV_EVENT_PUSH, "reference-transaction", NULL },
	{ NULL, 0, NULL, NULL },
};

const struct sov_event *sov_event_find(const char *name)
{
	const struct sov_event *e;

	for (e = sov_events; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

void sov_events_names(struct sov_buf *out)
{
	const struct sov_event *e;

	for (e = sov_events; e->name; e++)
		sov_buf_addf(out, "%s%s", e == sov_events ? "" : ", ", e->name);
}

int sov_events_parse(const char *text, unsigned *mask)
{
	static const char sep[] = ", \t\r\n";
	const char *p = text;

	*mask = 0;
	for (p += strspn(p, sep); *p; p += strspn(p, sep)) {
		size_t n = strcspn(p, sep);
		const struct sov_event *e;

		for (e = sov_events; e->name; e++)
			if (strlen(e->name) == n && !strncmp(e->name, p, n))
				break;
		if (!e->name) {
			struct sov_buf known = SOV_BUF_INIT;
			int ret;

			sov_events_names(&known);
			ret = sov_error("sovsync.webhook.events: unknown event '%.*s' "
					"(expected %s)", (int)n, p, known.ptr);
			sov_buf_release(&known);
			return ret;
		}
		*mask |= e->bit;
		p += n;
	}
	return 0;
}
