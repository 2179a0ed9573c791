/*
 * osproc.c (Windows) - child processes through CreateProcessW; see
 * src/os/osproc.h.
 *
 * The command line is quoted by sov_os_quote_arg(); argv[0] is found as
 * CreateProcessW finds it (".exe" added, PATH searched).  The three pipes
 * are serviced by threads: one writes stdin, one reads stderr, the calling
 * thread reads stdout; a fourth, with a timeout, watches the clock.  A
 * child with a timeout runs in a job object that dies with us (the
 * processes it starts are in it too): at its timeout the whole job is
 * terminated (Windows has no SIGTERM to let it clean up first).
 */
#include "osproc.h"
#include "oswin.h"
#include "error.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <shellapi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* How often the watchdog looks at the clock when nothing else wakes it. */
#define WATCH_STEP_MS 50
/* Git for Windows' exit status after a write to a closed pipe. */
#define SIGPIPE_STATUS 141

struct child {
	const struct sov_run *run;
	HANDLE process, job;
	HANDLE in_w, out_r, err_r;
	volatile LONG64 last_activity;
	volatile LONG timed_out;	/* 1 idle, 2 total */
	volatile LONG done;
};

static void touch(struct child *c)
{
	InterlockedExchange64(&c->last_activity, (LONG64)GetTickCount64());
}

static unsigned __stdcall stdin_writer(void *arg)
{
	struct child *c = arg;
	const char *p = c->run->in;
	size_t left = c->run->in_len;

	while (left) {
		DWORD n = left > 65536 ? 65536 : (DWORD)left, wrote = 0;

		if (!WriteFile(c->in_w, p, n, &wrote, NULL))
			break;	/* the child stopped reading: as EPIPE */
		p += wrote;
		left -= wrote;
		touch(c);
	}
	CloseHandle(c->in_w);
	c->in_w = NULL;
	return 0;
}

static unsigned __stdcall stderr_reader(void *arg)
{
	struct child *c = arg;
	char buf[65536];
	DWORD got;

	while (ReadFile(c->err_r, buf, sizeof(buf), &got, NULL) && got) {
		touch(c);
		if (c->run->err)
			sov_buf_add(c->run->err, buf, got);
	}
	return 0;
}

static unsigned __stdcall watchdog(void *arg)
{
	struct child *c = arg;
	const struct sov_run *run = c->run;
	int64_t started = (int64_t)GetTickCount64();

	while (!c->done) {
		int64_t now = (int64_t)GetTickCount64(), limit_at = INT64_MAX, wait;

		if (run->idle_timeout_ms > 0)
			limit_at = (int64_t)c->last_activity + run->idle_timeout_ms;
		if (run->timeout_ms > 0 && started + run->timeout_ms < limit_at)
			limit_at = started + run->timeout_ms;
		if (now >= limit_at) {
			LONG why = run->idle_timeout_ms > 0 &&
				   now - (int64_t)c->last_activity >= run->idle_timeout_ms ? 1 : 2;

			InterlockedExchange(&c->timed_out, why);
			TerminateJobObject(c->job, 1);
			break;
		}
		/*
		 * On until the caller has all of the output: a process the
		 * child started may hold the pipes after the child is gone.
		 */
		wait = limit_at - now;
		Sleep((DWORD)(wait > WATCH_STEP_MS ? WATCH_STEP_MS : wait));
	}
	return 0;
}

/* A pipe: our end not inheritable, the child's inheritable. */
static int make_pipe(HANDLE *child_end, HANDLE *our_end, int child_reads)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	HANDLE r, w;

	if (!CreatePipe(&r, &w, &sa, 0))
		return sov_win_errno(GetLastError());
	*child_end = child_reads ? r : w;
	*our_end = child_reads ? w : r;
	SetHandleInformation(*our_end, HANDLE_FLAG_INHERIT, 0);
	return 0;
}

static HANDLE inheritable_null(void)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };

	return CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE,
			   FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, NULL);
}

static void close_handle(HANDLE *h)
{
	if (*h && *h != INVALID_HANDLE_VALUE)
		CloseHandle(*h);
	*h = NULL;
}

static const char *name_of(const struct sov_run *run, struct sov_buf *buf)
{
	sov_buf_reset(buf);
	sov_buf_addf(buf, "%s%s%s", run->argv[0], run->argv[1] ? " " : "",
		     run->argv[1] ? run->argv[1] : "");
	return buf->ptr;
}

int sov_os_run(const struct sov_run *run)
{
	struct child c = { .run = run };
	HANDLE child_in = NULL, child_out = NULL, child_err = NULL;
	HANDLE threads[3] = { NULL, NULL, NULL };
	STARTUPINFOW si = { .cb = sizeof(si) };
	PROCESS_INFORMATION pi = { 0 };
	wchar_t *cmdline = NULL, *env = NULL, *dir = NULL;
	int limited = run->idle_timeout_ms > 0 || run->timeout_ms > 0;
	int out_failed = 0, out_enough = 0, ret = -1, i;
	struct sov_buf name = SOV_BUF_INIT;
	DWORD flags = CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW, status = 0;

	if ((run->in && run->in_len ? make_pipe(&child_in, &c.in_w, 1) :
	     ((child_in = inheritable_null()) == INVALID_HANDLE_VALUE ?
	      sov_win_errno(GetLastError()) : 0)) < 0 ||
	    make_pipe(&child_out, &c.out_r, 0) < 0 ||
	    (!run->inherit_stderr && make_pipe(&child_err, &c.err_r, 0) < 0)) {
		sov_error_errno("%s: cannot create pipes", run->argv[0]);
		goto out;
	}
	if (run->inherit_stderr &&
	    !DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_ERROR_HANDLE),
			     GetCurrentProcess(), &child_err, 0, TRUE, DUPLICATE_SAME_ACCESS))
		child_err = NULL;	/* no stderr of ours: the child has none either */
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = child_in;
	si.hStdOutput = child_out;
	si.hStdError = child_err;

	cmdline = sov_win_cmdline(NULL, run->argv);
	env = sov_win_env_block(run->env, NULL);
	if (run->dir && !(dir = sov_win_wide(run->dir)))
		goto cannot_run;
	if (!cmdline)
		goto cannot_run;
	if (limited) {
		JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim = { 0 };

		/*
		 * Its processes die with the job, and the job with us; but
		 * one that detaches on purpose (the webhook sender a hook
		 * starts, src/os/osdetach.h) may leave it, as setsid()
		 * leaves the process group on POSIX.
		 */
		c.job = CreateJobObjectW(NULL, NULL);
		lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
						       JOB_OBJECT_LIMIT_BREAKAWAY_OK;
		if (!c.job || !SetInformationJobObject(c.job, JobObjectExtendedLimitInformation,
						       &lim, sizeof(lim))) {
			sov_win_errno(GetLastError());
			sov_error_errno("%s: cannot create a job object", run->argv[0]);
			goto out;
		}
		flags |= CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP;
	}
	if (!CreateProcessW(NULL, cmdline, NULL, NULL, TRUE, flags, env, dir, &si, &pi)) {
		sov_win_errno(GetLastError());
		goto cannot_run;
	}
	c.process = pi.hProcess;
	if (limited) {
		if (!AssignProcessToJobObject(c.job, pi.hProcess)) {
			sov_win_errno(GetLastError());
			TerminateProcess(pi.hProcess, 1);
			sov_error_errno("%s: cannot put it in a job object", run->argv[0]);
			goto out;
		}
		ResumeThread(pi.hThread);
	}
	close_handle(&pi.hThread);
	/* Only the child holds its ends now: its exit closes the pipes. */
	close_handle(&child_in);
	close_handle(&child_out);
	close_handle(&child_err);

	touch(&c);
	if (c.in_w)
		threads[0] = (HANDLE)_beginthreadex(NULL, 0, stdin_writer, &c, 0, NULL);
	if (c.err_r)
		threads[1] = (HANDLE)_beginthreadex(NULL, 0, stderr_reader, &c, 0, NULL);
	if (limited)
		threads[2] = (HANDLE)_beginthreadex(NULL, 0, watchdog, &c, 0, NULL);

	for (;;) {
		char buf[65536];
		DWORD got;
		int r;

		if (!ReadFile(c.out_r, buf, sizeof(buf), &got, NULL) || !got)
			break;
		touch(&c);
		if (run->out_fn) {
			r = run->out_fn(run->out_ctx, buf, got);
			if (r != 0) {
				/* No use reading on: its next write fails. */
				out_failed = r < 0;
				out_enough = r > 0;
				break;
			}
		} else if (run->out) {
			sov_buf_add(run->out, buf, got);
		}
	}
	close_handle(&c.out_r);
	WaitForSingleObject(pi.hProcess, INFINITE);
	for (i = 0; i < 3; i++) {
		if (i == 2)
			c.done = 1;	/* stdin written, stderr read: the clock stops */
		if (threads[i]) {
			WaitForSingleObject(threads[i], INFINITE);
			CloseHandle(threads[i]);
		}
	}
	GetExitCodeProcess(pi.hProcess, &status);
	if (c.timed_out) {
		if (c.timed_out == 2)
			sov_error("%s: still running after %.1f s: stopped it and the "
				  "processes it started", name_of(run, &name),
				  (double)run->timeout_ms / 1000.0);
		else
			sov_error("%s: no answer for %.1f s: stopped it and the processes "
				  "it started", name_of(run, &name),
				  (double)run->idle_timeout_ms / 1000.0);
		goto out;
	}
	/* An NTSTATUS (a crash) is no exit status: report it as a death. */
	ret = status > 255 ? 255 : (int)status;
	if (out_failed)
		ret = -1;	/* the callback's message stands */
	else if (out_enough && ret == SIGPIPE_STATUS)
		ret = 0;	/* stopped because the rest was not wanted */
	goto out;
cannot_run:
	sov_error_errno("cannot run %s", run->argv[0]);
out:
	if (c.in_w && !threads[0])
		close_handle(&c.in_w);
	close_handle(&c.out_r);
	close_handle(&c.err_r);
	close_handle(&child_in);
	close_handle(&child_out);
	close_handle(&child_err);
	close_handle(&pi.hThread);
	close_handle(&pi.hProcess);
	close_handle(&c.job);
	free(cmdline);
	free(env);
	free(dir);
	sov_buf_release(&name);
	return ret;
}

/* The C runtime's copy of every variable beyond ASCII, as UTF-8. */
static void utf8_environ(void)
{
	wchar_t *block = GetEnvironmentStringsW(), *e;

	for (e = block; e && *e; e += wcslen(e) + 1) {
		struct sov_buf name = SOV_BUF_INIT, value = SOV_BUF_INIT;
		const wchar_t *eq = wcschr(e + 1, L'='), *p;
		wchar_t *wname;
		int ascii = 1;

		for (p = e; *p && ascii; p++)
			ascii = *p < 128;
		if (ascii || !eq || *e == L'=')
			continue;	/* "=C:=C:\x": cmd's per-drive directories */
		wname = sov_malloc(((size_t)(eq - e) + 1) * sizeof(wchar_t));
		memcpy(wname, e, (size_t)(eq - e) * sizeof(wchar_t));
		wname[eq - e] = 0;
		if (sov_win_utf8(wname, &name) == 0 && sov_win_utf8(eq + 1, &value) == 0 &&
		    _putenv_s(name.ptr, value.ptr) == 0)
			SetEnvironmentVariableW(wname, eq + 1);	/* as it was, for children */
		free(wname);
		sov_buf_release(&name);
		sov_buf_release(&value);
	}
	if (block)
		FreeEnvironmentStringsW(block);
}

int sov_os_utf8_argv(int *argc, char ***argv)
{
	int n, i;
	wchar_t **w;
	char **v;

	utf8_environ();
	w = CommandLineToArgvW(GetCommandLineW(), &n);
	if (!w) {
		sov_win_errno(GetLastError());
		return sov_error_errno("cannot read the command line");
	}
	v = sov_calloc((size_t)n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		struct sov_buf arg = SOV_BUF_INIT;

		if (sov_win_utf8(w[i], &arg) < 0) {
			LocalFree(w);
			return sov_error("argument %d is not valid UTF-16", i);
		}
		v[i] = sov_buf_detach(&arg, NULL);
	}
	LocalFree(w);
	*argc = n;
	*argv = v;	/* kept until exit, as the C runtime's */
	return 0;
}

long sov_os_getpid(void)
{
	return (long)GetCurrentProcessId();
}

int sov_os_cpu_count(void)
{
	DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);

	return n > 0 ? (int)n : 1;
}

void sov_os_ignore_sigpipe(void)
{
	/* No SIGPIPE: a write to a closed pipe fails with EPIPE/EINVAL. */
}

int sov_os_set_binary(int fd)
{
	if (_setmode(fd, _O_BINARY) < 0)
		return sov_error_errno("cannot put descriptor %d in binary mode", fd);
	return 0;
}
