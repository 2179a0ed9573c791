/*
 * cli_service.c - `sovsync service install|uninstall|start|stop|status`:
 * `sovsync watch` as a Windows service (src/os/osservice.h).  Where there
 * are no Windows services it says so and shows the systemd user unit that
 * does the same job.
 */
#include "cli.h"
#include "ctx.h"
#include "error.h"
#include "hookinst.h"
#include "osfs.h"
#include "osservice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long `stop` waits for the watcher to finish its git command. */
#define STOP_WAIT_MS 60000

struct service_args {
	const char *name;
	const char *repo_dir;		/* --repo, for install */
	const char *account;		/* --user, for install */
};

/* The work tree of the repository at `dir`, without its trailing '/'. */
static int repo_workdir(const char *dir, struct sov_buf *out)
{
	struct sov_ctx ctx = SOV_CTX_INIT;
	const char *workdir;
	int ret = -1;

	if (sov_ctx_open(&ctx, dir, SOV_CTX_REPO) < 0)
		goto out;
	workdir = git_repository_workdir(ctx.repo);
	if (!workdir) {
		sov_error("%s: a bare repository has no files to watch", dir);
		goto out;
	}
	sov_buf_reset(out);
	sov_buf_addstr(out, workdir);
	while (out->len > 1 && out->ptr[out->len - 1] == '/')
		sov_buf_setlen(out, out->len - 1);
	ret = 0;
out:
	sov_ctx_release(&ctx);
	return ret;
}

static int do_install(const struct service_args *a)
{
	struct sov_buf exe = SOV_BUF_INIT, workdir = SOV_BUF_INIT, name_opt = SOV_BUF_INIT;
	struct sov_buf desc = SOV_BUF_INIT;
	struct sov_os_service_spec spec;
	const char *args[5];
	size_t n = 0;
	int ret = SOV_EXIT_FAIL;

	if (repo_workdir(a->repo_dir, &workdir) < 0 || sov_os_self_exe(&exe) < 0) {
		sov_error_report();
		goto out;
	}
	args[n++] = "watch";
	args[n++] = "--service";
	args[n++] = workdir.ptr;
	if (strcmp(a->name, SOV_SERVICE_NAME)) {
		sov_buf_addf(&name_opt, "--service-name=%s", a->name);
		args[n++] = name_opt.ptr;
	}
	args[n] = NULL;
	sov_buf_addf(&desc, "Keeps %s in sync through Git (sovsync watch); its log is "
		     ".git/sovsync/log there.", workdir.ptr);
	memset(&spec, 0, sizeof(spec));
	spec.name = a->name;
	spec.display = "sovsync watch";
	spec.description = desc.ptr;
	spec.exe = exe.ptr;
	spec.args = args;
	spec.account = a->account;
	spec.password = a->account ? getenv("SOVSYNC_SERVICE_PASSWORD") : NULL;
	if (sov_os_service_install(&spec) < 0) {
		sov_error_report();
		goto out;
	}
	printf("installed service %s: %s watch --service \"%s\"\n", a->name, exe.ptr,
	       workdir.ptr);
	printf("start it with 'sovsync service start%s%s' (it starts at boot from now on)\n",
	       strcmp(a->name, SOV_SERVICE_NAME) ? " --name=" : "",
	       strcmp(a->name, SOV_SERVICE_NAME) ? a->name : "");
	ret = SOV_EXIT_OK;
out:
	sov_buf_release(&exe);
	sov_buf_release(&workdir);
	sov_buf_release(&name_opt);
	sov_buf_release(&desc);
	return ret;
}

/*
 * No Windows services here: say so, and show the systemd user unit and
 * the systemctl command that does what `action` would.  Exit 1: nothing
 * was done.
 */
static int explain_systemd(const char *action, const struct service_args *a)
{
	struct sov_buf exe = SOV_BUF_INIT, workdir = SOV_BUF_INIT, quoted = SOV_BUF_INIT;
	const char *sysctl;

	if (sov_os_self_exe(&exe) < 0)
		sov_buf_addstr(&exe, "sovsync");
	if (repo_workdir(a->repo_dir, &workdir) < 0)
		sov_buf_addstr(&workdir, "/path/to/repository");
	sov_error_clear();
	sov_hookinst_shell_quote(workdir.ptr, &quoted);
	if (!strcmp(action, "install"))
		sysctl = "enable --now";
	else if (!strcmp(action, "uninstall"))
		sysctl = "disable --now";
	else
		sysctl = action;
	fprintf(stderr,
		"sovsync: service %s: Windows services exist on Windows only; nothing done.\n"
		"On this system run the watcher as a systemd user service: save as\n"
		"~/.config/systemd/user/sovsync-watch@.service (install/sovsync-watch.service\n"
		"has the full version):\n"
		"\n"
		"    [Unit]\n"
		"    Description=sovsync: keep %%f in sync through Git\n"
		"    [Service]\n"
		"    WorkingDirectory=%%f\n"
		"    ExecStart=%s watch\n"
		"    KillMode=mixed\n"
		"    TimeoutStopSec=60\n"
		"    Restart=on-failure\n"
		"    Environment=GIT_TERMINAL_PROMPT=0\n"
		"    [Install]\n"
		"    WantedBy=default.target\n"
		"\n"
		"then:\n"
		"\n"
		"    systemctl --user daemon-reload\n"
		"    systemctl --user %s \"sovsync-watch@$(systemd-escape --path %s).service\"\n",
		action, exe.ptr, sysctl, quoted.ptr);
	sov_buf_release(&exe);
	sov_buf_release(&workdir);
	sov_buf_release(&quoted);
	return SOV_EXIT_FAIL;
}

static int cmd_service(int argc, char **argv)
{
	struct service_args a = { SOV_SERVICE_NAME, NULL, NULL };
	struct sov_buf out = SOV_BUF_INIT;
	const char *action;
	int i, r;

	if (argc < 2)
		return sov_cli_usage_error(&sov_cmd_service, "expected an action");
	action = argv[1];
	if (strcmp(action, "install") && strcmp(action, "uninstall") &&
	    strcmp(action, "start") && strcmp(action, "stop") && strcmp(action, "status"))
		return sov_cli_usage_error(&sov_cmd_service, "unknown action '%s'", action);
	for (i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "--name=", 7) && argv[i][7] &&
		    !strpbrk(argv[i] + 7, "/\\"))
			a.name = argv[i] + 7;
		else if (!strcmp(action, "install") && !strcmp(argv[i], "--repo") &&
			 i + 1 < argc)
			a.repo_dir = argv[++i];
		else if (!strcmp(action, "install") && !strncmp(argv[i], "--repo=", 7))
			a.repo_dir = argv[i] + 7;
		else if (!strcmp(action, "install") && !strncmp(argv[i], "--user=", 7) &&
			 argv[i][7])
			a.account = argv[i] + 7;
		else
			return sov_cli_usage_error(&sov_cmd_service, "unknown argument '%s'",
						   argv[i]);
	}

	if (!sov_os_service_supported())
		return explain_systemd(action, &a);
	if (!strcmp(action, "install"))
		return do_install(&a);
	if (!strcmp(action, "uninstall")) {
		if (sov_os_service_uninstall(a.name) < 0)
			return sov_cli_fail();
		printf("removed service %s\n", a.name);
		return SOV_EXIT_OK;
	}
	if (!strcmp(action, "start")) {
		if (sov_os_service_start(a.name) < 0)
			return sov_cli_fail();
		printf("service %s is running\n", a.name);
		return SOV_EXIT_OK;
	}
	if (!strcmp(action, "stop")) {
		if (sov_os_service_stop(a.name, STOP_WAIT_MS) < 0)
			return sov_cli_fail();
		printf("service %s is stopped\n", a.name);
		return SOV_EXIT_OK;
	}
	r = sov_os_service_status(a.name, &out);
	if (r < 0) {
		sov_buf_release(&out);
		return sov_cli_fail();
	}
	fputs(out.ptr, stdout);
	sov_buf_release(&out);
	/* Like `systemctl status`: 0 only when it is installed. */
	return r ? SOV_EXIT_OK : SOV_EXIT_FAIL;
}

const struct sov_cmd sov_cmd_service = {
	"service", cmd_service,
	"Run 'sovsync watch' as a Windows service",
	"sovsync service install [--name=<name>] [--repo <dir>] [--user=<account>]\n"
	"sovsync service (uninstall | start | stop | status) [--name=<name>]",
	"On Windows, registers 'sovsync watch' for the repository with the\n"
	"service control manager (run these from an administrator's console):\n"
	"\n"
	"    install     register the service <name> (default sovsync), started\n"
	"                at boot, running '<this sovsync.exe> watch --service <dir>'\n"
	"                for the repository at --repo (default: here)\n"
	"    uninstall   stop it and remove it\n"
	"    start       start it now (and wait until it runs)\n"
	"    stop        ask it to stop: the git command in progress finishes, the\n"
	"                rest of the cycle is skipped (waits up to 60s)\n"
	"    status      print its state, command line and account; exit 1 when\n"
	"                it is not installed\n"
	"\n"
	"The service runs as LocalSystem unless --user=<account> (\".\\\\me\" or\n"
	"\"DOMAIN\\\\me\") names the account, with its password in the environment\n"
	"variable SOVSYNC_SERVICE_PASSWORD.  Run it as the user who owns the\n"
	"repository: Git refuses a repository owned by someone else, and the\n"
	"account's Git credentials are what pushes.  The account needs the \"Log on\n"
	"as a service\" right (setting the account in services.msc grants it).\n"
	"Use one --name per repository to watch several.\n"
	"\n"
	"The watcher writes one line per cycle to .git/sovsync/log (rotated at\n"
	"1 MiB); the service's start, stop and a failure to start also go to\n"
	"the Event Log (Application, source <name>).  The debounce, scan and\n"
	"backoff are the same as 'sovsync watch' (see 'sovsync help watch'),\n"
	"set in the repository's sovsync.watch.* config.\n"
	"\n"
	"On other systems there are no Windows services: the command prints the\n"
	"systemd user unit and the systemctl command that do the same job, and\n"
	"exits 1.\n"
	"\n"
	"Exit status: 0 done, 1 failed (or not Windows), 2 wrong usage.\n",
	0,
};
