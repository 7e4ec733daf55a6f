/* What vethlab remembers about a lab between runs, under /run/vethlab
 * (rootless, the directory core/rootless.h says):
 * a lock per lab, and a journal of the objects it created. The journal is
 * written before each create, so after a crash at any point the next run
 * knows every object that may exist and that it may remove. */
#ifndef VL_STATE_H
#define VL_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct vl_owned_if {
	char *node, *iface;
};

/* A sysctl vethlab changed, with the value it had before. */
struct vl_owned_sysctl {
	char *node, *key, *orig;
};

struct vl_state {
	char *lab;
	char *dir;		/* ROOT/<lab> */
	char *lock_path;	/* ROOT/<lab>.lock */
	int lock_fd;
	int journal_fd;		/* -1 until the first note */
	char **netns;		/* namespaces this lab owns */
	size_t n_netns;
	struct vl_owned_if *ifs;	/* interfaces it created (one per veth end) */
	size_t n_ifs;
	struct vl_owned_sysctl *sysctls;
	size_t n_sysctls;
	/* the records by name (core/state.c), so that reading or writing a
	 * journal of N records costs O(N), not O(N^2) */
	struct vl_state_index *index;
};

/* Lock lab LAB (waiting for another vethlab that holds it) and read its
 * journal. A lab that was never brought up has an empty state. */
int vl_state_open(struct vl_state *st, const char *lab, struct vl_error *err);
/* Release the lock. */
void vl_state_close(struct vl_state *st);

/* Journal an intent or a removal. Creates the state directory on first
 * use. Records: "+netns NAME", "-netns NAME", "+if NODE IFACE",
 * "-if NODE IFACE". */
int vl_state_add_netns(struct vl_state *st, const char *name, struct vl_error *err);
int vl_state_del_netns(struct vl_state *st, const char *name, struct vl_error *err);
int vl_state_add_if(struct vl_state *st, const char *node, const char *iface,
		    struct vl_error *err);
int vl_state_del_if(struct vl_state *st, const char *node, const char *iface,
		    struct vl_error *err);

/* "+sysctl NODE KEY VALUE" before vethlab first changes KEY (nothing if
 * it is recorded already), "-sysctl NODE KEY" once it is put back. */
int vl_state_add_sysctl(struct vl_state *st, const char *node, const char *key,
			const char *orig, struct vl_error *err);
int vl_state_del_sysctl(struct vl_state *st, const char *node, const char *key,
			struct vl_error *err);
/* The value KEY had before vethlab changed it, or NULL. */
const char *vl_state_sysctl_orig(const struct vl_state *st, const char *node,
				 const char *key);

bool vl_state_owns_netns(const struct vl_state *st, const char *name);
bool vl_state_owns_if(const struct vl_state *st, const char *node, const char *iface);
bool vl_state_exists(const struct vl_state *st);

/* Rewrite the journal as just the objects owned now (after an up that
 * succeeded), so it does not grow with every reconcile. */
int vl_state_compact(struct vl_state *st, struct vl_error *err);

/* Keep a copy of the topology last brought up, for `status --lab`. */
int vl_state_save_topology(struct vl_state *st, const char *buf, size_t len,
			   struct vl_error *err);
char *vl_state_topology_path(const struct vl_state *st);

/* True when the topology saved for LAB is byte for byte BUF (LEN bytes):
 * a file known to be the one LAB was brought up from. */
bool vl_state_saved_is(const char *lab, const char *buf, size_t len);

/* Forget the lab: remove its directory and lock file (still held). */
int vl_state_remove(struct vl_state *st, struct vl_error *err);

/* Names of labs with state on this machine, sorted. */
int vl_state_list(char ***labs, size_t *n, struct vl_error *err);
void vl_state_list_free(char **labs, size_t n);

#endif
