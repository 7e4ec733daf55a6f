/* The checks that need the whole model, run before anything touches the
 * kernel: names, references, duplicates, gateways, the sysctl allowlist. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/link.h"
#include "core/topo.h"
#include "core/util.h"

struct checker {
	struct vl_lab *lab;
	struct vl_diags *d;
	size_t *by_name;	/* node indexes sorted by name */
};

/* --- names --- */

/* Lab and node names become namespace names and state paths: lower-case
 * letters, digits and inner dashes only, so "..", "/" and spaces cannot
 * appear and "<lab>-<node>" is always a valid file name. */
const char *vl_name_problem(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0)
		return "it is empty";
	if (n > max)
		return "it is too long";
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return "only lower-case letters, digits and '-' are allowed";
	}
	if (s[0] == '-' || s[n - 1] == '-')
		return "it must start and end with a letter or digit";
	return NULL;
}

/* The kernel's dev_valid_name(), plus the two names that would clash with
 * /proc/sys/net/ipv4/conf/{all,default}. */
static const char *bad_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return "it is empty";
	if (n >= VL_IFNAMSIZ)
		return "interface names are at most 15 bytes";
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return "\".\" and \"..\" are not interface names";
	if (!strcmp(s, "all") || !strcmp(s, "default"))
		return "\"all\" and \"default\" are reserved by /proc/sys/net";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '/' || c == ':' || c == '%' || c == ' ' ||
		    (c >= '\t' && c <= '\r'))
			return "'/', ':', '%' and whitespace are not allowed";
	}
	return NULL;
}

static void check_names(struct checker *c)
{
	struct vl_lab *lab = c->lab;

	if (lab->name) {
		const char *why = vl_name_problem(lab->name, VL_MAX_LAB_NAME);

		if (why)
			vl_diag_err(c->d, lab->name_loc,
				    "invalid lab name \"%s\": %s (1-%d characters: a-z, 0-9, '-')",
				    vl_q(lab->name), why, VL_MAX_LAB_NAME);
	}
	for (size_t i = 0; i < lab->n_nodes; i++) {
		struct vl_node *n = &lab->nodes[i];
		const char *why = vl_name_problem(n->name, VL_MAX_NODE_NAME);

		if (why)
			vl_diag_err(c->d, n->loc,
				    "invalid node name \"%s\": %s (1-%d characters: a-z, 0-9, '-')",
				    vl_q(n->name), why, VL_MAX_NODE_NAME);
		for (size_t j = 0; j < n->n_ifaces; j++) {
			struct vl_iface *ifc = &n->ifaces[j];

			if (!ifc->declared)
				continue;	/* checked where the link names it */
			why = bad_ifname(ifc->name);
			if (why)
				vl_diag_err(c->d, ifc->loc, "invalid interface name \"%s\": %s",
					    vl_q(ifc->name), why);
		}
	}
}

/* --- node lookup, n log n for large labs --- */

static const struct vl_lab *sort_lab;

static int cmp_node(const void *a, const void *b)
{
	return strcmp(sort_lab->nodes[*(const size_t *)a].name,
		      sort_lab->nodes[*(const size_t *)b].name);
}

static int index_nodes(struct checker *c)
{
	c->by_name = malloc((c->lab->n_nodes + 1) * sizeof(*c->by_name));
	if (!c->by_name)
		return -ENOMEM;
	for (size_t i = 0; i < c->lab->n_nodes; i++)
		c->by_name[i] = i;
	sort_lab = c->lab;
	qsort(c->by_name, c->lab->n_nodes, sizeof(*c->by_name), cmp_node);
	return 0;
}

static size_t find_node(const struct checker *c, const char *name)
{
	size_t lo = 0, hi = c->lab->n_nodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(name, c->lab->nodes[c->by_name[mid]].name);

		if (!r)
			return c->by_name[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return VL_NONE;
}

static void unknown_node(struct checker *c, struct vl_loc loc, const char *name,
			 const char *what)
{
	struct vl_suggest s;

	vl_suggest_init(&s, name);
	for (size_t i = 0; i < c->lab->n_nodes; i++)
		vl_suggest_add(&s, c->lab->nodes[i].name);
	if (vl_suggest_get(&s))
		vl_diag_err(c->d, loc, "%s names unknown node \"%s\"; did you mean \"%s\"?",
			    what, vl_q(name), vl_suggest_get(&s));
	else
		vl_diag_err(c->d, loc, "%s names unknown node \"%s\"", what, vl_q(name));
}

static void unknown_iface(struct checker *c, struct vl_loc loc,
			  const struct vl_node *n, const char *name,
			  const char *what)
{
	struct vl_suggest s;

	vl_suggest_init(&s, name);
	for (size_t i = 0; i < n->n_ifaces; i++)
		vl_suggest_add(&s, n->ifaces[i].name);
	if (vl_suggest_get(&s))
		vl_diag_err(c->d, loc, "%s names unknown interface \"%s\" of node \"%s\"; did you mean \"%s\"?",
			    what, vl_q(name), vl_q(n->name), vl_suggest_get(&s));
	else
		vl_diag_err(c->d, loc, "%s names unknown interface \"%s\" of node \"%s\"",
			    what, vl_q(name), vl_q(n->name));
}

/* --- links --- */

static int check_links(struct checker *c)
{
	struct vl_lab *lab = c->lab;

	for (size_t li = 0; li < lab->n_links; li++) {
		struct vl_link *l = &lab->links[li];

		for (size_t e = 0; e < l->n_ends; e++) {
			struct vl_endpoint *ep = &l->ends[e];
			struct vl_node *n;
			struct vl_iface *ifc;
			const char *why;
			size_t ii;

			ep->node_idx = find_node(c, ep->node);
			if (ep->node_idx == VL_NONE) {
				unknown_node(c, ep->loc, ep->node, "link endpoint");
				continue;
			}
			n = &lab->nodes[ep->node_idx];
			why = bad_ifname(ep->iface);
			if (why) {
				vl_diag_err(c->d, ep->loc, "invalid interface name \"%s\": %s",
					    vl_q(ep->iface), why);
				continue;
			}
			if (!strcmp(ep->iface, "lo")) {
				vl_diag_err(c->d, ep->loc,
					    "\"%s:lo\" is the node's loopback; a link needs an interface of its own",
					    vl_q(ep->node));
				continue;
			}
			ii = vl_node_iface_index(n, ep->iface);
			if (ii == VL_NONE) {
				/* Named by a link only: created with defaults. */
				ii = vl_node_add_iface(n, ep->iface, ep->loc);
				if (ii == VL_NONE)
					return -ENOMEM;
			}
			ifc = &n->ifaces[ii];
			if (ifc->link == li) {
				vl_diag_err(c->d, ep->loc,
					    "interface \"%s:%s\" is named twice in this link",
					    vl_q(ep->node), vl_q(ep->iface));
				continue;
			}
			if (ifc->link != VL_NONE) {
				const struct vl_link *other = &lab->links[ifc->link];

				vl_diag_err(c->d, ep->loc,
					    "interface \"%s:%s\" is already an end of the link at line %u",
					    vl_q(ep->node), vl_q(ep->iface), other->loc.line);
				continue;
			}
			ifc->link = li;
			ifc->link_end = e;
			ep->iface_idx = ii;
		}
		for (size_t e = 1; !l->kind->same_node_ok && e < l->n_ends; e++)
			for (size_t f = 0; f < e; f++)
				if (l->ends[e].node_idx != VL_NONE &&
				    l->ends[e].node_idx == l->ends[f].node_idx) {
					vl_diag_err(c->d, l->ends[e].loc,
						    "a %s link cannot join two interfaces of one node",
						    l->kind->name);
					break;
				}
		if (l->kind->validate)
			l->kind->validate(lab, l, c->d);
	}
	return 0;
}

/* Two ends of one link on one segment must not share an address: IPv6
 * addresses are added without duplicate detection (nodad), so the kernel
 * would not notice either. */
static void check_link_addresses(struct checker *c)
{
	char s[VL_PREFIX_STRLEN];

	for (size_t li = 0; li < c->lab->n_links; li++) {
		const struct vl_link *l = &c->lab->links[li];

		for (size_t e = 1; e < l->n_ends; e++) {
			const struct vl_endpoint *x = &l->ends[e];

			for (size_t f = 0; f < e; f++) {
				const struct vl_endpoint *y = &l->ends[f];
				const struct vl_iface *a, *b;

				if (x->iface_idx == VL_NONE || y->iface_idx == VL_NONE ||
				    x->node_idx == y->node_idx)
					continue;	/* one node: checked per node */
				a = &c->lab->nodes[x->node_idx].ifaces[x->iface_idx];
				b = &c->lab->nodes[y->node_idx].ifaces[y->iface_idx];
				for (size_t i = 0; i < a->n_addrs; i++)
					for (size_t j = 0; j < b->n_addrs; j++) {
						if (!vl_addr_equal(&a->addrs[i].p, &b->addrs[j].p))
							continue;
						vl_addr_str(&a->addrs[i].p, s, sizeof(s));
						vl_diag_err(c->d, a->addrs[i].loc,
							    "address %s is also on \"%s:%s\" (line %u), the other end of this link",
							    s, vl_q(y->node), vl_q(y->iface),
							    b->addrs[j].loc.line);
					}
			}
		}
	}
}

static void check_unlinked(struct checker *c)
{
	for (size_t i = 0; i < c->lab->n_nodes; i++) {
		struct vl_node *n = &c->lab->nodes[i];

		for (size_t j = 1; j < n->n_ifaces; j++) {
			struct vl_iface *ifc = &n->ifaces[j];
			struct vl_suggest s;

			if (ifc->link != VL_NONE || bad_ifname(ifc->name))
				continue;
			/* a typo here usually shows as a link naming the right
			 * name: suggest among the undeclared, linked ones */
			vl_suggest_init(&s, ifc->name);
			for (size_t k = 1; k < n->n_ifaces; k++)
				if (!n->ifaces[k].declared)
					vl_suggest_add(&s, n->ifaces[k].name);
			if (vl_suggest_get(&s))
				vl_diag_err(c->d, ifc->loc,
					    "interface \"%s\" of node \"%s\" is on no link; did you mean \"%s\"?",
					    vl_q(ifc->name), vl_q(n->name), vl_suggest_get(&s));
			else
				vl_diag_err(c->d, ifc->loc,
					    "interface \"%s\" of node \"%s\" is on no link; add it to \"links\"",
					    vl_q(ifc->name), vl_q(n->name));
		}
	}
}

/* --- addresses --- */

struct addr_ref {
	const struct vl_addr *a;
	const struct vl_iface *ifc;
};

static int cmp_addr_ref(const void *x, const void *y)
{
	const struct addr_ref *a = x, *b = y;
	int r;

	if (a->a->p.family != b->a->p.family)
		return a->a->p.family < b->a->p.family ? -1 : 1;
	r = memcmp(a->a->p.addr, b->a->p.addr, 16);
	if (r)
		return r;
	if (a->a->loc.line != b->a->loc.line)
		return a->a->loc.line < b->a->loc.line ? -1 : 1;
	return a->a->loc.col < b->a->loc.col ? -1 : a->a->loc.col > b->a->loc.col;
}

/* The kernel takes 192.168.2.0/24 or 192.168.2.255/24 on an interface,
 * but a host there cannot be reached as usual: likely a typo. */
static void warn_edge_address(struct checker *c, const struct vl_addr *ad,
			      const char *s)
{
	struct vl_prefix p = ad->p;
	bool all_ones = true;

	if (p.family != AF_INET || p.len > 30)
		return;
	for (unsigned bit = p.len; bit < 32; bit++)
		if (!(p.addr[bit / 8] & (0x80 >> (bit % 8))))
			all_ones = false;
	if (vl_prefix_is_network(&p))
		vl_diag_warn(c->d, ad->loc,
			     "\"%s\" is the network address of its subnet; did you mean a host address?", s);
	else if (all_ones)
		vl_diag_warn(c->d, ad->loc,
			     "\"%s\" is the broadcast address of its subnet; did you mean a host address?", s);
}

static int check_addresses(struct checker *c, const struct vl_node *n)
{
	struct addr_ref *refs;
	size_t k = 0, total = 0;
	char s[VL_PREFIX_STRLEN];

	for (size_t j = 0; j < n->n_ifaces; j++)
		total += n->ifaces[j].n_addrs;
	if (!total)
		return 0;
	refs = malloc(total * sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (size_t j = 0; j < n->n_ifaces; j++) {
		const struct vl_iface *ifc = &n->ifaces[j];

		for (size_t a = 0; a < ifc->n_addrs; a++) {
			const struct vl_addr *ad = &ifc->addrs[a];

			vl_prefix_str(&ad->p, s, sizeof(s));
			if (vl_addr_is_unspecified(&ad->p)) {
				vl_diag_err(c->d, ad->loc,
					    "\"%s\" is the unspecified address; it cannot be assigned", s);
				continue;
			}
			if (vl_addr_is_multicast(&ad->p)) {
				vl_diag_err(c->d, ad->loc,
					    "\"%s\" is a multicast address; it cannot be assigned", s);
				continue;
			}
			if (ad->p.family == AF_INET6 && ifc->mtu && ifc->mtu < 1280)
				vl_diag_err(c->d, ad->loc,
					    "\"%s\" needs an MTU of at least 1280 on \"%s:%s\" (IPv6's minimum), not %u",
					    s, vl_q(n->name), vl_q(ifc->name), ifc->mtu);
			warn_edge_address(c, ad, s);
			refs[k++] = (struct addr_ref){ ad, ifc };
		}
	}
	/* One address once per namespace: the kernel would take it twice on
	 * two devices and then answer for it from either. */
	qsort(refs, k, sizeof(*refs), cmp_addr_ref);
	for (size_t i = 1; i < k; i++) {
		if (!vl_addr_equal(&refs[i].a->p, &refs[i - 1].a->p))
			continue;
		size_t first = i - 1;

		while (first > 0 && vl_addr_equal(&refs[first - 1].a->p, &refs[i].a->p))
			first--;
		vl_addr_str(&refs[i].a->p, s, sizeof(s));
		vl_diag_err(c->d, refs[i].a->loc,
			    "address %s is already on \"%s:%s\" (line %u); an address appears once per node",
			    s, vl_q(n->name), vl_q(refs[first].ifc->name),
			    refs[first].a->loc.line);
	}
	free(refs);
	return 0;
}

/* --- routes --- */

static bool iface_has_subnet(const struct vl_iface *ifc, const struct vl_prefix *gw)
{
	for (size_t a = 0; a < ifc->n_addrs; a++)
		if (vl_prefix_contains(&ifc->addrs[a].p, gw))
			return true;
	return false;
}

static bool node_owns(const struct vl_node *n, const struct vl_prefix *gw)
{
	for (size_t j = 0; j < n->n_ifaces; j++)
		for (size_t a = 0; a < n->ifaces[j].n_addrs; a++)
			if (vl_addr_equal(&n->ifaces[j].addrs[a].p, gw))
				return true;
	return false;
}

static void check_gateway(struct checker *c, const struct vl_node *n,
			  const struct vl_route *rt, const struct vl_iface *dev)
{
	const struct vl_iface *on = NULL;
	char g[VL_PREFIX_STRLEN];

	vl_addr_str(&rt->via, g, sizeof(g));
	if (vl_addr_is_v6_linklocal(&rt->via)) {
		if (!rt->dev)
			vl_diag_err(c->d, rt->via_loc,
				    "link-local gateway %s needs \"dev\" to say which link", g);
		return;
	}
	if (node_owns(n, &rt->via)) {
		/* IPv4 takes it and sends through the interface that holds the
		 * address, back into this node; IPv6 refuses it */
		if (rt->via.family == AF_INET6)
			vl_diag_err(c->d, rt->via_loc,
				    "gateway %s is an address of node \"%s\" itself; IPv6 takes no local gateway",
				    g, vl_q(n->name));
		else
			vl_diag_warn(c->d, rt->via_loc,
				     "gateway %s is an address of node \"%s\" itself: the route leads back into it",
				     g, vl_q(n->name));
		return;
	}
	/* The kernel takes a gateway only when a connected route reaches it,
	 * and an interface has connected routes only while it is up. Report
	 * now what "up" would otherwise fail on. */
	for (size_t j = 0; j < n->n_ifaces && !(on && on->up); j++) {
		const struct vl_iface *ifc = &n->ifaces[j];

		if ((!dev || ifc == dev) && iface_has_subnet(ifc, &rt->via))
			on = ifc;
	}
	if (!on) {
		if (dev)
			vl_diag_err(c->d, rt->via_loc,
				    "gateway %s is not on-link: no address of \"%s:%s\" has it in its subnet",
				    g, vl_q(n->name), vl_q(dev->name));
		else
			vl_diag_err(c->d, rt->via_loc,
				    "gateway %s is not on-link: no interface of node \"%s\" has an address in its subnet",
				    g, vl_q(n->name));
	} else if (!on->up) {
		vl_diag_err(c->d, rt->via_loc,
			    "gateway %s is reached through \"%s:%s\", which is declared down",
			    g, vl_q(n->name), vl_q(on->name));
	}
}

/* The metric the kernel gives a route: 1024 for IPv6 without one. */
static uint32_t metric_of(const struct vl_route *r)
{
	return r->has_metric ? r->metric : r->dst.family == AF_INET6 ? 1024 : 0;
}

static int cmp_route(const void *x, const void *y)
{
	const struct vl_route *a = *(struct vl_route *const *)x;
	const struct vl_route *b = *(struct vl_route *const *)y;
	int r;

	if (a->dst.family != b->dst.family)
		return a->dst.family < b->dst.family ? -1 : 1;
	if (a->dst.len != b->dst.len)
		return a->dst.len < b->dst.len ? -1 : 1;
	r = memcmp(a->dst.addr, b->dst.addr, 16);
	if (r)
		return r;
	if (metric_of(a) != metric_of(b))
		return metric_of(a) < metric_of(b) ? -1 : 1;
	return a->loc.line < b->loc.line ? -1 : a->loc.line > b->loc.line;
}

static int check_routes(struct checker *c, const struct vl_node *n)
{
	const struct vl_route **sorted;
	size_t k = 0;

	for (size_t i = 0; i < n->n_routes; i++) {
		const struct vl_route *rt = &n->routes[i];
		const struct vl_iface *dev = NULL;

		if (rt->dev) {
			size_t ii = vl_node_iface_index(n, rt->dev);

			if (ii == VL_NONE)
				unknown_iface(c, rt->dev_loc, n, rt->dev, "route");
			else
				dev = &n->ifaces[ii];
		}
		if (!rt->dst.family || rt->bad)
			continue;	/* a value was refused: reported */
		if (!rt->has_via && !rt->dev) {
			vl_diag_err(c->d, rt->loc, "route needs \"via\" (a gateway) or \"dev\" (an interface)");
			continue;
		}
		if (rt->has_via && rt->via.family != rt->dst.family) {
			char g[VL_PREFIX_STRLEN], t[VL_PREFIX_STRLEN];

			vl_addr_str(&rt->via, g, sizeof(g));
			if (rt->is_default)
				snprintf(t, sizeof(t), "default");
			else
				vl_prefix_str(&rt->dst, t, sizeof(t));
			vl_diag_err(c->d, rt->via_loc, "gateway %s is %s but the destination %s is %s",
				    g, rt->via.family == AF_INET ? "IPv4" : "IPv6", t,
				    rt->dst.family == AF_INET ? "IPv4" : "IPv6");
			continue;
		}
		if (dev && !dev->up) {
			/* the kernel takes no route through a device that is down */
			vl_diag_err(c->d, rt->dev_loc,
				    "route through \"%s:%s\", which is declared down",
				    vl_q(n->name), vl_q(dev->name));
			continue;
		}
		if (rt->has_via && (!rt->dev || dev))
			check_gateway(c, n, rt, dev);
	}
	/* Two routes to one prefix with one metric: the kernel keeps one. */
	sorted = malloc((n->n_routes + 1) * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	for (size_t i = 0; i < n->n_routes; i++)
		if (n->routes[i].dst.family && !n->routes[i].bad)
			sorted[k++] = &n->routes[i];
	qsort(sorted, k, sizeof(*sorted), cmp_route);
	for (size_t i = 1; i < k; i++) {
		const struct vl_route *a = sorted[i - 1], *b = sorted[i];
		char s[VL_PREFIX_STRLEN];

		if (a->dst.family != b->dst.family || a->dst.len != b->dst.len ||
		    memcmp(a->dst.addr, b->dst.addr, 16) || metric_of(a) != metric_of(b))
			continue;
		vl_prefix_str(&b->dst, s, sizeof(s));
		vl_diag_err(c->d, b->to_loc,
			    "a second route to %s with metric %u (first at line %u)",
			    b->is_default ? "default" : s, metric_of(b), a->loc.line);
	}
	free(sorted);
	return 0;
}

/* --- sysctls --- */

enum scope { S_GLOBAL, S_CONF4, S_CONF6, S_NEIGH4, S_NEIGH6 };

struct sysctl_rule {
	enum scope scope;
	const char *name;	/* the whole key for S_GLOBAL, else the last part */
	long long min, max;
	unsigned nvals;		/* 1, or 2 for ranges */
};

#define B(s, n) { s, n, 0, 1, 1 }
#define R(s, n, lo, hi) { s, n, lo, hi, 1 }
#define PAIR(s, n, lo, hi) { s, n, lo, hi, 2 }

/* Keys that belong to one network namespace. Anything else could reach
 * the host (kernel.*, net.core.* globals, netfilter) and is refused. */
static const struct sysctl_rule rules[] = {
	B(S_GLOBAL, "net.ipv4.ip_forward"),
	B(S_GLOBAL, "net.ipv4.ip_forward_use_pmtu"),
	B(S_GLOBAL, "net.ipv4.ip_nonlocal_bind"),
	R(S_GLOBAL, "net.ipv4.ip_no_pmtu_disc", 0, 3),
	R(S_GLOBAL, "net.ipv4.ip_default_ttl", 1, 255),
	/* the kernel refuses a low end under ip_unprivileged_port_start */
	PAIR(S_GLOBAL, "net.ipv4.ip_local_port_range", 1024, 65535),
	PAIR(S_GLOBAL, "net.ipv4.ping_group_range", 0, 4294967294LL),
	B(S_GLOBAL, "net.ipv4.icmp_echo_ignore_all"),
	B(S_GLOBAL, "net.ipv4.icmp_echo_ignore_broadcasts"),
	B(S_GLOBAL, "net.ipv4.icmp_ignore_bogus_error_responses"),
	B(S_GLOBAL, "net.ipv4.icmp_errors_use_inbound_ifaddr"),
	R(S_GLOBAL, "net.ipv4.icmp_ratelimit", 0, INT_MAX),
	R(S_GLOBAL, "net.ipv4.icmp_ratemask", 0, INT_MAX),
	B(S_GLOBAL, "net.ipv4.fwmark_reflect"),
	R(S_GLOBAL, "net.ipv4.fib_multipath_hash_policy", 0, 3),
	B(S_GLOBAL, "net.ipv4.fib_multipath_use_neigh"),
	B(S_GLOBAL, "net.ipv6.icmp.echo_ignore_all"),
	R(S_GLOBAL, "net.ipv6.icmp.ratelimit", 0, INT_MAX),
	B(S_GLOBAL, "net.ipv6.ip_nonlocal_bind"),
	R(S_GLOBAL, "net.ipv6.fib_multipath_hash_policy", 0, 3),

	B(S_CONF4, "accept_local"),
	B(S_CONF4, "accept_redirects"),
	B(S_CONF4, "accept_source_route"),
	R(S_CONF4, "arp_accept", 0, 2),
	R(S_CONF4, "arp_announce", 0, 2),
	B(S_CONF4, "arp_filter"),
	R(S_CONF4, "arp_ignore", 0, 8),
	B(S_CONF4, "arp_notify"),
	B(S_CONF4, "bootp_relay"),
	B(S_CONF4, "disable_policy"),
	B(S_CONF4, "disable_xfrm"),
	B(S_CONF4, "drop_gratuitous_arp"),
	B(S_CONF4, "drop_unicast_in_l2_multicast"),
	B(S_CONF4, "forwarding"),
	B(S_CONF4, "ignore_routes_with_linkdown"),
	B(S_CONF4, "log_martians"),
	B(S_CONF4, "promote_secondaries"),
	B(S_CONF4, "proxy_arp"),
	B(S_CONF4, "proxy_arp_pvlan"),
	B(S_CONF4, "route_localnet"),
	R(S_CONF4, "rp_filter", 0, 2),
	B(S_CONF4, "secure_redirects"),
	B(S_CONF4, "send_redirects"),
	B(S_CONF4, "shared_media"),
	B(S_CONF4, "src_valid_mark"),

	R(S_CONF6, "accept_dad", 0, 2),
	R(S_CONF6, "accept_ra", 0, 2),
	B(S_CONF6, "accept_ra_defrtr"),
	B(S_CONF6, "accept_redirects"),
	R(S_CONF6, "addr_gen_mode", 0, 3),
	B(S_CONF6, "autoconf"),
	R(S_CONF6, "dad_transmits", 0, INT_MAX),
	B(S_CONF6, "disable_ipv6"),
	B(S_CONF6, "drop_unsolicited_na"),
	B(S_CONF6, "enhanced_dad"),
	B(S_CONF6, "forwarding"),
	R(S_CONF6, "hop_limit", 1, 255),
	B(S_CONF6, "ignore_routes_with_linkdown"),
	R(S_CONF6, "keep_addr_on_down", -1, 1),
	R(S_CONF6, "mtu", 1280, 65535),
	B(S_CONF6, "ndisc_notify"),
	B(S_CONF6, "optimistic_dad"),
	B(S_CONF6, "proxy_ndp"),
	R(S_CONF6, "router_solicitations", -1, INT_MAX),
	R(S_CONF6, "use_tempaddr", -1, 2),

	R(S_NEIGH4, "app_solicit", 0, INT_MAX),
	R(S_NEIGH4, "base_reachable_time_ms", 1, INT_MAX),
	R(S_NEIGH4, "delay_first_probe_time", 0, INT_MAX),
	R(S_NEIGH4, "gc_stale_time", 0, INT_MAX),
	R(S_NEIGH4, "locktime", 0, INT_MAX),
	R(S_NEIGH4, "mcast_resolicit", 0, INT_MAX),
	R(S_NEIGH4, "mcast_solicit", 0, INT_MAX),
	R(S_NEIGH4, "proxy_delay", 0, INT_MAX),
	R(S_NEIGH4, "proxy_qlen", 0, INT_MAX),
	R(S_NEIGH4, "retrans_time_ms", 1, INT_MAX),
	R(S_NEIGH4, "ucast_solicit", 0, INT_MAX),
	R(S_NEIGH4, "unres_qlen", 0, INT_MAX),
	R(S_NEIGH4, "unres_qlen_bytes", 0, INT_MAX),
};

/* conf/ has all/ and default/ in every namespace; neigh/ has only the
 * per-interface directories (neigh/default exists in the host's alone). */
static const struct {
	const char *prefix;
	enum scope scope;
	bool has_all;
} scoped[] = {
	{ "net.ipv4.conf.", S_CONF4, true },
	{ "net.ipv6.conf.", S_CONF6, true },
	{ "net.ipv4.neigh.", S_NEIGH4, false },
	{ "net.ipv6.neigh.", S_NEIGH6, false },
};

const char *vl_sysctl_key_iface(const char *key, size_t *len)
{
	for (size_t i = 0; i < sizeof(scoped) / sizeof(scoped[0]); i++) {
		size_t pl = strlen(scoped[i].prefix);
		const char *mid, *dot;

		if (strncmp(key, scoped[i].prefix, pl))
			continue;
		/* Parameters have no dots, so the last dot ends the device
		 * name even when the name has dots in it (eth0.100). */
		mid = key + pl;
		dot = strrchr(mid, '.');
		if (!dot || dot == mid)
			return NULL;
		*len = (size_t)(dot - mid);
		if ((*len == 3 && !strncmp(mid, "all", 3)) ||
		    (*len == 7 && !strncmp(mid, "default", 7)))
			return NULL;
		return mid;
	}
	return NULL;
}

/* Numbers as the kernel's proc handlers read them unambiguously: an
 * optional '-', then 0 or digits without a leading zero ("010" would be
 * octal 8 to the kernel, "+1" is refused by it); several separated by
 * single spaces, ascending. */
static bool value_in_range(const char *v, const struct sysctl_rule *r)
{
	long long prev = LLONG_MIN;
	unsigned n = 0;

	for (;;) {
		const char *d = v + (*v == '-');
		long long x = 0;
		size_t k = 0;

		while (d[k] >= '0' && d[k] <= '9') {
			if (k == 18)
				return false;
			x = x * 10 + (d[k] - '0');
			k++;
		}
		if (k == 0 || (d[0] == '0' && k > 1) || (d[k] && d[k] != ' '))
			return false;
		if (*v == '-')
			x = -x;
		if (x < r->min || x > r->max || x < prev)
			return false;
		prev = x;
		n++;
		if (!d[k])
			break;
		v = d + k + 1;
	}
	return n == r->nvals;
}

static void check_sysctl(struct checker *c, const struct vl_node *n,
			 const struct vl_sysctl *sc)
{
	const char *key = sc->key, *last = sc->key, *dev = NULL;
	enum scope scope = S_GLOBAL;
	const struct sysctl_rule *rule = NULL;
	size_t devlen = 0;
	struct vl_suggest s;

	if (strchr(key, '/')) {
		vl_diag_err(c->d, sc->loc,
			    "sysctl \"%s\": write keys with dots (net.ipv4.ip_forward), not slashes",
			    vl_q(key));
		return;
	}
	for (size_t i = 0; i < sizeof(scoped) / sizeof(scoped[0]); i++) {
		size_t pl = strlen(scoped[i].prefix);

		if (!strncmp(key, scoped[i].prefix, pl) && strrchr(key + pl, '.')) {
			scope = scoped[i].scope;
			dev = key + pl;
			last = strrchr(dev, '.') + 1;
			devlen = (size_t)(last - 1 - dev);
			if (devlen == 0) {
				vl_diag_err(c->d, sc->loc,
					    "sysctl \"%s\" names no interface between the dots",
					    vl_q(key));
				return;
			}
			if (!scoped[i].has_all &&
			    ((devlen == 3 && !strncmp(dev, "all", 3)) ||
			     (devlen == 7 && !strncmp(dev, "default", 7)))) {
				vl_diag_err(c->d, sc->loc,
					    "sysctl \"%s\": a lab namespace has neighbour settings per interface only, not \"%.*s\"",
					    vl_q(key), (int)devlen, dev);
				return;
			}
			break;
		}
	}
	/* the suggestions only for a key that is not allowed: edit distances
	 * to every rule for every key would cost more than all the rest of
	 * validation of a large lab */
	for (int pass = 0; pass < 2 && !rule; pass++) {
		if (pass)
			vl_suggest_init(&s, scope == S_GLOBAL ? key : last);
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
			/* IPv6 neighbour keys are the IPv4 ones */
			enum scope rs = rules[i].scope;

			if (!(rs == scope || (scope == S_NEIGH6 && rs == S_NEIGH4)))
				continue;
			if (!pass && !strcmp(rules[i].name, scope == S_GLOBAL ? key : last))
				rule = &rules[i];
			if (pass)
				vl_suggest_add(&s, rules[i].name);
		}
	}
	if (!rule) {
		if (vl_suggest_get(&s))
			vl_diag_err(c->d, sc->loc,
				    "sysctl \"%s\" is not allowed; did you mean \"%s%s\"?",
				    vl_q(key), vl_qn(key, scope == S_GLOBAL ? 0 : (size_t)(last - key)),
				    vl_suggest_get(&s));
		else
			vl_diag_err(c->d, sc->loc,
				    "sysctl \"%s\" is not allowed: a topology may set only the per-namespace net.* keys listed in docs/topology-format.md",
				    vl_q(key));
		return;
	}
	if (vl_sysctl_key_iface(key, &devlen)) {
		/* the interface a key names must be one this node has */
		char *ifname = strndup(dev, devlen);

		if (!ifname)
			return;
		if (vl_node_iface_index(n, ifname) == VL_NONE) {
			char what[128];

			snprintf(what, sizeof(what), "sysctl \"%s\"", vl_q(key));
			unknown_iface(c, sc->loc, n, ifname, what);
			free(ifname);
			return;
		}
		free(ifname);
	}
	if (!value_in_range(sc->value, rule)) {
		if (rule->nvals == 2)
			vl_diag_err(c->d, sc->value_loc,
				    "sysctl \"%s\" takes two numbers \"LOW HIGH\" from %lld to %lld, got \"%s\"",
				    vl_q(key), rule->min, rule->max, vl_q(sc->value));
		else
			vl_diag_err(c->d, sc->value_loc,
				    "sysctl \"%s\" takes a number from %lld to %lld, got \"%s\"",
				    vl_q(key), rule->min, rule->max, vl_q(sc->value));
	}
}

size_t vl_topo_validate(struct vl_lab *lab, struct vl_diags *d)
{
	struct checker c = { .lab = lab, .d = d };
	size_t before = d->n_errors;

	check_names(&c);
	if (index_nodes(&c) < 0)
		goto oom;
	if (check_links(&c) < 0)
		goto oom;
	for (size_t i = 0; i < lab->n_nodes; i++)
		if (lab->nodes[i].n_ifaces > VL_MAX_IFACES_PER_NODE + 1)
			vl_diag_err(d, lab->nodes[i].loc,
				    "node \"%s\" has %zu interfaces with the ones its links add; at most %d",
				    vl_q(lab->nodes[i].name), lab->nodes[i].n_ifaces - 1,
				    VL_MAX_IFACES_PER_NODE);
	check_unlinked(&c);
	check_link_addresses(&c);
	for (size_t i = 0; i < lab->n_nodes; i++) {
		struct vl_node *n = &lab->nodes[i];

		if (check_addresses(&c, n) < 0 || check_routes(&c, n) < 0)
			goto oom;
		for (size_t j = 0; j < n->n_sysctls; j++)
			check_sysctl(&c, n, &n->sysctls[j]);
	}
	free(c.by_name);
	if (lab->src)
		vl_topo_read_scenarios(lab, d);
	return d->n_errors - before;
oom:
	free(c.by_name);
	vl_diag_err(d, ((struct vl_loc){ 1, 1 }), "out of memory while checking the topology");
	return d->n_errors - before;
}
