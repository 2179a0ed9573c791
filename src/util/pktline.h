/*
 * pktline.h - Git's pkt-line framing (gitprotocol-common(5)), as used by
 * the long-running filter protocol (gitattributes(5), "Long Running Filter
 * Process").
 *
 * A packet is four lowercase hex digits giving its total length (header
 * included) followed by the payload; "0000" is a flush packet.  The longest
 * packet is 65520 bytes, so a payload holds at most SOV_PKT_MAX_PAYLOAD.
 * Lengths 0001-0003 (delim, response-end, invalid) do not occur in the
 * filter protocol and are rejected as protocol errors.
 *
 * A reader and a writer each own a buffer and borrow a file descriptor; the
 * caller opens and closes the descriptor.  The writer batches packets and
 * hands them to write(2) at every flush packet (the other side waits for a
 * flush before it answers) or when its buffer is full.  Errors name the
 * stream (`what`) and the cause: "git filter protocol: packet length 'zz01'
 * is not hex".
 */
#ifndef SOV_PKTLINE_H
#define SOV_PKTLINE_H

#include <stddef.h>

#include "oscompat.h"

#define SOV_PKT_MAX_LEN 65520
#define SOV_PKT_MAX_PAYLOAD (SOV_PKT_MAX_LEN - 4)

enum sov_pkt_status {
	SOV_PKT_ERROR = -1,	/* message set */
	SOV_PKT_FLUSH = 0,	/* "0000" */
	SOV_PKT_DATA = 1,	/* payload in reader->data, reader->len */
	SOV_PKT_EOF = 2,	/* clean end of stream between packets */
};

struct sov_pkt_reader {
	int fd;
	const char *what;	/* borrowed, for messages */
	size_t len;		/* payload length of the last DATA packet */
	char data[SOV_PKT_MAX_PAYLOAD + 1];	/* payload, NUL-terminated */
	/* read-ahead */
	size_t pos, end;
	char in[2 * SOV_PKT_MAX_LEN];
};

struct sov_pkt_writer {
	int fd;
	const char *what;
	size_t len;
	char out[2 * SOV_PKT_MAX_LEN];
};

/* Both are large: allocate them (sov_malloc) rather than on the stack. */
void sov_pkt_reader_init(struct sov_pkt_reader *r, int fd, const char *what);
void sov_pkt_writer_init(struct sov_pkt_writer *w, int fd, const char *what);

/* Read one packet.  EOF inside a packet is an error ("truncated"). */
enum sov_pkt_status sov_pkt_read(struct sov_pkt_reader *r);

/*
 * Read one packet that must be a text line; strips one trailing LF.
 * Returns like sov_pkt_read (a flush or EOF is returned, not an error).
 */
enum sov_pkt_status sov_pkt_read_line(struct sov_pkt_reader *r);

/*
 * Read a text line that must be exactly `expect`; anything else (a flush,
 * EOF, another line) is a protocol error naming both.  0 or -1.
 */
int sov_pkt_expect_line(struct sov_pkt_reader *r, const char *expect);

/* Queue `len` bytes of content, split into as many packets as needed. */
int sov_pkt_write_data(struct sov_pkt_writer *w, const void *data, size_t len);

/* Queue one text packet "<formatted>\n". */
int sov_pkt_write_line(struct sov_pkt_writer *w, const char *fmt, ...)
	SOV_PRINTF(2, 3);

/* Queue a flush packet and write everything queued.  0 or -1. */
int sov_pkt_flush(struct sov_pkt_writer *w);

/*
 * Queue a flush packet without writing: for a flush in the middle of an
 * answer the other side reads through anyway.  Saves a write(2), and a
 * wake-up of the reader, per flush: that matters for thousands of small files.
 */
int sov_pkt_queue_flush(struct sov_pkt_writer *w);

#endif
