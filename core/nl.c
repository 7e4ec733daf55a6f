/* The plain shape of rtnetlink with libmnl: request + ACK, dump + retry. */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "core/netns.h"
#include "core/nl.h"

/* Large enough for a dump batch of a busy namespace and for any request we
 * build (a veth with its peer is well under 1 KiB). */
#define NL_RECV_SIZE (32u * 1024u)
#define NL_REQ_SIZE 4096u
#define NL_DUMP_TRIES 8

int vl_nl_mem_init(struct vl_nl_mem *mem)
{
	mem->buf = malloc(NL_RECV_SIZE);
	mem->req = calloc(1, NL_REQ_SIZE);
	mem->buflen = NL_RECV_SIZE;
	mem->reqcap = NL_REQ_SIZE;
	if (mem->buf && mem->req)
		return 0;
	vl_nl_mem_fini(mem);
	return -ENOMEM;
}

void vl_nl_mem_fini(struct vl_nl_mem *mem)
{
	free(mem->buf);
	free(mem->req);
	memset(mem, 0, sizeof(*mem));
}

int vl_nl_open(struct vl_nl *nl, int netns_fd, struct vl_nl_mem *mem,
	       struct vl_error *err)
{
	int one = 1, r, saved;

	memset(nl, 0, sizeof(*nl));
	nl->mem = mem ? mem : &nl->own;
	if (!mem && vl_nl_mem_init(&nl->own) < 0) {
		r = vl_err(err, -ENOMEM, "netlink buffers");
		goto fail;
	}
	nl->reqlen = NL_REQ_SIZE;
	/* A netlink socket belongs to the namespace it was made in: enter
	 * the target just long enough to create it. Entering refuses the
	 * host's namespace, so no socket of ours can ever write there. */
	r = vl_netns_enter(netns_fd, &saved, err);
	if (r < 0)
		goto fail;
	nl->sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	r = nl->sk ? 0 : -errno;
	if (vl_netns_leave(saved, err) < 0) {
		/* we could not get back: nothing after this is safe */
		r = err->code;
		goto fail;
	}
	if (r < 0) {
		vl_err_sys(err, r, "open netlink socket");
		goto fail;
	}
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = vl_err_sys(err, errno, "bind netlink socket");
		goto fail;
	}
	/* Extended ACKs carry the kernel's reason ("Nexthop has invalid
	 * gateway"); capped ACKs spare echoing our request back. Both are
	 * best effort: an old kernel still gives the errno. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (unsigned)getpid() << 8;
	return 0;
fail:
	vl_nl_close(nl);
	return r;
}

void vl_nl_close(struct vl_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	if (nl->mem == &nl->own)
		vl_nl_mem_fini(&nl->own);
	memset(nl, 0, sizeof(*nl));
}

/* Room for one more request of up to NL_REQ_SIZE after the batch. */
static bool batch_room(struct vl_nl *nl)
{
	struct vl_nl_mem *m = nl->mem;
	size_t need = nl->batch_len + NL_REQ_SIZE;
	char *req;

	if (need <= m->reqcap)
		return true;
	req = realloc(m->req, need * 2);
	if (!req)
		return false;
	m->req = req;
	m->reqcap = need * 2;
	return true;
}

struct nlmsghdr *vl_nl_req(struct vl_nl *nl, uint16_t type, uint16_t flags,
			   size_t hdrlen)
{
	struct nlmsghdr *nlh;
	char *at = nl->mem->req;

	if (nl->batching) {
		/* the last request is complete now: count it in */
		if (nl->batch_last)
			nl->batch_len += MNL_ALIGN(nl->batch_last->nlmsg_len);
		if (!batch_room(nl))
			return NULL;
		at = nl->mem->req + nl->batch_len;
		nl->batch_n++;
		flags |= NLM_F_ACK;
	}
	memset(at, 0, NL_REQ_SIZE);
	nlh = mnl_nlmsg_put_header(at);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	mnl_nlmsg_put_extra_header(nlh, hdrlen);
	if (nl->batching)
		nl->batch_last = nlh;
	return nlh;
}

unsigned vl_nl_batch_start(struct vl_nl *nl)
{
	nl->batching = true;
	nl->batch_len = 0;
	nl->batch_n = 0;
	nl->batch_last = NULL;
	return nl->seq + 1;
}

void vl_nl_batch_cancel(struct vl_nl *nl)
{
	nl->batching = false;
	nl->batch_len = 0;
	nl->batch_n = 0;
	nl->batch_last = NULL;
}

bool vl_nl_put(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type,
	       size_t len, const void *data)
{
	return mnl_attr_put_check(nlh, nl->reqlen, type, len, data);
}

bool vl_nl_put_str(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		   const char *s)
{
	return mnl_attr_put_strz_check(nlh, nl->reqlen, type, s);
}

bool vl_nl_put_u32(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		   uint32_t v)
{
	return mnl_attr_put_u32_check(nlh, nl->reqlen, type, v);
}

bool vl_nl_put_u8(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		  uint8_t v)
{
	return mnl_attr_put_u8_check(nlh, nl->reqlen, type, v);
}

struct nlattr *vl_nl_nest(struct vl_nl *nl, struct nlmsghdr *nlh, uint16_t type)
{
	return mnl_attr_nest_start_check(nlh, nl->reqlen, type);
}

struct ack {
	int error;		/* 0, or a negative errno from the kernel */
	char msg[256];		/* the extended ACK message, if any */
	bool dump_intr;
};

/* NLMSG_ERROR carries both ACKs (error 0) and errors; pull out the code
 * and NLMSGERR_ATTR_MSG, which libmnl's default handler would drop. */
static void on_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct ack *ack = data;
	const struct nlattr *a;
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		ack->error = -EBADMSG;
		return;
	}
	ack->error = e->error;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		a = (const struct nlattr *)((const char *)e + MNL_ALIGN(off));
		while (mnl_attr_ok(a, (int)((const char *)nlh + nlh->nlmsg_len -
					    (const char *)a))) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(ack->msg, sizeof(ack->msg), "%s",
					 mnl_attr_get_str(a));
			a = mnl_attr_next(a);
		}
	}
}

int vl_nl_error(struct vl_error *err, int error, const char *msg,
		const char *what)
{
	if (msg && msg[0])
		return vl_err(err, error, "%s: %s (%s)", what, strerror(-error), msg);
	return vl_err(err, error, "%s: %s", what, strerror(-error));
}

static int fill_error(struct vl_error *err, const struct ack *ack,
		      const char *what)
{
	return vl_nl_error(err, ack->error, ack->msg, what);
}

/* Receive until the request SEQ is answered by an ACK, an error or the end
 * of a dump; CB (if any) sees the data messages. Replies to an earlier
 * request that was abandoned half-way are skipped by their sequence. */
static int run(struct vl_nl *nl, unsigned seq, mnl_cb_t cb, void *data,
	       struct ack *ack)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl->mem->buf, nl->mem->buflen);
		struct nlmsghdr *h = (struct nlmsghdr *)nl->mem->buf;
		int left = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ack->error = -errno;
			return -1;
		}
		for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			if (h->nlmsg_seq != seq || h->nlmsg_pid != nl->portid)
				continue;
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				ack->dump_intr = true;
			switch (h->nlmsg_type) {
			case NLMSG_DONE:
				/* a dump that failed half-way ends with its errno */
				if (mnl_nlmsg_get_payload_len(h) >= sizeof(int) &&
				    *(int *)mnl_nlmsg_get_payload(h) < 0) {
					ack->error = *(int *)mnl_nlmsg_get_payload(h);
					return -1;
				}
				return 0;
			case NLMSG_ERROR:
				on_error(h, ack);
				return ack->error ? -1 : 0;
			case NLMSG_NOOP:
			case NLMSG_OVERRUN:
				continue;
			default:
				errno = 0;
				if (cb && cb(h, data) == MNL_CB_ERROR) {
					ack->error = errno ? -errno : -EIO;
					return -1;
				}
			}
		}
	}
}

static int request(struct vl_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data, struct vl_error *err, const char *fmt, va_list ap)
{
	struct ack ack = { 0 };
	char what[512];

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		ack.error = -errno;
	else if (run(nl, nlh->nlmsg_seq, cb, data, &ack) == 0)
		return 0;
	vsnprintf(what, sizeof(what), fmt, ap);
	return fill_error(err, &ack, what);
}

/* At most this much of a batch per sendmsg: well under the socket's
 * send buffer, and its ACKs well under the receive buffer. */
#define NL_BATCH_CHUNK (32u * 1024u)

/* Read the answers to the requests numbered FIRST.. (sequence SEQ0 + i)
 * until the ones up to LAST (excluded) are all answered. */
static int read_acks(struct vl_nl *nl, unsigned seq0, size_t first, size_t last,
		     mnl_cb_t cb, void *data, int *errors, char (*msgs)[VL_NL_MSGLEN],
		     struct vl_error *err)
{
	size_t left = last - first;

	while (left) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl->mem->buf, nl->mem->buflen);
		struct nlmsghdr *h = (struct nlmsghdr *)nl->mem->buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vl_err_sys(err, errno, "read netlink answers");
		}
		for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			size_t i = h->nlmsg_seq - seq0;

			if (h->nlmsg_pid != nl->portid || i < first || i >= last)
				continue;	/* not this batch's (an abandoned one's) */
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct ack ack = { 0 };

				on_error(h, &ack);
				errors[i] = ack.error;
				if (msgs)
					snprintf(msgs[i], VL_NL_MSGLEN, "%s", ack.msg);
				left--;
			} else if (h->nlmsg_type >= NLMSG_MIN_TYPE && cb &&
				   cb(h, data) == MNL_CB_ERROR) {
				return vl_err(err, errno ? -errno : -EIO, "read netlink answers");
			}
		}
	}
	return 0;
}

int vl_nl_batch_send(struct vl_nl *nl, mnl_cb_t cb, void *data, int *errors,
		     char (*msgs)[VL_NL_MSGLEN], struct vl_error *err)
{
	unsigned seq0 = nl->seq + 1 - (unsigned)nl->batch_n;
	size_t off = 0, done = 0, total;
	int r = 0;

	if (nl->batch_last)
		nl->batch_len += MNL_ALIGN(nl->batch_last->nlmsg_len);
	total = nl->batch_len;
	nl->batching = false;
	nl->batch_last = NULL;
	/* 1: not answered (not sent, or its answer not read) */
	for (size_t i = 0; i < nl->batch_n; i++) {
		errors[i] = 1;
		if (msgs)
			msgs[i][0] = '\0';
	}
	while (r == 0 && off < total) {
		/* whole requests, up to a chunk (one at least) */
		size_t end = off, upto = done;

		while (end < total) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)(nl->mem->req + end);

			if (end > off && end + h->nlmsg_len - off > NL_BATCH_CHUNK)
				break;
			end += MNL_ALIGN(h->nlmsg_len);
			upto++;
		}
		if (mnl_socket_sendto(nl->sk, nl->mem->req + off, end - off) < 0)
			return vl_err_sys(err, errno, "send netlink requests");
		r = read_acks(nl, seq0, done, upto, cb, data, errors, msgs, err);
		off = end;
		done = upto;
	}
	return r;
}

int vl_nl_talk(struct vl_nl *nl, struct nlmsghdr *nlh, struct vl_error *err,
	       const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = request(nl, nlh, NULL, NULL, err, fmt, ap);
	va_end(ap);
	return r;
}

int vl_nl_query(struct vl_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		struct vl_error *err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = request(nl, nlh, cb, data, err, fmt, ap);
	va_end(ap);
	return r;
}

int vl_nl_dump(struct vl_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
	       void (*reset)(void *data), void *data, struct vl_error *err,
	       const char *what)
{
	for (int tries = 0; tries < NL_DUMP_TRIES; tries++) {
		struct ack ack = { 0 };

		if (tries) {
			nlh->nlmsg_seq = ++nl->seq;
			if (reset)
				reset(data);
		}
		nlh->nlmsg_flags |= NLM_F_DUMP;
		if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
			return vl_err_sys(err, errno, "%s", what);
		if (run(nl, nlh->nlmsg_seq, cb, data, &ack) < 0)
			return fill_error(err, &ack, what);
		/* The kernel changed the table while dumping it: what we
		 * read may be inconsistent, so read it again. */
		if (!ack.dump_intr)
			return 0;
	}
	return vl_err(err, -EAGAIN, "%s: dump kept being interrupted", what);
}

static int ifindex_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	*(int *)data = ifi->ifi_index;
	return MNL_CB_OK;
}

int vl_nl_ifindex(struct vl_nl *nl, const char *name, int *index,
		  struct vl_error *err)
{
	struct nlmsghdr *nlh = vl_nl_req(nl, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	int r;

	*index = 0;
	if (!vl_nl_put_str(nl, nlh, IFLA_IFNAME, name))
		return vl_err(err, -EMSGSIZE, "look up %s", name);
	r = vl_nl_query(nl, nlh, ifindex_cb, index, err, "look up interface %s", name);
	if (r == 0 && *index <= 0)
		r = vl_err(err, -ENODEV, "look up interface %s: no index", name);
	return r;
}
