/*
 * osstop.h - a request to stop a long-running loop (the watcher), raised
 * from wherever the system delivers it and noticed at once by a waiting
 * loop.
 *
 * On POSIX systems SIGINT, SIGTERM and SIGHUP raise it (a handler writes
 * to a self-pipe that the waiting poll(2) watches); on Windows Ctrl+C,
 * Ctrl+Break and closing the console do (a console control handler, run
 * in a thread of its own, sets an event), and so do the service control
 * manager's STOP and SHUTDOWN (src/os/osservice.h).  A handler rather than
 * blocked signals keeps the signals deliverable to git children, which
 * would inherit a blocked mask.
 *
 * The request is an object the caller owns and hands down (the watcher
 * gets it through struct sov_watch_opts); the one piece of process-wide
 * state is the pointer the signal or console handler reaches it by, set
 * by sov_os_stop_on_signals() and cleared by sov_os_stop_signals_restore(),
 * because such a handler has no other way to reach it.
 *
 * Implemented in src/os/posix/stop.c and src/os/win32/stop.c.
 */
#ifndef SOV_OS_STOP_H
#define SOV_OS_STOP_H

#include <signal.h>
#include <stdint.h>

/* Why the loop was asked to stop; 0: it was not. */
enum sov_os_stop_reason {
	SOV_STOP_NONE = 0,
	SOV_STOP_INTERRUPT,	/* SIGINT, Ctrl+C */
	SOV_STOP_TERMINATE,	/* SIGTERM, Ctrl+Break, the console closed */
	SOV_STOP_HANGUP,	/* SIGHUP */
	SOV_STOP_SERVICE,	/* the service control manager's STOP */
	SOV_STOP_SHUTDOWN,	/* the system shuts down (service SHUTDOWN) */
};

struct sov_os_stop;

/* A new, unraised request (*out owned by the caller: sov_os_stop_free). */
int sov_os_stop_new(struct sov_os_stop **out);
void sov_os_stop_free(struct sov_os_stop *stop);

/*
 * Raise the request (a reason above; the first one raised is kept).  Safe
 * from a signal handler and from another thread.
 */
void sov_os_stop_request(struct sov_os_stop *stop, enum sov_os_stop_reason reason);

/* The reason it was raised for, or SOV_STOP_NONE. */
enum sov_os_stop_reason sov_os_stop_requested(const struct sov_os_stop *stop);

/* The flag sov_sync_opts.stop polls between the steps of a cycle. */
volatile sig_atomic_t *sov_os_stop_flag(struct sov_os_stop *stop);

/* "Terminated", "Interrupt", ... as strsignal(3) names the signals. */
const char *sov_os_stop_reason_name(enum sov_os_stop_reason reason);

/*
 * What a wait of the os layer watches besides its own events (the read
 * end of the self-pipe; the event HANDLE on Windows).  For src/os/ only.
 */
intptr_t sov_os_stop_waitable(const struct sov_os_stop *stop);
/* After the waitable fired: empty it (the request stays raised).  src/os/ only. */
void sov_os_stop_drain(struct sov_os_stop *stop);

/*
 * Raise `stop` on the stop signals of a console program (above) until
 * sov_os_stop_signals_restore() puts the defaults back.  One request per
 * process at a time.  0 or -1.
 */
int sov_os_stop_on_signals(struct sov_os_stop *stop);
void sov_os_stop_signals_restore(void);

#endif
