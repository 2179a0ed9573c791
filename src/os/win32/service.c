/*
 * service.c - src/os/osservice.h with the service control manager.
 */
#include "osservice.h"
#include "error.h"
#include "osproc.h"
#include "watchwide.h"

#include <string.h>
#include <windows.h>

/*
 * What ServiceMain runs.  StartServiceCtrlDispatcherW calls ServiceMain
 * with no argument of ours, so the body reaches it through this one
 * variable, set once before the dispatcher starts; the control handler
 * gets its context (the service's state) as a parameter.
 */
struct service_run {
	const char *name;
	sov_os_service_body body;
	void *arg;
	int status;			/* the body's */
};

static struct service_run *volatile the_run;

struct service_state {
	SERVICE_STATUS_HANDLE handle;
	SERVICE_STATUS status;
	struct sov_os_stop *stop;
};

int sov_os_service_supported(void)
{
	return 1;
}

/* The SCM, or a service in it; error left on failure. */
static SC_HANDLE open_scm(DWORD access)
{
	SC_HANDLE scm = OpenSCManagerW(NULL, NULL, access);

	if (!scm)
		ww_error(GetLastError(), "cannot open the service control manager "
			 "(run as administrator?)");
	return scm;
}

static SC_HANDLE open_service(SC_HANDLE scm, const char *name, DWORD access)
{
	wchar_t *wname;
	SC_HANDLE svc;

	if (ww_to_wide(name, &wname) < 0)
		return NULL;
	svc = OpenServiceW(scm, wname, access);
	if (!svc) {
		DWORD err = GetLastError();
		struct sov_buf what = SOV_BUF_INIT;

		sov_buf_addf(&what, "service %s", name);
		if (err == ERROR_SERVICE_DOES_NOT_EXIST)
			sov_error_set(SOV_ENOTFOUND, "service %s: not installed", name);
		else
			ww_error(err, what.ptr);
		sov_buf_release(&what);
	}
	free(wname);
	return svc;
}

int sov_os_service_install(const struct sov_os_service_spec *spec)
{
	struct sov_buf cmd = SOV_BUF_INIT, exe = SOV_BUF_INIT;
	wchar_t *wname = NULL, *wdisplay = NULL, *wcmd = NULL, *wdesc = NULL;
	wchar_t *waccount = NULL, *wpassword = NULL;
	SC_HANDLE scm = NULL, svc = NULL;
	SERVICE_DESCRIPTIONW desc;
	const char *const *a;
	size_t i;
	int ret = -1;

	/* The SCM starts the program by the Windows form of its path. */
	sov_buf_addstr(&exe, spec->exe);
	for (i = 0; i < exe.len; i++)
		if (exe.ptr[i] == '/')
			exe.ptr[i] = '\\';
	sov_os_quote_arg(&cmd, exe.ptr);
	for (a = spec->args; *a; a++)
		sov_os_quote_arg(&cmd, *a);
	if (ww_to_wide(spec->name, &wname) < 0 || ww_to_wide(spec->display, &wdisplay) < 0 ||
	    ww_to_wide(cmd.ptr, &wcmd) < 0 || ww_to_wide(spec->description, &wdesc) < 0 ||
	    (spec->account && ww_to_wide(spec->account, &waccount) < 0) ||
	    (spec->password && ww_to_wide(spec->password, &wpassword) < 0))
		goto out;
	scm = open_scm(SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
	if (!scm)
		goto out;
	svc = CreateServiceW(scm, wname, wdisplay, SERVICE_ALL_ACCESS,
			     SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
			     wcmd, NULL, NULL, NULL, waccount, wpassword);
	if (!svc) {
		DWORD err = GetLastError();

		if (err == ERROR_SERVICE_EXISTS)
			sov_error("service %s: installed already ('sovsync service uninstall' "
				  "first)", spec->name);
		else
			ww_error(err, spec->name);
		goto out;
	}
	desc.lpDescription = wdesc;
	ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &desc);
	ret = 0;
out:
	if (svc)
		CloseServiceHandle(svc);
	if (scm)
		CloseServiceHandle(scm);
	if (wpassword)
		SecureZeroMemory(wpassword, wcslen(wpassword) * sizeof(wchar_t));
	free(wname);
	free(wdisplay);
	free(wcmd);
	free(wdesc);
	free(waccount);
	free(wpassword);
	sov_buf_release(&cmd);
	sov_buf_release(&exe);
	return ret;
}

/* Wait up to `wait_ms` for the service to leave a pending state. */
static int wait_state(SC_HANDLE svc, DWORD want, int wait_ms, SERVICE_STATUS *st)
{
	int waited = 0;

	for (;;) {
		if (!QueryServiceStatus(svc, st))
			return ww_error(GetLastError(), "QueryServiceStatus");
		if (st->dwCurrentState == want)
			return 0;
		if (st->dwCurrentState != SERVICE_START_PENDING &&
		    st->dwCurrentState != SERVICE_STOP_PENDING)
			return -1;
		if (waited >= wait_ms)
			return -1;
		Sleep(200);
		waited += 200;
	}
}

int sov_os_service_stop(const char *name, int wait_ms)
{
	SC_HANDLE scm = open_scm(SC_MANAGER_CONNECT), svc;
	SERVICE_STATUS st;
	int ret = -1;

	if (!scm)
		return -1;
	svc = open_service(scm, name, SERVICE_STOP | SERVICE_QUERY_STATUS);
	if (!svc)
		goto out;
	if (!ControlService(svc, SERVICE_CONTROL_STOP, &st)) {
		DWORD err = GetLastError();

		if (err == ERROR_SERVICE_NOT_ACTIVE)
			ret = 0;
		else
			ww_error(err, name);
		goto out;
	}
	if (wait_state(svc, SERVICE_STOPPED, wait_ms, &st) < 0) {
		if (!sov_error_isset())
			sov_error("service %s: did not stop within %d s", name, wait_ms / 1000);
		goto out;
	}
	ret = 0;
out:
	if (svc)
		CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return ret;
}

int sov_os_service_uninstall(const char *name)
{
	SC_HANDLE scm, svc;
	int ret = -1;

	if (sov_os_service_stop(name, 30000) < 0)
		return -1;
	scm = open_scm(SC_MANAGER_CONNECT);
	if (!scm)
		return -1;
	svc = open_service(scm, name, DELETE);
	if (svc && DeleteService(svc))
		ret = 0;
	else if (svc)
		ww_error(GetLastError(), name);
	if (svc)
		CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return ret;
}

int sov_os_service_start(const char *name)
{
	SC_HANDLE scm = open_scm(SC_MANAGER_CONNECT), svc;
	SERVICE_STATUS st;
	int ret = -1;

	if (!scm)
		return -1;
	svc = open_service(scm, name, SERVICE_START | SERVICE_QUERY_STATUS);
	if (!svc)
		goto out;
	if (!StartServiceW(svc, 0, NULL) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
		ww_error(GetLastError(), name);
		goto out;
	}
	if (wait_state(svc, SERVICE_RUNNING, 30000, &st) < 0) {
		if (!sov_error_isset())
			sov_error("service %s: did not start (exit code %lu; see "
				  ".git/sovsync/log and the Event Log)", name,
				  (unsigned long)(st.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR ?
						  st.dwServiceSpecificExitCode :
						  st.dwWin32ExitCode));
		goto out;
	}
	ret = 0;
out:
	if (svc)
		CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return ret;
}

static const char *state_name(DWORD state)
{
	switch (state) {
	case SERVICE_STOPPED:
		return "stopped";
	case SERVICE_START_PENDING:
		return "start pending";
	case SERVICE_STOP_PENDING:
		return "stop pending";
	case SERVICE_RUNNING:
		return "running";
	case SERVICE_CONTINUE_PENDING:
		return "continue pending";
	case SERVICE_PAUSE_PENDING:
		return "pause pending";
	case SERVICE_PAUSED:
		return "paused";
	}
	return "unknown";
}

int sov_os_service_status(const char *name, struct sov_buf *out)
{
	SC_HANDLE scm = open_scm(SC_MANAGER_CONNECT), svc;
	QUERY_SERVICE_CONFIGW *cfg = NULL;
	SERVICE_STATUS st;
	DWORD need = 0;
	int ret = -1;

	if (!scm)
		return -1;
	svc = open_service(scm, name, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
	if (!svc) {
		if (sov_error_code() == SOV_ENOTFOUND) {
			sov_error_clear();
			sov_buf_addf(out, "service: %s\nstate: not installed\n", name);
			ret = 0;
		}
		goto out;
	}
	if (!QueryServiceStatus(svc, &st)) {
		ww_error(GetLastError(), name);
		goto out;
	}
	sov_buf_addf(out, "service: %s\nstate: %s\n", name, state_name(st.dwCurrentState));
	if (st.dwCurrentState == SERVICE_STOPPED && st.dwWin32ExitCode &&
	    st.dwWin32ExitCode != ERROR_SERVICE_NEVER_STARTED)
		sov_buf_addf(out, "exit code: %lu\n",
			     (unsigned long)(st.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR ?
					     st.dwServiceSpecificExitCode : st.dwWin32ExitCode));
	QueryServiceConfigW(svc, NULL, 0, &need);
	if (need) {
		cfg = sov_malloc(need);
		if (QueryServiceConfigW(svc, cfg, need, &need)) {
			sov_buf_addstr(out, "command: ");
			ww_add_utf8(out, cfg->lpBinaryPathName, -1);
			sov_buf_addstr(out, "\naccount: ");
			ww_add_utf8(out, cfg->lpServiceStartName ? cfg->lpServiceStartName :
				    L"LocalSystem", -1);
			sov_buf_addch(out, '\n');
		}
	}
	ret = 1;
out:
	free(cfg);
	if (svc)
		CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return ret;
}

void sov_os_service_log(const char *name, int is_error, const char *msg)
{
	wchar_t *wname = NULL, *wmsg = NULL;
	const wchar_t *strings[1];
	HANDLE src;

	if (ww_to_wide(name, &wname) < 0 || ww_to_wide(msg, &wmsg) < 0) {
		sov_error_clear();
		goto out;
	}
	src = RegisterEventSourceW(NULL, wname);
	if (!src)
		goto out;
	strings[0] = wmsg;
	ReportEventW(src, is_error ? EVENTLOG_ERROR_TYPE : EVENTLOG_INFORMATION_TYPE, 0,
		     is_error ? 1 : 0, NULL, 1, 0, strings, NULL);
	DeregisterEventSource(src);
out:
	free(wname);
	free(wmsg);
}

static void set_state(struct service_state *s, DWORD state, DWORD wait_hint)
{
	s->status.dwCurrentState = state;
	s->status.dwWaitHint = wait_hint;
	s->status.dwControlsAccepted = state == SERVICE_RUNNING ?
		SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
	if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING)
		s->status.dwCheckPoint++;
	else
		s->status.dwCheckPoint = 0;
	SetServiceStatus(s->handle, &s->status);
}

/* The control handler: the SCM's thread.  Raises the stop request. */
static DWORD WINAPI on_control(DWORD control, DWORD type, void *data, void *context)
{
	struct service_state *s = context;

	switch (control) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		/* The watcher finishes its git command: allow it a minute. */
		set_state(s, SERVICE_STOP_PENDING, 60000);
		sov_os_stop_request(s->stop, control == SERVICE_CONTROL_STOP ?
				    SOV_STOP_SERVICE : SOV_STOP_SHUTDOWN);
		return NO_ERROR;
	case SERVICE_CONTROL_INTERROGATE:
		return NO_ERROR;
	default:
		return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
	struct service_run *run = the_run;
	struct service_state s;
	wchar_t *wname = NULL;

	memset(&s, 0, sizeof(s));
	s.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	if (sov_os_stop_new(&s.stop) < 0 || ww_to_wide(run->name, &wname) < 0) {
		run->status = 1;
		goto out;
	}
	s.handle = RegisterServiceCtrlHandlerExW(wname, on_control, &s);
	if (!s.handle) {
		ww_error(GetLastError(), "RegisterServiceCtrlHandlerExW");
		run->status = 1;
		goto out;
	}
	set_state(&s, SERVICE_START_PENDING, 10000);
	set_state(&s, SERVICE_RUNNING, 0);
	sov_os_service_log(run->name, 0, "sovsync watch started");
	run->status = run->body(run->arg, s.stop);
	if (run->status) {
		s.status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
		s.status.dwServiceSpecificExitCode = (DWORD)run->status;
	}
	sov_os_service_log(run->name, 0, run->status ? "sovsync watch stopped on an error" :
			   "sovsync watch stopped");
	set_state(&s, SERVICE_STOPPED, 0);
out:
	free(wname);
	sov_os_stop_free(s.stop);
}

int sov_os_service_run(const char *name, sov_os_service_body body, void *arg)
{
	/* Own process: the SCM ignores the name in the table. */
	static wchar_t empty[] = L"";
	SERVICE_TABLE_ENTRYW table[] = {
		{ empty, service_main },
		{ NULL, NULL },
	};
	struct service_run run = { name, body, arg, 0 };

	the_run = &run;
	if (!StartServiceCtrlDispatcherW(table)) {
		DWORD err = GetLastError();

		the_run = NULL;
		if (err == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
			return sov_error("watch --service: not started by the service control "
					 "manager (use 'sovsync service start')");
		return ww_error(err, "StartServiceCtrlDispatcherW");
	}
	the_run = NULL;
	return run.status;
}
