/*
 * json_driver.c - argument handling of the JSON merge driver commands.
 */
#include "json_driver.h"
#include "error.h"
#include "jdriver.h"

int sov_json_driver_main(const struct sov_cmd *cmd, const struct sov_jpolicy *policy,
			 int argc, char **argv)
{
	/* %L (marker size) is accepted and unused: the result has no markers. */
	if (argc != 5 && argc != 6)
		return sov_cli_usage_error(cmd, "expected %%O %%A %%B %%P [%%L]");
	if (sov_jdriver_run(policy, argv[1], argv[2], argv[3], argv[4]) < 0) {
		sov_error_prefix("%s", cmd->name);
		return sov_cli_fail();
	}
	return SOV_EXIT_OK;
}
