/* ICMP echo from inside a lab namespace, without the ping binary.
 *
 * Two raw sockets, both made inside the node's namespace: one sends, bound
 * to the device and source that were asked for; the other receives and is
 * bound to nothing. With both ends in one namespace (the article's
 * "ping -I veth0 192.168.2.1") replies and the local stack's "host
 * unreachable" come back through lo. The kernel files such a packet under
 * the device of our address (veth0) when it hands it to raw sockets, but
 * under lo when it queues an ICMP error (raw_icmp_error looks at
 * skb->dev): a socket bound to veth0 would see the reply and never the
 * error. The unbound socket sees every ICMP packet of the namespace, so
 * replies and errors are matched on our identifier, a per-call random
 * nonce in the payload, the sequence number and the destination. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>

#include "core/netns.h"
#include "core/ping.h"
#include "core/timings.h"

#define NONCE_LEN 8
#define PAYLOAD_LEN 56		/* what ping sends by default */
#define ECHO_LEN (8 + PAYLOAD_LEN)
#define MAX_SLOTS 65536		/* one per 16-bit sequence number */
#define BATCH 64		/* packets read per wake-up before timers run */

/* The echo header is the same for ICMP and ICMPv6. */
struct echo_hdr {
	uint8_t type, code;
	uint16_t cksum, id, seq;
};

enum { SLOT_FREE, SLOT_WAITING, SLOT_DONE };

struct slot {
	int64_t sent_ns;
	unsigned idx;		/* which request the slot holds */
	unsigned char state;
};

struct pinger {
	const struct vl_ping_opts *o;
	struct vl_ping_result *res;
	int family, tx, rx;
	union {
		struct sockaddr sa;
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} dst;
	socklen_t dst_len;
	uint16_t id;
	unsigned char nonce[NONCE_LEN];
	struct slot *slots;
	unsigned nslots;
	unsigned next;		/* requests sent (or tried) so far */
	unsigned oldest;	/* no request before it is still waiting */
	unsigned waiting;
	int64_t timeout_ns;
	double rtt_sum;
	char error_words[96];	/* the last error, for the summary */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint16_t inet_csum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Not a secret, only unlikely to collide with another pinger's; if the
 * kernel has no entropy yet, the clock and pid will do. */
static void make_ids(struct pinger *p)
{
	unsigned char buf[2 + NONCE_LEN];

	if (getrandom(buf, sizeof(buf), GRND_NONBLOCK) != (ssize_t)sizeof(buf)) {
		uint64_t x = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);

		for (size_t i = 0; i < sizeof(buf); i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			buf[i] = (unsigned char)(x >> 56);
		}
	}
	memcpy(&p->id, buf, 2);
	memcpy(p->nonce, buf + 2, NONCE_LEN);
}

/* "ping 192.168.2.1 from 192.168.2.11 dev veth0", as `ip route get` says
 * it; the caller adds which node. */
static void describe(const struct vl_ping_opts *o, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 8], s[INET6_ADDRSTRLEN + 8];

	vl_addr_str(&o->dst, a, sizeof(a));
	if (o->src)
		vl_addr_str(o->src, s, sizeof(s));
	snprintf(buf, len, "ping %s%s%s%s%s", a, o->src ? " from " : "",
		 o->src ? s : "", o->dev ? " dev " : "", o->dev ? o->dev : "");
}

static void fill_sockaddr(int family, const struct vl_prefix *a,
			  struct sockaddr_in *v4, struct sockaddr_in6 *v6,
			  socklen_t *len)
{
	if (family == AF_INET) {
		memset(v4, 0, sizeof(*v4));
		v4->sin_family = AF_INET;
		memcpy(&v4->sin_addr, a->addr, 4);
		*len = sizeof(*v4);
	} else {
		memset(v6, 0, sizeof(*v6));
		v6->sin6_family = AF_INET6;
		memcpy(&v6->sin6_addr, a->addr, 16);
		*len = sizeof(*v6);
	}
}

/* Only the sockets are made inside the namespace: a socket stays in the
 * namespace it was created in, and everything else is done through it. */
static int open_sockets(struct pinger *p, const char *ctx, struct vl_error *err)
{
	int proto = p->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int saved, r, e = 0;

	r = vl_netns_enter(p->o->netns_fd, &saved, err);
	if (r < 0)
		return vl_err_wrap(err, "%s", ctx);
	p->tx = socket(p->family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
	if (p->tx < 0)
		e = errno;
	else if ((p->rx = socket(p->family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
				 proto)) < 0)
		e = errno;
	r = vl_netns_leave(saved, err);
	if (r < 0)
		return vl_err_wrap(err, "%s", ctx);
	if (e)
		return vl_err_sys(err, e, "%s: open raw %s socket", ctx,
				  p->family == AF_INET ? "ICMP" : "ICMPv6");
	return 0;
}

static int setup_tx(struct pinger *p, const char *ctx, struct vl_error *err)
{
	/* The sender reads nothing: drop whatever ICMP the namespace would
	 * queue on it. */
	static struct sock_filter drop_all[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = drop_all };
	const struct vl_ping_opts *o = p->o;

	if (setsockopt(p->tx, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return vl_err_sys(err, errno, "%s: attach a filter", ctx);
	if (o->dev && setsockopt(p->tx, SOL_SOCKET, SO_BINDTODEVICE, o->dev,
				 (socklen_t)strlen(o->dev) + 1) < 0)
		return vl_err_sys(err, errno, "%s: bind to device %s", ctx, o->dev);
	if (o->src) {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
		char s[INET6_ADDRSTRLEN + 8];
		socklen_t len;

		fill_sockaddr(p->family, o->src, &v4, &v6, &len);
		if (bind(p->tx, p->family == AF_INET ? (struct sockaddr *)&v4 :
			 (struct sockaddr *)&v6, len) < 0) {
			vl_addr_str(o->src, s, sizeof(s));
			return vl_err_sys(err, errno, "%s: bind to %s", ctx, s);
		}
	}
	return 0;
}

/* Echo replies only; errors arrive on the error queue whatever the filter
 * says (it applies to the normal queue). */
static int setup_rx(struct pinger *p, const char *ctx, struct vl_error *err)
{
	int on = 1;

	if (p->family == AF_INET) {
		struct icmp_filter f = { .data = ~(1U << ICMP_ECHOREPLY) };

		if (setsockopt(p->rx, SOL_RAW, ICMP_FILTER, &f, sizeof(f)) < 0)
			return vl_err_sys(err, errno, "%s: set ICMP_FILTER", ctx);
		if (setsockopt(p->rx, SOL_IP, IP_RECVERR, &on, sizeof(on)) < 0)
			return vl_err_sys(err, errno, "%s: set IP_RECVERR", ctx);
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		if (setsockopt(p->rx, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0)
			return vl_err_sys(err, errno, "%s: set ICMP6_FILTER", ctx);
		if (setsockopt(p->rx, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on)) < 0)
			return vl_err_sys(err, errno, "%s: set IPV6_RECVERR", ctx);
	}
	return 0;
}

static const char *icmp4_words(int type, int code)
{
	static const char *const unreach[] = {
		[ICMP_NET_UNREACH] = "Destination Net Unreachable",
		[ICMP_HOST_UNREACH] = "Destination Host Unreachable",
		[ICMP_PROT_UNREACH] = "Destination Protocol Unreachable",
		[ICMP_PORT_UNREACH] = "Destination Port Unreachable",
		[ICMP_FRAG_NEEDED] = "Fragmentation needed",
		[ICMP_SR_FAILED] = "Source Route Failed",
		[ICMP_NET_UNKNOWN] = "Destination Net Unknown",
		[ICMP_HOST_UNKNOWN] = "Destination Host Unknown",
		[ICMP_HOST_ISOLATED] = "Source Host Isolated",
		[ICMP_NET_ANO] = "Destination Net Prohibited",
		[ICMP_HOST_ANO] = "Destination Host Prohibited",
		[ICMP_NET_UNR_TOS] = "Destination Net Unreachable for Type of Service",
		[ICMP_HOST_UNR_TOS] = "Destination Host Unreachable for Type of Service",
		[ICMP_PKT_FILTERED] = "Packet filtered",
		[ICMP_PREC_VIOLATION] = "Precedence Violation",
		[ICMP_PREC_CUTOFF] = "Precedence Cutoff",
	};

	if (type == ICMP_DEST_UNREACH && code >= 0 &&
	    (size_t)code < sizeof(unreach) / sizeof(*unreach))
		return unreach[code];
	if (type == ICMP_TIME_EXCEEDED)
		return code ? "Frag reassembly time exceeded" : "Time to live exceeded";
	if (type == ICMP_PARAMETERPROB)
		return "Parameter problem";
	return NULL;
}

static const char *icmp6_words(int type, int code)
{
	static const char *const unreach[] = {
		[ICMP6_DST_UNREACH_NOROUTE] = "Destination unreachable: No route",
		[ICMP6_DST_UNREACH_ADMIN] = "Destination unreachable: Administratively prohibited",
		[ICMP6_DST_UNREACH_BEYONDSCOPE] = "Destination unreachable: Beyond scope",
		[ICMP6_DST_UNREACH_ADDR] = "Destination unreachable: Address unreachable",
		[ICMP6_DST_UNREACH_NOPORT] = "Destination unreachable: Port unreachable",
		[5] = "Destination unreachable: Source address failed policy",
		[6] = "Destination unreachable: Reject route",
	};

	if (type == ICMP6_DST_UNREACH && code >= 0 &&
	    (size_t)code < sizeof(unreach) / sizeof(*unreach))
		return unreach[code];
	if (type == ICMP6_PACKET_TOO_BIG)
		return "Packet too big";
	if (type == ICMP6_TIME_EXCEEDED)
		return code ? "Time exceeded: Fragment reassembly" : "Time exceeded: Hop limit";
	if (type == ICMP6_PARAM_PROB)
		return "Parameter problem";
	return NULL;
}

/* One more request answered by an error (or not sent at all). */
static void record_error(struct pinger *p, int e, int origin, int type,
			 int code, const struct sockaddr *from)
{
	struct vl_ping_result *res = p->res;
	const char *words = NULL;

	res->errors++;
	res->error = e;
	res->error_from[0] = '\0';
	if (origin == SO_EE_ORIGIN_ICMP)
		words = icmp4_words(type, code);
	else if (origin == SO_EE_ORIGIN_ICMP6)
		words = icmp6_words(type, code);
	snprintf(p->error_words, sizeof(p->error_words), "%s",
		 words ? words : strerror(e));
	if (from && from->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)from)->sin_addr,
			  res->error_from, sizeof(res->error_from));
	else if (from && from->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)from)->sin6_addr,
			  res->error_from, sizeof(res->error_from));
}

static void finish(struct pinger *p, struct slot *s)
{
	s->state = SLOT_DONE;
	p->waiting--;
}

/* Requests whose time is up (at T) are given up; OLDEST moves past every
 * request that is no longer waiting. Requests are sent in order with the
 * same timeout, so the first one still in time ends the scan. */
static void expire(struct pinger *p, int64_t t)
{
	while (p->oldest < p->next) {
		struct slot *s = &p->slots[p->oldest % p->nslots];

		if (s->state == SLOT_WAITING && s->idx == p->oldest) {
			if (t < s->sent_ns + p->timeout_ns)
				break;
			finish(p, s);
		}
		p->oldest++;
	}
}

static void send_one(struct pinger *p)
{
	unsigned char pkt[ECHO_LEN];
	struct echo_hdr h = { 0 };
	unsigned idx = p->next++;
	struct slot *s = &p->slots[idx % p->nslots];
	int e = 0, junk;
	socklen_t jl = sizeof(junk);
	ssize_t n;

	/* Only when more than 65536 requests fit in one timeout. */
	if (s->state == SLOT_WAITING)
		finish(p, s);
	h.type = p->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	h.id = p->id;
	h.seq = htons((uint16_t)idx);
	memcpy(pkt, &h, sizeof(h));
	memcpy(pkt + 8, p->nonce, NONCE_LEN);
	for (size_t i = 8 + NONCE_LEN; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)i;
	/* The kernel sums ICMPv6 itself (it needs the pseudo-header). */
	if (p->family == AF_INET) {
		h.cksum = inet_csum(pkt, sizeof(pkt));
		memcpy(pkt, &h, sizeof(h));
	}
	/* A hard ICMP error for an earlier packet would fail this send
	 * without sending: clear it (errors are read on the other socket). */
	getsockopt(p->tx, SOL_SOCKET, SO_ERROR, &junk, &jl);
	s->idx = idx;
	s->sent_ns = now_ns();
	do
		n = sendto(p->tx, pkt, sizeof(pkt), MSG_DONTWAIT, &p->dst.sa,
			   p->dst_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		e = errno;
	p->res->sent++;
	if (e) {
		s->state = SLOT_DONE;
		record_error(p, e, SO_EE_ORIGIN_LOCAL, 0, 0, NULL);
		return;
	}
	s->state = SLOT_WAITING;
	p->waiting++;
}

/* The slot of request SEQ if it is still waiting, else NULL: replies to
 * requests never sent, answered twice or already given up count for
 * nothing. */
static struct slot *waiting_slot(struct pinger *p, uint16_t seq_net)
{
	unsigned seq = ntohs(seq_net);
	struct slot *s;

	if (seq >= p->nslots)
		return NULL;
	s = &p->slots[seq];
	if (s->state != SLOT_WAITING || (uint16_t)s->idx != seq)
		return NULL;
	return s;
}

/* True when the echo at PKT (LEN bytes) carries our identifier and, if
 * long enough to have it, our nonce (an ICMP error may quote only 8 bytes
 * of what we sent). */
static bool is_ours(const struct pinger *p, const unsigned char *pkt,
		    size_t len, bool need_nonce, struct echo_hdr *h)
{
	if (len < sizeof(*h))
		return false;
	memcpy(h, pkt, sizeof(*h));
	if (h->id != p->id)
		return false;
	if (len < 8 + NONCE_LEN)
		return !need_nonce;
	return memcmp(pkt + 8, p->nonce, NONCE_LEN) == 0;
}

static void take_reply(struct pinger *p, const unsigned char *icmp, size_t len,
		       int64_t t)
{
	struct vl_ping_result *res = p->res;
	struct echo_hdr h;
	struct slot *s;
	double rtt;

	if (!is_ours(p, icmp, len, true, &h) || h.code != 0 ||
	    h.type != (p->family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY))
		return;
	s = waiting_slot(p, h.seq);
	if (!s)
		return;
	finish(p, s);
	if (t >= s->sent_ns + p->timeout_ns)
		return;		/* too late: it timed out */
	rtt = (double)(t - s->sent_ns) / 1e6;
	if (!res->received || rtt < res->rtt_min_ms)
		res->rtt_min_ms = rtt;
	if (!res->received || rtt > res->rtt_max_ms)
		res->rtt_max_ms = rtt;
	res->received++;
	p->rtt_sum += rtt;
}

static void read_replies(struct pinger *p)
{
	for (int i = 0; i < BATCH; i++) {
		unsigned char buf[1500];
		struct sockaddr_in6 from;
		socklen_t fl = sizeof(from);
		ssize_t n;
		int64_t t;

		n = recvfrom(p->rx, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		t = now_ns();
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* EINTR, or a pending error reported once (its
			 * details are on the error queue) */
			continue;
		}
		if (p->family == AF_INET) {
			struct iphdr ip;
			size_t hl;

			/* raw IPv4 sockets get the IP header too */
			if ((size_t)n < sizeof(ip))
				continue;
			memcpy(&ip, buf, sizeof(ip));
			hl = (size_t)ip.ihl * 4;
			if (ip.version != 4 || hl < sizeof(ip) || hl > (size_t)n ||
			    ip.protocol != IPPROTO_ICMP ||
			    ip.saddr != p->dst.v4.sin_addr.s_addr ||
			    inet_csum(buf + hl, (size_t)n - hl) != 0)
				continue;
			take_reply(p, buf + hl, (size_t)n - hl, t);
		} else {
			/* the kernel checked the ICMPv6 sum */
			if (from.sin6_family != AF_INET6 ||
			    memcmp(&from.sin6_addr, &p->dst.v6.sin6_addr, 16))
				continue;
			take_reply(p, buf, (size_t)n, t);
		}
	}
}

/* Errors quote our request: the queue holds the quoted ICMP message, the
 * name is the request's destination, SO_EE_OFFENDER who complained. */
static void read_errors(struct pinger *p)
{
	bool got = false;

	for (int i = 0; i < BATCH; i++) {
		unsigned char buf[ECHO_LEN];
		union {
			char buf[512];
			struct cmsghdr align;
		} ctl;
		struct sockaddr_in6 name;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = {
			.msg_name = &name, .msg_namelen = sizeof(name),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		const struct sock_extended_err *ee = NULL;
		struct cmsghdr *c;
		struct echo_hdr h;
		struct slot *s;
		ssize_t n;

		n = recvmsg(p->rx, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got = true;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
			    (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR))
				ee = (const struct sock_extended_err *)CMSG_DATA(c);
		if (!ee || (ee->ee_origin != SO_EE_ORIGIN_ICMP &&
			    ee->ee_origin != SO_EE_ORIGIN_ICMP6))
			continue;
		if (p->family == AF_INET ?
		    ((struct sockaddr_in *)&name)->sin_addr.s_addr !=
		    p->dst.v4.sin_addr.s_addr :
		    memcmp(&name.sin6_addr, &p->dst.v6.sin6_addr, 16) != 0)
			continue;
		if (!is_ours(p, buf, (size_t)n, false, &h) ||
		    h.type != (p->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST))
			continue;
		s = waiting_slot(p, h.seq);
		if (!s)
			continue;
		finish(p, s);
		record_error(p, (int)ee->ee_errno, ee->ee_origin, ee->ee_type,
			     ee->ee_code, SO_EE_OFFENDER(ee));
	}
	if (!got) {
		/* POLLERR with an empty queue: a bare socket error; reading
		 * it clears it, or poll would keep waking us. */
		int junk;
		socklen_t jl = sizeof(junk);

		getsockopt(p->rx, SOL_SOCKET, SO_ERROR, &junk, &jl);
	}
}

static void summarize(struct pinger *p)
{
	struct vl_ping_result *res = p->res;
	char *b = res->summary;
	size_t cap = sizeof(res->summary), n;

	n = (size_t)snprintf(b, cap, "%u sent, %u received", res->sent,
			     res->received);
	if (n >= cap)
		return;
	if (res->received) {
		res->rtt_avg_ms = p->rtt_sum / res->received;
		n += (size_t)snprintf(b + n, cap - n, ", rtt %.3f/%.3f/%.3f ms",
				      res->rtt_min_ms, res->rtt_avg_ms,
				      res->rtt_max_ms);
		if (n < cap && res->errors)
			n += (size_t)snprintf(b + n, cap - n, "; %u error%s",
					      res->errors,
					      res->errors == 1 ? "" : "s");
	}
	if (n >= cap)
		return;
	if (res->errors) {
		n += (size_t)snprintf(b + n, cap - n, ": %s", p->error_words);
		if (n < cap && res->error_from[0])
			snprintf(b + n, cap - n, " (from %s)", res->error_from);
	} else if (!res->received) {
		snprintf(b + n, cap - n, ": no reply within %u ms",
			 p->o->timeout_ms);
	}
}

/* When request IDX is due: START + IDX intervals, or "never" for counts
 * and intervals too large to add up in 64 bits. */
static int64_t due(int64_t start, unsigned idx, int64_t interval)
{
	if (interval && (INT64_MAX / 2 - start) / interval <= (int64_t)idx)
		return INT64_MAX / 2;
	return start + (int64_t)idx * interval;
}

static void run(struct pinger *p)
{
	const struct vl_ping_opts *o = p->o;
	int64_t start = now_ns(), interval = (int64_t)o->interval_ms * 1000000;
	/* the last request's deadline; nothing should run past it, but
	 * the loop must end even if the bookkeeping were wrong */
	int64_t end = due(start, o->count - 1, interval) + p->timeout_ns;

	for (;;) {
		int64_t t = now_ns(), wake = end, next_send, w0;
		struct pollfd pfd = { .fd = p->rx, .events = POLLIN };
		struct timespec ts;
		int n;

		expire(p, t);
		next_send = due(start, p->next, interval);
		if (p->next < o->count && t >= next_send) {
			send_one(p);
			continue;
		}
		if ((p->next >= o->count && !p->waiting) || t >= end)
			break;
		if (p->next < o->count && next_send < wake)
			wake = next_send;
		if (p->oldest < p->next) {
			/* expire() left OLDEST on a request still in time */
			const struct slot *s = &p->slots[p->oldest % p->nslots];

			if (s->sent_ns + p->timeout_ns < wake)
				wake = s->sent_ns + p->timeout_ns;
		}
		ts.tv_sec = (wake - t) / 1000000000;
		ts.tv_nsec = (wake - t) % 1000000000;
		/* blocked on the network (a reply, an ARP retry's outcome,
		 * a timeout): --timings counts it apart from vethlab's work */
		w0 = vl_timings_now();
		n = ppoll(&pfd, 1, &ts, NULL);
		vl_timings_wait(vl_timings_now() - w0);
		if (n <= 0)
			continue;	/* time is up, or EINTR */
		if (pfd.revents & POLLERR)
			read_errors(p);
		if (pfd.revents & POLLIN)
			read_replies(p);
	}
}

int vl_ping(const struct vl_ping_opts *o, struct vl_ping_result *res,
	    struct vl_error *err)
{
	struct pinger p = { .o = o, .res = res, .tx = -1, .rx = -1 };
	char ctx[160];
	int r;

	memset(res, 0, sizeof(*res));
	describe(o, ctx, sizeof(ctx));
	p.family = o->dst.family;
	if (p.family != AF_INET && p.family != AF_INET6)
		return vl_err(err, -EAFNOSUPPORT, "%s: not an IPv4 or IPv6 address", ctx);
	if (o->src && o->src->family != p.family)
		return vl_err(err, -EINVAL, "%s: source and destination are of different families",
			      ctx);
	if (o->count == 0)
		return vl_err(err, -EINVAL, "%s: count must be at least 1", ctx);
	fill_sockaddr(p.family, &o->dst, &p.dst.v4, &p.dst.v6, &p.dst_len);
	p.nslots = o->count < MAX_SLOTS ? o->count : MAX_SLOTS;
	p.slots = calloc(p.nslots, sizeof(*p.slots));
	if (!p.slots)
		return vl_err_sys(err, ENOMEM, "%s", ctx);
	p.timeout_ns = (int64_t)o->timeout_ms * 1000000;
	make_ids(&p);

	r = open_sockets(&p, ctx, err);
	if (r == 0)
		r = setup_tx(&p, ctx, err);
	if (r == 0)
		r = setup_rx(&p, ctx, err);
	if (r == 0) {
		run(&p);
		summarize(&p);
	}
	if (p.tx >= 0)
		close(p.tx);
	if (p.rx >= 0)
		close(p.rx);
	free(p.slots);
	return r;
}
