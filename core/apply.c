/* Running a plan: the lab's namespaces opened once (core/nsset.h),
 * netlink writes sent in batches, each ACKed, the journal written before
 * anything is created, and an undo log that puts the machine back as it
 * was when an action fails or a signal arrives. */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "core/apply.h"
#include "core/netns.h"
#include "core/nl.h"
#include "core/nsset.h"
#include "core/observe.h"
#include "core/sysctl.h"
#include "core/timings.h"
#include "core/topo.h"

struct applier {
	const struct vl_lab *d, *o;
	struct vl_state *st;
	struct vl_nsset *set;
	const char *lab;
	struct vl_action *undo;
	size_t n_undo;
	char **strings;		/* owned by undo entries */
	size_t n_strings;
};

/* What became of one action of a run. */
struct result {
	int r;			/* 0 done, < 0 failed, 1 not tried */
	bool made;		/* it changed the kernel: undo it on rollback */
	char *old;		/* SYSCTL_SET: the value before */
};

static int get_ns(struct applier *ap, const char *node, struct vl_ns **ns,
		  struct vl_error *err)
{
	*ns = vl_nsset_find(ap->set, node);
	if (!*ns)
		return vl_err(err, -ENOENT, "node %s is not part of this plan", node);
	return 0;
}

/* --- the requests --- */

static bool put_link_settings(struct vl_nl *nl, struct nlmsghdr *nlh,
			      const struct vl_iface *w)
{
	bool ok = vl_nl_put_str(nl, nlh, IFLA_IFNAME, w->name);

	if (w->mtu)
		ok = ok && vl_nl_put_u32(nl, nlh, IFLA_MTU, w->mtu);
	if (w->has_mac)
		ok = ok && vl_nl_put(nl, nlh, IFLA_ADDRESS, 6, w->mac);
	/* One queue each: without them a veth gets one per CPU and is
	 * shrunk afterwards with RCU waits under RTNL, a cost that shows
	 * at hundreds of nodes. */
	ok = ok && vl_nl_put_u32(nl, nlh, IFLA_NUM_TX_QUEUES, 1);
	ok = ok && vl_nl_put_u32(nl, nlh, IFLA_NUM_RX_QUEUES, 1);
	return ok;
}

static bool req_set_link(struct vl_nl *nl, const char *name, const struct vl_iface *w,
			 bool mtu, bool mac, bool up)
{
	struct nlmsghdr *nlh = vl_nl_req(nl, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi;
	bool ok;

	if (!nlh)
		return false;
	ifi = mnl_nlmsg_get_payload(nlh);
	ok = vl_nl_put_str(nl, nlh, IFLA_IFNAME, name);
	ifi->ifi_family = AF_UNSPEC;
	if (mtu)
		ok = ok && vl_nl_put_u32(nl, nlh, IFLA_MTU,
					 w->mtu ? w->mtu : vl_default_mtu(w->name));
	if (mac && w->has_mac)
		ok = ok && vl_nl_put(nl, nlh, IFLA_ADDRESS, 6, w->mac);
	if (up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = w->up ? IFF_UP : 0;
	}
	return ok;
}

/* Both ends in one request in the first end's namespace; PEER_FD names
 * the peer's namespace (-1: the same). */
static bool req_link_add(struct vl_nl *nl, const struct vl_action *a, int peer_fd)
{
	struct nlmsghdr *nlh = vl_nl_req(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
					 sizeof(struct ifinfomsg));
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *ifi;
	bool ok;

	if (!nlh)
		return false;
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	/* the local end can be born up; the peer cannot (ENOTCONN) */
	if (a->want->up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	ok = put_link_settings(nl, nlh, a->want);
	info = ok ? vl_nl_nest(nl, nlh, IFLA_LINKINFO) : NULL;
	ok = ok && info && vl_nl_put_str(nl, nlh, IFLA_INFO_KIND, "veth");
	data = ok ? vl_nl_nest(nl, nlh, IFLA_INFO_DATA) : NULL;
	peer = data ? vl_nl_nest(nl, nlh, VETH_INFO_PEER) : NULL;
	ok = ok && peer;
	if (ok) {
		/* VETH_INFO_PEER holds an ifinfomsg, then the peer's attributes */
		size_t room = MNL_ALIGN(sizeof(struct ifinfomsg));

		ok = nlh->nlmsg_len + room <= nl->reqlen;
		if (ok) {
			memset(mnl_nlmsg_get_payload_tail(nlh), 0, room);
			nlh->nlmsg_len += (uint32_t)room;
		}
	}
	ok = ok && put_link_settings(nl, nlh, a->want_peer);
	/* the peer is born in its own namespace: it never shows up in
	 * ours, nor in the host's */
	if (ok && peer_fd >= 0)
		ok = vl_nl_put_u32(nl, nlh, IFLA_NET_NS_FD, (uint32_t)peer_fd);
	if (!ok)
		return false;
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return true;
}

static bool req_link_del(struct vl_nl *nl, const char *name)
{
	struct nlmsghdr *nlh = vl_nl_req(nl, RTM_DELLINK, 0, sizeof(struct ifinfomsg));

	return nlh && vl_nl_put_str(nl, nlh, IFLA_IFNAME, name);
}

static bool req_addr(struct vl_nl *nl, const struct vl_action *a, bool add, int index)
{
	unsigned bytes = vl_addr_bytes(a->addr.family);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	bool ok = true;

	nlh = vl_nl_req(nl, add ? RTM_NEWADDR : RTM_DELADDR,
			add ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*ifa));
	if (!nlh)
		return false;
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (unsigned char)a->addr.family;
	ifa->ifa_prefixlen = a->addr.len;
	ifa->ifa_index = (unsigned)index;
	/* 127/8 on lo is host-scoped, as iproute2 would make it */
	ifa->ifa_scope = a->addr.family == AF_INET && a->addr.addr[0] == 127 ?
			 RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	if (a->addr.family == AF_INET)
		ok = vl_nl_put(nl, nlh, IFA_LOCAL, bytes, a->addr.addr);
	ok = ok && vl_nl_put(nl, nlh, IFA_ADDRESS, bytes, a->addr.addr);
	if (add) {
		/* IPv6 addresses are usable at once: duplicate address
		 * detection would hold them "tentative" for a second or more,
		 * and a lab's addresses are unique by validation. */
		if (a->addr.family == AF_INET6) {
			ifa->ifa_flags = IFA_F_NODAD;
			ok = ok && vl_nl_put_u32(nl, nlh, IFA_FLAGS, IFA_F_NODAD);
		}
		if (a->addr.family == AF_INET && a->addr.len <= 30) {
			unsigned char brd[4];

			for (unsigned i = 0; i < 4; i++) {
				unsigned bits = a->addr.len > i * 8 ? a->addr.len - i * 8 : 0;
				unsigned char mask = bits >= 8 ? 0xff :
						     (unsigned char)(0xff << (8 - bits));

				brd[i] = (unsigned char)(a->addr.addr[i] | (unsigned char)~mask);
			}
			ok = ok && vl_nl_put(nl, nlh, IFA_BROADCAST, 4, brd);
		}
		ok = ok && vl_nl_put_u8(nl, nlh, IFA_PROTO, VL_RTPROT);
	}
	return ok;
}

static bool req_route(struct vl_nl *nl, const struct vl_action *a, bool add, int index)
{
	const struct vl_route *rt = a->route;
	unsigned bytes = vl_addr_bytes(rt->dst.family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	bool ok = true;

	nlh = vl_nl_req(nl, add ? RTM_NEWROUTE : RTM_DELROUTE,
			add ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*rtm));
	if (!nlh)
		return false;
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (unsigned char)rt->dst.family;
	rtm->rtm_dst_len = rt->dst.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = VL_RTPROT;
	rtm->rtm_type = RTN_UNICAST;
	/* a delete matches any scope; an IPv4 route without a gateway is
	 * on-link (scope link), as `ip route` makes it */
	if (!add)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	else if (rt->dst.family == AF_INET && !rt->has_via)
		rtm->rtm_scope = RT_SCOPE_LINK;
	else
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	if (rt->dst.len)
		ok = vl_nl_put(nl, nlh, RTA_DST, bytes, rt->dst.addr);
	if (rt->has_via)
		ok = ok && vl_nl_put(nl, nlh, RTA_GATEWAY, bytes, rt->via.addr);
	if (index)
		ok = ok && vl_nl_put_u32(nl, nlh, RTA_OIF, (uint32_t)index);
	if (rt->has_metric)
		ok = ok && vl_nl_put_u32(nl, nlh, RTA_PRIORITY, rt->metric);
	return ok;
}

/* What a failed netlink action is called in its error message. */
static void action_what(const struct vl_action *a, char *buf, size_t len)
{
	char s[VL_PREFIX_STRLEN];
	bool add = a->kind == VL_ADDR_ADD || a->kind == VL_ROUTE_ADD;

	switch (a->kind) {
	case VL_LINK_SET:
		snprintf(buf, len, "set %s:%s", a->node, a->iface);
		break;
	case VL_LINK_ADD:
		snprintf(buf, len, "add veth %s:%s <-> %s:%s", a->node, a->iface,
			 a->peer_node, a->peer_iface);
		break;
	case VL_LINK_DEL:
		snprintf(buf, len, "delete %s:%s", a->node, a->iface);
		break;
	case VL_ADDR_ADD:
	case VL_ADDR_DEL:
		vl_prefix_str(&a->addr, s, sizeof(s));
		snprintf(buf, len, "%s %s %s %s:%s", add ? "add" : "delete", s,
			 add ? "to" : "from", a->node, a->iface);
		break;
	case VL_ROUTE_ADD:
	case VL_ROUTE_DEL:
		if (a->route->is_default || a->route->dst.len == 0)
			snprintf(s, sizeof(s), "default");
		else
			vl_prefix_str(&a->route->dst, s, sizeof(s));
		snprintf(buf, len, "%s route %s in %s", add ? "add" : "delete", s, a->node);
		break;
	default:
		snprintf(buf, len, "action %d", a->kind);
	}
}

/* The interface an address or route action needs the index of. */
static const char *needs_index(const struct vl_action *a)
{
	switch (a->kind) {
	case VL_ADDR_ADD:
	case VL_ADDR_DEL:
		return a->iface;
	case VL_ROUTE_ADD:
	case VL_ROUTE_DEL:
		return a->route->dev;
	default:
		return NULL;
	}
}

static bool key_names(const char *key, const char *iface)
{
	size_t len;
	const char *name = vl_sysctl_key_iface(key, &len);

	return name && strlen(iface) == len && !strncmp(name, iface, len);
}

static int forget_sysctls(struct applier *ap, const char *node, const char *iface,
			  struct vl_error *err)
{
	int r = 0;

	for (size_t i = ap->st->n_sysctls; r == 0 && i-- > 0;)
		if (!strcmp(ap->st->sysctls[i].node, node) &&
		    key_names(ap->st->sysctls[i].key, iface))
			r = vl_state_del_sysctl(ap->st, node, ap->st->sysctls[i].key, err);
	return r;
}

/* --- batches --- */

/* Kinds whose requests may go to the kernel together: netlink writes,
 * each in one namespace, which depend on nothing that another
 * namespace's requests of the same group do. Within a namespace the
 * requests keep the plan's order. 0: one action at a time. */
static int batch_group(enum vl_act kind)
{
	switch (kind) {
	case VL_ROUTE_DEL:
	case VL_ADDR_DEL:
		return 1;
	case VL_LINK_DEL:
		return 2;
	case VL_LINK_ADD:
		return 3;
	case VL_ADDR_ADD:
	case VL_LINK_SET:
	case VL_ROUTE_ADD:
		return 4;
	default:
		return 0;
	}
}

struct lookup {
	unsigned seq0;
	struct vl_ns *ns;
	const char **names;	/* by request */
};

static int lookup_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct lookup *l = data;

	if (nlh->nlmsg_type != RTM_NEWLINK || ifi->ifi_index <= 0)
		return MNL_CB_OK;
	if (vl_ns_if_learn(l->ns, l->names[nlh->nlmsg_seq - l->seq0], ifi->ifi_index) < 0) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* The indexes of the interfaces the actions IDX[0..N) of V need and NS
 * does not know yet, asked in one batch. An action whose interface is
 * missing fails here (RES). */
static int learn_indexes(struct vl_ns *ns, struct vl_nl *nl, const struct vl_action *v,
			 const size_t *idx, size_t n, struct result *res,
			 struct vl_error *err)
{
	const char **names = calloc(n + 1, sizeof(*names));
	int *errors = calloc(n + 1, sizeof(*errors));
	char (*msgs)[VL_NL_MSGLEN] = calloc(n + 1, sizeof(*msgs));
	struct lookup l = { .ns = ns, .names = names };
	size_t k = 0;
	int r = 0;

	if (!names || !errors || !msgs) {
		r = vl_err(err, -ENOMEM, "apply: out of memory");
		goto out;
	}
	l.seq0 = vl_nl_batch_start(nl);
	for (size_t i = 0; i < n; i++) {
		const char *name = needs_index(&v[idx[i]]);
		struct nlmsghdr *nlh;
		bool asked = false;

		if (!name || vl_ns_if_index(ns, name))
			continue;
		for (size_t j = 0; j < k && !asked; j++)
			asked = !strcmp(names[j], name);
		if (asked)
			continue;
		nlh = vl_nl_req(nl, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
		if (!nlh || !vl_nl_put_str(nl, nlh, IFLA_IFNAME, name)) {
			vl_nl_batch_cancel(nl);
			r = vl_err(err, -ENOMEM, "look up interface %s", name);
			goto out;
		}
		names[k++] = name;
	}
	r = vl_nl_batch_send(nl, lookup_cb, &l, errors, msgs, err);
	if (r < 0)
		goto out;
	for (size_t j = 0; j < k; j++) {
		char what[64];

		if (errors[j] == 0 && vl_ns_if_index(ns, names[j]))
			continue;
		/* the first action that needed it fails with the reason */
		for (size_t i = 0; i < n; i++) {
			const char *name = needs_index(&v[idx[i]]);
			char action[512];

			if (!name || strcmp(name, names[j]) || res[idx[i]].r <= 0)
				continue;
			snprintf(what, sizeof(what), "look up interface %s", name);
			action_what(&v[idx[i]], action, sizeof(action));
			vl_nl_error(err, errors[j] < 0 ? errors[j] : -ENODEV, msgs[j], what);
			vl_err_wrap(err, "%s", ns->node);
			r = res[idx[i]].r = vl_err_wrap(err, "%s", action);
			goto out;
		}
	}
out:
	free(names);
	free(errors);
	free(msgs);
	return r;
}

/* Before its request: the journal records of what it is about to make. */
static int prepare(struct applier *ap, const struct vl_action *a, int *peer_fd,
		   struct vl_error *err)
{
	struct vl_ns *prt, *ns;
	int r;

	*peer_fd = -1;
	if (a->kind != VL_LINK_ADD)
		return 0;
	r = get_ns(ap, a->node, &ns, err);
	if (r == 0)
		r = get_ns(ap, a->peer_node, &prt, err);
	if (r == 0 && prt != ns) {
		r = vl_ns_open(prt, err);
		if (r == -ENOENT)
			r = vl_err(err, r, "namespace %s is missing", prt->name);
		*peer_fd = prt->fd;
	}
	if (r < 0)
		return r;
	/* journal first: after a crash right after the create, the next run
	 * must know these are ours */
	r = vl_state_add_if(ap->st, a->node, a->iface, err);
	if (r == 0)
		r = vl_state_add_if(ap->st, a->peer_node, a->peer_iface, err);
	return r;
}

static bool build(struct vl_ns *ns, struct vl_nl *nl, const struct vl_action *a, int peer_fd)
{
	const char *dev = needs_index(a);
	int index = dev ? vl_ns_if_index(ns, dev) : 0;

	switch (a->kind) {
	case VL_LINK_SET:
		return req_set_link(nl, a->iface, a->want, a->set_mtu, a->set_mac, a->set_up);
	case VL_LINK_ADD:
		return req_link_add(nl, a, peer_fd);
	case VL_LINK_DEL:
		return req_link_del(nl, a->iface);
	case VL_ADDR_ADD:
	case VL_ADDR_DEL:
		return req_addr(nl, a, a->kind == VL_ADDR_ADD, index);
	case VL_ROUTE_ADD:
	case VL_ROUTE_DEL:
		return req_route(nl, a, a->kind == VL_ROUTE_ADD, index);
	default:
		return false;
	}
}

/* After its ACK: what the kernel's answer R means for A, and the
 * journal and caches brought in line. */
static int finish(struct applier *ap, struct vl_ns *ns, const struct vl_action *a,
		  int r, struct result *res, struct vl_error *err)
{
	switch (a->kind) {
	case VL_LINK_DEL:
		/* gone already, with its peer: that is what we wanted */
		if (r == -ENODEV)
			r = 0;
		vl_ns_if_forget(ns);
		if (a->peer_node) {
			struct vl_ns *prt = vl_nsset_find(ap->set, a->peer_node);

			if (prt)
				vl_ns_if_forget(prt);
		}
		res->made = r == 0;
		if (r == 0)
			r = vl_state_del_if(ap->st, a->node, a->iface, err);
		if (r == 0 && a->peer_node)
			r = vl_state_del_if(ap->st, a->peer_node, a->peer_iface, err);
		/* the interface's sysctls went with it: nothing left to restore */
		if (r == 0)
			r = forget_sysctls(ap, a->node, a->iface, err);
		if (r == 0 && a->peer_node)
			r = forget_sysctls(ap, a->peer_node, a->peer_iface, err);
		return r;
	case VL_ADDR_DEL:
		r = r == -EADDRNOTAVAIL ? 0 : r;
		break;
	case VL_ROUTE_DEL:
		r = r == -ESRCH ? 0 : r;
		break;
	case VL_LINK_ADD:
		res->made = r == 0;
		/* the peer could not be born up: up it goes now */
		if (r == 0 && a->want_peer->up) {
			struct vl_ns *prt;
			struct vl_nl *pnl;

			r = get_ns(ap, a->peer_node, &prt, err);
			if (r == 0)
				r = vl_ns_nl(ap->set, prt, &pnl, err);
			if (r == 0 && !req_set_link(pnl, a->peer_iface, a->want_peer,
						    false, false, true))
				r = vl_err(err, -EMSGSIZE, "set %s:%s", a->peer_node, a->peer_iface);
			else if (r == 0)
				r = vl_nl_talk(pnl, (struct nlmsghdr *)pnl->mem->req, err,
					       "set %s:%s", a->peer_node, a->peer_iface);
		}
		return r;
	default:
		break;
	}
	res->made = r == 0;
	return r;
}

/* The actions IDX[0..N) of V, all in namespace NS and of one batch
 * group, in one batch. Every request is answered; each result goes to
 * RES; the first failure (in the batch's order) fills ERR. */
static int run_batch(struct applier *ap, struct vl_ns *ns, const struct vl_action *v,
		     const size_t *idx, size_t n, struct result *res, struct vl_error *err)
{
	int *errors = calloc(n + 1, sizeof(*errors));
	char (*msgs)[VL_NL_MSGLEN] = calloc(n + 1, sizeof(*msgs));
	int *peer_fd = calloc(n + 1, sizeof(*peer_fd));
	struct vl_nl *nl;
	int r, first = 0;

	if (!errors || !msgs || !peer_fd) {
		r = vl_err(err, -ENOMEM, "apply: out of memory");
		goto out;
	}
	/* nothing is sent when any of this fails: the action it was for
	 * is the one that failed */
	r = vl_ns_nl(ap->set, ns, &nl, err);
	if (r < 0) {
		res[idx[0]].r = r;
		goto out;
	}
	r = learn_indexes(ns, nl, v, idx, n, res, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = prepare(ap, &v[idx[i]], &peer_fd[i], err);
		if (r < 0)
			res[idx[i]].r = r;
	}
	if (r < 0)
		goto out;
	vl_nl_batch_start(nl);
	for (size_t i = 0; i < n; i++) {
		if (!build(ns, nl, &v[idx[i]], peer_fd[i])) {
			char what[512];

			vl_nl_batch_cancel(nl);
			action_what(&v[idx[i]], what, sizeof(what));
			r = res[idx[i]].r = vl_err(err, -EMSGSIZE, "%s: request too large", what);
			goto out;
		}
	}
	r = vl_nl_batch_send(nl, NULL, NULL, errors, msgs, err);
	for (size_t i = 0; r < 0 && i < n; i++) {
		char what[512];

		/* the batch broke off: named after its first unanswered request */
		if (errors[i] > 0) {
			action_what(&v[idx[i]], what, sizeof(what));
			vl_err_wrap(err, "%s", what);
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct vl_action *a = &v[idx[i]];
		struct vl_error e = { 0 };
		char what[512];
		int ri;

		action_what(a, what, sizeof(what));
		if (errors[i] > 0) {
			/* no answer, sent or not: failed, as ERR says */
			res[idx[i]].r = r < 0 ? r : -EIO;
			if (!first && r == 0)
				vl_err(err, -EIO, "%s: no answer from the kernel", what);
			if (!first)
				first = res[idx[i]].r;
			continue;
		}
		ri = errors[i] ? vl_nl_error(&e, errors[i], msgs[i], what) : 0;
		ri = finish(ap, ns, a, ri, &res[idx[i]], &e);
		res[idx[i]].r = ri;
		/* the first failure in the batch's order is the one reported */
		if (ri < 0 && !first) {
			*err = e;
			first = ri;
		}
	}
	/* a failure of the batch itself, every request answered, still counts */
	if (first)
		r = first;
out:
	free(errors);
	free(msgs);
	free(peer_fd);
	return r;
}

struct slot {
	size_t ns;		/* index in the set */
	size_t pos;		/* in the run */
};

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* A run of V[0..N), one batch group: one batch per namespace, in the
 * plan's order within each. After a namespace whose batch had a failure
 * no other batch is sent. */
static int run_batches(struct applier *ap, const struct vl_action *v, size_t n,
		       struct result *res, struct vl_error *err)
{
	struct slot *slots = calloc(n + 1, sizeof(*slots));
	size_t *idx = calloc(n + 1, sizeof(*idx));
	int r = 0;

	if (!slots || !idx) {
		r = vl_err(err, -ENOMEM, "apply: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct vl_ns *ns;

		r = get_ns(ap, v[i].node, &ns, err);
		if (r < 0) {
			res[i].r = r;
			goto out;
		}
		slots[i].ns = (size_t)(ns - ap->set->v);
		slots[i].pos = i;
	}
	qsort(slots, n, sizeof(*slots), cmp_slot);
	for (size_t i = 0; i < n && r == 0;) {
		size_t j = i;

		while (j < n && slots[j].ns == slots[i].ns) {
			idx[j - i] = slots[j].pos;
			j++;
		}
		r = run_batch(ap, &ap->set->v[slots[i].ns], v, idx, j - i, res, err);
		i = j;
	}
out:
	free(slots);
	free(idx);
	return r;
}

/* --- one at a time --- */

/* Write a sysctl inside the node (the thread is in its namespace) and
 * read it back; *OLD gets the value it had, for the undo log. */
static int sysctl_set(struct applier *ap, struct vl_ns *ns, const struct vl_action *a,
		      char **old, struct vl_error *err)
{
	char before[256], after[256];
	int r = 0;

	if (vl_ns_sysctl_read(ns, a->key, before, sizeof(before)) < 0)
		before[0] = '\0';
	/* journal the value to come back to before the first change */
	if (!a->restore && before[0]) {
		r = vl_state_add_sysctl(ap->st, a->node, a->key, before, err);
		if (r < 0)
			return r;
	}
	r = vl_ns_sysctl_write(ns, a->key, a->to);
	if (r == 0)
		r = vl_ns_sysctl_read(ns, a->key, after, sizeof(after));
	if (r < 0)
		return vl_err_sys(err, r, "set %s = %s in %s", a->key, a->to, a->node);
	if (strcmp(after, a->to))
		return vl_err(err, -EIO, "set %s = %s in %s: reads back as %s",
			      a->key, a->to, a->node, after);
	if (a->restore)
		r = vl_state_del_sysctl(ap->st, a->node, a->key, err);
	if (r == 0 && old && before[0])
		*old = strdup(before);
	return r;
}

/* V[0..N), sysctls of one node: the namespace entered once for all. */
static int run_sysctls(struct applier *ap, const struct vl_action *v, size_t n,
		       struct result *res, struct vl_error *err)
{
	struct vl_ns *ns;
	int r, saved;

	r = get_ns(ap, v[0].node, &ns, err);
	if (r == 0) {
		r = vl_ns_open(ns, err);
		if (r == -ENOENT)
			r = vl_err(err, r, "namespace %s is missing", ns->name);
	}
	if (r == 0)
		r = vl_netns_enter(ns->fd, &saved, err);
	if (r < 0) {
		res[0].r = r;
		return r;
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		r = res[i].r = sysctl_set(ap, ns, &v[i], &res[i].old, err);
		res[i].made = r == 0;
	}
	if (vl_netns_leave(saved, err) < 0) {
		/* we could not get back: nothing after this is safe */
		return err->code;
	}
	return r;
}

static int netns_add(struct applier *ap, const struct vl_action *a, struct vl_error *err)
{
	struct vl_ns *ns;
	int r = get_ns(ap, a->node, &ns, err);

	if (r < 0)
		return r;
	r = vl_state_add_netns(ap->st, ns->name, err);
	if (r < 0)
		return r;
	vl_ns_close(ap->set, ns);
	r = vl_netns_add(ns->name, &ns->fd, err);
	if (r == -EEXIST) {
		/* made by someone else since observe: not ours, so the intent
		 * just journaled is taken back, lest a later down remove it */
		r = vl_state_del_netns(ap->st, ns->name, err);
		if (r < 0)
			return r;
		return vl_err(err, -EEXIST, "namespace %s exists, not owned by vethlab", ns->name);
	}
	if (r == 0)
		ns->created = true;
	return r;
}

static int netns_del(struct applier *ap, const char *node, struct vl_error *err)
{
	struct vl_ns *ns;
	int r = get_ns(ap, node, &ns, err);

	if (r < 0)
		return r;
	vl_ns_close(ap->set, ns);
	r = vl_netns_del(ns->name, err);
	if (r == 0)
		r = vl_state_del_netns(ap->st, ns->name, err);
	/* its interfaces went with it */
	for (size_t i = ap->st->n_ifs; r == 0 && i-- > 0;)
		if (!strcmp(ap->st->ifs[i].node, node))
			r = vl_state_del_if(ap->st, node, ap->st->ifs[i].iface, err);
	return r;
}

/* How many actions from V[0] on (at most N) run together: a batch group's
 * actions, a node's sysctls, or one. */
static size_t run_length(const struct vl_action *v, size_t n)
{
	size_t k = 1;
	int g = batch_group(v[0].kind);

	if (g)
		while (k < n && batch_group(v[k].kind) == g)
			k++;
	else if (v[0].kind == VL_SYSCTL_SET)
		while (k < n && v[k].kind == VL_SYSCTL_SET && !strcmp(v[k].node, v[0].node))
			k++;
	return k;
}

/* Run V[0..N) (N from run_length). RES gets each one's outcome; the
 * result is the first failure's (ERR filled), or 0. */
static int run_actions(struct applier *ap, const struct vl_action *v, size_t n,
		       struct result *res, struct vl_error *err)
{
	int r;

	for (size_t i = 0; i < n; i++)
		res[i] = (struct result){ .r = 1 };
	if (batch_group(v[0].kind))
		return run_batches(ap, v, n, res, err);
	if (v[0].kind == VL_SYSCTL_SET)
		return run_sysctls(ap, v, n, res, err);
	if (v[0].kind == VL_NETNS_ADD)
		r = netns_add(ap, &v[0], err);
	else if (v[0].kind == VL_NETNS_DEL)
		r = netns_del(ap, v[0].node, err);
	else
		r = vl_err(err, -EINVAL, "unknown action %d", v[0].kind);
	res[0].r = r;
	res[0].made = r == 0;
	return r;
}

/* --- undo --- */

static struct vl_action *push_undo(struct applier *ap, enum vl_act kind,
				   const struct vl_action *a)
{
	struct vl_action *u = vl_array_push(&ap->undo, &ap->n_undo, sizeof(*u));

	if (!u)
		return NULL;
	*u = *a;
	u->kind = kind;
	return u;
}

static const struct vl_iface *observed_iface(const struct applier *ap,
					     const char *node, const char *iface)
{
	size_t n = vl_lab_node_index(ap->o, node), i;

	if (n == VL_NONE)
		return NULL;
	i = vl_node_iface_index(&ap->o->nodes[n], iface);
	return i == VL_NONE ? NULL : &ap->o->nodes[n].ifaces[i];
}

/* The observed routes of NODE that left with interface GONE. */
static int push_lost_routes(struct applier *ap, const char *node,
			    const struct vl_iface *gone)
{
	size_t n = vl_lab_node_index(ap->o, node);

	for (size_t r = 0; n != VL_NONE && r < ap->o->nodes[n].n_routes; r++) {
		const struct vl_route *rt = &ap->o->nodes[n].routes[r];
		struct vl_action add = { .node = node, .route = rt };

		if (rt->oif == gone->ifindex && !push_undo(ap, VL_ROUTE_ADD, &add))
			return -ENOMEM;
	}
	return 0;
}

/* The observed sysctls of NODE about IFACE, which go with it: set
 * again, and journaled again with the values they had first. */
static int push_lost_sysctls(struct applier *ap, const char *node, const char *iface)
{
	size_t n = vl_lab_node_index(ap->o, node);

	for (size_t k = 0; n != VL_NONE && k < ap->o->nodes[n].n_sysctls; k++) {
		const struct vl_sysctl *sc = &ap->o->nodes[n].sysctls[k];
		struct vl_action set = { .node = node, .key = sc->key, .to = sc->value };

		if (key_names(sc->key, iface) && !push_undo(ap, VL_SYSCTL_SET, &set))
			return -ENOMEM;
	}
	return 0;
}

/* Record how to take back A, which has just succeeded. */
static int remember_undo(struct applier *ap, const struct vl_action *a, char *old)
{
	struct vl_action *u = NULL;

	switch (a->kind) {
	case VL_NETNS_ADD:
		u = push_undo(ap, VL_NETNS_DEL, a);
		break;
	case VL_LINK_ADD:
		u = push_undo(ap, VL_LINK_DEL, a);
		break;
	case VL_LINK_DEL: {
		/* recreate it as it was, with the addresses it had */
		const struct vl_iface *peer = a->peer_node ?
			observed_iface(ap, a->peer_node, a->peer_iface) : NULL;

		if (!peer || !a->have)
			return 0;	/* cannot say what it was: leave it */
		/* Undo runs backwards: routes, then addresses, are pushed
		 * first so that they are put back after the link exists
		 * again; the kernel dropped the routes through it. */
		if (push_lost_routes(ap, a->node, a->have) < 0 ||
		    push_lost_routes(ap, a->peer_node, peer) < 0 ||
		    push_lost_sysctls(ap, a->node, a->iface) < 0 ||
		    push_lost_sysctls(ap, a->peer_node, a->peer_iface) < 0)
			return -ENOMEM;
		for (size_t k = 0; k < a->have->n_addrs; k++) {
			struct vl_action add = { .node = a->node, .iface = a->iface,
						 .addr = a->have->addrs[k].p };

			if (!push_undo(ap, VL_ADDR_ADD, &add))
				return -ENOMEM;
		}
		for (size_t k = 0; k < peer->n_addrs; k++) {
			struct vl_action add = { .node = a->peer_node, .iface = a->peer_iface,
						 .addr = peer->addrs[k].p };

			if (!push_undo(ap, VL_ADDR_ADD, &add))
				return -ENOMEM;
		}
		u = push_undo(ap, VL_LINK_ADD, a);
		if (u) {
			u->want = a->have;
			u->want_peer = peer;
		}
		break;
	}
	case VL_LINK_SET:
		u = push_undo(ap, VL_LINK_SET, a);
		if (u) {
			u->want = a->have;
			u->have = a->want;
		}
		break;
	case VL_ADDR_ADD:
		u = push_undo(ap, VL_ADDR_DEL, a);
		break;
	case VL_ADDR_DEL:
		u = push_undo(ap, VL_ADDR_ADD, a);
		break;
	case VL_ROUTE_ADD:
		u = push_undo(ap, VL_ROUTE_DEL, a);
		break;
	case VL_ROUTE_DEL:
		u = push_undo(ap, VL_ROUTE_ADD, a);
		break;
	case VL_SYSCTL_SET:
		if (!old)
			return 0;
		u = push_undo(ap, VL_SYSCTL_SET, a);
		if (u) {
			char **slot = vl_array_push(&ap->strings, &ap->n_strings, sizeof(*slot));

			if (!slot) {
				free(old);
				return -ENOMEM;
			}
			*slot = old;
			u->from = a->to;
			u->to = old;
			u->restore = false;	/* the undo re-journals what it sets */
		}
		return u ? 0 : -ENOMEM;
	case VL_NETNS_DEL:
	default:
		return 0;	/* what was inside is gone for good */
	}
	return u ? 0 : -ENOMEM;
}

/* Undo in reverse, one action at a time. Work inside a namespace this
 * run created is skipped: deleting the namespace takes it all. Returns
 * how many undos failed. */
static size_t rollback(struct applier *ap, struct vl_error *first)
{
	size_t failed = 0;

	for (size_t i = ap->n_undo; i-- > 0;) {
		const struct vl_action *u = &ap->undo[i];
		struct vl_ns *ns = vl_nsset_find(ap->set, u->node);
		struct vl_error e = { 0 };
		struct result res;

		if (u->kind != VL_NETNS_DEL && ns && ns->created)
			continue;
		if (u->kind == VL_LINK_ADD && u->peer_node) {
			struct vl_ns *prt = vl_nsset_find(ap->set, u->peer_node);

			if (prt && prt->created)
				continue;
		}
		if (run_actions(ap, u, 1, &res, &e) < 0 && failed++ == 0)
			*first = e;
		free(res.old);
	}
	return failed;
}

static int env_int(const char *name)
{
	const char *v = getenv(name);

	return v ? atoi(v) : 0;
}

static void cleanup(struct applier *ap)
{
	free(ap->undo);
	for (size_t i = 0; i < ap->n_strings; i++)
		free(ap->strings[i]);
	free(ap->strings);
}

/* Time of a run, shared among its kinds by their counts. */
static void account(const struct vl_action *v, size_t n, int64_t ns)
{
	size_t count[VL_ACT_MAX] = { 0 };

	for (size_t i = 0; i < n; i++)
		count[v[i].kind]++;
	for (int k = 0; k < VL_ACT_MAX; k++)
		if (count[k])
			vl_timings_action(k, count[k], ns * (int64_t)count[k] / (int64_t)n);
}

/* After a run: the undo log and the lines of what it did, in the plan's
 * order. */
static int record(struct applier *ap, const struct vl_action *v, size_t n,
		  struct result *res, FILE *out)
{
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		char line[512];

		if (!res[i].made) {
			free(res[i].old);
			continue;
		}
		if (r == 0)
			r = remember_undo(ap, &v[i], res[i].old);
		else
			free(res[i].old);
		if (out && res[i].r == 0) {
			vl_action_str(&v[i], ap->lab, line, sizeof(line));
			fprintf(out, "%s\n", line);
		}
	}
	return r;
}

int vl_apply(struct vl_nsset *set, const struct vl_lab *desired,
	     const struct vl_lab *observed, const struct vl_plan *plan,
	     struct vl_state *st, const struct vl_apply_opts *opts,
	     struct vl_error *err)
{
	struct applier ap = { .d = desired, .o = observed, .st = st, .set = set,
			      .lab = desired->name };
	int fail_at = env_int("VETHLAB_TEST_FAIL_AT");
	int kill_at = env_int("VETHLAB_TEST_KILL_AT");
	struct result *res = calloc(plan->n + 1, sizeof(*res));
	int r = 0;

	if (!res)
		return vl_err(err, -ENOMEM, "apply: out of memory");
	for (size_t i = 0; i < plan->n;) {
		const struct vl_action *a = &plan->v[i];
		size_t n = run_length(a, plan->n - i);
		char line[512];
		int64_t t0;

		vl_action_str(a, ap.lab, line, sizeof(line));
		if (opts->interrupted && *opts->interrupted) {
			r = vl_err(err, -EINTR, "interrupted before \"%s\"", line);
			break;
		}
		if (kill_at && (size_t)kill_at == i + 1)
			raise(SIGKILL);
		if (fail_at && (size_t)fail_at == i + 1) {
			r = vl_err(err, -EIO, "%s: injected failure (VETHLAB_TEST_FAIL_AT=%d)",
				   line, fail_at);
			break;
		}
		/* the injected failure or kill falls between two runs */
		if (fail_at > 0 && (size_t)fail_at > i + 1 && (size_t)fail_at - 1 - i < n)
			n = (size_t)fail_at - 1 - i;
		if (kill_at > 0 && (size_t)kill_at > i + 1 && (size_t)kill_at - 1 - i < n)
			n = (size_t)kill_at - 1 - i;
		t0 = vl_timings_now();
		r = run_actions(&ap, a, n, res, err);
		account(a, n, vl_timings_now() - t0);
		if (record(&ap, a, n, res, opts->out) < 0 && r == 0)
			r = vl_err(err, -ENOMEM, "apply: out of memory");
		if (r < 0)
			break;
		i += n;
	}
	free(res);
	/* a lab that does not read back as the file says is a failure like
	 * any other: undone */
	if (r == 0 && opts->verify)
		r = opts->verify(opts->verify_ctx, err);
	if (r < 0) {
		struct vl_error first = { 0 };
		size_t n = ap.n_undo, failed, len = strlen(err->msg);

		if (opts->out)
			fflush(opts->out);
		vl_timings_begin(VL_PHASE_ROLLBACK);
		failed = rollback(&ap, &first);
		vl_timings_end(VL_PHASE_ROLLBACK);
		if (failed)
			snprintf(err->msg + len, sizeof(err->msg) - len,
				 "; rollback incomplete: %zu of %zu undo steps failed, first: %s",
				 failed, n, first.msg);
		else
			snprintf(err->msg + len, sizeof(err->msg) - len,
				 "; rolled back %zu change%s", n, n == 1 ? "" : "s");
	}
	cleanup(&ap);
	return r;
}

int vl_teardown(struct vl_state *st, FILE *out, struct vl_error *err)
{
	int64_t t0 = vl_timings_now();
	size_t n = st->n_netns, gone = 0;
	char **names = NULL;
	int *res = NULL;
	int r = 0;

	/* Namespaces go as a whole, with everything in them: the kernel
	 * tears them down together, far cheaper than device by device. All
	 * are unpinned at once, then journaled in the journal's reverse
	 * order; one left pinned by a failure stays journaled, so a later
	 * down retries it. */
	vl_timings_begin(VL_PHASE_APPLY);
	if (n) {
		names = calloc(n, sizeof(*names));
		res = calloc(n, sizeof(*res));
		if (!names || !res)
			r = vl_err(err, -ENOMEM, "down");
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		if (!(names[i] = strdup(st->netns[n - 1 - i])))
			r = vl_err(err, -ENOMEM, "down");
	if (r == 0 && n)
		r = vl_netns_del_all(names, n, res, err);
	for (size_t i = 0; i < n && names && names[i]; i++) {
		struct vl_error e = { 0 };

		if (res[i])
			continue;
		if (vl_state_del_netns(st, names[i], &e) < 0) {
			if (r == 0) {
				*err = e;
				r = e.code;
			}
			break;
		}
		gone++;
		if (out)
			fprintf(out, "- netns %s\n", names[i]);
	}
	for (size_t i = 0; i < n && names; i++)
		free(names[i]);
	free(names);
	free(res);
	vl_timings_action(VL_NETNS_DEL, gone, vl_timings_now() - t0);
	vl_timings_end(VL_PHASE_APPLY);
	return r;
}
