/* Reading a lab's namespaces back into the model: link, address and route
 * dumps over one netlink socket per namespace, sysctls read from inside. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "core/netns.h"
#include "core/nl.h"
#include "core/observe.h"
#include "core/sysctl.h"
#include "core/topo.h"

struct attrs {
	const struct nlattr *tb[IFLA_MAX + IFA_MAX + RTA_MAX + 3];
	int max;
};

static int collect(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	int type = mnl_attr_get_type(a);

	if (type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static void parse(const struct nlmsghdr *nlh, size_t hdr, int max,
		  struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	at->max = max;
	mnl_attr_parse(nlh, (unsigned)hdr, collect, at);
}

static const char *str_attr(const struct nlattr *a)
{
	return a && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0 ?
	       mnl_attr_get_str(a) : NULL;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct vl_node *n = data;
	struct vl_iface *ifc;
	struct attrs at;
	const char *name;
	size_t idx;

	parse(nlh, sizeof(*ifi), IFLA_MAX, &at);
	name = str_attr(at.tb[IFLA_IFNAME]);
	if (!name)
		return MNL_CB_OK;
	idx = vl_node_add_iface(n, name, (struct vl_loc){ 0, 0 });
	if (idx == VL_NONE) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	ifc = &n->ifaces[idx];
	ifc->ifindex = ifi->ifi_index;
	ifc->up = ifi->ifi_flags & IFF_UP;
	ifc->peer_nsid = -1;
	if (at.tb[IFLA_MTU] && mnl_attr_validate(at.tb[IFLA_MTU], MNL_TYPE_U32) == 0)
		ifc->mtu = mnl_attr_get_u32(at.tb[IFLA_MTU]);
	if (at.tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(at.tb[IFLA_ADDRESS]) == 6) {
		memcpy(ifc->mac, mnl_attr_get_payload(at.tb[IFLA_ADDRESS]), 6);
		ifc->has_mac = true;
	}
	if (at.tb[IFLA_LINK] && mnl_attr_validate(at.tb[IFLA_LINK], MNL_TYPE_U32) == 0)
		ifc->peer_ifindex = (int)mnl_attr_get_u32(at.tb[IFLA_LINK]);
	if (at.tb[IFLA_LINK_NETNSID] &&
	    mnl_attr_validate(at.tb[IFLA_LINK_NETNSID], MNL_TYPE_U32) == 0)
		ifc->peer_nsid = (int)mnl_attr_get_u32(at.tb[IFLA_LINK_NETNSID]);
	if (at.tb[IFLA_LINKINFO]) {
		const struct nlattr *a;

		mnl_attr_for_each_nested(a, at.tb[IFLA_LINKINFO]) {
			const char *kind;

			if (mnl_attr_get_type(a) != IFLA_INFO_KIND)
				continue;
			kind = str_attr(a);
			if (kind)
				snprintf(ifc->kind, sizeof(ifc->kind), "%s", kind);
		}
	}
	return MNL_CB_OK;
}

static struct vl_iface *by_index(struct vl_node *n, int ifindex)
{
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (n->ifaces[i].ifindex == ifindex)
			return &n->ifaces[i];
	return NULL;
}

struct addr_ctx {
	struct vl_node *node;
	const struct vl_node *want;	/* the file's node, or NULL */
};

static bool wanted_addr(const struct vl_node *want, const char *ifname,
			const struct vl_prefix *p)
{
	size_t i;

	if (!want || (i = vl_node_iface_index(want, ifname)) == VL_NONE)
		return false;
	for (size_t a = 0; a < want->ifaces[i].n_addrs; a++) {
		const struct vl_prefix *w = &want->ifaces[i].addrs[a].p;

		if (vl_addr_equal(w, p) && w->len == p->len)
			return true;
	}
	return false;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_ctx *c = data;
	const struct nlattr *a;
	struct vl_iface *ifc;
	struct vl_addr *slot;
	struct vl_prefix p = { 0 };
	struct attrs at;
	int proto = 0;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	parse(nlh, sizeof(*ifa), IFA_MAX, &at);
	/* IFA_LOCAL is the address itself on IPv4 (IFA_ADDRESS may be the
	 * peer of a point-to-point link); IPv6 has only IFA_ADDRESS. */
	a = at.tb[IFA_LOCAL] ? at.tb[IFA_LOCAL] : at.tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != vl_addr_bytes(ifa->ifa_family))
		return MNL_CB_OK;
	p.family = ifa->ifa_family;
	p.len = ifa->ifa_prefixlen;
	memcpy(p.addr, mnl_attr_get_payload(a), vl_addr_bytes(p.family));
	if (at.tb[IFA_PROTO])
		proto = mnl_attr_get_u8(at.tb[IFA_PROTO]);
	ifc = by_index(c->node, (int)ifa->ifa_index);
	if (!ifc)
		return MNL_CB_OK;
	/* Ours (our protocol) or the file's: anything else (the kernel's
	 * 127.0.0.1 and link-local addresses, someone's by hand) is not
	 * vethlab's to report or remove. */
	if (proto != VL_RTPROT && !wanted_addr(c->want, ifc->name, &p))
		return MNL_CB_OK;
	slot = vl_array_push(&ifc->addrs, &ifc->n_addrs, sizeof(*slot));
	if (!slot) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	slot->p = p;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct vl_node *n = data;
	struct vl_route *rt;
	struct vl_iface *ifc;
	struct attrs at;
	unsigned bytes;

	if (rtm->rtm_protocol != VL_RTPROT || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return MNL_CB_OK;
	parse(nlh, sizeof(*rtm), RTA_MAX, &at);
	if (at.tb[RTA_TABLE] && mnl_attr_get_u32(at.tb[RTA_TABLE]) != RT_TABLE_MAIN)
		return MNL_CB_OK;
	rt = vl_array_push(&n->routes, &n->n_routes, sizeof(*rt));
	if (!rt) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	bytes = vl_addr_bytes(rtm->rtm_family);
	rt->dst.family = rtm->rtm_family;
	rt->dst.len = rtm->rtm_dst_len;
	rt->is_default = rtm->rtm_dst_len == 0;
	if (at.tb[RTA_DST] && mnl_attr_get_payload_len(at.tb[RTA_DST]) == bytes)
		memcpy(rt->dst.addr, mnl_attr_get_payload(at.tb[RTA_DST]), bytes);
	if (at.tb[RTA_GATEWAY] && mnl_attr_get_payload_len(at.tb[RTA_GATEWAY]) == bytes) {
		rt->has_via = true;
		rt->via.family = rtm->rtm_family;
		rt->via.len = (unsigned char)(bytes * 8);
		memcpy(rt->via.addr, mnl_attr_get_payload(at.tb[RTA_GATEWAY]), bytes);
	}
	if (at.tb[RTA_PRIORITY]) {
		rt->metric = mnl_attr_get_u32(at.tb[RTA_PRIORITY]);
		rt->has_metric = true;
	}
	if (at.tb[RTA_OIF]) {
		rt->oif = (int)mnl_attr_get_u32(at.tb[RTA_OIF]);
		ifc = by_index(n, rt->oif);
		if (ifc && !(rt->dev = strdup(ifc->name))) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_OK;
}

static void reset_node(void *data)
{
	struct vl_node *n = data;

	for (size_t i = 0; i < n->n_ifaces; i++) {
		free(n->ifaces[i].name);
		free(n->ifaces[i].addrs);
	}
	n->n_ifaces = 0;
}

static void reset_addrs(void *data)
{
	struct addr_ctx *c = data;

	for (size_t i = 0; i < c->node->n_ifaces; i++) {
		free(c->node->ifaces[i].addrs);
		c->node->ifaces[i].addrs = NULL;
		c->node->ifaces[i].n_addrs = 0;
	}
}

static void reset_routes(void *data)
{
	struct vl_node *n = data;

	for (size_t i = 0; i < n->n_routes; i++)
		free(n->routes[i].dev);
	n->n_routes = 0;
}

static int read_one_sysctl(struct vl_node *n, const char *key, const char *orig,
			   struct vl_error *err)
{
	struct vl_sysctl *sc;
	char val[256];

	/* absent: its interface is not there (yet, or any more) */
	if (vl_sysctl_read(key, val, sizeof(val)) < 0)
		return 0;
	sc = vl_array_push(&n->sysctls, &n->n_sysctls, sizeof(*sc));
	if (!sc || !(sc->key = strdup(key)) || !(sc->value = strdup(val)) ||
	    (orig && !(sc->orig = strdup(orig))))
		return vl_err(err, -ENOMEM, "read sysctls");
	return 0;
}

static bool wants_key(const struct vl_node *want, const char *key)
{
	for (size_t i = 0; want && i < want->n_sysctls; i++)
		if (!strcmp(want->sysctls[i].key, key))
			return true;
	return false;
}

/* Read, from inside NETNS_FD, the file's sysctl keys for node WANT and
 * the ones vethlab changed before (with the values to restore). */
static int read_sysctls(int netns_fd, const struct vl_node *want,
			const struct vl_state *st, struct vl_node *n,
			struct vl_error *err)
{
	bool recorded = false;
	int saved, r;

	for (size_t i = 0; i < st->n_sysctls; i++)
		recorded |= !strcmp(st->sysctls[i].node, n->name);
	if ((!want || !want->n_sysctls) && !recorded)
		return 0;
	r = vl_netns_enter(netns_fd, &saved, err);
	if (r < 0)
		return r;
	for (size_t i = 0; want && i < want->n_sysctls && r == 0; i++)
		r = read_one_sysctl(n, want->sysctls[i].key,
				    vl_state_sysctl_orig(st, n->name, want->sysctls[i].key), err);
	for (size_t i = 0; i < st->n_sysctls && r == 0; i++)
		if (!strcmp(st->sysctls[i].node, n->name) && !wants_key(want, st->sysctls[i].key))
			r = read_one_sysctl(n, st->sysctls[i].key, st->sysctls[i].orig, err);
	if (vl_netns_leave(saved, err) < 0)
		return err->code;
	return r;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	struct attrs at;

	parse(nlh, sizeof(struct rtgenmsg), NETNSA_MAX, &at);
	if (at.tb[NETNSA_NSID] && mnl_attr_validate(at.tb[NETNSA_NSID], MNL_TYPE_U32) == 0)
		*(int *)data = (int)mnl_attr_get_u32(at.tb[NETNSA_NSID]);
	return MNL_CB_OK;
}

/* ifindexes are per namespace, so a veth whose peer has the right index
 * may still be paired with another namespace's interface. Ask the kernel
 * which id this namespace gives the file's peer namespace, and compare
 * with the one the veth reports. */
static int check_peers(struct vl_nl *nl, const struct vl_lab *lab,
		       const struct vl_node *want, struct vl_node *n,
		       struct vl_error *err)
{
	for (size_t i = 0; want && i < n->n_ifaces; i++) {
		struct vl_iface *ifc = &n->ifaces[i];
		size_t wi = vl_node_iface_index(want, ifc->name);
		char ns[VL_MAX_NETNS_NAME + 2];
		const struct vl_endpoint *other;
		const struct vl_link *l;
		struct nlmsghdr *nlh;
		int fd, nsid = -1, r;

		if (ifc->peer_nsid < 0 || wi == VL_NONE || want->ifaces[wi].link == VL_NONE)
			continue;
		l = &lab->links[want->ifaces[wi].link];
		other = &l->ends[!want->ifaces[wi].link_end];
		snprintf(ns, sizeof(ns), "%s-%s", lab->name, other->node);
		if (vl_netns_open(ns, &fd, err) < 0) {
			ifc->peer_mismatch = true;
			continue;
		}
		nlh = vl_nl_req(nl, RTM_GETNSID, 0, sizeof(struct rtgenmsg));
		((struct rtgenmsg *)mnl_nlmsg_get_payload(nlh))->rtgen_family = AF_UNSPEC;
		r = vl_nl_put_u32(nl, nlh, NETNSA_FD, (uint32_t)fd) ?
		    vl_nl_query(nl, nlh, nsid_cb, &nsid, err, "namespace id of %s", ns) :
		    vl_err(err, -EMSGSIZE, "namespace id of %s", ns);
		close(fd);
		if (r < 0)
			return r;
		ifc->peer_mismatch = nsid != ifc->peer_nsid;
	}
	return 0;
}

static int observe_node(struct vl_node *n, const struct vl_node *want,
			const struct vl_lab *lab, const struct vl_state *st,
			int netns_fd, const char *ns, struct vl_error *err)
{
	struct addr_ctx ac = { n, want };
	struct nlmsghdr *nlh;
	struct vl_nl nl;
	int r;

	r = vl_nl_open(&nl, netns_fd, err);
	if (r < 0)
		return vl_err_wrap(err, "observe %s", ns);
	nlh = vl_nl_req(&nl, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	r = vl_nl_dump(&nl, nlh, link_cb, reset_node, n, err, "dump links");
	if (r == 0) {
		struct ifaddrmsg *ifa;

		nlh = vl_nl_req(&nl, RTM_GETADDR, 0, sizeof(*ifa));
		r = vl_nl_dump(&nl, nlh, addr_cb, reset_addrs, &ac, err, "dump addresses");
	}
	if (r == 0) {
		nlh = vl_nl_req(&nl, RTM_GETROUTE, 0, sizeof(struct rtmsg));
		r = vl_nl_dump(&nl, nlh, route_cb, reset_routes, n, err, "dump routes");
	}
	if (r == 0)
		r = check_peers(&nl, lab, want, n, err);
	vl_nl_close(&nl);
	if (r == 0)
		r = read_sysctls(netns_fd, want, st, n, err);
	if (r < 0)
		return vl_err_wrap(err, "observe %s", ns);
	return 0;
}

static struct vl_node *add_node(struct vl_lab *lab, const char *name)
{
	struct vl_node *n = vl_array_push(&lab->nodes, &lab->n_nodes, sizeof(*n));

	if (n && !(n->name = strdup(name))) {
		lab->n_nodes--;
		return NULL;
	}
	return n;
}

static int observe_one(struct vl_lab *obs, const struct vl_lab *desired,
		       const struct vl_state *st, const char *node_name,
		       const struct vl_node *want, struct vl_error *err)
{
	char ns[VL_MAX_NETNS_NAME + 2];
	struct vl_node *n;
	int fd, r;

	snprintf(ns, sizeof(ns), "%s-%s", desired->name, node_name);
	n = add_node(obs, node_name);
	if (!n)
		return vl_err(err, -ENOMEM, "observe %s", ns);
	r = vl_netns_open(ns, &fd, err);
	if (r == -ENOENT)
		return 0;
	if (!vl_state_owns_netns(st, ns)) {
		if (r == 0)
			close(fd);
		return vl_err(err, -EEXIST, "namespace %s exists, not owned by vethlab", ns);
	}
	if (r < 0) {
		/* ours but unusable: a create cut short by a crash */
		n->stale = true;
		return 0;
	}
	n->present = true;
	r = observe_node(n, want, desired, st, fd, ns, err);
	close(fd);
	if (r < 0)
		return r;
	/* The journal knows names; vethlab makes only veths, so an interface
	 * of a recorded name but another kind was put there by someone else
	 * (after our veth was deleted by hand) and is not ours. */
	for (size_t i = 0; i < n->n_ifaces; i++)
		n->ifaces[i].owned = !strcmp(n->ifaces[i].kind, "veth") &&
				     vl_state_owns_if(st, node_name, n->ifaces[i].name);
	return 0;
}

int vl_observe(const struct vl_lab *desired, const struct vl_state *st,
	       struct vl_lab **out, struct vl_error *err)
{
	struct vl_lab *obs = vl_lab_new(desired->file);
	size_t plen = strlen(desired->name);
	int r = 0;

	*out = NULL;
	if (!obs || !(obs->name = strdup(desired->name))) {
		vl_lab_free(obs);
		return vl_err(err, -ENOMEM, "observe");
	}
	for (size_t i = 0; i < desired->n_nodes && r == 0; i++)
		r = observe_one(obs, desired, st, desired->nodes[i].name,
				&desired->nodes[i], err);
	/* namespaces the lab owns that the file no longer has */
	for (size_t i = 0; i < st->n_netns && r == 0; i++) {
		const char *ns = st->netns[i];

		if (strncmp(ns, desired->name, plen) || ns[plen] != '-' ||
		    vl_lab_node_index(desired, ns + plen + 1) != VL_NONE)
			continue;
		r = observe_one(obs, desired, st, ns + plen + 1, NULL, err);
	}
	if (r < 0) {
		vl_lab_free(obs);
		return r;
	}
	*out = obs;
	return 0;
}
