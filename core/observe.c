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
#include <linux/netconf.h>
#include <linux/rtnetlink.h>

#include "core/netns.h"
#include "core/nl.h"
#include "core/nsset.h"
#include "core/observe.h"
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

/* The journal's records, indexed once per observe: looking one up must
 * not cost a scan of the whole journal per interface or key. */
struct owned {
	const char **netns;			/* sorted */
	size_t n_netns;
	const struct vl_owned_if **ifs;		/* by node, then interface */
	size_t n_ifs;
	const struct vl_owned_sysctl **sc;	/* by node, then journal order */
	size_t n_sc;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_if(const void *a, const void *b)
{
	const struct vl_owned_if *x = *(const struct vl_owned_if *const *)a;
	const struct vl_owned_if *y = *(const struct vl_owned_if *const *)b;
	int c = strcmp(x->node, y->node);

	return c ? c : strcmp(x->iface, y->iface);
}

static int cmp_sc(const void *a, const void *b)
{
	const struct vl_owned_sysctl *x = *(const struct vl_owned_sysctl *const *)a;
	const struct vl_owned_sysctl *y = *(const struct vl_owned_sysctl *const *)b;
	int c = strcmp(x->node, y->node);

	/* the same array: addresses keep the journal's order */
	return c ? c : (x > y) - (x < y);
}

static void owned_fini(struct owned *o)
{
	free(o->netns);
	free(o->ifs);
	free(o->sc);
}

static int owned_init(struct owned *o, const struct vl_state *st)
{
	memset(o, 0, sizeof(*o));
	o->netns = calloc(st->n_netns + 1, sizeof(*o->netns));
	o->ifs = calloc(st->n_ifs + 1, sizeof(*o->ifs));
	o->sc = calloc(st->n_sysctls + 1, sizeof(*o->sc));
	if (!o->netns || !o->ifs || !o->sc) {
		owned_fini(o);
		return -ENOMEM;
	}
	for (size_t i = 0; i < st->n_netns; i++)
		o->netns[o->n_netns++] = st->netns[i];
	for (size_t i = 0; i < st->n_ifs; i++)
		o->ifs[o->n_ifs++] = &st->ifs[i];
	for (size_t i = 0; i < st->n_sysctls; i++)
		o->sc[o->n_sc++] = &st->sysctls[i];
	qsort(o->netns, o->n_netns, sizeof(*o->netns), cmp_str);
	qsort(o->ifs, o->n_ifs, sizeof(*o->ifs), cmp_if);
	qsort(o->sc, o->n_sc, sizeof(*o->sc), cmp_sc);
	return 0;
}

static bool owns_netns(const struct owned *o, const char *name)
{
	return o->n_netns && bsearch(&name, o->netns, o->n_netns, sizeof(*o->netns), cmp_str);
}

static bool owns_if(const struct owned *o, const char *node, const char *iface)
{
	struct vl_owned_if key = { .node = (char *)node, .iface = (char *)iface };
	const struct vl_owned_if *k = &key;

	return o->n_ifs && bsearch(&k, o->ifs, o->n_ifs, sizeof(*o->ifs), cmp_if);
}

/* The node's recorded sysctls: [*FIRST, *END) of O->sc. */
static void node_sysctls(const struct owned *o, const char *node, size_t *first,
			 size_t *end)
{
	size_t lo = 0, hi = o->n_sc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(o->sc[mid]->node, node) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (hi < o->n_sc && !strcmp(o->sc[hi]->node, node))
		hi++;
	*end = hi;
}

/* The settings the kernel also reports over netlink (RTM_GETNETCONF):
 * read that way they need no /proc/sys lookup, which costs more the more
 * namespaces the machine has. */
static const struct {
	int family;
	const char *name;	/* the key's last part */
	int attr;
} netconf_keys[] = {
	{ AF_INET, "forwarding", NETCONFA_FORWARDING },
	{ AF_INET, "rp_filter", NETCONFA_RP_FILTER },
	{ AF_INET, "proxy_arp", NETCONFA_PROXY_NEIGH },
	{ AF_INET, "ignore_routes_with_linkdown", NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN },
	{ AF_INET6, "forwarding", NETCONFA_FORWARDING },
	{ AF_INET6, "proxy_ndp", NETCONFA_PROXY_NEIGH },
	{ AF_INET6, "ignore_routes_with_linkdown", NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN },
};

#define NETCONF_ATTRS (NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN + 1)

struct netconf_entry {
	int ifindex;		/* or NETCONFA_IFINDEX_ALL, _DEFAULT */
	bool has[NETCONF_ATTRS];
	int value[NETCONF_ATTRS];
};

struct netconf {
	bool read[2];		/* AF_INET, AF_INET6 dumped */
	struct netconf_entry *v[2];
	size_t n[2];
};

static int netconf_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct netconfmsg *ncm = mnl_nlmsg_get_payload(nlh);
	struct netconf *nc = data;
	struct netconf_entry *e;
	struct attrs at;
	int f = ncm->ncm_family == AF_INET6;

	parse(nlh, sizeof(*ncm), NETCONFA_MAX, &at);
	if (!at.tb[NETCONFA_IFINDEX] ||
	    mnl_attr_validate(at.tb[NETCONFA_IFINDEX], MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	e = vl_array_push(&nc->v[f], &nc->n[f], sizeof(*e));
	if (!e) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	e->ifindex = (int)mnl_attr_get_u32(at.tb[NETCONFA_IFINDEX]);
	for (int a = NETCONFA_FORWARDING; a < NETCONF_ATTRS; a++)
		if (at.tb[a] && mnl_attr_validate(at.tb[a], MNL_TYPE_U32) == 0) {
			e->has[a] = true;
			e->value[a] = (int)mnl_attr_get_u32(at.tb[a]);
		}
	return MNL_CB_OK;
}

static void reset_netconf(void *data)
{
	struct netconf *nc = data;

	for (int f = 0; f < 2; f++)
		nc->n[f] = 0;
}

/* KEY's value from the netconf dump, if the kernel reports it there:
 * 1 and VAL filled, 0 when it does not (read /proc/sys then), < 0. */
static int netconf_value(struct vl_nl *nl, struct netconf *nc, const struct vl_node *n,
			 const char *key, char *val, size_t len, struct vl_error *err)
{
	const char *last = strrchr(key, '.'), *dev;
	int family, attr = 0, ifindex, f;
	size_t devlen;

	if (!strcmp(key, "net.ipv4.ip_forward")) {
		family = AF_INET;
		attr = NETCONFA_FORWARDING;
		dev = "all";
		devlen = 3;
	} else {
		if (!strncmp(key, "net.ipv4.conf.", 14))
			family = AF_INET;
		else if (!strncmp(key, "net.ipv6.conf.", 14))
			family = AF_INET6;
		else
			return 0;
		dev = key + 14;
		if (!last || last <= dev)
			return 0;
		devlen = (size_t)(last - dev);
		for (size_t i = 0; i < sizeof(netconf_keys) / sizeof(netconf_keys[0]); i++)
			if (netconf_keys[i].family == family && !strcmp(netconf_keys[i].name, last + 1))
				attr = netconf_keys[i].attr;
		if (!attr)
			return 0;
	}
	if (devlen == 3 && !strncmp(dev, "all", 3)) {
		ifindex = NETCONFA_IFINDEX_ALL;
	} else if (devlen == 7 && !strncmp(dev, "default", 7)) {
		ifindex = NETCONFA_IFINDEX_DEFAULT;
	} else {
		ifindex = 0;
		for (size_t i = 0; i < n->n_ifaces && !ifindex; i++)
			if (strlen(n->ifaces[i].name) == devlen &&
			    !strncmp(n->ifaces[i].name, dev, devlen))
				ifindex = n->ifaces[i].ifindex;
		if (!ifindex)
			return 0;
	}
	f = family == AF_INET6;
	if (!nc->read[f]) {
		struct nlmsghdr *nlh = vl_nl_req(nl, RTM_GETNETCONF, 0, sizeof(struct netconfmsg));
		int r;

		((struct netconfmsg *)mnl_nlmsg_get_payload(nlh))->ncm_family = (unsigned char)family;
		r = vl_nl_dump(nl, nlh, netconf_cb, reset_netconf, nc, err, "dump netconf");
		if (r < 0)
			return r;
		nc->read[f] = true;
	}
	for (size_t i = 0; i < nc->n[f]; i++)
		if (nc->v[f][i].ifindex == ifindex && nc->v[f][i].has[attr]) {
			snprintf(val, len, "%d", nc->v[f][i].value[attr]);
			return 1;
		}
	return 0;
}

struct sysctl_reader {
	struct vl_ns *ns;
	struct vl_nl *nl;
	struct netconf nc;
	bool inside;		/* this thread entered NS for /proc/sys */
	int saved;
};

static int read_one_sysctl(struct sysctl_reader *rd, struct vl_node *n, const char *key,
			   const char *orig, struct vl_error *err)
{
	struct vl_sysctl *sc;
	char val[256];
	int r = netconf_value(rd->nl, &rd->nc, n, key, val, sizeof(val), err);

	if (r < 0)
		return r;
	if (r == 0) {
		if (!rd->inside) {
			r = vl_netns_enter(rd->ns->fd, &rd->saved, err);
			if (r < 0)
				return r;
			rd->inside = true;
		}
		/* absent: its interface is not there (yet, or any more) */
		if (vl_ns_sysctl_read(rd->ns, key, val, sizeof(val)) < 0)
			return 0;
	}
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

/* The file's sysctl keys for node WANT and the ones vethlab changed
 * before (with the values to restore): over netlink when the kernel
 * reports them there, else from inside the namespace. */
static int read_sysctls(struct vl_ns *ns, struct vl_nl *nl, const struct vl_node *want,
			const struct owned *o, struct vl_node *n, struct vl_error *err)
{
	struct sysctl_reader rd = { .ns = ns, .nl = nl };
	size_t first, end;
	int r = 0;

	node_sysctls(o, n->name, &first, &end);
	for (size_t i = 0; want && i < want->n_sysctls && r == 0; i++) {
		const char *orig = NULL;

		for (size_t k = first; k < end && !orig; k++)
			if (!strcmp(o->sc[k]->key, want->sysctls[i].key))
				orig = o->sc[k]->orig;
		r = read_one_sysctl(&rd, n, want->sysctls[i].key, orig, err);
	}
	for (size_t k = first; k < end && r == 0; k++)
		if (!wants_key(want, o->sc[k]->key))
			r = read_one_sysctl(&rd, n, o->sc[k]->key, o->sc[k]->orig, err);
	if (rd.inside && vl_netns_leave(rd.saved, err) < 0)
		r = err->code;
	free(rd.nc.v[0]);
	free(rd.nc.v[1]);
	return r;
}

/* ifindexes are per namespace, so a veth whose peer has the right index
 * may still be paired with another namespace's interface. Ask the kernel
 * which id this namespace gives the file's peer namespace (in one batch
 * for all of its veths, and once per run for each pair of namespaces),
 * and compare with the one the veth reports. */
static int check_peers(struct vl_nsset *set, struct vl_ns *ns, const struct vl_lab *lab,
		       const struct vl_node *want, struct vl_node *n, struct vl_error *err)
{
	struct vl_ns **peers = NULL;
	size_t *which = NULL, k = 0;
	int *ids = NULL, r = 0;

	if (!want)
		return 0;
	peers = calloc(n->n_ifaces + 1, sizeof(*peers));
	which = calloc(n->n_ifaces + 1, sizeof(*which));
	ids = calloc(n->n_ifaces + 1, sizeof(*ids));
	if (!peers || !which || !ids) {
		r = vl_err(err, -ENOMEM, "observe: out of memory");
		goto out;
	}
	for (size_t i = 0; i < n->n_ifaces; i++) {
		struct vl_iface *ifc = &n->ifaces[i];
		size_t wi = vl_node_iface_index(want, ifc->name);
		const struct vl_endpoint *other;
		struct vl_ns *pns;

		if (ifc->peer_nsid < 0 || wi == VL_NONE || want->ifaces[wi].link == VL_NONE)
			continue;
		other = &lab->links[want->ifaces[wi].link].ends[!want->ifaces[wi].link_end];
		pns = vl_nsset_find(set, other->node);
		if (!pns || vl_ns_open(pns, err) < 0) {
			ifc->peer_mismatch = true;
			continue;
		}
		peers[k] = pns;
		which[k++] = i;
	}
	r = vl_ns_nsids(set, ns, peers, k, ids, err);
	for (size_t j = 0; r == 0 && j < k; j++)
		n->ifaces[which[j]].peer_mismatch = ids[j] != n->ifaces[which[j]].peer_nsid;
out:
	free(peers);
	free(which);
	free(ids);
	return r;
}

static int observe_node(struct vl_nsset *set, struct vl_ns *ns, struct vl_node *n,
			const struct vl_node *want, const struct vl_lab *lab,
			const struct owned *o, struct vl_error *err)
{
	struct addr_ctx ac = { n, want };
	struct nlmsghdr *nlh;
	struct vl_nl *nl;
	int r;

	r = vl_ns_nl(set, ns, &nl, err);
	if (r < 0)
		return vl_err_wrap(err, "observe %s", ns->name);
	nlh = vl_nl_req(nl, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	/* counters are not drift: the kernel need not sum them per CPU */
	if (!vl_nl_put_u32(nl, nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS))
		return vl_err(err, -EMSGSIZE, "observe %s: dump links", ns->name);
	r = vl_nl_dump(nl, nlh, link_cb, reset_node, n, err, "dump links");
	/* what apply will need: each interface's index, as of now */
	vl_ns_if_forget(ns);
	for (size_t i = 0; r == 0 && i < n->n_ifaces; i++)
		if (vl_ns_if_learn(ns, n->ifaces[i].name, n->ifaces[i].ifindex) < 0)
			r = vl_err(err, -ENOMEM, "observe: out of memory");
	if (r == 0) {
		struct ifaddrmsg *ifa;

		nlh = vl_nl_req(nl, RTM_GETADDR, 0, sizeof(*ifa));
		r = vl_nl_dump(nl, nlh, addr_cb, reset_addrs, &ac, err, "dump addresses");
	}
	if (r == 0) {
		nlh = vl_nl_req(nl, RTM_GETROUTE, 0, sizeof(struct rtmsg));
		r = vl_nl_dump(nl, nlh, route_cb, reset_routes, n, err, "dump routes");
	}
	if (r == 0)
		r = check_peers(set, ns, lab, want, n, err);
	if (r == 0)
		r = read_sysctls(ns, nl, want, o, n, err);
	if (r < 0)
		return vl_err_wrap(err, "observe %s", ns->name);
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

/* Open NS afresh: a namespace kept open from earlier in the run is kept
 * (with its socket) only if its name still leads to it. -ENOENT when
 * there is none. */
static int reopen(struct vl_nsset *set, struct vl_ns *ns, struct vl_error *err)
{
	int fd, r = vl_netns_open(ns->name, &fd, err);

	if (r < 0) {
		if (ns->fd >= 0)
			vl_ns_close(set, ns);
		return r;
	}
	if (ns->fd >= 0 && vl_netns_ino(ns->fd) == vl_netns_ino(fd)) {
		close(fd);
		return 0;
	}
	if (ns->fd >= 0)
		vl_ns_close(set, ns);
	ns->fd = fd;
	return 0;
}

static int observe_one(struct vl_nsset *set, struct vl_lab *obs, const struct vl_lab *desired,
		       const struct owned *o, const char *node_name,
		       const struct vl_node *want, struct vl_error *err)
{
	struct vl_ns *ns = vl_nsset_find(set, node_name);
	struct vl_node *n;
	int r;

	n = add_node(obs, node_name);
	if (!n || !ns)
		return vl_err(err, -ENOMEM, "observe %s-%s", desired->name, node_name);
	r = reopen(set, ns, err);
	if (r == -ENOENT)
		return 0;
	if (!owns_netns(o, ns->name)) {
		if (r == 0)
			vl_ns_close(set, ns);
		return vl_err(err, -EEXIST, "namespace %s exists, not owned by vethlab", ns->name);
	}
	if (r < 0) {
		/* ours but unusable: a create cut short by a crash */
		n->stale = true;
		return 0;
	}
	n->present = true;
	r = observe_node(set, ns, n, want, desired, o, err);
	if (r < 0)
		return r;
	/* The journal knows names; vethlab makes only veths, so an interface
	 * of a recorded name but another kind was put there by someone else
	 * (after our veth was deleted by hand) and is not ours. */
	for (size_t i = 0; i < n->n_ifaces; i++)
		n->ifaces[i].owned = !strcmp(n->ifaces[i].kind, "veth") &&
				     owns_if(o, node_name, n->ifaces[i].name);
	return 0;
}

int vl_observe_in(struct vl_nsset *set, const struct vl_lab *desired,
		  const struct vl_state *st, struct vl_lab **out, struct vl_error *err)
{
	struct vl_lab *obs = vl_lab_new(desired->file);
	size_t plen = strlen(desired->name);
	struct owned o;
	int r = 0;

	*out = NULL;
	if (!obs || !(obs->name = strdup(desired->name)) || owned_init(&o, st) < 0) {
		vl_lab_free(obs);
		return vl_err(err, -ENOMEM, "observe");
	}
	for (size_t i = 0; i < desired->n_nodes && r == 0; i++)
		r = observe_one(set, obs, desired, &o, desired->nodes[i].name,
				&desired->nodes[i], err);
	/* namespaces the lab owns that the file no longer has; observe
	 * lists the file's nodes first, in order, so that an index into
	 * one is one into the other */
	for (size_t i = 0; i < st->n_netns && r == 0; i++) {
		const char *ns = st->netns[i];

		const struct vl_ns *x;

		if (strncmp(ns, desired->name, plen) || ns[plen] != '-' ||
		    !(x = vl_nsset_find(set, ns + plen + 1)) || x->in_file)
			continue;
		r = observe_one(set, obs, desired, &o, ns + plen + 1, NULL, err);
	}
	owned_fini(&o);
	if (r < 0) {
		vl_lab_free(obs);
		return r;
	}
	*out = obs;
	return 0;
}

int vl_observe(const struct vl_lab *desired, const struct vl_state *st,
	       struct vl_lab **out, struct vl_error *err)
{
	struct vl_nsset set;
	int r = vl_nsset_init(&set, desired, st, err);

	if (r == 0)
		r = vl_observe_in(&set, desired, st, out, err);
	vl_nsset_fini(&set);
	return r;
}
