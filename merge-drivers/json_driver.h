/*
 * json_driver.h - the argument handling the JSON merge driver commands share.
 */
#ifndef SOV_JSON_DRIVER_H
#define SOV_JSON_DRIVER_H

#include "cli.h"
#include "jpolicy.h"

/*
 * Check `<cmd> %O %A %B %P [%L]`, run the merge and map the result to the
 * driver's exit status: 0 merged, 1 not merged (%A untouched, after
 * "sovsync: <cmd>: <path>: <side>: <cause>"), 2 wrong usage.
 */
int sov_json_driver_main(const struct sov_cmd *cmd, const struct sov_jpolicy *policy,
			 int argc, char **argv);

#endif
