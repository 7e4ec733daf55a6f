/* Where labs live, and rootless mode.
 *
 * As root (or with file capabilities) a lab's state is under /run/vethlab
 * and its namespaces are pinned under /run/netns, as `ip netns` does.
 *
 * Rootless, a lab lives in a user namespace its user owns, where the user
 * is root. A small keeper process (vethlab-keeper, one per lab) holds that
 * user namespace and a mount namespace of its own, in which the lab's
 * network namespaces are pinned; a lab's namespaces live exactly as long
 * as its keeper. Every rootless command on the lab joins the keeper's
 * namespaces after taking the lab's lock; `up` and `test` start the keeper
 * when there is none, and the command that removes the lab's state stops
 * it. State and pins are under the user's runtime directory (below). */
#ifndef VL_ROOTLESS_H
#define VL_ROOTLESS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* The directory of labs' state, and of their namespace pins:
 * /run/vethlab and /run/netns, or rootless DIR and DIR/.netns. */
const char *vl_state_root(void);
const char *vl_netns_dir(void);

/* What a rootless command does with a lab's keeper. */
enum vl_keeper_use {
	VL_KEEPER_NONE,		/* read the state only (ls) */
	VL_KEEPER_JOIN,		/* join it when it runs */
	VL_KEEPER_START,	/* join it, or start one (up, test) */
};

/* Switch to rootless mode: pick the runtime directory, the first of
 * $XDG_RUNTIME_DIR/vethlab, /run/user/UID/vethlab and
 * ${TMPDIR:-/tmp}/vethlab-UID whose parent is a directory this user owns
 * that no one else may write, and drop every capability this process has
 * outside. CAPS (N) are the ones the command keeps inside the lab's user
 * namespace once joined; USE says whether it starts keepers. */
int vl_rootless_init(const int *caps, size_t n, enum vl_keeper_use use,
		     struct vl_error *err);
bool vl_rootless(void);
/* The runtime directory ("" unless rootless). */
const char *vl_rootless_dir(void);

/* Make the runtime directory, and hold it (a shared flock) for the rest
 * of the process, so that no other rootless vethlab removes it when its
 * own lab is gone (core/state.c, before a lab's lock). */
int vl_rootless_hold(struct vl_error *err);
/* With LAB's lock held (core/state.c): join LAB's keeper, start one when
 * the command may, or, when the keeper died, forget the journal and pins
 * it leaves (its namespaces died with it) and say so on stderr. A no-op
 * unless rootless. */
int vl_rootless_attach(const char *lab, struct vl_error *err);
/* With LAB's lock held, once the lab has no state left: stop its keeper
 * and remove the runtime directories that are empty now. */
void vl_rootless_detach(const char *lab);
/* For a command on LAB, which this user does not have: -EPERM and a
 * message when LAB is a lab of root's (it is out of reach); else 0. */
int vl_rootless_foreign(const char *lab, struct vl_error *err);

#endif
