/*
 * cli.c - main() of `sovsync` (and `git-sovsync`): dispatch to commands.
 */
#include "cli.h"
#include "buf.h"
#include "error.h"
#include "progress.h"
#include "trace.h"
#include "version.h"

#include <ctype.h>
#include <signal.h>

#include "osproc.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

/* The command table: one line per command, in the order `--help` lists. */
static const struct sov_cmd *const commands[] = {
	/* setup and status */
	&sov_cmd_install,
	&sov_cmd_clone,
	&sov_cmd_uninstall,
	&sov_cmd_status,
	&sov_cmd_verify,
	&sov_cmd_ui,
	&sov_cmd_doctor,

	/* sync and watch */
	&sov_cmd_sync,
	&sov_cmd_watch,
	&sov_cmd_service,

	/* large-file filter */
	&sov_cmd_track,
	&sov_cmd_untrack,
	&sov_cmd_cat,
	&sov_cmd_filter_process,
	&sov_cmd_clean,
	&sov_cmd_smudge,

	/* merge drivers (the JSON ones come from drivers.h) and conflicts */
	&sov_cmd_merge_derived,
	&sov_cmd_merge_doc,
	&sov_cmd_merge_keep,
	&sov_cmd_conflicts,
	&sov_cmd_resolve,

	/* hooks */
	&sov_cmd_hook,

	/* webhook */
	&sov_cmd_webhook,

	/* about sovsync */
	&sov_cmd_help,
	&sov_cmd_version,
	&sov_cmd_registry,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void sov_cli_driver_cmd(const struct sov_driver *d, struct sov_cli_slot *slot)
{
	sov_buf_reset(&slot->usage);
	sov_buf_reset(&slot->help);
	sov_driver_usage(d, &slot->usage);
	sov_driver_help(d, &slot->help);
	slot->cmd.name = d->command;
	slot->cmd.fn = sov_json_driver_cmd;
	slot->cmd.summary = d->summary;
	slot->cmd.usage = slot->usage.ptr;
	slot->cmd.help = slot->help.ptr;
	slot->cmd.hidden = 1;
}

/*
 * The i-th command, in listing order: the table above, then one per JSON
 * merge driver.  NULL past the end.  `slot` holds a driver's command.
 */
static const struct sov_cmd *command_at(size_t i, struct sov_cli_slot *slot)
{
	const struct sov_driver *d;

	if (i < NCOMMANDS)
		return commands[i];
	i -= NCOMMANDS;
	for (d = sov_drivers; d->attr; d++)
		if (d->policy && !i--) {
			sov_cli_driver_cmd(d, slot);
			return &slot->cmd;
		}
	return NULL;
}

static const struct sov_cmd *find_command(const char *name, struct sov_cli_slot *slot)
{
	const struct sov_cmd *cmd;
	size_t i;

	for (i = 0; (cmd = command_at(i, slot)); i++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

static void slot_release(struct sov_cli_slot *slot)
{
	sov_buf_release(&slot->usage);
	sov_buf_release(&slot->help);
}

void sov_cli_usage(FILE *out, const struct sov_cmd *cmd)
{
	const char *p = cmd->usage;
	int first = 1;

	/* Each line of `usage` is one synopsis, Git's "usage: / or:" style. */
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		fprintf(out, "%s%.*s\n", first ? "usage: " : "   or: ", (int)n, p);
		first = 0;
		p += n + (eol ? 1 : 0);
	}
}

static void print_help(FILE *out, const struct sov_cmd *cmd)
{
	sov_cli_usage(out, cmd);
	fprintf(out, "\n%s\n", cmd->summary);
	if (cmd->help && *cmd->help)
		fprintf(out, "\n%s", cmd->help);
}

int sov_cli_usage_error(const struct sov_cmd *cmd, const char *fmt, ...)
{
	struct sov_buf msg = SOV_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sov_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "sovsync: %s: %s\n", cmd->name, msg.ptr);
	sov_cli_usage(stderr, cmd);
	sov_buf_release(&msg);
	return SOV_EXIT_USAGE;
}

int sov_cli_fail(void)
{
	sov_error_report();
	return SOV_EXIT_FAIL;
}

static void print_main_usage(FILE *out)
{
	struct sov_cli_slot slot = SOV_CLI_SLOT_INIT;
	const struct sov_cmd *cmd;
	size_t i;

	fprintf(out,
		"usage: sovsync [--version] [--help] <command> [<args>]\n"
		"\n"
		"Keeps a sovereign AI stack (memories, documents, conversations) in\n"
		"sync through plain git commit, pull and push.\n"
		"\n"
		"Commands:\n");
	for (i = 0; (cmd = command_at(i, &slot)); i++)
		if (!cmd->hidden)
			fprintf(out, "   %-16s %s\n", cmd->name, cmd->summary);
	slot_release(&slot);
	fprintf(out,
		"\n"
		"'sovsync help <command>' or 'sovsync <command> --help' describes a\n"
		"command; 'sovsync help --all' lists plumbing commands too.\n"
		"Set SOVSYNC_TRACE=1 (or =/path/to/file) to trace what sovsync does.\n");
}

/* Man page for `git sovsync --help`, which Git turns into `man git-sovsync`. */
static void print_man(FILE *out, const char *page)
{
	struct sov_cli_slot slot = SOV_CLI_SLOT_INIT;
	const struct sov_cmd *cmd;
	const char *p;
	size_t i;

	fputs(".TH ", out);
	for (p = page; *p; p++)
		fputc(toupper((unsigned char)*p), out);
	fprintf(out, " 1 \"\" \"sovsync %s\" \"sovsync manual\"\n", SOV_VERSION);
	fprintf(out, ".SH NAME\n%s \\- sync a sovereign AI stack through Git\n", page);
	fprintf(out, ".SH SYNOPSIS\n.B sovsync\n<command> [<args>]\n");
	fprintf(out, ".SH COMMANDS\n");
	for (i = 0; (cmd = command_at(i, &slot)); i++) {
		fprintf(out, ".SS %s\n.nf\n", cmd->name);
		/* Escape backslashes and leading dots for roff. */
		for (p = cmd->usage; *p; p++) {
			if (*p == '\\')
				fputs("\\e", out);
			else
				fputc(*p, out);
		}
		fprintf(out, "\n.fi\n%s\n.PP\n.nf\n", cmd->summary);
		for (p = cmd->help ? cmd->help : ""; *p; p++) {
			if ((p == cmd->help || p[-1] == '\n') && (*p == '.' || *p == '\''))
				fputs("\\&", out);
			if (*p == '\\')
				fputs("\\e", out);
			else
				fputc(*p, out);
		}
		fprintf(out, "\n.fi\n");
	}
	slot_release(&slot);
	fprintf(out, ".SH ENVIRONMENT\n.TP\n.B SOVSYNC_TRACE\n"
		"1 traces to standard error, an absolute path appends to that file.\n");
}

static int cmd_help(int argc, char **argv)
{
	struct sov_cli_slot slot = SOV_CLI_SLOT_INIT;
	const struct sov_cmd *cmd;

	if (argc == 1) {
		print_main_usage(stdout);
		return SOV_EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--all")) {
		size_t i;

		print_main_usage(stdout);
		printf("\nPlumbing commands (run by Git):\n");
		for (i = 0; (cmd = command_at(i, &slot)); i++)
			if (cmd->hidden)
				printf("   %-16s %s\n", cmd->name, cmd->summary);
		slot_release(&slot);
		return SOV_EXIT_OK;
	}
	if (argc == 3 && !strcmp(argv[1], "--man")) {
		print_man(stdout, argv[2]);
		return SOV_EXIT_OK;
	}
	if (argc != 2)
		return sov_cli_usage_error(&sov_cmd_help, "expected one command name");
	cmd = find_command(argv[1], &slot);
	if (!cmd) {
		fprintf(stderr, "sovsync: '%s' is not a sovsync command. See 'sovsync --help'.\n",
			argv[1]);
		slot_release(&slot);
		return SOV_EXIT_USAGE;
	}
	print_help(stdout, cmd);
	slot_release(&slot);
	return SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_help = {
	"help", cmd_help,
	"Show help for sovsync or one of its commands",
	"sovsync help [<command> | --all]",
	"With a command name, prints that command's usage and options, the same\n"
	"as 'sovsync <command> --help'.  With --all, lists plumbing commands too.\n",
	0,
};

static int is_help_flag(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

static int run(int argc, char **argv, struct sov_cli_slot *slot, const char **name)
{
	const struct sov_cmd *cmd;
	int ret;

	if (argc < 2) {
		print_main_usage(stderr);
		return SOV_EXIT_USAGE;
	}
	if (is_help_flag(argv[1]))
		return cmd_help(1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))
		cmd = &sov_cmd_version;
	else
		cmd = find_command(argv[1], slot);
	if (!cmd) {
		fprintf(stderr, "sovsync: '%s' is not a sovsync command. See 'sovsync --help'.\n\n",
			argv[1]);
		print_main_usage(stderr);
		return SOV_EXIT_USAGE;
	}
	*name = cmd->name;
	if (argc == 3 && is_help_flag(argv[2])) {
		print_help(stdout, cmd);
		return SOV_EXIT_OK;
	}

	/*
	 * `sovsync version` needs no more of libgit2 than
	 * git_libgit2_version(), `sovsync help` none of it: skip
	 * git_libgit2_init() and the TLS set-up it does (libgit2's mbedTLS back
	 * end decodes the whole CA bundle there, half of a process start).
	 */
	if (cmd == &sov_cmd_version || cmd == &sov_cmd_help) {
		sov_trace("run %s (%d args)", cmd->name, argc - 2);
		return cmd->fn(argc - 1, argv + 1);
	}
	git_libgit2_init();
	sov_trace("run %s (%d args)", cmd->name, argc - 2);
	ret = cmd->fn(argc - 1, argv + 1);
	git_libgit2_shutdown();
	return ret;
}

int main(int argc, char **argv)
{
	struct sov_cli_slot slot = SOV_CLI_SLOT_INIT;
	const char *name = "help";
	int ret;

	/* A closed pipe (git stopped reading) must be a write error, not death. */
	sov_os_ignore_sigpipe();
	/*
	 * Bytes in, bytes out: the filter process and the drivers talk to Git
	 * through stdin and stdout, and what any command prints into a file
	 * gets "\n", never "\r\n" (nothing to do on POSIX).
	 */
	if (sov_os_set_binary(0) < 0 || sov_os_set_binary(1) < 0)
		sov_error_clear();	/* a closed stream: its first use will say */
	/* Paths from Git (a driver's %A, a hook's arguments) as UTF-8 everywhere. */
	if (sov_os_utf8_argv(&argc, &argv) < 0)
		sov_error_clear();	/* as the C runtime gave them */
	/* The library's warnings and progress are printed here, by the program. */
	sov_warn_set_routine(sov_cli_print_warning);
	sov_progress_set_routine(sov_cli_print_progress);

	ret = run(argc, argv, &slot, &name);
	if (fflush(stdout) || ferror(stdout)) {
		sov_warn("%s: write to standard output failed", name);
		ret = SOV_EXIT_FAIL;
	}
	slot_release(&slot);
	return ret;
}
