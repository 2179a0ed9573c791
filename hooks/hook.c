/*
 * hook.c - `sovsync hook <name> [<args>]`: dispatch a Git hook to its handler.
 */
#include "cli.h"
#include "error.h"
#include "hooks.h"
#include "trace.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	sov_hook_fn fn;
	int needs_repo;		/* 0: the handler opens nothing itself */
} handlers[] = {
	{ "pre-commit", sov_hook_pre_commit, 1 },
	{ "pre-merge-commit", sov_hook_pre_commit, 1 },
	{ "post-commit", sov_hook_post_commit, 1 },
	{ "post-merge", sov_hook_post_merge, 1 },
	{ "post-rewrite", sov_hook_post_rewrite, 1 },
	{ "reference-transaction", sov_hook_reference_transaction, 1 },
	{ "pre-push", sov_hook_pre_push, 1 },
};

void sov_hook_drain_stdin(void)
{
	char buf[8192];

	while (read(0, buf, sizeof(buf)) > 0)
		;
}

static int cmd_hook(int argc, char **argv)
{
	struct sov_hookrun h = SOV_HOOKRUN_INIT;
	size_t i;
	int ret = SOV_EXIT_OK;

	if (argc < 2)
		return sov_cli_usage_error(&sov_cmd_hook, "expected a hook name");
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (!strcmp(handlers[i].name, argv[1]))
			break;
	if (i == sizeof(handlers) / sizeof(handlers[0])) {
		/* An unknown hook (a newer install?) must not break Git. */
		sov_warn("hook %s: not a sovsync hook; ignored", argv[1]);
		return SOV_EXIT_OK;
	}
	sov_trace("hook %s%s%s", argv[1], argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
	/*
	 * A hooks directory can be shared (core.hooksPath, --hooks-path): in a
	 * repository where sovsync is not installed its hooks do nothing at
	 * all, not even complain.
	 */
	h.only_if_installed = 1;
	if (sov_hookrun_open(&h, NULL) < 0) {
		sov_error_prefix("%s hook", argv[1]);
		sov_error_report();
	} else if (!h.is_installed) {
		sov_trace("hook %s: sovsync is not installed in this repository", argv[1]);
	} else if (handlers[i].fn(&h, argc - 1, argv + 1) < 0) {
		sov_error_prefix("%s hook", argv[1]);
		sov_error_report();
		/* The push must not go on without the chunks (pre_push.c). */
		if (handlers[i].fn == sov_hook_pre_push)
			ret = SOV_EXIT_FAIL;
	}
	sov_hookrun_release(&h);
	return ret;
}

const struct sov_cmd sov_cmd_hook = {
	"hook", cmd_hook,
	"Run the sovsync part of a Git hook (called by the installed hooks)",
	"sovsync hook <hook-name> [<hook-args>...]",
	"The hook scripts that 'sovsync install' writes call this with the hook's\n"
	"name, arguments and standard input:\n"
	"\n"
	"   pre-commit, pre-merge-commit  refresh shared/state.json, sync_manifest.json\n"
	"                                 and index.meta from the index, and stage them\n"
	"   post-commit, post-merge       check the new HEAD's manifest; when a commit\n"
	"                                 arrived without one, commit a follow-up\n"
	"                                 'sovsync: refresh manifest'\n"
	"   post-rewrite                  the same once at the end of a rebase\n"
	"   reference-transaction         notices a landed push (webhook)\n"
	"   pre-push                      pushes refs/sovsync/chunks (the chunk blobs\n"
	"                                 of large files) first, merging another\n"
	"                                 clone's; its failure stops the push\n"
	"\n"
	"Apart from pre-push it always exits 0: sovsync's trouble never fails a\n"
	"Git command, it is printed as a 'sovsync: ...' warning.  In a repository\n"
	"where sovsync is not installed (no .git/sovsync/install.json; a hooks\n"
	"directory shared through core.hooksPath) it does nothing at all.\n",
	1,
};
