/*
 * cli_doctor.c - `sovsync doctor [--json] [--timeout=<duration>]`: the
 * checks of doctor.h, one line each.
 */
#include "cli.h"
#include "doctor.h"
#include "error.h"
#include "hookrun.h"
#include "json.h"
#include "sync.h"

#include <stdio.h>
#include <string.h>

static void print_human(const struct sov_doctor *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct sov_doctor_item *it = &d->items[i];

		printf("%-4s  %-10s  %s", sov_doctor_level_name(it->level), it->check,
		       it->message);
		if (it->fix && it->level != SOV_DOCTOR_OK)
			printf("; fix: %s", it->fix);
		printf("\n");
	}
}

static int cmd_doctor(int argc, char **argv)
{
	struct sov_hookrun h = SOV_HOOKRUN_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	struct sov_doctor_opts opts = { 0 };
	struct sov_doctor d = SOV_DOCTOR_INIT;
	int as_json = 0, i, ret = SOV_EXIT_FAIL;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			as_json = 1;
		} else if (!strncmp(argv[i], "--timeout=", 10)) {
			if (sov_duration_parse(argv[i] + 10, 1000, &opts.timeout_ms) < 0 ||
			    opts.timeout_ms <= 0)
				return sov_cli_usage_error(&sov_cmd_doctor, "bad --timeout '%s'",
							   argv[i] + 10);
		} else {
			return sov_cli_usage_error(&sov_cmd_doctor, "unknown argument '%s'",
						   argv[i]);
		}
	}
	if (sov_ctx_open(&ctx, NULL, SOV_CTX_REPO) < 0 || sov_hookrun_open(&h, &ctx) < 0 ||
	    sov_doctor_run(&h, &opts, &d) < 0) {
		ret = sov_cli_fail();
		goto out;
	}
	if (as_json) {
		struct sov_buf text = SOV_BUF_INIT;
		json_t *doc = sov_doctor_to_json(&d);

		sov_json_dump(doc, &text);
		fputs(text.ptr, stdout);
		json_decref(doc);
		sov_buf_release(&text);
	} else {
		print_human(&d);
	}
	ret = sov_doctor_worst(&d) == SOV_DOCTOR_FAIL ? SOV_EXIT_FAIL : SOV_EXIT_OK;
out:
	sov_doctor_release(&d);
	sov_hookrun_release(&h);
	sov_ctx_release(&ctx);
	return ret;
}

const struct sov_cmd sov_cmd_doctor = {
	"doctor", cmd_doctor,
	"Check that this clone can sync, and say how to fix what is wrong",
	"sovsync doctor [--json] [--timeout=<duration>]",
	"Tries every piece a sync depends on, the way Git and 'sovsync sync' use\n"
	"it, and prints one line per check: ok, warn or fail, what was found and,\n"
	"when it is not ok, the fix.\n"
	"\n"
	"   install     sovsync is installed here (install.json)\n"
	"   hooks       the hooks Git runs are sovsync's, and Git really runs them\n"
	"               (one is started through 'git hook run': core.hooksPath\n"
	"               pointing elsewhere, a hook not executable or edited, a\n"
	"               file system mounted noexec all fail)\n"
	"   config      filter and merge drivers as install writes them, each\n"
	"               program they name present and executable\n"
	"   attributes  git check-attr gives sovsync's attributes to a sample path\n"
	"               of each of its .gitattributes lines (nothing overrides them);\n"
	"               a .gitattributes not committed, or edited since, warns\n"
	"   identity    Git has a name and email to commit with\n"
	"   signing     with commit.gpgSign, Git can sign (one real signature of an\n"
	"               unreachable probe commit; a passphrase prompt fails)\n"
	"   remote      git ls-remote <sovsync.remote> <branch> without prompts\n"
	"               (GIT_TERMINAL_PROMPT=0), stopped after the timeout\n"
	"   webhook     with sovsync.webhook.url, the endpoint takes a test event;\n"
	"               events given up earlier\n"
	"   inotify     directories under the root against\n"
	"               fs.inotify.max_user_watches ('sovsync watch')\n"
	"   sizes       blobs under the root against sovsync.maxObjectSize\n"
	"               (default 95 MiB; hosts refuse larger files)\n"
	"   onpull      the last run of sovsync.onPull\n"
	"   sync        a sync stopped on a conflict, a rewritten remote or a\n"
	"               killed merge, and the next step\n"
	"\n"
	"Exits 0 when no check fails (warnings allowed), 1 when one does.\n"
	"\n"
	"   --json                  print {\"ok\", \"checks\": [{\"check\", \"status\",\n"
	"                           \"message\", \"fix\"}]} instead\n"
	"   --timeout=<duration>    bound of each step that may wait (network,\n"
	"                           signing, the hook); default sovsync.networkTimeout,\n"
	"                           at most 30 s\n",
	0,
};
