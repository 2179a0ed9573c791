/*
 * osservice.h - `sovsync watch` as a Windows service.
 *
 * The service control manager (SCM) starts "<exe> watch --service <work
 * tree>" (the binary path CreateServiceW records); that process hands its
 * main thread to StartServiceCtrlDispatcherW, which runs the body (the
 * watcher) in a thread of its own with a stop request (src/os/osstop.h)
 * that the control handler raises on SERVICE_CONTROL_STOP and
 * SERVICE_CONTROL_SHUTDOWN: the watcher finishes the git command it is in
 * and returns, and the service reports SERVICE_STOPPED with the body's
 * status.  The watcher logs its cycles to the repository's log
 * (.git/sovsync/log) as always; starting, stopping and a failure to start
 * also go to the Windows Event Log (Application, source = service name).
 *
 * On other systems there is no SCM: sov_os_service_supported() is 0 and
 * the other functions fail with a message saying so (`sovsync service`
 * shows the systemd user unit instead).
 *
 * Implemented in src/os/win32/service.c and src/os/posix/service.c.
 */
#ifndef SOV_OS_SERVICE_H
#define SOV_OS_SERVICE_H

#include "buf.h"
#include "osstop.h"

/* The service's name unless told otherwise. */
#define SOV_SERVICE_NAME "sovsync"

/* What `sovsync service install` registers. */
struct sov_os_service_spec {
	const char *name;		/* service name, e.g. "sovsync" */
	const char *display;		/* display name */
	const char *description;
	const char *exe;		/* absolute path of sovsync.exe */
	const char *const *args;	/* its arguments, NULL-terminated */
	const char *account;		/* run as this account, NULL: LocalSystem */
	const char *password;		/* the account's password, or NULL */
};

/* 1 where services exist (Windows), 0 elsewhere. */
int sov_os_service_supported(void);

/* Register the service (started automatically at boot).  0 or -1. */
int sov_os_service_install(const struct sov_os_service_spec *spec);

/* Stop it if it runs, then delete it.  0 or -1. */
int sov_os_service_uninstall(const char *name);

/* Ask the SCM to start it; returns once it runs (or failed).  0 or -1. */
int sov_os_service_start(const char *name);

/* Send it SERVICE_CONTROL_STOP and wait up to `wait_ms` for it to stop.  0 or -1. */
int sov_os_service_stop(const char *name, int wait_ms);

/*
 * Its state ("running", "stopped", "start pending", ..., or "not
 * installed") and command line, one "key: value" line each, appended to
 * `out`.  Returns 1 installed, 0 not installed, -1 error.
 */
int sov_os_service_status(const char *name, struct sov_buf *out);

/* The service's work, run under the SCM; returns 0 or an exit code. */
typedef int (*sov_os_service_body)(void *arg, struct sov_os_stop *stop);

/*
 * Called by the process the SCM started: run `body(arg, stop)` as the
 * service `name` until it returns.  -1 when the process was not started by
 * the SCM (run from a console) or the dispatcher failed; else the body's
 * status.
 */
int sov_os_service_run(const char *name, sov_os_service_body body, void *arg);

/* Write `msg` to the Event Log under the source `name`. */
void sov_os_service_log(const char *name, int is_error, const char *msg);

#endif
