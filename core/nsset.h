/* The namespaces of one lab as one run of observe, apply and verify uses
 * them: each opened once, with its netlink socket, the /proc/sys
 * directories its keys were read or written through, the indexes of its
 * interfaces and the ids it gives the lab's other namespaces, all kept
 * until the run ends. Nothing here grows with the number of namespaces
 * on the machine, and looking one up does not grow with the lab. */
#ifndef VL_NSSET_H
#define VL_NSSET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model.h"
#include "core/nl.h"
#include "core/state.h"

#define VL_NS_SYSDIRS 4

struct vl_ns_if {
	char name[VL_IFNAMSIZ];
	int index;
};

struct vl_ns {
	char *node;
	char name[VL_MAX_NETNS_NAME + 2];	/* LAB-NODE */
	bool in_file;		/* a node of the file, not only of the journal */
	int fd;			/* -1: not open */
	bool created;		/* made by this run: undo is deleting it */
	bool nl_open;
	struct vl_nl nl;
	/* /proc/sys/net/<name> directories, opened from inside */
	struct {
		char name[16];
		int fd;
	} sysdir[VL_NS_SYSDIRS];
	struct vl_ns_if *ifs;	/* interface indexes by name, as learnt */
	size_t n_ifs;
	struct {
		size_t peer;	/* set index */
		int id;		/* the id NS gives it, -1 for none */
	} *nsids;		/* once asked */
	size_t n_nsids;
};

struct vl_nsset {
	struct vl_ns *v;	/* sorted by node name */
	size_t n;
	struct vl_nl_mem mem;	/* shared by all the sockets */
};

/* The namespaces of DESIRED's nodes and of the ones the journal ST says
 * the lab owns, none opened yet. */
int vl_nsset_init(struct vl_nsset *s, const struct vl_lab *desired,
		  const struct vl_state *st, struct vl_error *err);
void vl_nsset_fini(struct vl_nsset *s);
struct vl_ns *vl_nsset_find(struct vl_nsset *s, const char *node);

/* Open NS's namespace, if not yet. -ENOENT (ERR untouched) when there is
 * none; other errors as vl_netns_open. */
int vl_ns_open(struct vl_ns *ns, struct vl_error *err);
/* Its netlink socket, opened on first use (the namespace too). */
int vl_ns_nl(struct vl_nsset *s, struct vl_ns *ns, struct vl_nl **nl,
	     struct vl_error *err);
/* Forget all of NS: its namespace is gone, or about to be made anew. */
void vl_ns_close(struct vl_nsset *s, struct vl_ns *ns);

/* Interface indexes learnt (by a dump or a lookup), and forgotten when
 * links come or go in NS. */
int vl_ns_if_learn(struct vl_ns *ns, const char *name, int index);
int vl_ns_if_index(const struct vl_ns *ns, const char *name);
void vl_ns_if_forget(struct vl_ns *ns);

/* The ids NS gives the namespaces of PEERS (N of them; -1 when it has
 * none), asked in one batch for those not known yet. */
int vl_ns_nsids(struct vl_nsset *s, struct vl_ns *ns, struct vl_ns *const *peers,
		size_t n, int *ids, struct vl_error *err);

/* Sysctl KEY of NS, with the calling thread inside NS (vl_netns_enter):
 * through its /proc/sys/net/<family> directory, opened once. */
int vl_ns_sysctl_read(struct vl_ns *ns, const char *key, char *buf, size_t len);
int vl_ns_sysctl_write(struct vl_ns *ns, const char *key, const char *value);

#endif
