/*
 * pre_push.c - pre-push: the chunk blobs of large files go to the remote
 * before the commits that need them (chunkstore.h), as git-lfs uploads its
 * objects before the push.
 *
 * argv[1] is the remote's name (or its URL when it has none), argv[2] its
 * URL; standard input lists the refs being pushed, which do not matter:
 * every commit pushed may point at chunks.  The only hook whose failure
 * fails the Git command: without its chunks a pushed file could never be
 * checked out.
 */
#include "chunkstore.h"
#include "hooks.h"

/* Push refs/sovsync/chunks (merging another clone's first); 0 or -1. */
static int push_chunks_first(struct sov_hookrun *h, const char *remote)
{
	/* This clone fetches the chunks from that remote from now on too. */
	if (sov_chunks_add_refspec(h->repo, remote) < 0)
		return -1;
	return sov_chunks_push(h->repo, remote);
}

int sov_hook_pre_push(struct sov_hookrun *h, int argc, char **argv)
{
	sov_hook_drain_stdin();
	if (argc < 2)
		return 0;
	return push_chunks_first(h, argv[1]);
}
