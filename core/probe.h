/* Asking a lab namespace's kernel: which route it would take, what its
 * neighbour table says; and forgetting neighbours between scenarios. */
#ifndef VL_PROBE_H
#define VL_PROBE_H

#include <stdbool.h>

#include "core/addr.h"
#include "core/error.h"

struct vl_nl;

struct vl_route_answer {
	char dev[16];		/* output device ("lo" for a local address) */
	bool has_via;
	struct vl_prefix via;
	char type[16];		/* "unicast", "local", "broadcast", "unreachable", ... */
	int error;		/* the lookup failed: -ENETUNREACH and the like */
};

/* The kernel's answer to `ip route get TO [from FROM] [iif IIF] [oif
 * OIF]`. A failed lookup (no route) is an answer (error set), not an
 * error of the call. */
int vl_route_get(struct vl_nl *nl, const struct vl_prefix *to,
		 const struct vl_prefix *from, const char *iif, const char *oif,
		 struct vl_route_answer *ans, struct vl_error *err);

/* The state of ADDR in DEV's neighbour table: "incomplete", "reachable",
 * "stale", "delay", "probe", "failed", "noarp", "permanent", or "none"
 * when there is no entry. */
int vl_neigh_state(struct vl_nl *nl, const char *dev, const struct vl_prefix *addr,
		   char *state, size_t len, struct vl_error *err);

/* Forget every learned (not permanent) neighbour, so that a scenario does
 * not inherit another's ARP cache. */
int vl_neigh_flush(struct vl_nl *nl, struct vl_error *err);

#endif
