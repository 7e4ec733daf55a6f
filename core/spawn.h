/* Starting a program inside a lab namespace with nothing of ours: no
 * capabilities (nor a way to regain them), no new privileges, no file
 * descriptors but 0-2. */
#ifndef VL_SPAWN_H
#define VL_SPAWN_H

#include <sys/types.h>

#include "core/error.h"

/* Start ARGV[0] (searched in PATH) in the namespace NETNS_FD, in a
 * process group of its own (kill(-pid, ...) reaches what it starts). With
 * STDOUT_FD >= 0 the child's standard output goes there and its standard
 * input is /dev/null; otherwise both are ours. A program that
 * cannot be started is reported here (-ENOENT: not found), not by an exit
 * status. */
int vl_spawn(int netns_fd, char *const argv[], int stdout_fd, pid_t *pid,
	     struct vl_error *err);

#endif
