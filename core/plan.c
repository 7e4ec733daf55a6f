/* The reconciler's brain: compare the file with what is there and list
 * the actions, in dependency order. What cannot change in place (a veth
 * whose ends moved, a namespace entry cut short by a crash) is planned as
 * a delete and an add, flagged "recreate". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/plan.h"
#include "core/topo.h"
#include "core/util.h"

struct planner {
	const struct vl_lab *d, *o;
	struct vl_plan *plan;
	struct vl_error *err;
	/* per observed node, per interface: kept (an intact desired link
	 * end), gone (being deleted) */
	unsigned char **mark;
	/* per desired node, per interface: being created by LINK_ADD */
	unsigned char **created;
	bool oom;
};

enum { KEPT = 1, GONE = 2 };

uint32_t vl_default_mtu(const char *ifname)
{
	return strcmp(ifname, "lo") ? 1500 : 65536;
}

static struct vl_action *push(struct planner *p, enum vl_act kind, const char *node)
{
	struct vl_action *a = vl_array_push(&p->plan->v, &p->plan->n, sizeof(*a));

	if (!a) {
		p->oom = true;
		return NULL;
	}
	a->kind = kind;
	a->node = node;
	return a;
}

static const struct vl_node *obs_node(const struct planner *p, size_t di,
				      size_t *oi)
{
	const char *name = p->d->nodes[di].name;

	/* observe lists the file's nodes first, in order */
	if (di < p->o->n_nodes && !strcmp(p->o->nodes[di].name, name)) {
		*oi = di;
		return &p->o->nodes[di];
	}
	*oi = vl_lab_node_index(p->o, name);
	return *oi == VL_NONE ? NULL : &p->o->nodes[*oi];
}

/* The file's node of observed node OI, or VL_NONE: the same index when
 * observe listed it (the file's nodes first, in order), so that a large
 * lab is not searched by name once per node. */
static size_t des_node(const struct vl_lab *d, const struct vl_lab *o, size_t oi)
{
	const char *name = o->nodes[oi].name;

	if (oi < d->n_nodes && !strcmp(d->nodes[oi].name, name))
		return oi;
	return vl_lab_node_index(d, name);
}

static bool is_veth(const struct vl_iface *i)
{
	return !strcmp(i->kind, "veth");
}

/* Both ends exist, are ours, are veths and point at each other, with the
 * peer in this namespace exactly when the file puts both ends in one. */
static bool intact(const struct vl_iface *a, const struct vl_iface *b, bool same)
{
	if (!a || !b || !a->owned || !b->owned || !is_veth(a) || !is_veth(b))
		return false;
	if (a->peer_ifindex != b->ifindex || b->peer_ifindex != a->ifindex ||
	    a->peer_mismatch || b->peer_mismatch)
		return false;
	return same ? a->peer_nsid < 0 && b->peer_nsid < 0 :
		      a->peer_nsid >= 0 && b->peer_nsid >= 0;
}

static const struct vl_iface *obs_iface(const struct vl_node *on, const char *name,
					size_t *idx)
{
	if (!on || !on->present)
		return NULL;
	*idx = vl_node_iface_index(on, name);
	return *idx == VL_NONE ? NULL : &on->ifaces[*idx];
}

static int foreign(struct planner *p, const char *node, const char *iface)
{
	return vl_err(p->err, -EEXIST, "interface %s:%s exists, not owned by vethlab",
		      node, iface);
}

static int plan_links(struct planner *p)
{
	const struct vl_lab *d = p->d;

	for (size_t li = 0; li < d->n_links; li++) {
		const struct vl_link *l = &d->links[li];
		const struct vl_endpoint *ea = &l->ends[0], *eb = &l->ends[1];
		const struct vl_iface *oa = NULL, *ob = NULL;
		const struct vl_node *na, *nb;
		size_t oia, oib, ia = VL_NONE, ib = VL_NONE;
		struct vl_action *a;

		na = obs_node(p, ea->node_idx, &oia);
		nb = obs_node(p, eb->node_idx, &oib);
		oa = obs_iface(na, ea->iface, &ia);
		ob = obs_iface(nb, eb->iface, &ib);
		if (oa && !oa->owned)
			return foreign(p, ea->node, ea->iface);
		if (ob && !ob->owned)
			return foreign(p, eb->node, eb->iface);
		if (intact(oa, ob, ea->node_idx == eb->node_idx)) {
			p->mark[oia][ia] |= KEPT;
			p->mark[oib][ib] |= KEPT;
			continue;
		}
		p->created[ea->node_idx][ea->iface_idx] = 1;
		p->created[eb->node_idx][eb->iface_idx] = 1;
		a = push(p, VL_LINK_ADD, ea->node);
		if (!a)
			return -ENOMEM;
		a->recreate = oa || ob;
		a->iface = ea->iface;
		a->peer_node = eb->node;
		a->peer_iface = eb->iface;
		a->want = &d->nodes[ea->node_idx].ifaces[ea->iface_idx];
		a->want_peer = &d->nodes[eb->node_idx].ifaces[eb->iface_idx];
	}
	return 0;
}

/* The other end of an owned veth that is going away, to show it and to
 * avoid deleting one pair twice. ifindexes are per namespace: a peer in
 * another namespace is taken only when exactly one interface fits, and
 * never one that stays or already goes. */
static void find_peer(struct planner *p, size_t oi, const struct vl_iface *x,
		      size_t *pn, size_t *pi)
{
	size_t found = 0;

	*pn = VL_NONE;
	*pi = 0;
	for (size_t n = 0; n < p->o->n_nodes; n++) {
		const struct vl_node *on = &p->o->nodes[n];

		if (!on->present || (x->peer_nsid < 0) != (n == oi))
			continue;
		for (size_t i = 0; i < on->n_ifaces; i++) {
			const struct vl_iface *y = &on->ifaces[i];

			if (y == x || !y->owned || (p->mark[n][i] & (KEPT | GONE)) ||
			    y->ifindex != x->peer_ifindex || y->peer_ifindex != x->ifindex ||
			    (y->peer_nsid < 0) != (x->peer_nsid < 0))
				continue;
			if (found++ == 0) {
				*pn = n;
				*pi = i;
			}
		}
	}
	if (found != 1)
		*pn = VL_NONE;
}

static int plan_link_deletes(struct planner *p)
{
	for (size_t n = 0; n < p->o->n_nodes; n++) {
		const struct vl_node *on = &p->o->nodes[n];
		size_t di = des_node(p->d, p->o, n);

		if (!on->present)
			continue;
		for (size_t i = 0; i < on->n_ifaces; i++) {
			const struct vl_iface *x = &on->ifaces[i];
			struct vl_action *a;
			size_t pn, pi;

			if (!x->owned || (p->mark[n][i] & (KEPT | GONE)))
				continue;
			a = push(p, VL_LINK_DEL, on->name);
			if (!a)
				return -ENOMEM;
			a->iface = x->name;
			a->have = x;
			a->recreate = di != VL_NONE &&
				      vl_node_iface_index(&p->d->nodes[di], x->name) != VL_NONE;
			p->mark[n][i] |= GONE;
			find_peer(p, n, x, &pn, &pi);
			if (pn != VL_NONE) {
				a->peer_node = p->o->nodes[pn].name;
				a->peer_iface = p->o->nodes[pn].ifaces[pi].name;
				p->mark[pn][pi] |= GONE;
			}
		}
	}
	return 0;
}

static bool has_addr(const struct vl_iface *ifc, const struct vl_prefix *x)
{
	for (size_t a = 0; a < ifc->n_addrs; a++)
		if (vl_addr_equal(&ifc->addrs[a].p, x) && ifc->addrs[a].p.len == x->len)
			return true;
	return false;
}

static int plan_iface(struct planner *p, const struct vl_node *dn, size_t di,
		      const struct vl_iface *w, const struct vl_iface *h)
{
	struct vl_action *a;
	uint32_t mtu = w->mtu ? w->mtu : vl_default_mtu(w->name);

	if (h) {
		bool set_mtu = h->mtu != mtu;
		bool set_mac = w->has_mac && (!h->has_mac || memcmp(w->mac, h->mac, 6));
		bool set_up = w->up != h->up;

		if (set_mtu || set_mac || set_up) {
			a = push(p, VL_LINK_SET, dn->name);
			if (!a)
				return -ENOMEM;
			a->iface = w->name;
			a->want = w;
			a->have = h;
			a->set_mtu = set_mtu;
			a->set_mac = set_mac;
			a->set_up = set_up;
		}
		for (size_t k = 0; k < h->n_addrs; k++) {
			if (has_addr(w, &h->addrs[k].p))
				continue;
			a = push(p, VL_ADDR_DEL, dn->name);
			if (!a)
				return -ENOMEM;
			a->iface = w->name;
			a->addr = h->addrs[k].p;
		}
	}
	(void)di;
	for (size_t k = 0; k < w->n_addrs; k++) {
		if (h && has_addr(h, &w->addrs[k].p))
			continue;
		a = push(p, VL_ADDR_ADD, dn->name);
		if (!a)
			return -ENOMEM;
		a->iface = w->name;
		a->addr = w->addrs[k].p;
	}
	return 0;
}

static uint32_t route_metric(const struct vl_route *r)
{
	/* the kernel's defaults when none is given */
	if (r->has_metric)
		return r->metric;
	return r->dst.family == AF_INET6 ? 1024 : 0;
}

static bool same_route_key(const struct vl_route *a, const struct vl_route *b)
{
	return a->dst.family == b->dst.family && a->dst.len == b->dst.len &&
	       vl_addr_equal(&a->dst, &b->dst) && route_metric(a) == route_metric(b);
}

/* W is the file's route, H an observed one. */
static bool same_route(const struct vl_route *w, const struct vl_route *h)
{
	if (!same_route_key(w, h) || w->has_via != h->has_via)
		return false;
	if (w->has_via && !vl_addr_equal(&w->via, &h->via))
		return false;
	return !w->dev || (h->dev && !strcmp(w->dev, h->dev));
}

static bool route_usable(const struct planner *p, size_t oi, const struct vl_route *h)
{
	const struct vl_node *on = &p->o->nodes[oi];

	for (size_t i = 0; i < on->n_ifaces; i++)
		if (on->ifaces[i].ifindex == h->oif)
			return !(p->mark[oi][i] & GONE);
	return true;
}

static int plan_routes(struct planner *p, const struct vl_node *dn,
		       const struct vl_node *on, size_t oi)
{
	unsigned char *matched = NULL;
	struct vl_action *a;

	if (on && on->present && on->n_routes &&
	    !(matched = calloc(on->n_routes, 1)))
		return -ENOMEM;
	for (size_t r = 0; r < dn->n_routes; r++) {
		const struct vl_route *w = &dn->routes[r];
		bool found = false;

		for (size_t k = 0; matched && k < on->n_routes && !found; k++) {
			if (!matched[k] && same_route(w, &on->routes[k]) &&
			    route_usable(p, oi, &on->routes[k])) {
				matched[k] = 1;
				found = true;
			}
		}
		if (found)
			continue;
		a = push(p, VL_ROUTE_ADD, dn->name);
		if (!a)
			goto oom;
		a->route = w;
	}
	for (size_t k = 0; matched && k < on->n_routes; k++) {
		/* a route through a deleted link goes with the link */
		if (matched[k] || !route_usable(p, oi, &on->routes[k]))
			continue;
		a = push(p, VL_ROUTE_DEL, dn->name);
		if (!a)
			goto oom;
		a->route = &on->routes[k];
	}
	free(matched);
	return 0;
oom:
	free(matched);
	return -ENOMEM;
}

static const char *obs_sysctl(const struct vl_node *on, const char *key)
{
	if (!on || !on->present)
		return NULL;
	for (size_t i = 0; i < on->n_sysctls; i++)
		if (!strcmp(on->sysctls[i].key, key))
			return on->sysctls[i].value;
	return NULL;
}

/* Whether sysctl KEY names an interface that this plan (re)creates: its
 * value then starts from the kernel's default again. */
static bool names_created_iface(const struct planner *p, size_t di, const char *key)
{
	const struct vl_node *dn = &p->d->nodes[di];
	size_t len;
	const char *name = vl_sysctl_key_iface(key, &len);

	for (size_t i = 0; name && i < dn->n_ifaces; i++)
		if (p->created[di][i] && strlen(dn->ifaces[i].name) == len &&
		    !strncmp(dn->ifaces[i].name, name, len))
			return true;
	return false;
}

/* Whether KEY names an observed interface this plan deletes: its
 * settings go with it. */
static bool names_gone_iface(const struct planner *p, size_t oi, const char *key)
{
	const struct vl_node *on = &p->o->nodes[oi];
	size_t len;
	const char *name = vl_sysctl_key_iface(key, &len);

	for (size_t i = 0; name && i < on->n_ifaces; i++)
		if ((p->mark[oi][i] & GONE) && strlen(on->ifaces[i].name) == len &&
		    !strncmp(on->ifaces[i].name, name, len))
			return true;
	return false;
}

static int push_sysctl(struct planner *p, const char *node, const char *key,
		       const char *from, const char *to, bool restore)
{
	struct vl_action *a = push(p, VL_SYSCTL_SET, node);

	if (!a)
		return -ENOMEM;
	a->key = key;
	a->from = from;
	a->to = to;
	a->restore = restore;
	return 0;
}

/* Whether writing GLOBAL also writes KEY, a per-interface key. Only a
 * few settings are copied onto every interface by the kernel when their
 * "all" key is written: forwarding (net.ipv4.ip_forward is
 * conf.all.forwarding) and IPv6's disable_ipv6. The others (rp_filter,
 * accept_local, ...) are combined with the interface's value when used,
 * and leave it alone. */
static bool same_setting(const char *global, const char *key)
{
	static const char *const copied[] = {
		"net.ipv4.conf.all.forwarding", "net.ipv6.conf.all.forwarding",
		"net.ipv6.conf.all.disable_ipv6",
	};
	const char *gl, *kl = strrchr(key, '.'), *gs, *ks = strstr(key, ".conf.");
	bool known = false;

	if (!global)
		return false;
	if (!strcmp(global, "net.ipv4.ip_forward"))
		global = "net.ipv4.conf.all.forwarding";
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		known |= !strcmp(global, copied[i]);
	if (!known)
		return false;
	gl = strrchr(global, '.');
	gs = strstr(global, ".conf.");
	return gl && kl && gs && ks && gs - global == ks - key &&
	       !strncmp(global, key, (size_t)(gs - global)) && !strcmp(gl, kl);
}

/* Sysctls in two passes: keys that name no interface first (writing
 * conf.all.forwarding sets every interface's), then per-interface keys;
 * in each, the file's keys, then the keys vethlab changed that the file
 * no longer has, put back. A per-interface key whose global key changes
 * is written again, even if it holds its value now: the global write is
 * about to overwrite it. */
static int plan_sysctls(struct planner *p, const struct vl_node *dn, size_t di,
			const struct vl_node *on, size_t oi, bool present)
{
	size_t first = p->plan->n;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t s = 0; s < dn->n_sysctls; s++) {
			const struct vl_sysctl *sc = &dn->sysctls[s];
			size_t len;
			bool global = !vl_sysctl_key_iface(sc->key, &len);
			const char *now;
			bool forced = false;

			if (global != (pass == 0))
				continue;
			now = names_created_iface(p, di, sc->key) ? NULL : obs_sysctl(on, sc->key);
			for (size_t k = first; !global && k < p->plan->n; k++)
				forced |= same_setting(p->plan->v[k].key, sc->key);
			if (now && !strcmp(now, sc->value) && !forced)
				continue;
			if (push_sysctl(p, dn->name, sc->key, now, sc->value, false) < 0)
				return -ENOMEM;
		}
		for (size_t s = 0; present && s < on->n_sysctls; s++) {
			const struct vl_sysctl *sc = &on->sysctls[s];
			size_t len;
			bool wanted = false;

			if (!vl_sysctl_key_iface(sc->key, &len) != (pass == 0))
				continue;
			for (size_t k = 0; k < dn->n_sysctls && !wanted; k++)
				wanted = !strcmp(dn->sysctls[k].key, sc->key);
			if (wanted || !sc->orig || !strcmp(sc->value, sc->orig) ||
			    names_created_iface(p, di, sc->key) || names_gone_iface(p, oi, sc->key))
				continue;
			if (push_sysctl(p, dn->name, sc->key, sc->value, sc->orig, true) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int plan_node(struct planner *p, size_t di)
{
	const struct vl_node *dn = &p->d->nodes[di];
	size_t oi;
	const struct vl_node *on = obs_node(p, di, &oi);
	bool present = on && on->present;
	int r;

	for (size_t i = 0; i < dn->n_ifaces; i++) {
		const struct vl_iface *w = &dn->ifaces[i];
		const struct vl_iface *h = NULL;
		size_t hi;

		if (p->created[di][i])
			h = NULL;
		else if (present && (hi = vl_node_iface_index(on, w->name)) != VL_NONE &&
			 (i == 0 || (p->mark[oi][hi] & KEPT)))
			h = &on->ifaces[hi];
		/* lo of a namespace not made yet: as the kernel makes it */
		if (!h && i == 0 && !w->up && !w->mtu && !w->n_addrs)
			continue;
		if (!h && i == 0) {
			static const struct vl_iface fresh_lo = { .name = "lo", .mtu = 65536 };

			h = &fresh_lo;
		}
		r = plan_iface(p, dn, di, w, h);
		if (r < 0)
			return r;
	}
	r = plan_sysctls(p, dn, di, on, oi, present);
	if (r < 0)
		return r;
	return plan_routes(p, dn, present ? on : NULL, oi);
}

static void free_marks(unsigned char **m, size_t n)
{
	if (!m)
		return;
	for (size_t i = 0; i < n; i++)
		free(m[i]);
	free(m);
}

static unsigned char **alloc_marks(const struct vl_lab *lab)
{
	unsigned char **m = calloc(lab->n_nodes + 1, sizeof(*m));

	if (!m)
		return NULL;
	for (size_t i = 0; i < lab->n_nodes; i++) {
		m[i] = calloc(lab->nodes[i].n_ifaces + 1, 1);
		if (!m[i]) {
			free_marks(m, lab->n_nodes);
			return NULL;
		}
	}
	return m;
}

const char *vl_act_name(int kind)
{
	static const char *const names[] = {
		[VL_ROUTE_DEL] = "route_del", [VL_ADDR_DEL] = "addr_del",
		[VL_LINK_DEL] = "link_del", [VL_NETNS_ADD] = "netns_add",
		[VL_LINK_ADD] = "link_add", [VL_SYSCTL_SET] = "sysctl_set",
		[VL_ADDR_ADD] = "addr_add", [VL_LINK_SET] = "link_set",
		[VL_ROUTE_ADD] = "route_add", [VL_NETNS_DEL] = "netns_del",
	};

	return kind >= 0 && kind < VL_ACT_MAX ? names[kind] : "?";
}

int vl_action_phase(const struct vl_action *a)
{
	/* A namespace redone after a crash goes before it is made again;
	 * one the file dropped goes last, after nothing needs it. */
	if (a->kind == VL_NETNS_DEL && a->recreate)
		return VL_LINK_DEL;
	return a->kind;
}

/* Stable order by phase: counting sort, so ties keep file order. */
static int order(struct vl_plan *plan)
{
	size_t count[VL_ACT_MAX + 1] = { 0 };
	struct vl_action *v;

	if (!plan->n)
		return 0;
	v = malloc(plan->n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n; i++)
		count[vl_action_phase(&plan->v[i]) + 1]++;
	for (int k = 1; k <= VL_ACT_MAX; k++)
		count[k] += count[k - 1];
	for (size_t i = 0; i < plan->n; i++)
		v[count[vl_action_phase(&plan->v[i])]++] = plan->v[i];
	free(plan->v);
	plan->v = v;
	return 0;
}

int vl_plan_make(const struct vl_lab *desired, const struct vl_lab *observed,
		 struct vl_plan *plan, struct vl_error *err)
{
	struct planner p = { .d = desired, .o = observed, .plan = plan, .err = err };
	int r = -ENOMEM;

	memset(plan, 0, sizeof(*plan));
	p.mark = alloc_marks(observed);
	p.created = alloc_marks(desired);
	if (!p.mark || !p.created)
		goto out;
	for (size_t i = 0; i < desired->n_nodes; i++) {
		size_t oi;
		const struct vl_node *on = obs_node(&p, i, &oi);
		struct vl_action *a;

		if (on && on->present)
			continue;
		if (on && on->stale) {
			a = push(&p, VL_NETNS_DEL, desired->nodes[i].name);
			if (a)
				a->recreate = true;
		}
		a = push(&p, VL_NETNS_ADD, desired->nodes[i].name);
		if (a)
			a->recreate = on && on->stale;
	}
	if (p.oom)
		goto out;
	r = plan_links(&p);
	if (r == 0)
		r = plan_link_deletes(&p);
	for (size_t i = 0; r == 0 && i < desired->n_nodes; i++)
		r = plan_node(&p, i);
	for (size_t i = 0; r == 0 && i < observed->n_nodes; i++) {
		struct vl_action *a;

		if (des_node(desired, observed, i) != VL_NONE)
			continue;
		a = push(&p, VL_NETNS_DEL, observed->nodes[i].name);
		if (!a)
			r = -ENOMEM;
	}
	if (r == 0 && p.oom)
		r = -ENOMEM;
	if (r == 0)
		r = order(plan);
out:
	free_marks(p.mark, observed->n_nodes);
	free_marks(p.created, desired->n_nodes);
	if (r == -ENOMEM)
		vl_err(err, r, "plan: out of memory");
	if (r < 0)
		vl_plan_fini(plan);
	return r;
}

void vl_plan_fini(struct vl_plan *plan)
{
	free(plan->v);
	plan->v = NULL;
	plan->n = 0;
}

static void route_str(const struct vl_route *r, char *buf, size_t len)
{
	char dst[VL_PREFIX_STRLEN], via[VL_PREFIX_STRLEN];
	size_t n;

	if (r->is_default || r->dst.len == 0)
		snprintf(dst, sizeof(dst), "default%s", r->dst.family == AF_INET6 ? " (IPv6)" : "");
	else
		vl_prefix_str(&r->dst, dst, sizeof(dst));
	n = (size_t)snprintf(buf, len, "%s", dst);
	if (r->has_via && n < len) {
		vl_addr_str(&r->via, via, sizeof(via));
		n += (size_t)snprintf(buf + n, len - n, " via %s", via);
	}
	if (r->dev && n < len)
		n += (size_t)snprintf(buf + n, len - n, " dev %s", r->dev);
	if (r->has_metric && n < len)
		snprintf(buf + n, len - n, " metric %u", r->metric);
}

void vl_action_str(const struct vl_action *a, const char *lab, char *buf,
		   size_t len)
{
	const char *re = a->recreate ? " (recreate)" : "";
	char s[256];
	size_t n;

	switch (a->kind) {
	case VL_NETNS_ADD:
	case VL_NETNS_DEL:
		snprintf(buf, len, "%c netns %s-%s%s", a->kind == VL_NETNS_ADD ? '+' : '-',
			 lab, a->node, re);
		break;
	case VL_LINK_ADD:
		snprintf(buf, len, "+ veth %s:%s <-> %s:%s%s", a->node, a->iface,
			 a->peer_node, a->peer_iface, re);
		break;
	case VL_LINK_DEL:
		if (a->peer_node)
			snprintf(buf, len, "- veth %s:%s <-> %s:%s%s", a->node, a->iface,
				 a->peer_node, a->peer_iface, re);
		else
			snprintf(buf, len, "- %s %s:%s%s", a->have && a->have->kind[0] ?
				 a->have->kind : "link", a->node, a->iface, re);
		break;
	case VL_LINK_SET:
		n = (size_t)snprintf(buf, len, "~ link %s:%s", a->node, a->iface);
		if (a->set_mtu && n < len)
			n += (size_t)snprintf(buf + n, len - n, " mtu %u -> %u", a->have->mtu,
					      a->want->mtu ? a->want->mtu : vl_default_mtu(a->want->name));
		if (a->set_mac && n < len)
			n += (size_t)snprintf(buf + n, len - n, " mac %02x:%02x:%02x:%02x:%02x:%02x",
					      a->want->mac[0], a->want->mac[1], a->want->mac[2],
					      a->want->mac[3], a->want->mac[4], a->want->mac[5]);
		if (a->set_up && n < len)
			snprintf(buf + n, len - n, " %s", a->want->up ? "up" : "down");
		break;
	case VL_ADDR_ADD:
	case VL_ADDR_DEL:
		vl_prefix_str(&a->addr, s, sizeof(s));
		snprintf(buf, len, "%c addr %s dev %s (%s)", a->kind == VL_ADDR_ADD ? '+' : '-',
			 s, a->iface, a->node);
		break;
	case VL_ROUTE_ADD:
	case VL_ROUTE_DEL:
		route_str(a->route, s, sizeof(s));
		snprintf(buf, len, "%c route %s (%s)", a->kind == VL_ROUTE_ADD ? '+' : '-',
			 s, a->node);
		break;
	case VL_SYSCTL_SET:
		if (a->from)
			snprintf(buf, len, "~ sysctl %s %s -> %s (%s)", a->key, a->from, a->to, a->node);
		else
			snprintf(buf, len, "~ sysctl %s = %s (%s)", a->key, a->to, a->node);
		break;
	default:
		snprintf(buf, len, "? action %d", a->kind);
	}
}

void vl_plan_json(const struct vl_plan *plan, const char *lab, FILE *f)
{
	static const char *const kinds[] = {
		[VL_ROUTE_DEL] = "route", [VL_ADDR_DEL] = "addr", [VL_LINK_DEL] = "link",
		[VL_NETNS_ADD] = "netns", [VL_LINK_ADD] = "link", [VL_SYSCTL_SET] = "sysctl",
		[VL_ADDR_ADD] = "addr", [VL_LINK_SET] = "link", [VL_ROUTE_ADD] = "route",
		[VL_NETNS_DEL] = "netns",
	};
	char text[512];

	fputc('[', f);
	for (size_t i = 0; i < plan->n; i++) {
		const struct vl_action *a = &plan->v[i];

		vl_action_str(a, lab, text, sizeof(text));
		fprintf(f, "%s\n  {\"op\": \"%c\", \"kind\": \"%s\", \"node\": ", i ? "," : "",
			text[0], kinds[a->kind]);
		vl_json_str(f, a->node);
		if (a->iface) {
			fputs(", \"iface\": ", f);
			vl_json_str(f, a->iface);
		}
		fprintf(f, ", \"recreate\": %s, \"text\": ", a->recreate ? "true" : "false");
		vl_json_str(f, text);
		fputc('}', f);
	}
	fputs(plan->n ? "\n]\n" : "]\n", f);
}
