/* ICMP echo from inside a lab namespace, in-process (no ping binary):
 * IPv4 and IPv6, bound to a device and/or source address, errors read
 * from the socket's error queue so that "unreachable" is told apart from
 * "no answer". */
#ifndef VL_PING_H
#define VL_PING_H

#include "core/addr.h"
#include "core/error.h"

struct vl_ping_opts {
	int netns_fd;			/* the node's namespace (never the host's) */
	const char *dev;		/* SO_BINDTODEVICE, or NULL */
	const struct vl_prefix *src;	/* bind to this source, or NULL */
	struct vl_prefix dst;
	unsigned count;			/* echo requests to send, >= 1 */
	unsigned interval_ms;		/* between two sends */
	unsigned timeout_ms;		/* how long a request waits for its reply */
};

struct vl_ping_result {
	unsigned sent, received;
	unsigned errors;		/* ICMP errors and local send failures */
	double rtt_min_ms, rtt_avg_ms, rtt_max_ms;	/* over the replies */
	int error;			/* the last errno from an error: EHOSTUNREACH... */
	char error_from[48];		/* who sent the ICMP error ("" if local) */
	/* One line for people: "2 sent, 2 received, rtt 0.031/0.045/0.058 ms",
	 * "2 sent, 0 received: Destination Host Unreachable (from
	 * 192.168.2.11)", "1 sent, 0 received: no reply within 1000 ms". */
	char summary[256];
};

/* Send OPTS->count echo requests and collect replies and errors. Fails
 * (< 0, ERR filled) only when the ping could not be made at all (socket,
 * bind, device); an unanswered ping is a result, not an error. */
int vl_ping(const struct vl_ping_opts *opts, struct vl_ping_result *res,
	    struct vl_error *err);

#endif
