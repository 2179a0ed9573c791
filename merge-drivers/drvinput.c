/*
 * drvinput.c - the text merge drivers' arguments and inputs; see drvinput.h.
 */
#include "drvinput.h"
#include "config.h"
#include "error.h"
#include "jdriver.h"
#include "trace.h"

#include <stdlib.h>

static const char *const side_names[3] = { "base", "ours", "theirs" };

int sov_drv_input_open(struct sov_drv_input *in, const struct sov_cmd *cmd, int argc,
		       char **argv, unsigned ctx_flags)
{
	struct sov_buf style_name = SOV_BUF_INIT;
	unsigned long marker_size = 0;
	int i, ret = -1;

	if (argc != 5 && argc != 6) {
		sov_cli_usage_error(cmd, "expected 4 or 5 arguments, got %d", argc - 1);
		return -1;
	}
	in->a_file = argv[2];
	in->path = argv[4];
	if (argc == 6) {
		char *end;

		marker_size = strtoul(argv[5], &end, 10);
		if (*end || !*argv[5] || marker_size == 0 || marker_size > 1024) {
			sov_cli_usage_error(cmd, "marker size '%s' is not a number in 1..1024",
					    argv[5]);
			return -1;
		}
	}
	for (i = 0; i < 3; i++)
		if (sov_jdriver_read_side(argv[i + 1], &in->sides[i], &in->stored[i],
					  &in->encoded[i]) < 0) {
			sov_error_prefix("%s: %s", in->path, side_names[i]);
			goto out;
		}
	if (sov_ctx_open(&in->ctx, NULL, SOV_CTX_REPO | ctx_flags) < 0) {
		sov_error_prefix("%s", in->path);
		goto out;
	}
	if (sov_config_get_string(in->ctx.cfg, "merge.conflictStyle", NULL, &style_name) < 0 ||
	    sov_doc_parse_style(style_name.ptr, &in->style) < 0)
		goto out;
	if (!marker_size)
		marker_size = sov_doc_marker_size(in->ctx.repo, in->path);
	in->marker_size = (unsigned)marker_size;
	sov_trace("%s %s, marker size %lu", cmd->name, in->path, marker_size);
	ret = 0;
out:
	if (ret < 0)
		sov_error_report();
	sov_buf_release(&style_name);
	return ret;
}

void sov_drv_input_release(struct sov_drv_input *in)
{
	int i;

	for (i = 0; i < 3; i++) {
		sov_buf_release(&in->sides[i]);
		sov_buf_release(&in->stored[i]);
	}
	sov_ctx_release(&in->ctx);
}
