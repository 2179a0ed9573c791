/*
 * Fuzz target: the webhook outbox event parser (src/webhook/outbox.c) and the
 * webhook setting parsers (src/webhook/webhook.c).  An event that parses must format
 * to text that parses to the same event, and formatting is a fixed point;
 * the event list, secret and URL checks must hold their contracts on any
 * input; the redaction of a receiver's answer must leave no trace of the
 * token in it (and the text it adds is bounded).
 */
#include "error.h"
#include "outbox.h"
#include "webhook.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_buf(const struct sov_buf *a, const struct sov_buf *b)
{
	return a->len == b->len && !memcmp(a->ptr, b->ptr, a->len);
}

static int same_event(const struct sov_outbox_event *a, const struct sov_outbox_event *b)
{
	return a->seq == b->seq && a->attempts == b->attempts &&
	       a->created_at == b->created_at && a->next_attempt == b->next_attempt &&
	       same_buf(&a->id, &b->id) && same_buf(&a->event, &b->event) &&
	       same_buf(&a->body, &b->body) && same_buf(&a->last_error, &b->last_error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sov_outbox_event a = SOV_OUTBOX_EVENT_INIT, b = SOV_OUTBOX_EVENT_INIT;
	struct sov_buf t1 = SOV_BUF_INIT, t2 = SOV_BUF_INIT, text = SOV_BUF_INIT;
	unsigned mask;

	if (sov_outbox_parse(&a, data, size, "fuzz") == 0) {
		sov_outbox_format(&a, &t1);
		if (sov_outbox_parse(&b, t1.ptr, t1.len, "again") < 0 || !same_event(&a, &b))
			abort();
		sov_outbox_format(&b, &t2);
		if (!same_buf(&t1, &t2))
			abort();
	}

	/* The setting parsers take NUL-terminated text. */
	sov_buf_add(&text, data, size);
	if (sov_events_parse(text.ptr, &mask) == 0 && (mask & ~7u))
		abort();
	if (sov_webhook_check_url(text.ptr, 1) == 0 &&
	    strncasecmp(text.ptr, "http", 4) && !strstr(text.ptr, "://"))
		abort();
	sov_buf_reset(&t1);
	if (sov_webhook_secret_key(text.ptr, text.len, &t1) == 0 && !t1.len && text.len)
		abort();

	{
		struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;

		sov_buf_addstr(&s.token, "tok_fuzz0123456789");
		sov_buf_addstr(&s.key, "fuzz-key-0123456789");
		sov_buf_reset(&t1);
		sov_buf_add(&t1, data, size);
		sov_webhook_redact(&s, "v1,c2lnbmF0dXJlLWZ1enotMTIz", &t1);
		if (memmem(t1.ptr, t1.len, "tok_fuzz0123456789", 18) ||
		    memmem(t1.ptr, t1.len, "0123456789", 10) || t1.len > 10 * size + 10)
			abort();
		sov_webhook_settings_release(&s);
	}

	sov_error_clear();
	sov_outbox_event_release(&a);
	sov_outbox_event_release(&b);
	sov_buf_release(&t1);
	sov_buf_release(&t2);
	sov_buf_release(&text);
	return 0;
}
