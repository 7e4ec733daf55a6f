/* vethlab exec FILE NODE -- COMMAND [ARG...]: run a program in a node. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "core/netns.h"
#include "core/state.h"
#include "core/topo.h"

static const char help[] =
	"Runs COMMAND with its arguments (no shell) inside the network\n"
	"namespace of NODE, with standard input, output and error passed\n"
	"through and no other file descriptors, and exits with its status\n"
	"(128 + N when it was killed by signal N).\n\n"
	"Exit status: the command's; 1 when it could not be started, 2 usage\n"
	"or invalid file, 127 command not found.\n";

/* Everything but 0-2 closed, so no descriptor of ours (a netns, a lock)
 * leaks into the child. */
static void close_fds(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
}

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
	bool owned;
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
	owned = r == 0 && vl_state_owns_netns(&st, ns);
	if (r == 0)
		vl_state_close(&st);
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
	pid = fork();
	if (pid < 0) {
		vl_err_sys(&err, errno, "fork");
		close(fd);
		return vl_cmd_fail("exec", &err);
	}
	if (pid == 0) {
		if (setns(fd, CLONE_NEWNET) < 0) {
			fprintf(stderr, "vethlab exec: enter %s: %s\n", ns, strerror(errno));
			_exit(VL_EXIT_FAIL);
		}
		close_fds();
		/* nothing the child runs can gain privilege through exec */
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		execvp(argv[optind + 3], argv + optind + 3);
		fprintf(stderr, "vethlab exec: %s: %s\n", argv[optind + 3], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fd);
	while (waitpid(pid, &wst, 0) < 0)
		if (errno != EINTR)
			return VL_EXIT_FAIL;
	if (WIFSIGNALED(wst))
		return 128 + WTERMSIG(wst);
	return WEXITSTATUS(wst);
}
