/*
 * cli_registry.c - `sovsync registry <table>`: print sovsync's tables
 * (drivers, attributes, hooks, events, settings) as text, for the tests
 * that compare them with the template .gitattributes and the docs.
 */
#include "cli.h"
#include "config.h"
#include "drivers.h"
#include "error.h"
#include "events.h"
#include "hooktab.h"
#include "settings.h"

#include <string.h>

static void print_setting(void *data, const char *key, const char *old_key,
			  const char *type, const char *def)
{
	(void)data;
	printf("%s\t%s\t%s\t%s\n", key, old_key ? old_key : "-", type, def);
}

static int cmd_registry(int argc, char **argv)
{
	const char *table = argc > 1 ? argv[1] : "";

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(table, "attributes")))
		return sov_cli_usage_error(&sov_cmd_registry, "expected one table name");
	if (!strcmp(table, "drivers")) {
		const struct sov_driver *d;
		const char *const *p;

		for (d = sov_drivers; d->attr; d++)
			for (p = d->patterns; *p; p++)
				printf("%s\t%s%s\t%s\t%s\t%s\n", d->attr, d->command, d->args, *p,
				       d->policy ? "json" : "own",
				       d->moddel == SOV_MODDEL_SETTLES ? "settles" :
				       "settles-if-flag");
	} else if (!strcmp(table, "attributes")) {
		struct sov_buf root = SOV_BUF_INIT, out = SOV_BUF_INIT;

		if (sov_config_normalize_root(argc == 3 ? argv[2] : "shared", &root) < 0) {
			sov_buf_release(&root);
			return sov_cli_fail();
		}
		sov_drivers_attributes(root.ptr, &out);
		fputs(out.ptr, stdout);
		sov_buf_release(&root);
		sov_buf_release(&out);
	} else if (!strcmp(table, "hooks")) {
		static const char *const input[] = { "none", "lines", "all" };
		const struct sov_hook *h;

		for (h = sov_hooks; h->name; h++)
			printf("%s\t%s\t%s\n", h->name, h->is_pre ? "pre" : "post",
			       input[h->input]);
	} else if (!strcmp(table, "events")) {
		const struct sov_event *e;

		for (e = sov_events; e->name; e++)
			printf("%s\t%s\n", e->name, e->hook);
	} else if (!strcmp(table, "settings")) {
		sov_settings_each(print_setting, NULL);
	} else {
		return sov_cli_usage_error(&sov_cmd_registry, "unknown table '%s'", table);
	}
	return SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_registry = {
	"registry", cmd_registry,
	"Print sovsync's tables: drivers, attributes, hooks, events, settings",
	"sovsync registry (drivers | hooks | events | settings)\n"
	"sovsync registry attributes [<root>]",
	"Prints one of the tables the rest of sovsync is driven from, one row a\n"
	"line, fields separated by tabs:\n"
	"\n"
	"   drivers      attribute, command and arguments, pattern under the\n"
	"                root, json|own,\n"
	"                settles|settles-if-flag (a modify/delete in a sync)\n"
	"   attributes   the .gitattributes lines 'sovsync install' writes for\n"
	"                <root> (default shared)\n"
	"   hooks        name, pre|post, what its standard input carries\n"
	"   events       webhook event, the hook that queues it\n"
	"   settings     key, older key still read (or -), type, default\n",
	1,
};
