/* rtnetlink over libmnl: one socket per network namespace, requests that
 * always ask for an ACK, dumps that restart when interrupted, and kernel
 * errors (with the extended ACK message) turned into struct vl_error. */
#ifndef VL_NL_H
#define VL_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct vl_nl {
	struct mnl_socket *sk;
	unsigned portid;
	unsigned seq;
	char *buf;		/* receive buffer */
	size_t buflen;
	char *req;		/* one request being built */
	size_t reqlen;
};

/* Open a NETLINK_ROUTE socket inside the namespace NETNS_FD, which must
 * not be the host's. The socket stays in that namespace for its life. */
int vl_nl_open(struct vl_nl *nl, int netns_fd, struct vl_error *err);
void vl_nl_close(struct vl_nl *nl);

/* A zeroed request of TYPE with FLAGS (NLM_F_REQUEST is added) and a
 * family header of HDRLEN bytes; returns the header to fill. */
struct nlmsghdr *vl_nl_req(struct vl_nl *nl, uint16_t type, uint16_t flags,
			   size_t hdrlen);

/* Send NLH with NLM_F_ACK and wait for the ACK. On a kernel error returns
 * -errno and fills ERR with "WHAT: strerror (extack message)". */
int vl_nl_talk(struct vl_nl *nl, struct nlmsghdr *nlh, struct vl_error *err,
	       const char *what, ...) VL_PRINTF(4, 5);

/* Like vl_nl_talk, and CB sees the reply's data messages (a GET of one
 * object answers with the object, then the ACK). */
int vl_nl_query(struct vl_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		struct vl_error *err, const char *what, ...) VL_PRINTF(6, 7);

/* Send a dump request and call CB for every message; restarts (up to a
 * few times) when the kernel says the dump was interrupted by a change.
 * RESET is called before each attempt so CB's state starts clean. */
int vl_nl_dump(struct vl_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void (*reset)(void *data), void *data, struct vl_error *err,
	       const char *what);

/* The index of interface NAME in the socket's namespace. */
int vl_nl_ifindex(struct vl_nl *nl, const char *name, int *index,
		  struct vl_error *err);

/* Bounded attribute puts: false when the request buffer is full. */
bool vl_nl_put(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type,
	       size_t len, const void *data);
bool vl_nl_put_str(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		   const char *s);
bool vl_nl_put_u32(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		   uint32_t v);
bool vl_nl_put_u8(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		  uint8_t v);
struct nlattr *vl_nl_nest(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type);

#endif
