/*
 * json_driver.c - the command of every JSON merge driver: `sovsync
 * merge-<kind> %O %A %B %P [%L]`, the row of drivers.h named by argv[0]
 * (its policy over the engine in src/merge/jmerge.c).
 */
#include "cli.h"
#include "ctx.h"
#include "drivers.h"
#include "error.h"
#include "jdriver.h"

int sov_json_driver_cmd(int argc, char **argv)
{
	const struct sov_driver *d = sov_driver_by_command(argv[0]);
	struct sov_cli_slot slot = SOV_CLI_SLOT_INIT;
	struct sov_ctx ctx = SOV_CTX_INIT;
	int ret = SOV_EXIT_OK;

	if (!d || !d->policy) {
		sov_error("%s: not a JSON merge driver", argv[0]);
		return sov_cli_fail();
	}
	sov_cli_driver_cmd(d, &slot);
	/* %L (marker size) is accepted and unused: the result has no markers. */
	if (argc != 5 && argc != 6) {
		ret = sov_cli_usage_error(&slot.cmd, "expected %%O %%A %%B %%P [%%L]");
	} else if (sov_ctx_open(&ctx, NULL, 0) < 0 ||	/* no repository: run by hand */
		   sov_jdriver_run(&ctx, d->policy, argv[1], argv[2], argv[3], argv[4]) < 0) {
		sov_error_prefix("%s", d->command);
		ret = sov_cli_fail();
	}
	sov_ctx_release(&ctx);
	sov_buf_release(&slot.usage);
	sov_buf_release(&slot.help);
	return ret;
}
