/*
 * cli_install.c - `sovsync install` and `sovsync uninstall`.
 */
#include "cli.h"
#include "error.h"
#include "install.h"

#include <stdio.h>
#include <string.h>

/* --repo <dir> / --repo=<dir> at argv[*i]; 1 if it was one. */
static int repo_arg(int argc, char **argv, int *i, const char **dir)
{
	if (!strcmp(argv[*i], "--repo") && *i + 1 < argc) {
		*dir = argv[++*i];
		return 1;
	}
	if (!strncmp(argv[*i], "--repo=", 7)) {
		*dir = argv[*i] + 7;
		return 1;
	}
	return 0;
}

static int cmd_install(int argc, char **argv)
{
	struct sov_install_opts opts = { ".", NULL, 0, 0 };
	struct sov_buf exe = SOV_BUF_INIT, log = SOV_BUF_INIT;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (repo_arg(argc, argv, &i, &opts.repo_dir))
			continue;
		if (!strcmp(argv[i], "--github-actions"))
			opts.github_actions = 1;
		else if (!strcmp(argv[i], "--hooks-path"))
			opts.hooks_path = 1;
		else
			return sov_cli_usage_error(&sov_cmd_install, "unknown argument '%s'",
						   argv[i]);
	}
	if (sov_install_self_path(&exe) < 0)
		return sov_cli_fail();
	opts.exe = exe.ptr;
	ret = sov_install(&opts, &log);
	fputs(log.ptr, stdout);
	if (!ret && !log.len)
		printf("sovsync is installed in %s; nothing to change\n", opts.repo_dir);
	sov_buf_release(&exe);
	sov_buf_release(&log);
	return ret < 0 ? sov_cli_fail() : SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_install = {
	"install", cmd_install,
	"Set up a repository: filter, merge drivers, attributes, layout, hooks",
	"sovsync install [--repo <dir>] [--github-actions] [--hooks-path]",
	"Writes the repository's local git config for the sovsync filter\n"
	"(filter.sovsync.process, clean/smudge fallbacks, required), the textconv\n"
	"diff driver and the merge drivers (memories, state, index, doc), with this\n"
	"program's absolute path so that Git run by any client finds it; sets\n"
	"sovsync.branch to the current branch when unset, and pull.rebase=false\n"
	"when neither pull.rebase nor pull.ff is set anywhere (a plain 'git pull'\n"
	"of diverged histories then merges, with the drivers, instead of\n"
	"stopping; a choice of yours stands); adds the sovsync lines\n"
	"to .gitattributes; creates the synced layout (sovsync.root, default\n"
	"'shared') from the built-in template where files are absent; installs\n"
	"the hooks into Git's hooks directory (core.hooksPath respected), keeping\n"
	"and chaining any hook already there; adds the fetch refspec that brings\n"
	"the chunks of large files (+refs/sovsync/*:refs/sovsync/remotes/<remote>/*)\n"
	"to sovsync.remote when it exists.  Running it again changes nothing.\n"
	"\n"
	"Nothing is written or read through a symbolic link: a root, a directory\n"
	"under it or a .gitattributes that is a link (or a .gitattributes that is\n"
	"a directory) makes install refuse, naming the path, before it writes\n"
	"anything.  sovsync.root is a directory below the top ('shared/' and\n"
	"'./shared' mean 'shared'; '.', '..' components and absolute paths are\n"
	"refused).\n"
	"\n"
	"   --repo <dir>        the repository (default: the current directory)\n"
	"   --github-actions    also write .github/workflows/sovsync.yml, which\n"
	"                       POSTs pushes to the sync branch to the webhook URL\n"
	"                       (secrets SOVSYNC_WEBHOOK_URL, SOVSYNC_WEBHOOK_TOKEN)\n"
	"   --hooks-path        install the hooks into core.hooksPath even though it\n"
	"                       is outside the repository's git directory (a global\n"
	"                       or shared hooks directory, husky's .husky); without\n"
	"                       it install refuses, since other repositories would\n"
	"                       run the hooks too.  In a repository where sovsync\n"
	"                       is not installed its hooks do nothing.\n",
	0,
};

static int cmd_clone(int argc, char **argv)
{
	struct sov_install_opts opts = { NULL, NULL, 0, 0 };
	struct sov_buf exe = SOV_BUF_INIT, log = SOV_BUF_INIT;
	const char *url = NULL, *dir = NULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--github-actions"))
			opts.github_actions = 1;
		else if (argv[i][0] == '-' && strcmp(argv[i], "--"))
			return sov_cli_usage_error(&sov_cmd_clone, "unknown option '%s'",
						   argv[i]);
		else if (!strcmp(argv[i], "--") && i + 1 < argc)
			continue;
		else if (!url)
			url = argv[i];
		else if (!dir)
			dir = argv[i];
		else
			return sov_cli_usage_error(&sov_cmd_clone, "too many arguments");
	}
	if (!url)
		return sov_cli_usage_error(&sov_cmd_clone, "a repository URL is needed");
	if (sov_install_self_path(&exe) < 0)
		return sov_cli_fail();
	opts.exe = exe.ptr;
	ret = sov_install_clone(url, dir, &opts, &log);
	fputs(log.ptr, stdout);
	sov_buf_release(&exe);
	sov_buf_release(&log);
	return ret < 0 ? sov_cli_fail() : SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_clone = {
	"clone", cmd_clone,
	"Clone a synced repository and set it up in one step",
	"sovsync clone [--github-actions] <url> [<dir>]",
	"Runs 'git clone <url> [<dir>]' with the sovsync filter and the fetch\n"
	"refspec of the chunks of large files already set in the new repository,\n"
	"so its large files are checked out with their real content (never in\n"
	"their stored form), then 'sovsync install' there.\n"
	"Without <dir>, the directory is named as 'git clone' names it.  (In a\n"
	"clone made by plain 'git clone', 'sovsync install' gives the large files\n"
	"their real content as well.)\n"
	"\n"
	"   --github-actions    as for 'sovsync install'\n",
	0,
};

static int cmd_uninstall(int argc, char **argv)
{
	struct sov_buf log = SOV_BUF_INIT;
	const char *dir = ".";
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!repo_arg(argc, argv, &i, &dir))
			return sov_cli_usage_error(&sov_cmd_uninstall, "unknown argument '%s'",
						   argv[i]);
	}
	ret = sov_uninstall(dir, &log);
	fputs(log.ptr, stdout);
	sov_buf_release(&log);
	return ret < 0 ? sov_cli_fail() : SOV_EXIT_OK;
}

const struct sov_cmd sov_cmd_uninstall = {
	"uninstall", cmd_uninstall,
	"Remove what 'sovsync install' added to a repository",
	"sovsync uninstall [--repo <dir>]",
	"Removes the hooks sovsync installed and puts back the hooks they\n"
	"chained, restores or unsets the git config values install set, removes\n"
	"the .gitattributes lines it added (and the file if it created it) and\n"
	"the workflow it wrote (if unchanged), as recorded in\n"
	".git/sovsync/install.json.  The synced data stays.\n"
	"\n"
	"   --repo <dir>        the repository (default: the current directory)\n",
	0,
};
