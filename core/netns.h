/* Network namespaces named under /run/netns (as `ip netns` names them;
 * rootless, under the directory core/rootless.h says), always handled by
 * file descriptor, never the host's own. */
#ifndef VL_NETNS_H
#define VL_NETNS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Create namespace NAME and pin it at /run/netns/NAME; *FD is an open
 * descriptor of it. -EEXIST when the name is taken. */
int vl_netns_add(const char *name, int *fd, struct vl_error *err);
/* Open /run/netns/NAME and check that it is a network namespace that is
 * not ours. -ENOENT (ERR untouched) when there is none. */
int vl_netns_open(const char *name, int *fd, struct vl_error *err);
/* Unpin NAME; the kernel frees it once nothing holds it. Absent is fine. */
int vl_netns_del(const char *name, struct vl_error *err);
/* Remove the entry of NAME when its namespace is gone with the mount
 * namespace that held its pin (a rootless keeper that died): the file
 * alone, nothing to unmount. Absent is fine. */
int vl_netns_forget(const char *name, struct vl_error *err);
/* Unpin the N namespaces NAMES at once, in threads. RES[i] is 0 when
 * NAMES[i] was unpinned, -errno when that failed, 1 when it was not tried
 * (after a failure the rest stop). Returns 0, or the failure of the
 * first name (in NAMES' order) that failed, told in ERR. */
int vl_netns_del_all(char *const *names, size_t n, int *res, struct vl_error *err);

/* Switch this thread into FD's namespace, remembering where it was in
 * *SAVED; vl_netns_leave goes back. Refuses the host's namespace, so that
 * nothing written after entering can land there. */
int vl_netns_enter(int fd, int *saved, struct vl_error *err);
int vl_netns_leave(int saved, struct vl_error *err);

/* True when FD is the namespace this process started in. */
bool vl_netns_is_host(int fd);
/* Inode of FD's namespace (its identity), 0 on error. */
unsigned long vl_netns_ino(int fd);

#endif
