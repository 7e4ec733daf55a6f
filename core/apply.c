/* Running a plan: one netlink socket per namespace, every write ACKed,
 * the journal written before anything is created, and an undo log that
 * puts the machine back as it was when an action fails or a signal
 * arrives. */
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
#include "core/observe.h"
#include "core/sysctl.h"
#include "core/timings.h"
#include "core/topo.h"

struct ifcache {
	char name[VL_IFNAMSIZ];
	int index;
};

struct ns_rt {
	const char *node;
	int fd;
	bool nl_open;
	bool created;		/* made by this run: undo is deleting it */
	struct vl_nl nl;
	struct ifcache *ifs;
	size_t n_ifs;
};

struct applier {
	const struct vl_lab *d, *o;
	struct vl_state *st;
	const char *lab;
	struct ns_rt *ns;	/* sorted by node name */
	size_t n_ns;
	struct vl_action *undo;
	size_t n_undo;
	char **strings;		/* owned by undo entries */
	size_t n_strings;
};

static int cmp_rt(const void *a, const void *b)
{
	return strcmp(((const struct ns_rt *)a)->node, ((const struct ns_rt *)b)->node);
}

static int add_rt(struct applier *ap, const char *node)
{
	struct ns_rt *rt = vl_array_push(&ap->ns, &ap->n_ns, sizeof(*rt));

	if (!rt)
		return -ENOMEM;
	rt->node = node;
	rt->fd = -1;
	return 0;
}

static struct ns_rt *find_rt(struct applier *ap, const char *node)
{
	struct ns_rt key = { .node = node };

	return bsearch(&key, ap->ns, ap->n_ns, sizeof(*ap->ns), cmp_rt);
}

static void ns_name(const struct applier *ap, const char *node, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", ap->lab, node);
}

/* The namespace of NODE with its socket, opened on first use. */
static int get_rt(struct applier *ap, const char *node, struct ns_rt **out,
		  struct vl_error *err)
{
	struct ns_rt *rt = find_rt(ap, node);
	char ns[VL_MAX_NETNS_NAME + 2];
	int r;

	if (!rt)
		return vl_err(err, -ENOENT, "node %s is not part of this plan", node);
	ns_name(ap, node, ns, sizeof(ns));
	if (rt->fd < 0) {
		r = vl_netns_open(ns, &rt->fd, err);
		if (r == -ENOENT)
			return vl_err(err, r, "namespace %s is missing", ns);
		if (r < 0)
			return r;
	}
	if (!rt->nl_open) {
		r = vl_nl_open(&rt->nl, rt->fd, err);
		if (r < 0)
			return vl_err_wrap(err, "%s", ns);
		rt->nl_open = true;
	}
	*out = rt;
	return 0;
}

static void forget_ifs(struct ns_rt *rt)
{
	free(rt->ifs);
	rt->ifs = NULL;
	rt->n_ifs = 0;
}

/* Interface indexes by name, remembered per namespace until a link is
 * added or removed there. */
static int ifindex_of(struct ns_rt *rt, const char *name, int *index,
		      struct vl_error *err)
{
	struct ifcache *c;
	int r;

	for (size_t i = 0; i < rt->n_ifs; i++)
		if (!strcmp(rt->ifs[i].name, name)) {
			*index = rt->ifs[i].index;
			return 0;
		}
	r = vl_nl_ifindex(&rt->nl, name, index, err);
	if (r < 0)
		return vl_err_wrap(err, "%s", rt->node);
	c = vl_array_push(&rt->ifs, &rt->n_ifs, sizeof(*c));
	if (c) {
		snprintf(c->name, sizeof(c->name), "%s", name);
		c->index = *index;
	}
	return 0;
}

/* --- the actions --- */

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

static int set_link(struct ns_rt *rt, const char *name, const struct vl_iface *w,
		    bool mtu, bool mac, bool up, struct vl_error *err)
{
	struct nlmsghdr *nlh = vl_nl_req(&rt->nl, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	bool ok = vl_nl_put_str(&rt->nl, nlh, IFLA_IFNAME, name);

	ifi->ifi_family = AF_UNSPEC;
	if (mtu)
		ok = ok && vl_nl_put_u32(&rt->nl, nlh, IFLA_MTU,
					 w->mtu ? w->mtu : vl_default_mtu(w->name));
	if (mac && w->has_mac)
		ok = ok && vl_nl_put(&rt->nl, nlh, IFLA_ADDRESS, 6, w->mac);
	if (up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = w->up ? IFF_UP : 0;
	}
	if (!ok)
		return vl_err(err, -EMSGSIZE, "set %s:%s", rt->node, name);
	return vl_nl_talk(&rt->nl, nlh, err, "set %s:%s", rt->node, name);
}

static int link_add(struct applier *ap, const struct vl_action *a, struct vl_error *err)
{
	struct ns_rt *rt, *prt;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info, *data, *peer;
	bool ok;
	int r;

	r = get_rt(ap, a->node, &rt, err);
	if (r == 0)
		r = get_rt(ap, a->peer_node, &prt, err);
	if (r < 0)
		return r;
	/* journal first: after a crash right after the create, the next run
	 * must know these are ours */
	r = vl_state_add_if(ap->st, a->node, a->iface, err);
	if (r == 0)
		r = vl_state_add_if(ap->st, a->peer_node, a->peer_iface, err);
	if (r < 0)
		return r;
	nlh = vl_nl_req(&rt->nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			sizeof(struct ifinfomsg));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	/* the local end can be born up; the peer cannot (ENOTCONN) */
	if (a->want->up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	ok = put_link_settings(&rt->nl, nlh, a->want);
	info = vl_nl_nest(&rt->nl, nlh, IFLA_LINKINFO);
	ok = ok && info && vl_nl_put_str(&rt->nl, nlh, IFLA_INFO_KIND, "veth");
	data = ok ? vl_nl_nest(&rt->nl, nlh, IFLA_INFO_DATA) : NULL;
	peer = data ? vl_nl_nest(&rt->nl, nlh, VETH_INFO_PEER) : NULL;
	ok = ok && peer;
	if (ok) {
		/* VETH_INFO_PEER holds an ifinfomsg, then the peer's attributes */
		size_t room = MNL_ALIGN(sizeof(struct ifinfomsg));

		ok = nlh->nlmsg_len + room <= 4096;
		if (ok) {
			memset(mnl_nlmsg_get_payload_tail(nlh), 0, room);
			nlh->nlmsg_len += (uint32_t)room;
		}
	}
	ok = ok && put_link_settings(&rt->nl, nlh, a->want_peer);
	/* the peer is born in its own namespace: it never shows up in
	 * ours, nor in the host's */
	if (ok && prt != rt)
		ok = vl_nl_put_u32(&rt->nl, nlh, IFLA_NET_NS_FD, (uint32_t)prt->fd);
	if (!ok)
		return vl_err(err, -EMSGSIZE, "add veth %s:%s <-> %s:%s: request too large",
			      a->node, a->iface, a->peer_node, a->peer_iface);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	r = vl_nl_talk(&rt->nl, nlh, err, "add veth %s:%s <-> %s:%s", a->node,
		       a->iface, a->peer_node, a->peer_iface);
	if (r < 0)
		return r;
	if (a->want_peer->up)
		r = set_link(prt, a->peer_iface, a->want_peer, false, false, true, err);
	return r;
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

static int link_del(struct applier *ap, const struct vl_action *a, struct vl_error *err)
{
	struct nlmsghdr *nlh;
	struct ns_rt *rt;
	int r = get_rt(ap, a->node, &rt, err);

	if (r < 0)
		return r;
	nlh = vl_nl_req(&rt->nl, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
	if (!vl_nl_put_str(&rt->nl, nlh, IFLA_IFNAME, a->iface))
		return vl_err(err, -EMSGSIZE, "delete %s:%s", a->node, a->iface);
	r = vl_nl_talk(&rt->nl, nlh, err, "delete %s:%s", a->node, a->iface);
	/* gone already, with its peer: that is what we wanted */
	if (r == -ENODEV)
		r = 0;
	forget_ifs(rt);
	if (a->peer_node) {
		struct ns_rt *prt = find_rt(ap, a->peer_node);

		if (prt)
			forget_ifs(prt);
	}
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
}

static int addr_op(struct applier *ap, const struct vl_action *a, bool add,
		   struct vl_error *err)
{
	unsigned bytes = vl_addr_bytes(a->addr.family);
	char s[VL_PREFIX_STRLEN];
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	struct ns_rt *rt;
	bool ok = true;
	int r, index;

	vl_prefix_str(&a->addr, s, sizeof(s));
	r = get_rt(ap, a->node, &rt, err);
	if (r == 0)
		r = ifindex_of(rt, a->iface, &index, err);
	if (r < 0)
		return vl_err_wrap(err, "%s %s %s %s:%s", add ? "add" : "delete", s,
				   add ? "to" : "from", a->node, a->iface);
	nlh = vl_nl_req(&rt->nl, add ? RTM_NEWADDR : RTM_DELADDR,
			add ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*ifa));
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (unsigned char)a->addr.family;
	ifa->ifa_prefixlen = a->addr.len;
	ifa->ifa_index = (unsigned)index;
	/* 127/8 on lo is host-scoped, as iproute2 would make it */
	ifa->ifa_scope = a->addr.family == AF_INET && a->addr.addr[0] == 127 ?
			 RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	if (a->addr.family == AF_INET)
		ok = vl_nl_put(&rt->nl, nlh, IFA_LOCAL, bytes, a->addr.addr);
	ok = ok && vl_nl_put(&rt->nl, nlh, IFA_ADDRESS, bytes, a->addr.addr);
	if (add) {
		/* IPv6 addresses are usable at once: duplicate address
		 * detection would hold them "tentative" for a second or more,
		 * and a lab's addresses are unique by validation. */
		if (a->addr.family == AF_INET6) {
			ifa->ifa_flags = IFA_F_NODAD;
			ok = ok && vl_nl_put_u32(&rt->nl, nlh, IFA_FLAGS, IFA_F_NODAD);
		}
		if (a->addr.family == AF_INET && a->addr.len <= 30) {
			unsigned char brd[4];

			for (unsigned i = 0; i < 4; i++) {
				unsigned bits = a->addr.len > i * 8 ? a->addr.len - i * 8 : 0;
				unsigned char mask = bits >= 8 ? 0xff :
						     (unsigned char)(0xff << (8 - bits));

				brd[i] = (unsigned char)(a->addr.addr[i] | (unsigned char)~mask);
			}
			ok = ok && vl_nl_put(&rt->nl, nlh, IFA_BROADCAST, 4, brd);
		}
		ok = ok && vl_nl_put_u8(&rt->nl, nlh, IFA_PROTO, VL_RTPROT);
	}
	if (!ok)
		return vl_err(err, -EMSGSIZE, "address request too large");
	r = vl_nl_talk(&rt->nl, nlh, err, "%s %s %s %s:%s", add ? "add" : "delete", s,
		       add ? "to" : "from", a->node, a->iface);
	if (!add && r == -EADDRNOTAVAIL)
		r = 0;
	return r;
}

static int route_op(struct applier *ap, const struct vl_action *a, bool add,
		    struct vl_error *err)
{
	const struct vl_route *rt_ = a->route;
	unsigned bytes = vl_addr_bytes(rt_->dst.family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct ns_rt *rt;
	char s[VL_PREFIX_STRLEN];
	bool ok = true;
	int r, index = 0;

	if (rt_->is_default || rt_->dst.len == 0)
		snprintf(s, sizeof(s), "default");
	else
		vl_prefix_str(&rt_->dst, s, sizeof(s));
	r = get_rt(ap, a->node, &rt, err);
	if (r == 0 && rt_->dev)
		r = ifindex_of(rt, rt_->dev, &index, err);
	if (r < 0)
		return vl_err_wrap(err, "%s route %s in %s", add ? "add" : "delete", s, a->node);
	nlh = vl_nl_req(&rt->nl, add ? RTM_NEWROUTE : RTM_DELROUTE,
			add ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*rtm));
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (unsigned char)rt_->dst.family;
	rtm->rtm_dst_len = rt_->dst.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = VL_RTPROT;
	rtm->rtm_type = RTN_UNICAST;
	/* a delete matches any scope; an IPv4 route without a gateway is
	 * on-link (scope link), as `ip route` makes it */
	if (!add)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	else if (rt_->dst.family == AF_INET && !rt_->has_via)
		rtm->rtm_scope = RT_SCOPE_LINK;
	else
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	if (rt_->dst.len)
		ok = vl_nl_put(&rt->nl, nlh, RTA_DST, bytes, rt_->dst.addr);
	if (rt_->has_via)
		ok = ok && vl_nl_put(&rt->nl, nlh, RTA_GATEWAY, bytes, rt_->via.addr);
	if (index)
		ok = ok && vl_nl_put_u32(&rt->nl, nlh, RTA_OIF, (uint32_t)index);
	if (rt_->has_metric)
		ok = ok && vl_nl_put_u32(&rt->nl, nlh, RTA_PRIORITY, rt_->metric);
	if (!ok)
		return vl_err(err, -EMSGSIZE, "route request too large");
	r = vl_nl_talk(&rt->nl, nlh, err, "%s route %s in %s", add ? "add" : "delete",
		       s, a->node);
	if (!add && r == -ESRCH)
		r = 0;
	return r;
}

/* Write a sysctl inside the node and read it back; *OLD gets the value
 * it had, for the undo log. */
static int sysctl_set(struct applier *ap, const struct vl_action *a, char **old,
		      struct vl_error *err)
{
	char before[256], after[256];
	struct ns_rt *rt;
	int r, saved, jr = 0;

	r = get_rt(ap, a->node, &rt, err);
	if (r < 0)
		return r;
	r = vl_netns_enter(rt->fd, &saved, err);
	if (r < 0)
		return r;
	if (vl_sysctl_read(a->key, before, sizeof(before)) < 0)
		before[0] = '\0';
	/* journal the value to come back to before the first change */
	if (!a->restore && before[0])
		jr = vl_state_add_sysctl(ap->st, a->node, a->key, before, err);
	if (jr == 0)
		r = vl_sysctl_write(a->key, a->to);
	if (r == 0)
		r = vl_sysctl_read(a->key, after, sizeof(after));
	if (vl_netns_leave(saved, err) < 0)
		return err->code;
	if (jr < 0)
		return jr;
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

static int netns_add(struct applier *ap, const struct vl_action *a, struct vl_error *err)
{
	char ns[VL_MAX_NETNS_NAME + 2];
	struct ns_rt *rt = find_rt(ap, a->node);
	int r;

	ns_name(ap, a->node, ns, sizeof(ns));
	r = vl_state_add_netns(ap->st, ns, err);
	if (r < 0)
		return r;
	r = vl_netns_add(ns, &rt->fd, err);
	if (r == -EEXIST)
		return vl_err(err, r, "namespace %s exists, not owned by vethlab", ns);
	if (r == 0)
		rt->created = true;
	return r;
}

static void close_rt(struct ns_rt *rt)
{
	if (rt->nl_open)
		vl_nl_close(&rt->nl);
	if (rt->fd >= 0)
		close(rt->fd);
	rt->nl_open = false;
	rt->fd = -1;
	forget_ifs(rt);
}

static int netns_del(struct applier *ap, const char *node, struct vl_error *err)
{
	char ns[VL_MAX_NETNS_NAME + 2];
	struct ns_rt *rt = find_rt(ap, node);
	int r;

	ns_name(ap, node, ns, sizeof(ns));
	if (rt)
		close_rt(rt);
	r = vl_netns_del(ns, err);
	if (r == 0)
		r = vl_state_del_netns(ap->st, ns, err);
	/* its interfaces went with it */
	for (size_t i = ap->st->n_ifs; r == 0 && i-- > 0;)
		if (!strcmp(ap->st->ifs[i].node, node))
			r = vl_state_del_if(ap->st, node, ap->st->ifs[i].iface, err);
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

static int run_one(struct applier *ap, const struct vl_action *a, char **old,
		   struct vl_error *err)
{
	struct ns_rt *rt;
	int r;

	switch (a->kind) {
	case VL_NETNS_ADD:
		return netns_add(ap, a, err);
	case VL_NETNS_DEL:
		return netns_del(ap, a->node, err);
	case VL_LINK_ADD:
		return link_add(ap, a, err);
	case VL_LINK_DEL:
		return link_del(ap, a, err);
	case VL_LINK_SET:
		r = get_rt(ap, a->node, &rt, err);
		return r < 0 ? r : set_link(rt, a->iface, a->want, a->set_mtu,
					    a->set_mac, a->set_up, err);
	case VL_ADDR_ADD:
	case VL_ADDR_DEL:
		return addr_op(ap, a, a->kind == VL_ADDR_ADD, err);
	case VL_ROUTE_ADD:
	case VL_ROUTE_DEL:
		return route_op(ap, a, a->kind == VL_ROUTE_ADD, err);
	case VL_SYSCTL_SET:
		return sysctl_set(ap, a, old, err);
	default:
		return vl_err(err, -EINVAL, "unknown action %d", a->kind);
	}
}

/* Undo in reverse. Work inside a namespace this run created is skipped:
 * deleting the namespace takes it all. Returns how many undos failed. */
static size_t rollback(struct applier *ap, struct vl_error *first)
{
	size_t failed = 0;

	for (size_t i = ap->n_undo; i-- > 0;) {
		const struct vl_action *u = &ap->undo[i];
		struct ns_rt *rt = find_rt(ap, u->node);
		struct vl_error e = { 0 };

		if (u->kind != VL_NETNS_DEL && rt && rt->created)
			continue;
		if (u->kind == VL_LINK_ADD && u->peer_node) {
			struct ns_rt *prt = find_rt(ap, u->peer_node);

			if (prt && prt->created)
				continue;
		}
		if (run_one(ap, u, NULL, &e) < 0 && failed++ == 0)
			*first = e;
	}
	return failed;
}

static int env_int(const char *name)
{
	const char *v = getenv(name);

	return v ? atoi(v) : 0;
}

static int setup(struct applier *ap)
{
	for (size_t i = 0; i < ap->d->n_nodes; i++)
		if (add_rt(ap, ap->d->nodes[i].name) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < ap->o->n_nodes; i++)
		if (vl_lab_node_index(ap->d, ap->o->nodes[i].name) == VL_NONE &&
		    add_rt(ap, ap->o->nodes[i].name) < 0)
			return -ENOMEM;
	qsort(ap->ns, ap->n_ns, sizeof(*ap->ns), cmp_rt);
	return 0;
}

static void cleanup(struct applier *ap)
{
	for (size_t i = 0; i < ap->n_ns; i++)
		close_rt(&ap->ns[i]);
	free(ap->ns);
	free(ap->undo);
	for (size_t i = 0; i < ap->n_strings; i++)
		free(ap->strings[i]);
	free(ap->strings);
}

int vl_apply(const struct vl_lab *desired, const struct vl_lab *observed,
	     const struct vl_plan *plan, struct vl_state *st,
	     const struct vl_apply_opts *opts, struct vl_error *err)
{
	struct applier ap = { .d = desired, .o = observed, .st = st,
			      .lab = desired->name };
	int fail_at = env_int("VETHLAB_TEST_FAIL_AT");
	int kill_at = env_int("VETHLAB_TEST_KILL_AT");
	int r = setup(&ap);

	if (r < 0) {
		cleanup(&ap);
		return vl_err(err, r, "apply: out of memory");
	}
	for (size_t i = 0; i < plan->n; i++) {
		const struct vl_action *a = &plan->v[i];
		char line[512], *old = NULL;
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
		t0 = vl_timings_now();
		r = run_one(&ap, a, &old, err);
		vl_timings_action(a->kind, 1, vl_timings_now() - t0);
		if (r == 0)
			r = remember_undo(&ap, a, old);
		else
			free(old);
		if (r < 0)
			break;
		if (opts->out)
			fprintf(opts->out, "%s\n", line);
	}
	/* a lab that does not read back as the file says is a failure like
	 * any other: undone */
	if (r == 0 && opts->verify)
		r = opts->verify(opts->verify_ctx, err);
	if (r < 0) {
		struct vl_error first = { 0 };
		size_t n = ap.n_undo, failed;

		if (opts->out)
			fflush(opts->out);
		vl_timings_begin(VL_PHASE_ROLLBACK);
		failed = rollback(&ap, &first);
		vl_timings_end(VL_PHASE_ROLLBACK);
		if (failed) {
			size_t len = strlen(err->msg);

			snprintf(err->msg + len, sizeof(err->msg) - len,
				 "; rollback incomplete: %zu of %zu undo steps failed, first: %s",
				 failed, n, first.msg);
		} else {
			size_t len = strlen(err->msg);

			snprintf(err->msg + len, sizeof(err->msg) - len,
				 "; rolled back %zu change%s", n, n == 1 ? "" : "s");
		}
	}
	cleanup(&ap);
	return r;
}

int vl_teardown(struct vl_state *st, FILE *out, struct vl_error *err)
{
	int64_t t0 = vl_timings_now();
	size_t n = st->n_netns;
	int r = 0;

	/* Namespaces go as a whole, with everything in them: the kernel
	 * tears them down together, far cheaper than device by device. */
	vl_timings_begin(VL_PHASE_APPLY);
	while (r == 0 && st->n_netns) {
		char *ns = strdup(st->netns[st->n_netns - 1]);

		if (!ns) {
			r = vl_err(err, -ENOMEM, "down");
			break;
		}
		r = vl_netns_del(ns, err);
		if (r == 0)
			r = vl_state_del_netns(st, ns, err);
		if (r == 0 && out)
			fprintf(out, "- netns %s\n", ns);
		free(ns);
	}
	vl_timings_action(VL_NETNS_DEL, n - st->n_netns, vl_timings_now() - t0);
	vl_timings_end(VL_PHASE_APPLY);
	return r;
}
