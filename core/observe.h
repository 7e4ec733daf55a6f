/* Kernel state -> the model: what exists now in a lab's namespaces. */
#ifndef VL_OBSERVE_H
#define VL_OBSERVE_H

#include "core/error.h"
#include "core/model.h"
#include "core/state.h"

/* The protocol number on the routes and addresses vethlab adds, so that
 * they are told apart from the kernel's and anyone else's. */
#define VL_RTPROT 118

/* Observe the namespaces of DESIRED's nodes, and of any other namespace
 * the lab's journal says it owns. Returns a lab whose nodes carry
 * present/stale flags and whose interfaces carry ifindex, kind, peer and
 * owned; addresses and routes are the ones vethlab manages (protocol
 * VL_RTPROT, or any address the file wants); sysctls are the file's keys
 * with their current values.
 * A namespace of a lab node's name that the lab does not own is an error:
 * "exists, not owned by vethlab". */
int vl_observe(const struct vl_lab *desired, const struct vl_state *st,
	       struct vl_lab **out, struct vl_error *err);

struct vl_nsset;

/* The same, with the namespaces (and their sockets) of SET, which stay
 * open for the rest of the run: apply and verify use them again. */
int vl_observe_in(struct vl_nsset *set, const struct vl_lab *desired,
		  const struct vl_state *st, struct vl_lab **out, struct vl_error *err);

#endif
