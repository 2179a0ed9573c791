/*
 * filterproc.h - Git's long-running filter protocol (gitattributes(5),
 * "Long Running Filter Process") over pkt-lines (pktline.h): the
 * handshake, the capability negotiation (clean, smudge; "delay" is not
 * offered) and the command loop, serving every file of one Git command
 * through the codecs of filter.h.
 *
 * Git writes a whole file before it reads the answer, so one side of each
 * file is spooled (spool.h) until its input has ended; memory stays bounded
 * for any file size.  A file that fails (corrupt stored content) is
 * answered status=error (after its content's flush when the answer had
 * begun, so that Git drops what it received) and the next file is served.
 * A command Git was not offered is answered status=abort.  A protocol
 * error (a bad handshake, end of stream inside a request, a malformed
 * packet) ends the conversation.
 */
#ifndef SOV_FILTERPROC_H
#define SOV_FILTERPROC_H

#include "ctx.h"

struct sov_filterproc_opts {
	/*
	 * Called when one file fails, with the message ("<path>: <cause>")
	 * set in the error module (error.h); the program reports it.  The
	 * message is cleared afterwards.  NULL: failures are only answered.
	 */
	void (*file_failed)(void *ctx);
	void *ctx;
	/*
	 * The entry point's context (ctx.h): the filter's settings and the
	 * chunk store's repository.  NULL: the defaults, the chunk store on
	 * the environment's repository (tests, fuzzing).
	 */
	struct sov_ctx *repo_ctx;
};

/*
 * Serve the protocol: read Git's side from `in_fd`, answer on `out_fd`,
 * until Git closes `in_fd` between requests.  Returns 0 at that clean end,
 * -1 on a protocol or I/O error (message set).  The descriptors stay open.
 */
int sov_filterproc_serve(int in_fd, int out_fd, const struct sov_filterproc_opts *opts);

#endif
