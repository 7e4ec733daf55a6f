/* Privileges in phases, before a command does anything: refuse to run
 * set-user-ID, check that the capabilities the command needs are there,
 * keep those and drop the rest. Capabilities are CAP_* numbers. */
#ifndef VL_CAPS_H
#define VL_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* "cap_net_admin" for CAP_NET_ADMIN, as setcap(8) and capabilities(7)
 * write it ("cap_41" for a number libcap-ng has no name for). */
const char *vl_caps_name(int cap, char *buf, size_t len);

/* 0 when every one of CAPS (N of them) is in the effective set. Otherwise
 * -EPERM and a message naming what CMD needs, what is missing, and the
 * ways out: root, file capabilities (a setcap line for the capabilities
 * SETCAP lists, N_SETCAP of them: every one the program may need), or
 * rootless mode. */
int vl_caps_require(const char *cmd, const int *caps, size_t n,
		    const int *setcap, size_t n_setcap, struct vl_error *err);

/* Keep CAPS (N of them; those not permitted are not added) as the
 * effective and permitted sets and drop everything else: the other
 * capabilities, the inheritable and ambient sets, and the whole bounding
 * set when CAP_SETPCAP allows it. Checked afterwards. Call it before any
 * thread exists: capabilities belong to a thread. */
int vl_caps_keep(const int *caps, size_t n, struct vl_error *err);

/* True when the process runs set-user-ID or set-group-ID (real and
 * effective IDs differ), with ERR saying why vethlab refuses that; the
 * process is then back to its real IDs, without capabilities. */
bool vl_caps_setuid(struct vl_error *err);

/* CAP_DAC_OVERRIDE only around vethlab's own files. When the real user
 * is not root (file capabilities), the capability stays permitted but is
 * not effective: files a user names (the topology, --junit, --artifacts,
 * captures) are opened with that user's own rights. vl_caps_dac_raise
 * makes it effective for an operation on /run/vethlab or /run/netns, and
 * vl_caps_dac_lower takes it back; call them in pairs, around as little
 * as possible. Both are no-ops when the capability is not permitted, and
 * when the real user ID is 0 (root keeps it effective throughout: sudo
 * vethlab up ~/lab.yaml from a 0700 home, other users' labs). Neither
 * changes errno, so an error can be reported after lowering. */
void vl_caps_dac_raise(void);
void vl_caps_dac_lower(void);

#endif
