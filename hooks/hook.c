/*
 * hook.c - `sovsync hook <name> [<args>]`: dispatch a Git hook to its handler.
 */
#include "cli.h"
#include "ctx.h"
#include "error.h"
#include "hooktab.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "osfs.h"

static int cmd_hook(int argc, char **argv)
{
	struct sov_hookrun h = SOV_HOOKRUN_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	const struct sov_hook *hook;
	const char *probe;
	int status = SOV_EXIT_OK, rc;

	if (argc < 2)
		return sov_cli_usage_error(&sov_cmd_hook, "expected a hook name");
	hook = sov_hook_find(argv[1]);
	if (!hook) {
		/* An unknown hook (a newer install?) must not break Git. */
		sov_warn("hook %s: not a sovsync hook; ignored", argv[1]);
		return SOV_EXIT_OK;
	}
	sov_trace("hook %s%s%s", argv[1], argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
	/*
	 * `sovsync doctor` asks Git to run a hook (git hook run) to see that
	 * Git really does: say so in the probe file, do nothing else.
	 */
	probe = getenv("SOVSYNC_HOOK_PROBE");
	if (probe && *probe) {
		int fd = sov_os_open(probe, O_WRONLY | O_APPEND | O_CREAT, 0666);

		if (fd >= 0) {
			struct sov_buf line = SOV_BUF_INIT;

			sov_buf_addf(&line, "%s\n", argv[1]);
			if (sov_fs_write_all(fd, line.ptr, line.len, probe) < 0)
				sov_error_clear();	/* doctor reports the hook as not run */
			sov_buf_release(&line);
			close(fd);
		}
		sov_hook_drain_stdin();
		return SOV_EXIT_OK;
	}
	/*
	 * A hooks directory can be shared (core.hooksPath, --hooks-path): in a
	 * repository where sovsync is not installed its hooks do nothing at
	 * all, not even complain.
	 */
	h.only_if_installed = 1;
	if (sov_ctx_open(&ctx, NULL, SOV_CTX_REPO) < 0 || sov_hookrun_open(&h, &ctx) < 0) {
		sov_error_prefix("%s hook", argv[1]);
		sov_error_report();
	} else if (!h.is_installed) {
		sov_trace("hook %s: sovsync is not installed in this repository", argv[1]);
	} else if ((rc = hook->handler(&h, argc - 1, argv + 1)) < 0) {
		sov_error_prefix("%s hook", argv[1]);
		sov_error_report();
	} else if (rc > 0) {
		status = 1;	/* pre-push refused, and said why */
	}
	sov_hookrun_release(&h);
	sov_ctx_release(&ctx);
	return status;
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
	"   pre-push                      refuses a push carrying an object larger\n"
	"                                 than sovsync.maxObjectSize (default 95m),\n"
	"                                 then pushes refs/sovsync/chunks (the chunk\n"
	"                                 blobs of large files) first, merging\n"
	"                                 another clone's; if that fails, the push\n"
	"                                 stops\n"
	"\n"
	"It exits 0 but for those two refusals of pre-push: sovsync's trouble\n"
	"never fails a Git command, it is printed as a 'sovsync: ...' warning.\n"
	"In a repository where sovsync is not installed (no\n"
	".git/sovsync/install.json; a hooks directory shared through\n"
	"core.hooksPath) it does nothing at all.\n",
	1,
};
