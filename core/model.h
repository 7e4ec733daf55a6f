/* The topology model: what a lab file declares, independent of YAML and of
 * the kernel. The parser fills it, validate checks it, graph/plan read it. */
#ifndef VL_MODEL_H
#define VL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/diag.h"

#define VL_IFNAMSIZ 16		/* the kernel's IFNAMSIZ, with the NUL */
#define VL_MAX_LAB_NAME 32
#define VL_MAX_NODE_NAME 32
/* "<lab>-<node>" must fit a namespace file name and our state paths. */
#define VL_MAX_NETNS_NAME (VL_MAX_LAB_NAME + 1 + VL_MAX_NODE_NAME)

/* Limits on what one file may declare; they bound memory and time before
 * any kernel work (documented in docs/topology-format.md). */
#define VL_MAX_NODES 10000
#define VL_MAX_IFACES_PER_NODE 4096
#define VL_MAX_LINKS 50000
#define VL_MAX_ADDRS_PER_IFACE 256
#define VL_MAX_ROUTES_PER_NODE 4096
#define VL_MAX_SYSCTLS_PER_NODE 1024

struct vl_addr {
	struct vl_prefix p;
	struct vl_loc loc;
};

struct vl_iface {
	char *name;
	struct vl_loc loc;
	bool declared;		/* listed under the node's interfaces */
	bool up;		/* admin state; default up */
	uint32_t mtu;		/* 0: the kernel's default */
	bool has_mac;
	unsigned char mac[6];
	struct vl_loc mtu_loc, mac_loc;
	struct vl_addr *addrs;
	size_t n_addrs;
	/* Which link this interface is an end of, (size_t)-1 for none. */
	size_t link, link_end;
	/* Observed state only (core/observe.c): */
	int ifindex;
	char kind[16];		/* "veth", "" for a device without kind */
	int peer_ifindex;	/* a veth's other end, 0 if unknown */
	int peer_nsid;		/* -1: the peer is in the same namespace */
	bool peer_mismatch;	/* the peer is not in the namespace the file says */
	bool owned;		/* recorded in the lab's journal as ours */
};

struct vl_route {
	struct vl_loc loc;
	struct vl_prefix dst;	/* length 0 for "default" */
	bool is_default;
	bool has_via;
	struct vl_prefix via;
	char *dev;		/* NULL: chosen by the kernel from via */
	bool has_metric;
	uint32_t metric;
	struct vl_loc to_loc, via_loc, dev_loc;
	bool bad;		/* a value was refused (reported): check no further */
	int oif;		/* observed: output interface index */
};

struct vl_sysctl {
	char *key;		/* dotted: net.ipv4.conf.veth0.accept_local */
	char *value;		/* as written, normalised to single spaces */
	struct vl_loc loc, value_loc;
	char *orig;		/* observed: the value before vethlab changed it */
};

struct vl_node {
	char *name;
	struct vl_loc loc;
	struct vl_iface *ifaces;	/* lo first, always present */
	size_t n_ifaces;
	struct vl_route *routes;
	size_t n_routes;
	struct vl_sysctl *sysctls;
	size_t n_sysctls;
	/* Observed state only: */
	bool present;		/* its namespace exists and is the lab's */
	bool stale;		/* a half-made namespace entry to redo */
};

struct vl_endpoint {
	char *node, *iface;	/* as written: "node:iface" */
	struct vl_loc loc;
	size_t node_idx, iface_idx;	/* resolved by validate; -1 if not */
};

struct vl_link_kind;

struct vl_link {
	const struct vl_link_kind *kind;
	struct vl_loc loc;
	struct vl_endpoint *ends;
	size_t n_ends;
};

struct vl_lab {
	char *name;
	char *file;
	struct vl_loc name_loc;
	struct vl_node *nodes;
	size_t n_nodes;
	struct vl_link *links;
	size_t n_links;
	struct vl_scenario *scenarios;
	size_t n_scenarios;
	/* The parsed YAML, kept from parse to validate: scenarios' set steps
	 * are overlays on it (core/topo_yaml.c). */
	void *src;
};

#define VL_NONE ((size_t)-1)

struct vl_lab *vl_lab_new(const char *file);
void vl_lab_free(struct vl_lab *lab);

/* Lookups by name; NULL or VL_NONE when absent. */
size_t vl_lab_node_index(const struct vl_lab *lab, const char *name);
size_t vl_node_iface_index(const struct vl_node *node, const char *name);

/* Append an interface with defaults (up, no address); returns its index
 * or VL_NONE without memory. NAME is copied. */
size_t vl_node_add_iface(struct vl_node *node, const char *name,
			 struct vl_loc loc);

/* "<lab>-<node>" into BUF; false when it does not fit. */
bool vl_netns_name(const struct vl_lab *lab, const struct vl_node *node,
		   char *buf, size_t len);

/* Grow *V (element size SZ, count *N) by one zeroed element; NULL on ENOMEM. */
void *vl_array_push(void *vp, size_t *n, size_t sz);

#endif
