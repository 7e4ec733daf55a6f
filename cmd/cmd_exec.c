/* vethlab exec FILE NODE -- COMMAND [ARG...]: run a program in a node. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "core/netns.h"
#include "core/spawn.h"
#include "core/rootless.h"
#include "core/state.h"
#include "core/topo.h"

static const char help[] =
	"Runs COMMAND with its arguments (no shell) inside the network\n"
	"namespace of NODE, with standard input, output and error passed\n"
	"through and no other file descriptors, with no capabilities and no\n"
	"way to gain privileges, and exits with its status (128 + N when it\n"
	"was killed by signal N).\n\n"
	"Exit status: the command's; 126 when it could not be started, 127\n"
	"when it was not found, 1 when the lab is not up, 2 usage or invalid\n"
	"file.\n";

int cmd_exec(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char ns[VL_MAX_NETNS_NAME + 2];
	struct vl_error err = { 0 };
	struct vl_lab *lab = NULL;
	struct vl_state st;
	const char *node;
	int c, r, fd, status, wst;
	bool owned = false;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			vl_usage(vl_command_find("exec"), help);
			return VL_EXIT_OK;
		}
		return VL_EXIT_USAGE;
	}
	if (argc - optind < 3 || strcmp(argv[optind + 2], "--") || argc - optind < 4) {
		fprintf(stderr, "vethlab exec: usage: vethlab exec FILE NODE -- COMMAND [ARG...]\n");
		return VL_EXIT_USAGE;
	}
	node = argv[optind + 1];
	status = vl_cmd_load("exec", argv[optind], &lab);
	if (status)
		return status;
	if (vl_lab_node_index(lab, node) == VL_NONE) {
		fprintf(stderr, "vethlab exec: lab %s has no node \"%s\"\n", lab->name, node);
		vl_lab_free(lab);
		return VL_EXIT_USAGE;
	}
	snprintf(ns, sizeof(ns), "%s-%s", lab->name, node);
	/* look, don't hold: a long command must not keep the lab locked */
	r = vl_state_open(&st, lab->name, &err);
	if (r == 0) {
		owned = vl_state_owns_netns(&st, ns);
		if (!owned && !vl_state_exists(&st))
			r = vl_rootless_foreign(lab->name, &err);
		vl_state_close(&st);
	}
	vl_lab_free(lab);
	if (r < 0)
		return vl_cmd_fail("exec", &err);
	if (!owned) {
		fprintf(stderr, "vethlab exec: namespace %s is not this lab's; is the lab up?\n", ns);
		return VL_EXIT_FAIL;
	}
	r = vl_netns_open(ns, &fd, &err);
	if (r == -ENOENT) {
		fprintf(stderr, "vethlab exec: namespace %s does not exist; is the lab up?\n", ns);
		return VL_EXIT_FAIL;
	}
	if (r < 0)
		return vl_cmd_fail("exec", &err);
	fflush(NULL);
	r = vl_spawn(fd, argv + optind + 3, -1, &pid, &err);
	if (r < 0) {
		close(fd);
		fprintf(stderr, "vethlab exec: %s\n", err.msg);
		return r == -ENOENT ? 127 : 126;
	}
	close(fd);
	while (waitpid(pid, &wst, 0) < 0)
		if (errno != EINTR)
			return VL_EXIT_FAIL;
	if (WIFSIGNALED(wst))
		return 128 + WTERMSIG(wst);
	return WEXITSTATUS(wst);
}
