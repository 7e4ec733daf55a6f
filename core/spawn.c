/* fork + setns + drop everything + exec, with exec failures sent back to
 * the parent through a close-on-exec pipe. */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/netns.h"
#include "core/spawn.h"

static void close_fds_from(int first, int keep)
{
	for (int fd = first; fd < 1024; fd++)
		if (fd != keep)
			close(fd);
}

/* In the child: any failure is written to REPORT as an errno. */
static void child(int netns_fd, char *const argv[], int stdout_fd, int report)
{
	int e;

	/* its own process group: a timeout ends it and all it started */
	if (setpgid(0, 0) < 0)
		goto fail;
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		goto fail;
	if (stdout_fd >= 0 && dup2(stdout_fd, 1) < 0)
		goto fail;
	/* a step's command reads nothing of ours: not our terminal */
	if (stdout_fd >= 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0)
			goto fail;
	}
	/* only 0-2 and the report pipe (close-on-exec) stay */
	close_fds_from(3, report);
	/* No capabilities, and none to come back through exec even as uid 0:
	 * the bounding set goes first, while CAP_SETPCAP still allows it. */
	capng_get_caps_process();
	capng_clear(CAPNG_SELECT_BOUNDS);
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0) {
		errno = EPERM;
		goto fail;
	}
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0) {
		errno = EPERM;
		goto fail;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		goto fail;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		goto fail;
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
fail:
	e = errno;
	if (write(report, &e, sizeof(e)) != sizeof(e))
		_exit(127);
	_exit(127);
}

int vl_spawn(int netns_fd, char *const argv[], int stdout_fd, pid_t *pid,
	     struct vl_error *err)
{
	int pipefd[2], e = 0;
	ssize_t n;

	if (vl_netns_is_host(netns_fd))
		return vl_err(err, -EPERM, "refusing to run %s in the host's namespace", argv[0]);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return vl_err_sys(err, errno, "pipe");
	*pid = fork();
	if (*pid < 0) {
		e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return vl_err_sys(err, e, "fork");
	}
	if (*pid == 0) {
		close(pipefd[0]);
		child(netns_fd, argv, stdout_fd, pipefd[1]);
	}
	close(pipefd[1]);
	/* EOF: exec succeeded (the pipe closed on exec); data: its errno */
	do
		n = read(pipefd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == sizeof(e)) {
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		*pid = -1;
		return vl_err_sys(err, e, "%s", argv[0]);
	}
	return 0;
}
