/*
 * mhdapi.h - the libmicrohttpd functions of `sovsync ui`, through one
 * table.
 *
 * Only `sovsync ui` serves HTTP; linking libmicrohttpd (and the GnuTLS it
 * brings, ten shared objects) would make every hook and filter process
 * load it at start.  Where the build sets SOV_LAZY_LIBS, sov_mhd() loads
 * it by its soname the first time it is asked (osdl.h); elsewhere the
 * table holds the linked functions.  Callers use m->start_daemon() where
 * they would call MHD_start_daemon().
 *
 * Threads: the first call must come before the server's threads start
 * (sov_ui_start() makes it).
 */
#ifndef SOV_MHDAPI_H
#define SOV_MHDAPI_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>

/* The functions in the table, by their names without "MHD_". */
#define SOV_MHD_FUNCTIONS(X) \
	X(start_daemon) X(stop_daemon) X(get_daemon_info) \
	X(create_response_from_buffer) X(add_response_header) \
	X(queue_response) X(destroy_response) X(lookup_connection_value)

struct sov_mhd {
#define SOV_MHD_FIELD(f) __typeof__(MHD_##f) *f;
	SOV_MHD_FUNCTIONS(SOV_MHD_FIELD)
#undef SOV_MHD_FIELD
};

/*
 * The table, loading libmicrohttpd on the first call.  NULL with a
 * message ("cannot load libmicrohttpd.so.12: ...") when the library or one
 * of its functions is missing; a later call tries again.
 */
const struct sov_mhd *sov_mhd(void);

#endif
