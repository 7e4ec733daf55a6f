/* rtnetlink over libmnl: one socket per network namespace, requests that
 * always ask for an ACK, dumps that restart when interrupted, and kernel
 * errors (with the extended ACK message) turned into struct vl_error. */
#ifndef VL_NL_H
#define VL_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* The buffers a socket builds requests in and receives into. Sockets
 * used one at a time (a lab's, by one thread) may share one. */
struct vl_nl_mem {
	char *buf;		/* receive buffer */
	size_t buflen;
	char *req;		/* the request, or the batch, being built */
	size_t reqcap;
};

struct vl_nl {
	struct mnl_socket *sk;
	unsigned portid;
	unsigned seq;
	struct vl_nl_mem *mem;	/* &own, or shared */
	struct vl_nl_mem own;
	size_t reqlen;		/* room for the request being built */
	/* a batch being built: vl_nl_req appends */
	bool batching;
	size_t batch_len;	/* bytes of the complete requests */
	size_t batch_n;
	struct nlmsghdr *batch_last;
};

/* Open a NETLINK_ROUTE socket inside the namespace NETNS_FD, which must
 * not be the host's. The socket stays in that namespace for its life.
 * MEM: buffers shared with other sockets (see vl_nl_mem_init), or NULL
 * for its own. */
int vl_nl_open(struct vl_nl *nl, int netns_fd, struct vl_nl_mem *mem,
	       struct vl_error *err);
void vl_nl_close(struct vl_nl *nl);
int vl_nl_mem_init(struct vl_nl_mem *mem);
void vl_nl_mem_fini(struct vl_nl_mem *mem);

/* A zeroed request of TYPE with FLAGS (NLM_F_REQUEST is added) and a
 * family header of HDRLEN bytes; returns the header to fill. Inside a
 * batch it is added after the batch's other requests (NULL without
 * memory). */
struct nlmsghdr *vl_nl_req(struct vl_nl *nl, uint16_t type, uint16_t flags,
			   size_t hdrlen);

/* Batches: the requests made with vl_nl_req between vl_nl_batch_start
 * and vl_nl_batch_send go to the kernel together (a few sendmsg calls,
 * not one round trip each), each with NLM_F_ACK. The kernel runs them
 * in order and answers each one, whether the ones before it failed or
 * not. ERRORS[i] gets the i-th request's result (0 or -errno), MSGS[i]
 * (if MSGS is not NULL) the kernel's extended ACK message ("" if none). CB,
 * if any, sees the data messages of the replies; a batch's requests have
 * consecutive sequence numbers from the one vl_nl_batch_start returns.
 * < 0 when the batch could not be sent or its answers read: ERR says
 * why, and ERRORS[i] is 1 for the requests without an answer. */
unsigned vl_nl_batch_start(struct vl_nl *nl);
/* Drop the batch being built, sending nothing. */
void vl_nl_batch_cancel(struct vl_nl *nl);
#define VL_NL_MSGLEN 256
int vl_nl_batch_send(struct vl_nl *nl, mnl_cb_t cb, void *data, int *errors,
		     char (*msgs)[VL_NL_MSGLEN], struct vl_error *err);
/* The error message the single requests give: "WHAT: strerror (MSG)". */
int vl_nl_error(struct vl_error *err, int error, const char *msg,
		const char *what);

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
