/*
 * stop.c - the stop request of src/os/osstop.h on Windows: a flag and a
 * manual-reset event, raised by the console's Ctrl+C, Ctrl+Break and close
 * (a console control handler, which Windows runs in a thread of its own)
 * and by the service control handler (src/os/win32/service.c).
 */
#include "osstop.h"
#include "error.h"
#include "watchwide.h"

#include <windows.h>

struct sov_os_stop {
	volatile sig_atomic_t reason;
	HANDLE event;		/* set when raised */
};

/* The request the console handler raises: see osstop.h. */
static struct sov_os_stop *volatile console_stop;

int sov_os_stop_new(struct sov_os_stop **out)
{
	struct sov_os_stop *s = sov_calloc(1, sizeof(*s));

	s->event = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!s->event) {
		free(s);
		*out = NULL;
		return ww_error(GetLastError(), "cannot create the stop event");
	}
	*out = s;
	return 0;
}

void sov_os_stop_free(struct sov_os_stop *stop)
{
	if (!stop)
		return;
	if (console_stop == stop)
		sov_os_stop_signals_restore();
	CloseHandle(stop->event);
	free(stop);
}

void sov_os_stop_request(struct sov_os_stop *stop, enum sov_os_stop_reason reason)
{
	/* The first reason is kept; sig_atomic_t is a LONG-sized int here. */
	InterlockedCompareExchange((volatile LONG *)&stop->reason, (LONG)reason, 0);
	SetEvent(stop->event);
}

enum sov_os_stop_reason sov_os_stop_requested(const struct sov_os_stop *stop)
{
	return (enum sov_os_stop_reason)stop->reason;
}

volatile sig_atomic_t *sov_os_stop_flag(struct sov_os_stop *stop)
{
	return &stop->reason;
}

intptr_t sov_os_stop_waitable(const struct sov_os_stop *stop)
{
	return (intptr_t)stop->event;
}

void sov_os_stop_drain(struct sov_os_stop *stop)
{
	/* A manual-reset event stays set: nothing to empty. */
}

static BOOL WINAPI on_console_event(DWORD type)
{
	struct sov_os_stop *stop = console_stop;

	if (!stop)
		return FALSE;
	switch (type) {
	case CTRL_C_EVENT:
		sov_os_stop_request(stop, SOV_STOP_INTERRUPT);
		return TRUE;
	case CTRL_BREAK_EVENT:
		sov_os_stop_request(stop, SOV_STOP_TERMINATE);
		return TRUE;
	case CTRL_CLOSE_EVENT:
	case CTRL_LOGOFF_EVENT:
	case CTRL_SHUTDOWN_EVENT:
		/*
		 * The process ends when this returns: give the loop the few
		 * seconds Windows allows to finish its git command.
		 */
		sov_os_stop_request(stop, SOV_STOP_TERMINATE);
		Sleep(4000);
		return TRUE;
	default:
		return FALSE;
	}
}

int sov_os_stop_on_signals(struct sov_os_stop *stop)
{
	console_stop = stop;
	if (!SetConsoleCtrlHandler(on_console_event, TRUE))
		return ww_error(GetLastError(), "SetConsoleCtrlHandler");
	return 0;
}

void sov_os_stop_signals_restore(void)
{
	SetConsoleCtrlHandler(on_console_event, FALSE);
	console_stop = NULL;
}
