/*
 * cli.h - the `sovsync` program: command table and helpers for commands.
 *
 * Every subcommand is a `struct sov_cmd` defined next to its code (in
 * filters/, merge-drivers/, hooks/ or src/cli/cli_*.c) and listed once in the
 * table in cli.c.  The dispatcher handles `sovsync <cmd> -h|--help` and
 * `sovsync help <cmd>` for every command from its `usage` and `help` texts,
 * so a command function sees only its own arguments (argv[0] is its name).
 *
 * Exit codes follow Git: 0 success, 1 failure (after printing "sovsync:
 * <file>: <cause>"), 2 wrong usage (after printing the usage).  Merge drivers
 * have their own contract (0 clean, 1 conflict) documented with them.
 */
#ifndef SOV_CLI_H
#define SOV_CLI_H

#include <stdio.h>

#include "buf.h"
#include "drivers.h"

struct sov_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;	/* one line, for the command list */
	const char *usage;	/* "sovsync name [options] ..." lines */
	const char *help;	/* paragraphs and an option list */
	int hidden;		/* plumbing: not in `sovsync --help` */
};

#define SOV_EXIT_OK 0
#define SOV_EXIT_FAIL 1
#define SOV_EXIT_USAGE 2

/* Print "sovsync: <last error>" on stderr (one line) and clear it. */
void sov_error_report(void);

/* The warning routine (sov_warn_set_routine): "sovsync: <msg>" on stderr. */
void sov_cli_print_warning(const char *msg);

/* The progress routine (sov_progress_set_routine): the line on stderr as
 * it is, in one write; 0 or -1 with the error set. */
int sov_cli_print_progress(const char *line, size_t len);

/* Print the command's usage to `out`. */
void sov_cli_usage(FILE *out, const struct sov_cmd *cmd);

/*
 * For commands: report wrong usage ("sovsync: <cmd>: <why>" then the
 * usage) and return SOV_EXIT_USAGE.
 */
int sov_cli_usage_error(const struct sov_cmd *cmd, const char *fmt, ...)
	SOV_PRINTF(2, 3);

/* For commands: print the last error and return SOV_EXIT_FAIL. */
int sov_cli_fail(void);

/*
 * A JSON merge driver's command, made from its row (drivers.h): the
 * dispatcher lists and runs one per row with a policy, so a new JSON
 * driver needs no command file.  `slot` owns the texts.
 */
struct sov_cli_slot {
	struct sov_cmd cmd;
	struct sov_buf usage, help;
};

#define SOV_CLI_SLOT_INIT { .usage = SOV_BUF_INIT, .help = SOV_BUF_INIT }

void sov_cli_driver_cmd(const struct sov_driver *d, struct sov_cli_slot *slot);

/* Every JSON driver's command function: the row named by argv[0]. */
int sov_json_driver_cmd(int argc, char **argv);

/* Commands, by area (the table in cli.c lists them in the same groups). */

/* setup and status: src/cli/cli_*.c */
extern const struct sov_cmd sov_cmd_install;
extern const struct sov_cmd sov_cmd_clone;
extern const struct sov_cmd sov_cmd_uninstall;
extern const struct sov_cmd sov_cmd_status;
extern const struct sov_cmd sov_cmd_verify;
extern const struct sov_cmd sov_cmd_doctor;

/* sync and watch: src/cli/cli_*.c */
extern const struct sov_cmd sov_cmd_sync;
extern const struct sov_cmd sov_cmd_watch;
extern const struct sov_cmd sov_cmd_service;

/* large-file filter: src/cli/cli_track.c (track, untrack), filters/ */
extern const struct sov_cmd sov_cmd_track;
extern const struct sov_cmd sov_cmd_untrack;
extern const struct sov_cmd sov_cmd_cat;
extern const struct sov_cmd sov_cmd_filter_process;
extern const struct sov_cmd sov_cmd_clean;
extern const struct sov_cmd sov_cmd_smudge;

/* merge drivers and conflicts: merge-drivers/ */
extern const struct sov_cmd sov_cmd_merge_derived;
extern const struct sov_cmd sov_cmd_merge_doc;
extern const struct sov_cmd sov_cmd_merge_keep;
extern const struct sov_cmd sov_cmd_conflicts;
extern const struct sov_cmd sov_cmd_resolve;

/* hooks: hooks/ */
extern const struct sov_cmd sov_cmd_hook;

/* webhook: src/cli/cli_*.c */
extern const struct sov_cmd sov_cmd_webhook;

/* about sovsync: src/cli/cli.c, src/cli/cli_version.c */
extern const struct sov_cmd sov_cmd_version;
extern const struct sov_cmd sov_cmd_help;
extern const struct sov_cmd sov_cmd_registry;

/* browser dashboard: src/cli/cli_ui.c */
extern const struct sov_cmd sov_cmd_ui;

/*
 * What `sovsync ui` (src/cli/cli_ui.c) calls of the other commands, so that
 * the pages show and do exactly what the CLI does.
 */
#include <git2.h>
#include <jansson.h>

#include "buf.h"

struct sov_hookrun;

/* cli_status.c: the object `sovsync status --json` prints (new reference). */
json_t *sov_cli_status_json(struct sov_hookrun *h);

#endif
