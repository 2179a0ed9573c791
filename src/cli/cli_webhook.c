/*
 * cli_webhook.c - `sovsync webhook`: test, flush, list, retry, and the
 * plumbing that hooks and the detached sender run (emit, ref-transaction,
 * sender).
 */
#include "cli.h"
#include "ctx.h"
#include "error.h"
#include "outbox.h"
#include "sender.h"
#include "timestamp.h"
#include "webevent.h"
#include "webhook.h"

#include <inttypes.h>
#include <string.h>

static int do_test(struct sov_ctx *ctx)
{
	git_repository *repo = ctx->repo;
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	struct sov_webhook_response res = SOV_WEBHOOK_RESPONSE_INIT;
	struct sov_buf id = SOV_BUF_INIT, body = SOV_BUF_INIT;
	git_reference *head = NULL;
	char hex[GIT_OID_HEXSZ + 1] = "";
	const char *branch = NULL;
	int on, ret = SOV_EXIT_FAIL;

	on = sov_webhook_settings_ctx(&s, ctx);
	if (on <= 0) {
		if (on == 0)
			sov_error("sovsync.webhook.url is not set");
		goto out;
	}
	if (git_repository_head(&head, repo) == 0) {
		if (git_reference_target(head))
			git_oid_tostr(hex, sizeof(hex), git_reference_target(head));
		if (git_reference_is_branch(head))
			branch = git_reference_shorthand(head);
	}
	git_error_clear();
	if (sov_webhook_load_credentials(&s, repo) < 0 || sov_webevent_new_id(&id) < 0 ||
	    sov_webevent_payload(repo, &s, "test", id.ptr, branch, *hex ? hex : NULL,
				 *hex ? hex : NULL, sov_time_now(), &body) < 0)
		goto out;
	if (sov_webhook_post(&s, NULL, id.ptr, body.ptr, body.len, &res) != SOV_WEBHOOK_DELIVERED) {
		sov_error("webhook test: not delivered: %s", res.error.ptr);
		goto out;
	}
	printf("webhook test: delivered %s (HTTP %ld)\n", id.ptr, res.status);
	ret = SOV_EXIT_OK;
out:
	if (ret != SOV_EXIT_OK)
		sov_error_report();
	git_reference_free(head);
	sov_webhook_response_release(&res);
	sov_buf_release(&id);
	sov_buf_release(&body);
	sov_webhook_settings_release(&s);
	return ret;
}

static int do_flush(struct sov_ctx *ctx)
{
	struct sov_sender_stats st;

	if (sov_sender_run(ctx, SOV_SENDER_FLUSH, &st) < 0)
		return sov_cli_fail();
	printf("webhook flush: %zu delivered, %zu failed, %zu still queued\n",
	       st.delivered, st.failed, st.left);
	if (st.left) {
		fprintf(stderr, "sovsync: webhook flush: %zu events still queued "
			"(see 'sovsync webhook list')\n", st.left);
		return SOV_EXIT_FAIL;
	}
	return SOV_EXIT_OK;
}

static int do_list(git_repository *repo, int failed)
{
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	struct sov_outbox ob = SOV_OUTBOX_INIT;
	struct sov_outbox_list list = SOV_OUTBOX_LIST_INIT;
	struct sov_outbox_event ev = SOV_OUTBOX_EVENT_INIT;
	struct sov_buf t = SOV_BUF_INIT;
	int ret = SOV_EXIT_FAIL;
	size_t i;

	if (sov_outbox_open(&ob, repo) < 0 || sov_outbox_list(&ob, failed, &list) < 0) {
		sov_error_report();
		goto out;
	}
	/*
	 * The secrets, when they can be read, only to mask them in what older
	 * versions stored: a list is never refused for them.
	 */
	if (sov_webhook_load_credentials(&s, repo) < 0)
		sov_error_clear();
	for (i = 0; i < list.nr; i++) {
		if (sov_outbox_load(list.paths[i], &ev) < 0) {
			/* Show the rest of the queue anyway. */
			sov_error_report();
			continue;
		}
		sov_webhook_redact(&s, NULL, &ev.last_error);
		sov_buf_reset(&t);
		sov_time_format(ev.next_attempt, &t);
		printf("%" PRIu64 " %s %s attempts=%lld %s=%s%s%s\n", ev.seq, ev.id.ptr,
		       ev.event.ptr, (long long)ev.attempts, failed ? "last" : "next",
		       t.ptr, ev.last_error.len ? " error=" : "", ev.last_error.ptr);
	}
	ret = SOV_EXIT_OK;
out:
	sov_buf_release(&t);
	sov_outbox_event_release(&ev);
	sov_outbox_list_release(&list);
	sov_outbox_release(&ob);
	sov_webhook_settings_release(&s);
	return ret;
}

static int do_retry(git_repository *repo, const char *id)
{
	struct sov_outbox ob = SOV_OUTBOX_INIT;
	size_t n = 0;
	int ret = SOV_EXIT_FAIL;

	if (sov_outbox_open(&ob, repo) < 0 ||
	    sov_outbox_requeue(&ob, id, sov_time_now(), &n) < 0 ||
	    (n && sov_sender_spawn(repo) < 0)) {
		sov_error_report();
		goto out;
	}
	printf("webhook retry: %zu events requeued\n", n);
	ret = SOV_EXIT_OK;
out:
	sov_outbox_release(&ob);
	return ret;
}

static int cmd_webhook(int argc, char **argv)
{
	const struct sov_cmd *self = &sov_cmd_webhook;
	struct sov_ctx ctx = SOV_CTX_INIT;
	const char *sub = argc > 1 ? argv[1] : "";
	const char *dir = NULL;
	git_repository *repo;
	int ret;

	if (!*sub)
		return sov_cli_usage_error(self, "missing subcommand");
	if (!strcmp(sub, "sender")) {
		if (argc != 4 || strcmp(argv[2], "--git-dir"))
			return sov_cli_usage_error(self, "sender needs --git-dir <dir>");
		dir = argv[3];
	} else if (!strcmp(sub, "test") || !strcmp(sub, "flush")) {
		if (argc != 2)
			return sov_cli_usage_error(self, "%s takes no arguments", sub);
	} else if (!strcmp(sub, "list")) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "--failed")))
			return sov_cli_usage_error(self, "list takes only --failed");
	} else if (!strcmp(sub, "retry")) {
		if (argc > 3)
			return sov_cli_usage_error(self, "retry takes at most one event id");
	} else if (!strcmp(sub, "emit")) {
		if (argc != 3 && argc != 5)
			return sov_cli_usage_error(self, "emit <event> [<before> <after>]");
	} else if (!strcmp(sub, "ref-transaction")) {
		if (argc != 3)
			return sov_cli_usage_error(self, "ref-transaction <state>");
	} else {
		return sov_cli_usage_error(self, "unknown subcommand '%s'", sub);
	}

	/* `dir`, or the repository Git would find. */
	if (sov_ctx_open(&ctx, dir, SOV_CTX_REPO) < 0) {
		sov_ctx_release(&ctx);
		return sov_cli_fail();
	}
	repo = ctx.repo;
	ret = SOV_EXIT_OK;
	if (!strcmp(sub, "sender")) {
		struct sov_sender_stats st;

		/* Detached: nobody reads our output; list shows the error. */
		if (sov_sender_run(&ctx, SOV_SENDER_BACKGROUND, &st) < 0)
			ret = sov_cli_fail();
	} else if (!strcmp(sub, "test")) {
		ret = do_test(&ctx);
	} else if (!strcmp(sub, "flush")) {
		ret = do_flush(&ctx);
	} else if (!strcmp(sub, "list")) {
		ret = do_list(repo, argc == 3);
	} else if (!strcmp(sub, "retry")) {
		ret = do_retry(repo, argc == 3 ? argv[2] : NULL);
	} else if (!strcmp(sub, "emit")) {
		if (sov_webevent_emit(&ctx, argv[2], argc == 5 ? argv[3] : NULL,
				     argc == 5 ? argv[4] : NULL) < 0)
			ret = sov_cli_fail();
	} else {
		if (sov_webevent_ref_transaction(&ctx, argv[2], stdin) < 0)
			ret = sov_cli_fail();
	}
	sov_ctx_release(&ctx);
	return ret;
}

const struct sov_cmd sov_cmd_webhook = {
	"webhook", cmd_webhook,
	"Deliver, inspect and retry webhook events",
	"sovsync webhook test\n"
	"sovsync webhook flush\n"
	"sovsync webhook list [--failed]\n"
	"sovsync webhook retry [<event-id>]",
	"Git hooks queue an event (commit, merge, push) in .git/sovsync/outbox/\n"
	"and a detached sender POSTs it to sovsync.webhook.url, in order, retrying\n"
	"with exponential backoff; these commands look at and drive that queue.\n"
	"\n"
	"    test           send a test event now and report the answer\n"
	"    flush          deliver the queued events now, in the foreground;\n"
	"                   exits 1 if some must still wait for a retry\n"
	"    list           show the queued events (--failed: the given-up ones)\n"
	"    retry [<id>]   requeue the failed events (or one) and send them\n"
	"\n"
	"Settings (git config): sovsync.webhook.url, sovsync.webhook.events\n"
	"(default commit,merge,push), sovsync.webhook.tokenFile and\n"
	"sovsync.webhook.secretFile (mode 0600, outside the working tree; or the\n"
	"SOVSYNC_WEBHOOK_TOKEN and SOVSYNC_WEBHOOK_SECRET environment variables),\n"
	"sovsync.webhook.allowInsecure, timeout, connectTimeout (seconds),\n"
	"maxAttempts, retryDelayMs, maxRetryDelayMs, lingerMs.\n"
	"\n"
	"Plumbing, run by hooks and by sovsync itself:\n"
	"    emit <event> [<before> <after>]   queue an event, start a sender\n"
	"    ref-transaction <state>           reference-transaction hook body:\n"
	"                                      queue a push event once a push landed\n"
	"    sender --git-dir <dir>            the background sender\n",
	0,
};
