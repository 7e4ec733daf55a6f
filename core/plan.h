/* Desired model + observed model -> the ordered actions that make the
 * kernel match the file. Pure: no syscalls, so it is unit-tested and
 * fuzzed without a kernel. */
#ifndef VL_PLAN_H
#define VL_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"
#include "core/model.h"

enum vl_act {
	/* in the order they run */
	VL_ROUTE_DEL,
	VL_ADDR_DEL,
	VL_LINK_DEL,
	VL_NETNS_ADD,
	VL_LINK_ADD,
	VL_SYSCTL_SET,
	VL_ADDR_ADD,
	VL_LINK_SET,
	VL_ROUTE_ADD,
	VL_NETNS_DEL,
	VL_ACT_MAX
};

struct vl_action {
	enum vl_act kind;
	bool recreate;		/* half of a delete + add of one object */
	const char *node;
	/* LINK_*: the interface (for LINK_ADD the end in NODE), ADDR_*: the
	 * interface the address is on. */
	const char *iface;
	const char *peer_node, *peer_iface;	/* LINK_ADD, LINK_DEL */
	const struct vl_iface *want;		/* LINK_ADD, LINK_SET: the file's */
	const struct vl_iface *want_peer;	/* LINK_ADD */
	const struct vl_iface *have;		/* LINK_SET, LINK_DEL: observed */
	struct vl_prefix addr;			/* ADDR_* */
	const struct vl_route *route;		/* ROUTE_*: the file's or observed */
	const char *key, *from, *to;		/* SYSCTL_SET; FROM may be NULL */
	bool restore;				/* SYSCTL_SET back to the value before vethlab */
	bool set_mtu, set_mac, set_up;		/* LINK_SET: what changes */
};

struct vl_plan {
	struct vl_action *v;
	size_t n;
};

/* OBSERVED comes from vl_observe for the same lab. Both models must
 * outlive the plan, which points into them. Fails (nothing planned) when
 * an object of the file's name exists and is not vethlab's. */
int vl_plan_make(const struct vl_lab *desired, const struct vl_lab *observed,
		 struct vl_plan *plan, struct vl_error *err);
void vl_plan_fini(struct vl_plan *plan);

/* "+ netns article-host", "~ link host:veth0 mtu 1500 -> 1400", ... */
void vl_action_str(const struct vl_action *a, const char *lab, char *buf,
		   size_t len);
/* The plan as a JSON array of objects. */
void vl_plan_json(const struct vl_plan *plan, const char *lab, FILE *f);

/* "netns_add", "route_del", ...: KIND as a word, for --timings. */
const char *vl_act_name(int kind);

/* The phase an action runs in: its kind, but for a namespace recreated
 * after a crash, which is removed before anything is added. */
int vl_action_phase(const struct vl_action *a);

/* The MTU an interface gets when the file says none. */
uint32_t vl_default_mtu(const char *ifname);

#endif
