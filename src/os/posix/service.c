/*
 * service.c - src/os/osservice.h where there is no service control
 * manager: every call fails and says so (a systemd user unit does the
 * job on Linux: install/sovsync-watch.service, `sovsync service`).
 */
#include "osservice.h"
#include "error.h"

static int unsupported(const char *name)
{
	return sov_error("service %s: Windows services exist on Windows only; on this system run "
			 "'sovsync watch' as a systemd user service (see 'sovsync service "
			 "--help')", name ? name : "service");
}

int sov_os_service_supported(void)
{
	return 0;
}

int sov_os_service_install(const struct sov_os_service_spec *spec)
{
	return unsupported(spec->name);
}

int sov_os_service_uninstall(const char *name)
{
	return unsupported(name);
}

int sov_os_service_start(const char *name)
{
	return unsupported(name);
}

int sov_os_service_stop(const char *name, int wait_ms)
{
	return unsupported(name);
}

int sov_os_service_status(const char *name, struct sov_buf *out)
{
	return unsupported(name);
}

int sov_os_service_run(const char *name, sov_os_service_body body, void *arg)
{
	return unsupported(name);
}

void sov_os_service_log(const char *name, int is_error, const char *msg)
{
	/* No Event Log here: the repository's log has the watcher's lines. */
}
