/* core/plan.c: the reconciler's pure planner. Desired models come from
 * YAML text (parse + validate, as vethlab does); observed models are built
 * here by hand, as core/observe.c would fill them: nodes present or stale,
 * interfaces with ifindex, kind, peer ifindex and peer nsid, journal
 * ownership, MTU, state, MAC and addresses; protocol-118 routes with their
 * dev and oif; the file's sysctls with their current values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/addr.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/model.h"
#include "core/plan.h"
#include "core/topo.h"

/* --- desired models, from YAML --- */

/* The article lab (topologies/article.yaml without its comments): one
 * node holding both ends of one veth pair. */
#define ARTICLE_HEAD                                                    \
	"name: article\n"                                               \
	"nodes:\n"                                                      \
	"  host:\n"                                                     \
	"    sysctls:\n"                                                \
	"      net.ipv4.conf.all.rp_filter: 0\n"                        \
	"      net.ipv4.conf.veth0.rp_filter: 0\n"                      \
	"      net.ipv4.conf.veth1.rp_filter: 0\n"                      \
	"      net.ipv4.conf.veth0.accept_local: 1\n"                   \
	"      net.ipv4.conf.veth1.accept_local: 1\n"                   \
	"    interfaces:\n"                                             \
	"      veth0: {addresses: [192.168.2.11/24]}\n"

#define ARTICLE_TAIL                                                    \
	"    routes:\n"                                                 \
	"      - {to: 198.51.100.0/24, via: 192.168.2.1}\n"             \
	"links:\n"                                                      \
	"  - endpoints: [host:veth0, host:veth1]\n"

static const char article_yaml[] =
	ARTICLE_HEAD "      veth1: {}\n" ARTICLE_TAIL;
static const char article_mtu_yaml[] =
	ARTICLE_HEAD "      veth1: {mtu: 1400}\n" ARTICLE_TAIL;
static const char article_mac_yaml[] =
	ARTICLE_HEAD "      veth1: {mac: \"02:00:00:00:00:0a\"}\n" ARTICLE_TAIL;
static const char article_down_yaml[] =
	ARTICLE_HEAD "      veth1: {state: down}\n" ARTICLE_TAIL;

/* Two namespaces joined by one veth pair (the docs' first example), with
 * a global sysctl on one side. */
static const char pair_yaml[] =
	"name: pair\n"
	"nodes:\n"
	"  left:\n"
	"    sysctls:\n"
	"      net.ipv4.ip_forward: 1\n"
	"    interfaces:\n"
	"      eth0: {addresses: [10.0.0.1/24]}\n"
	"  right:\n"
	"    interfaces:\n"
	"      eth0: {addresses: [10.0.0.2/24]}\n"
	"    routes:\n"
	"      - {to: 198.51.100.0/24, via: 10.0.0.1}\n"
	"links:\n"
	"  - endpoints: [left:eth0, right:eth0]\n";

/* IPv6: the kernel gives a route without a metric the metric 1024. */
static const char six_yaml[] =
	"name: six\n"
	"nodes:\n"
	"  a:\n"
	"    interfaces:\n"
	"      e0: {addresses: [\"2001:db8::1/64\"]}\n"
	"    routes:\n"
	"      - {to: default, via: \"2001:db8::fe\"}\n"
	"      - {to: \"2001:db8:99::/48\", via: \"2001:db8::fe\"}\n"
	"      - {to: \"2001:db8:98::/48\", via: \"2001:db8::fe\", metric: 1024}\n"
	"  b:\n"
	"    interfaces:\n"
	"      e0: {addresses: [\"2001:db8::2/64\"]}\n"
	"links:\n"
	"  - endpoints: [a:e0, b:e0]\n";

static struct vl_lab *desired(const char *yaml)
{
	struct vl_lab *lab = NULL;
	struct vl_diags d;
	size_t errors;
	int r;

	assert_int_equal(vl_diags_init(&d, "<test>"), 0);
	r = vl_topo_parse("<test>", yaml, strlen(yaml), &lab, &d);
	if (r == 0)
		vl_topo_validate(lab, &d);
	errors = d.n_errors;
	if (r != 0 || errors) {
		print_message("# the test's YAML does not load:\n");
		vl_diags_print(&d, stdout);
	}
	vl_diags_fini(&d);
	if (r != 0 || errors) {
		vl_lab_free(lab);
		fail_msg("fixture YAML rejected (parse %d, %zu errors)", r, errors);
	}
	assert_non_null(lab);
	return lab;
}

/* --- observed models, by hand --- */

static char *xstrdup(const char *s)
{
	char *c = strdup(s);

	assert_non_null(c);
	return c;
}

static struct vl_lab *obs_new(const char *lab)
{
	struct vl_lab *o = vl_lab_new("<test>");

	assert_non_null(o);
	o->name = xstrdup(lab);
	return o;
}

static void obs_node(struct vl_lab *o, const char *name, bool present, bool stale)
{
	struct vl_node *n = vl_array_push(&o->nodes, &o->n_nodes, sizeof(*n));

	assert_non_null(n);
	n->name = xstrdup(name);
	n->present = present;
	n->stale = stale;
}

static struct vl_node *onode(struct vl_lab *o, const char *name)
{
	size_t i = vl_lab_node_index(o, name);

	if (i == VL_NONE)
		fail_msg("observed model has no node \"%s\"", name);
	return &o->nodes[i];
}

static struct vl_iface *oif(struct vl_lab *o, const char *node, const char *name)
{
	struct vl_node *n = onode(o, node);
	size_t i = vl_node_iface_index(n, name);

	if (i == VL_NONE)
		fail_msg("observed node \"%s\" has no interface \"%s\"", node, name);
	return &n->ifaces[i];
}

static struct vl_iface *obs_add_if(struct vl_lab *o, const char *node, const char *name,
				   int ifindex)
{
	struct vl_node *n = onode(o, node);
	size_t i = vl_node_add_iface(n, name, (struct vl_loc){ 0, 0 });
	struct vl_iface *ifc;

	assert_true(i != VL_NONE);
	ifc = &n->ifaces[i];
	ifc->ifindex = ifindex;
	ifc->peer_nsid = -1;
	ifc->up = true;
	return ifc;
}

/* lo as the kernel shows it once vethlab brought it up: not in the
 * journal, no kind, MTU 65536 (127.0.0.1 is not reported: not ours). */
static void obs_lo(struct vl_lab *o, const char *node)
{
	struct vl_iface *lo = obs_add_if(o, node, "lo", 1);

	lo->mtu = 65536;
	lo->has_mac = true;	/* 00:00:00:00:00:00 */
}

/* An owned veth end: up, MTU 1500, a kernel-chosen MAC. */
static void obs_veth(struct vl_lab *o, const char *node, const char *name, int ifindex,
		     int peer_ifindex, int peer_nsid)
{
	struct vl_iface *v = obs_add_if(o, node, name, ifindex);

	snprintf(v->kind, sizeof(v->kind), "veth");
	v->peer_ifindex = peer_ifindex;
	v->peer_nsid = peer_nsid;
	v->owned = true;
	v->mtu = 1500;
	v->has_mac = true;
	memcpy(v->mac, (unsigned char[6]){ 0x6a, 0x11, 0x22, 0x33, 0x44, (unsigned char)ifindex }, 6);
}

static struct vl_prefix prefix(const char *s)
{
	struct vl_prefix p;
	const char *why = NULL;

	if (vl_prefix_parse(s, false, &p, &why) < 0)
		fail_msg("\"%s\" should parse: %s", s, why);
	return p;
}

static void obs_addr(struct vl_lab *o, const char *node, const char *iface, const char *p)
{
	struct vl_iface *ifc = oif(o, node, iface);
	struct vl_addr *a = vl_array_push(&ifc->addrs, &ifc->n_addrs, sizeof(*a));

	assert_non_null(a);
	a->p = prefix(p);
}

/* A protocol-118 route as route_cb reads it: METRIC < 0 for no
 * RTA_PRIORITY; DEV resolved to its ifindex in NODE. */
static struct vl_route *obs_route(struct vl_lab *o, const char *node, const char *to,
				  const char *via, const char *dev, long metric)
{
	struct vl_node *n = onode(o, node);
	struct vl_route *rt = vl_array_push(&n->routes, &n->n_routes, sizeof(*rt));
	const char *why = NULL;

	assert_non_null(rt);
	if (via) {
		if (vl_addr_parse(via, &rt->via, &why) < 0)
			fail_msg("gateway \"%s\": %s", via, why);
		rt->has_via = true;
	}
	if (!strcmp(to, "default")) {
		rt->dst.family = via ? rt->via.family : AF_INET;
		rt->dst.len = 0;
		rt->is_default = true;
	} else {
		rt->dst = prefix(to);
	}
	if (metric >= 0) {
		rt->has_metric = true;
		rt->metric = (uint32_t)metric;
	}
	if (dev) {
		rt->dev = xstrdup(dev);
		rt->oif = oif(o, node, dev)->ifindex;
	}
	return rt;
}

static void obs_drop_route(struct vl_lab *o, const char *node, size_t k)
{
	struct vl_node *n = onode(o, node);

	assert_true(k < n->n_routes);
	free(n->routes[k].dev);
	memmove(&n->routes[k], &n->routes[k + 1], (n->n_routes - k - 1) * sizeof(*n->routes));
	n->n_routes--;
}

static void obs_sysctl(struct vl_lab *o, const char *node, const char *key, const char *value)
{
	struct vl_node *n = onode(o, node);
	struct vl_sysctl *sc = vl_array_push(&n->sysctls, &n->n_sysctls, sizeof(*sc));

	assert_non_null(sc);
	sc->key = xstrdup(key);
	sc->value = xstrdup(value);
}

static struct vl_sysctl *osysctl(struct vl_lab *o, const char *node, const char *key)
{
	struct vl_node *n = onode(o, node);

	for (size_t i = 0; i < n->n_sysctls; i++)
		if (!strcmp(n->sysctls[i].key, key))
			return &n->sysctls[i];
	fail_msg("observed node \"%s\" has no sysctl \"%s\"", node, key);
	return NULL;
}

/* The article lab as vethlab leaves it: veth0 (2) <-> veth1 (3) in one
 * namespace, the address, the route through veth0, the sysctls. */
static struct vl_lab *obs_article(void)
{
	struct vl_lab *o = obs_new("article");

	obs_node(o, "host", true, false);
	obs_lo(o, "host");
	obs_veth(o, "host", "veth0", 2, 3, -1);
	obs_veth(o, "host", "veth1", 3, 2, -1);
	obs_addr(o, "host", "veth0", "192.168.2.11/24");
	obs_route(o, "host", "198.51.100.0/24", "192.168.2.1", "veth0", -1);
	obs_sysctl(o, "host", "net.ipv4.conf.all.rp_filter", "0");
	obs_sysctl(o, "host", "net.ipv4.conf.veth0.rp_filter", "0");
	obs_sysctl(o, "host", "net.ipv4.conf.veth1.rp_filter", "0");
	obs_sysctl(o, "host", "net.ipv4.conf.veth0.accept_local", "1");
	obs_sysctl(o, "host", "net.ipv4.conf.veth1.accept_local", "1");
	return o;
}

/* The pair lab as vethlab leaves it. ifindexes are per namespace: both
 * ends are 2 in their own namespace, each seeing the other through
 * nsid 0. */
static struct vl_lab *obs_pair(void)
{
	struct vl_lab *o = obs_new("pair");

	obs_node(o, "left", true, false);
	obs_lo(o, "left");
	obs_veth(o, "left", "eth0", 2, 2, 0);
	obs_addr(o, "left", "eth0", "10.0.0.1/24");
	obs_sysctl(o, "left", "net.ipv4.ip_forward", "1");
	obs_node(o, "right", true, false);
	obs_lo(o, "right");
	obs_veth(o, "right", "eth0", 2, 2, 0);
	obs_addr(o, "right", "eth0", "10.0.0.2/24");
	obs_route(o, "right", "198.51.100.0/24", "10.0.0.1", "eth0", -1);
	return o;
}

static struct vl_lab *obs_six(void)
{
	struct vl_lab *o = obs_new("six");

	obs_node(o, "a", true, false);
	obs_lo(o, "a");
	obs_veth(o, "a", "e0", 2, 2, 0);
	obs_addr(o, "a", "e0", "2001:db8::1/64");
	/* the kernel reports RTA_PRIORITY 1024 for both */
	obs_route(o, "a", "default", "2001:db8::fe", "e0", 1024);
	obs_route(o, "a", "2001:db8:99::/48", "2001:db8::fe", "e0", 1024);
	obs_route(o, "a", "2001:db8:98::/48", "2001:db8::fe", "e0", 1024);
	obs_node(o, "b", true, false);
	obs_lo(o, "b");
	obs_veth(o, "b", "e0", 2, 2, 0);
	obs_addr(o, "b", "e0", "2001:db8::2/64");
	return o;
}

/* --- looking at plans --- */

static const char *const kind_names[] = {
	[VL_ROUTE_DEL] = "ROUTE_DEL", [VL_ADDR_DEL] = "ADDR_DEL",
	[VL_LINK_DEL] = "LINK_DEL", [VL_NETNS_ADD] = "NETNS_ADD",
	[VL_LINK_ADD] = "LINK_ADD", [VL_SYSCTL_SET] = "SYSCTL_SET",
	[VL_ADDR_ADD] = "ADDR_ADD", [VL_LINK_SET] = "LINK_SET",
	[VL_ROUTE_ADD] = "ROUTE_ADD", [VL_NETNS_DEL] = "NETNS_DEL",
};

static const char *kind_name(enum vl_act k)
{
	return (unsigned)k < VL_ACT_MAX ? kind_names[k] : "?";
}

static const char *text(const struct vl_action *a, const char *lab)
{
	static char buf[1024];

	vl_action_str(a, lab, buf, sizeof(buf));
	return buf;
}

static void dump_plan(const struct vl_plan *plan, const char *lab)
{
	print_message("# plan: %zu action(s)\n", plan->n);
	for (size_t i = 0; i < plan->n; i++)
		print_message("#   %zu %-10s %s\n", i, kind_name(plan->v[i].kind),
			      text(&plan->v[i], lab));
}

static void make_plan(const struct vl_lab *d, const struct vl_lab *o, struct vl_plan *plan)
{
	struct vl_error err = { 0 };
	int r = vl_plan_make(d, o, plan, &err);

	if (r != 0)
		fail_msg("vl_plan_make: %d: %s", r, err.msg);
	assert_int_equal(err.code, 0);
}

/* The plan's kinds are exactly WANT, in this order. */
static void assert_kinds(const struct vl_plan *plan, const char *lab,
			 const enum vl_act *want, size_t n)
{
	bool same = plan->n == n;

	for (size_t i = 0; same && i < n; i++)
		same = plan->v[i].kind == want[i];
	if (!same) {
		print_message("# expected %zu action(s):", n);
		for (size_t i = 0; i < n; i++)
			print_message(" %s", kind_name(want[i]));
		print_message("\n");
		dump_plan(plan, lab);
		fail_msg("the plan's kinds differ from the expected ones");
	}
}

#define KINDS(plan, lab, ...)                                                   \
	assert_kinds(plan, lab, (const enum vl_act[]){ __VA_ARGS__ },           \
		     sizeof((const enum vl_act[]){ __VA_ARGS__ }) / sizeof(enum vl_act))

static void assert_empty(const struct vl_plan *plan, const char *lab)
{
	if (plan->n) {
		dump_plan(plan, lab);
		fail_msg("expected no action, got %zu", plan->n);
	}
	assert_null(plan->v);
}

/* The index of the first action of KIND (VL_NONE), how many in *COUNT. */
static size_t find_kind(const struct vl_plan *plan, enum vl_act kind, size_t *count)
{
	size_t at = VL_NONE;

	*count = 0;
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].kind == kind && (*count)++ == 0)
			at = i;
	return at;
}

static void assert_text(const struct vl_action *a, const char *lab, const char *want)
{
	assert_string_equal(text(a, lab), want);
}

static void assert_prefix_is(const struct vl_prefix *p, const char *want)
{
	char s[VL_PREFIX_STRLEN];

	vl_prefix_str(p, s, sizeof(s));
	assert_string_equal(s, want);
}

static const struct vl_iface *diface(const struct vl_lab *d, const char *node,
				     const char *name)
{
	size_t n = vl_lab_node_index(d, node), i;

	assert_true(n != VL_NONE);
	i = vl_node_iface_index(&d->nodes[n], name);
	assert_true(i != VL_NONE);
	return &d->nodes[n].ifaces[i];
}

static const struct vl_route *droute(const struct vl_lab *d, const char *node, size_t k)
{
	size_t n = vl_lab_node_index(d, node);

	assert_true(n != VL_NONE);
	assert_true(k < d->nodes[n].n_routes);
	return &d->nodes[n].routes[k];
}

/* A run: desired from YAML, observed by hand, the plan between them. */
struct run {
	struct vl_lab *d, *o;
	struct vl_plan plan;
};

static void run_plan(struct run *t)
{
	make_plan(t->d, t->o, &t->plan);
}

static void run_fini(struct run *t)
{
	vl_plan_fini(&t->plan);
	vl_lab_free(t->d);
	vl_lab_free(t->o);
	memset(t, 0, sizeof(*t));
}

/* --- a lab not made yet --- */

static void check_fresh_article(const struct run *t)
{
	const struct vl_action *v = t->plan.v;
	static const char *const keys[] = {
		"net.ipv4.conf.all.rp_filter", "net.ipv4.conf.veth0.rp_filter",
		"net.ipv4.conf.veth1.rp_filter", "net.ipv4.conf.veth0.accept_local",
		"net.ipv4.conf.veth1.accept_local",
	};
	static const char *const values[] = { "0", "0", "0", "1", "1" };

	KINDS(&t->plan, "article", VL_NETNS_ADD, VL_LINK_ADD, VL_SYSCTL_SET, VL_SYSCTL_SET,
	      VL_SYSCTL_SET, VL_SYSCTL_SET, VL_SYSCTL_SET, VL_ADDR_ADD, VL_LINK_SET,
	      VL_ROUTE_ADD);
	for (size_t i = 0; i < t->plan.n; i++) {
		assert_string_equal(v[i].node, "host");
		assert_false(v[i].recreate);
	}
	assert_text(&v[0], "article", "+ netns article-host");

	assert_string_equal(v[1].iface, "veth0");
	assert_string_equal(v[1].peer_node, "host");
	assert_string_equal(v[1].peer_iface, "veth1");
	assert_ptr_equal(v[1].want, diface(t->d, "host", "veth0"));
	assert_ptr_equal(v[1].want_peer, diface(t->d, "host", "veth1"));
	assert_null(v[1].have);
	assert_text(&v[1], "article", "+ veth host:veth0 <-> host:veth1");

	/* in file order, nothing to compare with */
	for (size_t s = 0; s < 5; s++) {
		assert_string_equal(v[2 + s].key, keys[s]);
		assert_null(v[2 + s].from);
		assert_string_equal(v[2 + s].to, values[s]);
	}
	assert_text(&v[2], "article", "~ sysctl net.ipv4.conf.all.rp_filter = 0 (host)");

	assert_string_equal(v[7].iface, "veth0");
	assert_prefix_is(&v[7].addr, "192.168.2.11/24");

	/* the kernel makes lo down: bring it up, nothing else */
	assert_string_equal(v[8].iface, "lo");
	assert_true(v[8].set_up);
	assert_false(v[8].set_mtu);
	assert_false(v[8].set_mac);
	assert_ptr_equal(v[8].want, diface(t->d, "host", "lo"));
	assert_text(&v[8], "article", "~ link host:lo up");

	assert_ptr_equal(v[9].route, droute(t->d, "host", 0));
	assert_text(&v[9], "article", "+ route 198.51.100.0/24 via 192.168.2.1 (host)");
}

static void test_fresh_article(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_new("article") };

	(void)state;
	/* as vl_observe reports it: the file's node, no namespace */
	obs_node(t.o, "host", false, false);
	run_plan(&t);
	check_fresh_article(&t);
	run_fini(&t);
}

/* An observed model without the node at all plans the same. */
static void test_fresh_article_no_observed_node(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_new("article") };

	(void)state;
	run_plan(&t);
	check_fresh_article(&t);
	run_fini(&t);
}

static void test_fresh_pair(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_new("pair") };
	const struct vl_action *v;

	(void)state;
	obs_node(t.o, "left", false, false);
	obs_node(t.o, "right", false, false);
	run_plan(&t);
	v = t.plan.v;
	KINDS(&t.plan, "pair", VL_NETNS_ADD, VL_NETNS_ADD, VL_LINK_ADD, VL_SYSCTL_SET,
	      VL_ADDR_ADD, VL_ADDR_ADD, VL_LINK_SET, VL_LINK_SET, VL_ROUTE_ADD);
	/* ties keep file order */
	assert_string_equal(v[0].node, "left");
	assert_string_equal(v[1].node, "right");
	assert_text(&v[1], "pair", "+ netns pair-right");
	assert_string_equal(v[2].node, "left");
	assert_string_equal(v[2].iface, "eth0");
	assert_string_equal(v[2].peer_node, "right");
	assert_string_equal(v[2].peer_iface, "eth0");
	assert_ptr_equal(v[2].want, diface(t.d, "left", "eth0"));
	assert_ptr_equal(v[2].want_peer, diface(t.d, "right", "eth0"));
	assert_text(&v[2], "pair", "+ veth left:eth0 <-> right:eth0");
	assert_string_equal(v[3].key, "net.ipv4.ip_forward");
	assert_null(v[3].from);
	assert_text(&v[3], "pair", "~ sysctl net.ipv4.ip_forward = 1 (left)");
	assert_text(&v[4], "pair", "+ addr 10.0.0.1/24 dev eth0 (left)");
	assert_text(&v[5], "pair", "+ addr 10.0.0.2/24 dev eth0 (right)");
	assert_text(&v[6], "pair", "~ link left:lo up");
	assert_text(&v[7], "pair", "~ link right:lo up");
	assert_ptr_equal(v[8].route, droute(t.d, "right", 0));
	assert_string_equal(v[8].node, "right");
	run_fini(&t);
}

/* lo declared down: a new namespace's lo is down already, nothing to do
 * for it; declared with an MTU it is set even in a new namespace. */
static void test_fresh_lo_as_declared(void **state)
{
	struct run t = {
		.d = desired("name: solo\nnodes:\n  a:\n    interfaces:\n      lo: {state: down}\n"),
		.o = obs_new("solo"),
	};

	(void)state;
	obs_node(t.o, "a", false, false);
	run_plan(&t);
	KINDS(&t.plan, "solo", VL_NETNS_ADD);
	run_fini(&t);

	t.d = desired("name: solo\nnodes:\n  a:\n    interfaces:\n"
		      "      lo: {mtu: 9000, addresses: [10.9.0.1/32]}\n");
	t.o = obs_new("solo");
	obs_node(t.o, "a", false, false);
	run_plan(&t);
	KINDS(&t.plan, "solo", VL_NETNS_ADD, VL_ADDR_ADD, VL_LINK_SET);
	assert_text(&t.plan.v[1], "solo", "+ addr 10.9.0.1/32 dev lo (a)");
	assert_true(t.plan.v[2].set_mtu);
	assert_true(t.plan.v[2].set_up);
	assert_false(t.plan.v[2].set_mac);
	assert_text(&t.plan.v[2], "solo", "~ link a:lo mtu 65536 -> 9000 up");
	run_fini(&t);
}

/* --- a lab as the file says --- */

static void test_converged_article(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };

	(void)state;
	run_plan(&t);
	assert_empty(&t.plan, "article");
	run_fini(&t);
}

static void test_converged_pair(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_pair() };

	(void)state;
	run_plan(&t);
	assert_empty(&t.plan, "pair");
	run_fini(&t);
}

/* MTU, MAC and state given in the file and matched: nothing to do. */
static void test_converged_explicit_settings(void **state)
{
	struct run t = { .d = desired(article_mac_yaml), .o = obs_article() };

	(void)state;
	memcpy(oif(t.o, "host", "veth1")->mac, (unsigned char[6]){ 2, 0, 0, 0, 0, 0x0a }, 6);
	run_plan(&t);
	assert_empty(&t.plan, "article");
	run_fini(&t);

	t.d = desired(article_down_yaml);
	t.o = obs_article();
	oif(t.o, "host", "veth1")->up = false;
	run_plan(&t);
	assert_empty(&t.plan, "article");
	run_fini(&t);
}

/* Addresses neither ours nor the file's are not reported by observe;
 * order within the observed model does not matter. */
static void test_converged_observed_order(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_new("pair") };

	(void)state;
	obs_node(t.o, "right", true, false);
	obs_lo(t.o, "right");
	obs_veth(t.o, "right", "eth0", 2, 2, 0);
	obs_addr(t.o, "right", "eth0", "10.0.0.2/24");
	obs_route(t.o, "right", "198.51.100.0/24", "10.0.0.1", "eth0", -1);
	obs_node(t.o, "left", true, false);
	obs_veth(t.o, "left", "eth0", 2, 2, 0);
	obs_lo(t.o, "left");
	obs_addr(t.o, "left", "eth0", "10.0.0.1/24");
	obs_sysctl(t.o, "left", "net.ipv4.ip_forward", "1");
	run_plan(&t);
	assert_empty(&t.plan, "pair");
	run_fini(&t);
}

/* --- one drift, one action --- */

static void test_drift_missing_address(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	const struct vl_action *a;

	(void)state;
	oif(t.o, "host", "veth0")->n_addrs = 0;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ADDR_ADD);
	a = &t.plan.v[0];
	assert_string_equal(a->node, "host");
	assert_string_equal(a->iface, "veth0");
	assert_int_equal(a->addr.family, AF_INET);
	assert_prefix_is(&a->addr, "192.168.2.11/24");
	assert_false(a->recreate);
	assert_text(a, "article", "+ addr 192.168.2.11/24 dev veth0 (host)");
	run_fini(&t);
}

static void test_drift_extra_address(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	const struct vl_action *a;

	(void)state;
	/* observe reports it: it carries our protocol */
	obs_addr(t.o, "host", "veth1", "192.168.2.12/24");
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ADDR_DEL);
	a = &t.plan.v[0];
	assert_string_equal(a->node, "host");
	assert_string_equal(a->iface, "veth1");
	assert_prefix_is(&a->addr, "192.168.2.12/24");
	assert_text(a, "article", "- addr 192.168.2.12/24 dev veth1 (host)");
	run_fini(&t);
}

/* The same address with another length is another address. */
static void test_drift_address_length(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };

	(void)state;
	oif(t.o, "host", "veth0")->addrs[0].p.len = 16;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ADDR_DEL, VL_ADDR_ADD);
	assert_prefix_is(&t.plan.v[0].addr, "192.168.2.11/16");
	assert_prefix_is(&t.plan.v[1].addr, "192.168.2.11/24");
	run_fini(&t);
}

static void test_drift_link_down(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	const struct vl_action *a;

	(void)state;
	oif(t.o, "host", "veth1")->up = false;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_LINK_SET);
	a = &t.plan.v[0];
	assert_string_equal(a->iface, "veth1");
	assert_true(a->set_up);
	assert_false(a->set_mtu);
	assert_false(a->set_mac);
	assert_ptr_equal(a->want, diface(t.d, "host", "veth1"));
	assert_ptr_equal(a->have, oif(t.o, "host", "veth1"));
	assert_text(a, "article", "~ link host:veth1 up");
	run_fini(&t);
}

static void test_drift_link_should_be_down(void **state)
{
	struct run t = { .d = desired(article_down_yaml), .o = obs_article() };

	(void)state;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_LINK_SET);
	assert_true(t.plan.v[0].set_up);
	assert_false(t.plan.v[0].set_mtu);
	assert_text(&t.plan.v[0], "article", "~ link host:veth1 down");
	run_fini(&t);
}

static void test_drift_lo_down(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };

	(void)state;
	oif(t.o, "host", "lo")->up = false;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_LINK_SET);
	assert_string_equal(t.plan.v[0].iface, "lo");
	assert_true(t.plan.v[0].set_up);
	assert_false(t.plan.v[0].set_mtu);
	run_fini(&t);
}

static void test_drift_mtu(void **state)
{
	struct run t = { .d = desired(article_mtu_yaml), .o = obs_article() };
	const struct vl_action *a;

	(void)state;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_LINK_SET);
	a = &t.plan.v[0];
	assert_string_equal(a->node, "host");
	assert_string_equal(a->iface, "veth1");
	assert_true(a->set_mtu);
	assert_false(a->set_up);
	assert_false(a->set_mac);
	assert_ptr_equal(a->have, oif(t.o, "host", "veth1"));
	assert_text(a, "article", "~ link host:veth1 mtu 1500 -> 1400");
	run_fini(&t);
}

/* No MTU in the file means the default (1500), not "leave it". */
static void test_drift_mtu_back_to_default(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };

	(void)state;
	oif(t.o, "host", "veth0")->mtu = 9000;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_LINK_SET);
	assert_true(t.plan.v[0].set_mtu);
	assert_false(t.plan.v[0].set_up);
	assert_text(&t.plan.v[0], "article", "~ link host:veth0 mtu 9000 -> 1500");
	run_fini(&t);
}

static void test_drift_mac(void **state)
{
	struct run t = { .d = desired(article_mac_yaml), .o = obs_article() };
	const struct vl_action *a;

	(void)state;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_LINK_SET);
	a = &t.plan.v[0];
	assert_string_equal(a->iface, "veth1");
	assert_true(a->set_mac);
	assert_false(a->set_mtu);
	assert_false(a->set_up);
	assert_text(a, "article", "~ link host:veth1 mac 02:00:00:00:00:0a");
	run_fini(&t);
}

static void test_drift_sysctl(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	struct vl_sysctl *sc;
	const struct vl_action *a;

	(void)state;
	sc = osysctl(t.o, "host", "net.ipv4.conf.veth0.accept_local");
	free(sc->value);
	sc->value = xstrdup("0");
	run_plan(&t);
	KINDS(&t.plan, "article", VL_SYSCTL_SET);
	a = &t.plan.v[0];
	assert_string_equal(a->node, "host");
	assert_string_equal(a->key, "net.ipv4.conf.veth0.accept_local");
	assert_non_null(a->from);
	assert_string_equal(a->from, "0");
	assert_string_equal(a->to, "1");
	assert_text(a, "article", "~ sysctl net.ipv4.conf.veth0.accept_local 0 -> 1 (host)");
	run_fini(&t);
}

/* A key observe could not read (from == NULL) is set. */
static void test_drift_sysctl_unread(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_pair() };
	struct vl_node *left;

	(void)state;
	left = onode(t.o, "left");
	free(left->sysctls[0].key);
	free(left->sysctls[0].value);
	left->n_sysctls = 0;
	run_plan(&t);
	KINDS(&t.plan, "pair", VL_SYSCTL_SET);
	assert_null(t.plan.v[0].from);
	assert_string_equal(t.plan.v[0].to, "1");
	assert_string_equal(t.plan.v[0].node, "left");
	run_fini(&t);
}

static void test_drift_route_missing(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };

	(void)state;
	obs_drop_route(t.o, "host", 0);
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_ADD);
	assert_string_equal(t.plan.v[0].node, "host");
	assert_ptr_equal(t.plan.v[0].route, droute(t.d, "host", 0));
	assert_text(&t.plan.v[0], "article", "+ route 198.51.100.0/24 via 192.168.2.1 (host)");
	run_fini(&t);
}

static void test_drift_route_extra(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	const struct vl_route *extra;

	(void)state;
	extra = obs_route(t.o, "host", "203.0.113.0/24", NULL, "veth1", 50);
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_DEL);
	assert_string_equal(t.plan.v[0].node, "host");
	assert_ptr_equal(t.plan.v[0].route, extra);
	assert_text(&t.plan.v[0], "article", "- route 203.0.113.0/24 dev veth1 metric 50 (host)");
	run_fini(&t);
}

static void test_drift_route_gateway(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	const char *why = NULL;
	struct vl_route *rt;

	(void)state;
	rt = &onode(t.o, "host")->routes[0];
	assert_int_equal(vl_addr_parse("192.168.2.254", &rt->via, &why), 0);
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_DEL, VL_ROUTE_ADD);
	assert_ptr_equal(t.plan.v[0].route, rt);
	assert_ptr_equal(t.plan.v[1].route, droute(t.d, "host", 0));
	assert_text(&t.plan.v[0], "article",
		    "- route 198.51.100.0/24 via 192.168.2.254 dev veth0 (host)");
	assert_text(&t.plan.v[1], "article", "+ route 198.51.100.0/24 via 192.168.2.1 (host)");
	run_fini(&t);
}

/* A route the file pins to a device differs when it leaves by another;
 * an IPv4 route with a metric differs from the file's without one. */
static void test_drift_route_dev_and_metric(void **state)
{
	static const char yaml[] =
		ARTICLE_HEAD "      veth1: {}\n"
		"    routes:\n"
		"      - {to: 198.51.100.0/24, via: 192.168.2.1, dev: veth0}\n"
		"links:\n"
		"  - endpoints: [host:veth0, host:veth1]\n";
	struct run t = { .d = desired(yaml), .o = obs_article() };
	struct vl_route *rt;

	(void)state;
	run_plan(&t);
	assert_empty(&t.plan, "article");
	vl_plan_fini(&t.plan);

	rt = &onode(t.o, "host")->routes[0];
	free(rt->dev);
	rt->dev = xstrdup("veth1");
	rt->oif = 3;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_DEL, VL_ROUTE_ADD);
	vl_plan_fini(&t.plan);

	free(rt->dev);
	rt->dev = xstrdup("veth0");
	rt->oif = 2;
	rt->has_metric = true;
	rt->metric = 1024;	/* 1024 is the default for IPv6 only */
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_DEL, VL_ROUTE_ADD);
	vl_plan_fini(&t.plan);

	rt->metric = 0;		/* an explicit 0 is IPv4's default */
	run_plan(&t);
	assert_empty(&t.plan, "article");
	vl_plan_fini(&t.plan);

	/* the same network with another length is another destination */
	rt->dst.len = 25;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_DEL, VL_ROUTE_ADD);
	vl_plan_fini(&t.plan);
	rt->dst.len = 24;

	/* a direct route is not the gateway route to the same place */
	rt->has_via = false;
	memset(&rt->via, 0, sizeof(rt->via));
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_DEL, VL_ROUTE_ADD);
	run_fini(&t);
}

/* The file's direct route (dev only) and a gateway route observed to the
 * same destination and metric are different routes; a direct route
 * matches whatever route leaves by its device without a gateway. */
static void test_drift_direct_route(void **state)
{
	static const char yaml[] =
		ARTICLE_HEAD "      veth1: {}\n"
		"    routes:\n"
		"      - {to: 203.0.113.0/25, dev: veth1}\n"
		"      - {to: default, via: 192.168.2.1}\n"
		"links:\n"
		"  - endpoints: [host:veth0, host:veth1]\n";
	struct run t = { .d = desired(yaml), .o = obs_article() };
	struct vl_route *rt;

	(void)state;
	obs_drop_route(t.o, "host", 0);
	obs_route(t.o, "host", "203.0.113.0/25", NULL, "veth1", -1);
	obs_route(t.o, "host", "default", "192.168.2.1", "veth0", -1);
	run_plan(&t);
	assert_empty(&t.plan, "article");
	vl_plan_fini(&t.plan);

	rt = &onode(t.o, "host")->routes[0];
	rt->has_via = true;
	rt->via = prefix("192.168.2.1");
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_DEL, VL_ROUTE_ADD);
	assert_ptr_equal(t.plan.v[0].route, rt);
	assert_ptr_equal(t.plan.v[1].route, droute(t.d, "host", 0));
	assert_text(&t.plan.v[1], "article", "+ route 203.0.113.0/25 dev veth1 (host)");
	vl_plan_fini(&t.plan);

	/* the IPv4 default route has metric 0 when none is given */
	rt->has_via = false;
	rt = &onode(t.o, "host")->routes[1];
	rt->has_metric = true;
	rt->metric = 1024;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ROUTE_DEL, VL_ROUTE_ADD);
	assert_ptr_equal(t.plan.v[1].route, droute(t.d, "host", 1));
	assert_text(&t.plan.v[1], "article", "+ route default via 192.168.2.1 (host)");
	run_fini(&t);
}

/* --- IPv6 route metrics --- */

static void test_ipv6_default_metric(void **state)
{
	struct run t = { .d = desired(six_yaml), .o = obs_six() };
	struct vl_route *rt;

	(void)state;
	/* default and :99::/48: no metric in the file, 1024 from the
	 * kernel; :98::/48: metric 1024 in the file, 1024 from the kernel */
	run_plan(&t);
	assert_empty(&t.plan, "six");
	vl_plan_fini(&t.plan);

	/* another metric is another route */
	rt = &onode(t.o, "a")->routes[0];
	rt->metric = 100;
	run_plan(&t);
	KINDS(&t.plan, "six", VL_ROUTE_DEL, VL_ROUTE_ADD);
	assert_ptr_equal(t.plan.v[0].route, rt);
	assert_ptr_equal(t.plan.v[1].route, droute(t.d, "a", 0));
	assert_text(&t.plan.v[0], "six",
		    "- route default (IPv6) via 2001:db8::fe dev e0 metric 100 (a)");
	assert_text(&t.plan.v[1], "six", "+ route default (IPv6) via 2001:db8::fe (a)");
	vl_plan_fini(&t.plan);

	/* the second route missing: that one is added */
	rt->metric = 1024;
	obs_drop_route(t.o, "a", 1);
	run_plan(&t);
	KINDS(&t.plan, "six", VL_ROUTE_ADD);
	assert_ptr_equal(t.plan.v[0].route, droute(t.d, "a", 1));
	assert_text(&t.plan.v[0], "six", "+ route 2001:db8:99::/48 via 2001:db8::fe (a)");
	vl_plan_fini(&t.plan);
	rt = obs_route(t.o, "a", "2001:db8:99::/48", "2001:db8::fe", "e0", 1024);

	/* an explicit metric other than 1024 differs from the default */
	rt->metric = 1023;
	run_plan(&t);
	KINDS(&t.plan, "six", VL_ROUTE_DEL, VL_ROUTE_ADD);
	assert_ptr_equal(t.plan.v[1].route, droute(t.d, "a", 1));
	vl_plan_fini(&t.plan);
	rt->metric = 1024;
	run_plan(&t);
	assert_empty(&t.plan, "six");
	vl_plan_fini(&t.plan);

	/* the IPv4 default route is not the IPv6 one */
	rt = &onode(t.o, "a")->routes[0];
	rt->metric = 1024;
	rt->dst.family = AF_INET;
	rt->via = prefix("10.0.0.1");
	run_plan(&t);
	KINDS(&t.plan, "six", VL_ROUTE_DEL, VL_ROUTE_ADD);
	run_fini(&t);
}

/* --- links that cannot be kept --- */

/* Both ends there, ours, but not each other's peer: delete both, make
 * the pair again, with everything that was on it. */
static void test_unpaired_veth_recreated(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	const struct vl_action *v;

	(void)state;
	oif(t.o, "host", "veth0")->peer_ifindex = 4;
	oif(t.o, "host", "veth1")->peer_ifindex = 5;
	run_plan(&t);
	v = t.plan.v;
	/* the veth sysctls name the new interfaces: set, from nothing; the
	 * route through veth0 goes with it and comes back, no ROUTE_DEL */
	KINDS(&t.plan, "article", VL_LINK_DEL, VL_LINK_DEL, VL_LINK_ADD, VL_SYSCTL_SET,
	      VL_SYSCTL_SET, VL_SYSCTL_SET, VL_SYSCTL_SET, VL_ADDR_ADD, VL_ROUTE_ADD);
	assert_string_equal(v[0].iface, "veth0");
	assert_string_equal(v[1].iface, "veth1");
	for (int i = 0; i < 2; i++) {
		assert_true(v[i].recreate);
		assert_null(v[i].peer_node);
		assert_ptr_equal(v[i].have, oif(t.o, "host", v[i].iface));
	}
	assert_text(&v[0], "article", "- veth host:veth0 (recreate)");
	assert_true(v[2].recreate);
	assert_ptr_equal(v[2].want, diface(t.d, "host", "veth0"));
	assert_ptr_equal(v[2].want_peer, diface(t.d, "host", "veth1"));
	assert_text(&v[2], "article", "+ veth host:veth0 <-> host:veth1 (recreate)");
	for (int i = 3; i < 7; i++) {
		assert_null(v[i].from);
		assert_null(strstr(v[i].key, ".all."));
	}
	assert_string_equal(v[7].iface, "veth0");
	assert_prefix_is(&v[7].addr, "192.168.2.11/24");
	assert_ptr_equal(v[8].route, droute(t.d, "host", 0));
	run_fini(&t);
}

/* One end gone: the other is deleted and the pair made again. */
static void test_half_pair_recreated(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_new("pair") };

	(void)state;
	obs_node(t.o, "left", true, false);
	obs_lo(t.o, "left");
	obs_veth(t.o, "left", "eth0", 2, 2, 0);
	obs_addr(t.o, "left", "eth0", "10.0.0.1/24");
	obs_sysctl(t.o, "left", "net.ipv4.ip_forward", "1");
	obs_node(t.o, "right", true, false);
	obs_lo(t.o, "right");
	run_plan(&t);
	KINDS(&t.plan, "pair", VL_LINK_DEL, VL_LINK_ADD, VL_ADDR_ADD, VL_ADDR_ADD,
	      VL_ROUTE_ADD);
	assert_true(t.plan.v[0].recreate);
	assert_text(&t.plan.v[0], "pair", "- veth left:eth0 (recreate)");
	assert_true(t.plan.v[1].recreate);
	assert_text(&t.plan.v[1], "pair", "+ veth left:eth0 <-> right:eth0 (recreate)");
	run_fini(&t);
}

/* An end that is ours but not a veth is not the file's link. */
static void test_not_a_veth_recreated(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_pair() };
	struct vl_iface *x;

	(void)state;
	x = oif(t.o, "right", "eth0");
	snprintf(x->kind, sizeof(x->kind), "dummy");
	x->peer_ifindex = 0;
	x->peer_nsid = -1;
	oif(t.o, "left", "eth0")->peer_ifindex = 7;
	run_plan(&t);
	KINDS(&t.plan, "pair", VL_LINK_DEL, VL_LINK_DEL, VL_LINK_ADD, VL_ADDR_ADD,
	      VL_ADDR_ADD, VL_ROUTE_ADD);
	assert_text(&t.plan.v[1], "pair", "- dummy right:eth0 (recreate)");
	run_fini(&t);
}

/* Peers that point at each other are still not the file's pair when
 * they are not veths (IFLA_LINK is set for other kinds too). */
static void test_paired_non_veth_recreated(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	size_t at, n;

	(void)state;
	oif(t.o, "host", "veth0")->kind[0] = '\0';
	run_plan(&t);
	at = find_kind(&t.plan, VL_LINK_ADD, &n);
	if (n != 1) {
		dump_plan(&t.plan, "article");
		fail_msg("expected the pair to be made again");
	}
	assert_true(t.plan.v[at].recreate);
	at = find_kind(&t.plan, VL_LINK_DEL, &n);
	assert_true(n >= 1);
	assert_true(t.plan.v[at].recreate);
	assert_string_equal(t.plan.v[at].iface, "veth0");
	run_fini(&t);
}

/* Cross-node ends see their peer through an nsid (>= 0), same-node ends
 * with nsid -1; the wrong one is a pair to make again. */
static void test_cross_node_intact(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_pair() };

	(void)state;
	/* a different nsid on each side is fine: each is local to its
	 * namespace */
	oif(t.o, "right", "eth0")->peer_nsid = 3;
	run_plan(&t);
	assert_empty(&t.plan, "pair");
	run_fini(&t);
}

static void test_cross_node_seen_as_same_node(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_pair() };

	(void)state;
	oif(t.o, "left", "eth0")->peer_nsid = -1;
	oif(t.o, "right", "eth0")->peer_nsid = -1;
	run_plan(&t);
	KINDS(&t.plan, "pair", VL_LINK_DEL, VL_LINK_DEL, VL_LINK_ADD, VL_ADDR_ADD,
	      VL_ADDR_ADD, VL_ROUTE_ADD);
	assert_true(t.plan.v[0].recreate);
	assert_true(t.plan.v[1].recreate);
	assert_true(t.plan.v[2].recreate);
	run_fini(&t);

	/* one side only is enough */
	t.d = desired(pair_yaml);
	t.o = obs_pair();
	oif(t.o, "right", "eth0")->peer_nsid = -1;
	run_plan(&t);
	{
		size_t at, n, dels;

		at = find_kind(&t.plan, VL_LINK_ADD, &n);
		assert_int_equal(n, 1);
		assert_true(t.plan.v[at].recreate);
		at = find_kind(&t.plan, VL_LINK_DEL, &dels);
		assert_true(dels >= 1);
		for (size_t i = at; i < at + dels; i++)
			assert_true(t.plan.v[i].recreate);
		find_kind(&t.plan, VL_ADDR_ADD, &n);
		assert_int_equal(n, 2);
	}
	run_fini(&t);
}

static void test_same_node_seen_across_nodes(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };

	(void)state;
	oif(t.o, "host", "veth0")->peer_nsid = 0;
	oif(t.o, "host", "veth1")->peer_nsid = 0;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_LINK_DEL, VL_LINK_DEL, VL_LINK_ADD, VL_SYSCTL_SET,
	      VL_SYSCTL_SET, VL_SYSCTL_SET, VL_SYSCTL_SET, VL_ADDR_ADD, VL_ROUTE_ADD);
	assert_true(t.plan.v[2].recreate);
	run_fini(&t);
}

/* --- what is not vethlab's --- */

static void test_foreign_iface(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	struct vl_error err = { 0 };
	int r;

	(void)state;
	oif(t.o, "host", "veth1")->owned = false;
	r = vl_plan_make(t.d, t.o, &t.plan, &err);
	assert_int_equal(r, -EEXIST);
	assert_int_equal(err.code, -EEXIST);
	assert_non_null(strstr(err.msg, "exists, not owned by vethlab"));
	assert_non_null(strstr(err.msg, "host:veth1"));
	/* nothing planned */
	assert_int_equal(t.plan.n, 0);
	assert_null(t.plan.v);
	run_fini(&t);

	/* the first end of the link as well */
	t.d = desired(article_yaml);
	t.o = obs_article();
	oif(t.o, "host", "veth0")->owned = false;
	memset(&err, 0, sizeof(err));
	r = vl_plan_make(t.d, t.o, &t.plan, &err);
	assert_int_equal(r, -EEXIST);
	assert_non_null(strstr(err.msg, "interface host:veth0 exists, not owned by vethlab"));
	assert_int_equal(t.plan.n, 0);
	assert_null(t.plan.v);
	run_fini(&t);

	/* also when there is other work before it (a namespace to make) */
	t.d = desired(pair_yaml);
	t.o = obs_new("pair");
	obs_node(t.o, "left", false, false);
	obs_node(t.o, "right", true, false);
	obs_lo(t.o, "right");
	obs_add_if(t.o, "right", "eth0", 2);	/* someone's, by hand */
	memset(&err, 0, sizeof(err));
	r = vl_plan_make(t.d, t.o, &t.plan, &err);
	assert_int_equal(r, -EEXIST);
	assert_non_null(strstr(err.msg, "right:eth0"));
	assert_non_null(strstr(err.msg, "exists, not owned by vethlab"));
	assert_int_equal(t.plan.n, 0);
	assert_null(t.plan.v);
	run_fini(&t);
}

/* Someone else's interface under a name the file does not use is none
 * of our business. */
static void test_foreign_unrelated_iface_ignored(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	struct vl_iface *x;

	(void)state;
	x = obs_add_if(t.o, "host", "dummy0", 9);
	snprintf(x->kind, sizeof(x->kind), "dummy");
	obs_addr(t.o, "host", "dummy0", "10.99.0.1/24");
	run_plan(&t);
	assert_empty(&t.plan, "article");
	run_fini(&t);
}

/* --- namespaces --- */

static void test_removed_node_deleted_last(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	const struct vl_action *last;

	(void)state;
	obs_node(t.o, "old", true, false);
	obs_lo(t.o, "old");
	run_plan(&t);
	KINDS(&t.plan, "article", VL_NETNS_DEL);
	assert_string_equal(t.plan.v[0].node, "old");
	assert_false(t.plan.v[0].recreate);
	assert_text(&t.plan.v[0], "article", "- netns article-old");
	vl_plan_fini(&t.plan);

	/* with other work: after all of it */
	oif(t.o, "host", "veth0")->n_addrs = 0;
	oif(t.o, "host", "lo")->up = false;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_ADDR_ADD, VL_LINK_SET, VL_NETNS_DEL);
	last = &t.plan.v[t.plan.n - 1];
	assert_string_equal(last->node, "old");
	run_fini(&t);
}

/* The pair lab after a crash cut the making of "right" short: its
 * namespace entry is ours but cannot be opened, so nothing is observed in
 * it; left's end still points at the peer that went with it. */
static struct vl_lab *obs_pair_right_stale(void)
{
	struct vl_lab *o = obs_new("pair");

	obs_node(o, "left", true, false);
	obs_lo(o, "left");
	obs_veth(o, "left", "eth0", 2, 2, 0);
	obs_addr(o, "left", "eth0", "10.0.0.1/24");
	obs_sysctl(o, "left", "net.ipv4.ip_forward", "1");
	obs_node(o, "right", false, true);
	return o;
}

/* A node gone from the file goes with everything in it; what it held is
 * not planned again, and a veth of ours in it is never a recreate. */
static void test_removed_node_with_links(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	size_t at, n;

	(void)state;
	obs_node(t.o, "old", true, false);
	obs_lo(t.o, "old");
	obs_veth(t.o, "old", "veth0", 2, 3, -1);
	obs_veth(t.o, "old", "veth1", 3, 2, -1);
	obs_addr(t.o, "old", "veth0", "192.168.2.11/24");
	obs_route(t.o, "old", "198.51.100.0/24", "192.168.2.1", "veth0", -1);
	run_plan(&t);
	at = find_kind(&t.plan, VL_NETNS_DEL, &n);
	if (n != 1 || at != t.plan.n - 1) {
		dump_plan(&t.plan, "article");
		fail_msg("expected one NETNS_DEL, last");
	}
	assert_string_equal(t.plan.v[at].node, "old");
	for (size_t i = 0; i < at; i++) {
		assert_int_equal(t.plan.v[i].kind, VL_LINK_DEL);
		assert_string_equal(t.plan.v[i].node, "old");
		assert_false(t.plan.v[i].recreate);
	}
	assert_true(at <= 1);
	run_fini(&t);
}

static void test_stale_node_recreated(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_pair_right_stale() };
	size_t del, add, n_del, n_add;

	(void)state;
	run_plan(&t);
	del = find_kind(&t.plan, VL_NETNS_DEL, &n_del);
	add = find_kind(&t.plan, VL_NETNS_ADD, &n_add);
	if (n_del != 1 || n_add != 1) {
		dump_plan(&t.plan, "pair");
		fail_msg("expected one NETNS_DEL and one NETNS_ADD");
	}
	assert_string_equal(t.plan.v[del].node, "right");
	assert_true(t.plan.v[del].recreate);
	assert_text(&t.plan.v[del], "pair", "- netns pair-right (recreate)");
	assert_string_equal(t.plan.v[add].node, "right");
	assert_true(t.plan.v[add].recreate);
	assert_text(&t.plan.v[add], "pair", "+ netns pair-right (recreate)");
	/* besides: left's dangling end goes, the pair and everything in
	 * right is made again */
	assert_int_equal(t.plan.n, 8);
	find_kind(&t.plan, VL_LINK_DEL, &n_del);
	assert_int_equal(n_del, 1);
	add = find_kind(&t.plan, VL_LINK_ADD, &n_add);
	assert_int_equal(n_add, 1);
	assert_true(t.plan.v[add].recreate);
	find_kind(&t.plan, VL_ROUTE_ADD, &n_add);
	assert_int_equal(n_add, 1);
	run_fini(&t);
}

static void test_stale_node_deleted_before_add(void **state)
{
	struct run t = { 0 };
	size_t del, add, n;

	(void)state;
	t.d = desired(pair_yaml);
	t.o = obs_pair_right_stale();
	run_plan(&t);
	del = find_kind(&t.plan, VL_NETNS_DEL, &n);
	assert_int_equal(n, 1);
	add = find_kind(&t.plan, VL_NETNS_ADD, &n);
	assert_int_equal(n, 1);
	if (del > add) {
		dump_plan(&t.plan, "pair");
		fail_msg("NETNS_DEL (recreate) at %zu comes after NETNS_ADD at %zu", del, add);
	}
	/* and before anything that goes into the new namespace */
	for (size_t i = 0; i < t.plan.n; i++)
		if (i != del && t.plan.v[i].kind != VL_LINK_DEL &&
		    (!strcmp(t.plan.v[i].node, "right") ||
		     (t.plan.v[i].peer_node && !strcmp(t.plan.v[i].peer_node, "right"))))
			assert_true(i > del);
	run_fini(&t);
}

/* --- links removed from the file --- */

static void test_removed_link_one_delete(void **state)
{
	struct run t = { .d = desired("name: article\nnodes:\n  host:\n"), .o = obs_article() };
	const struct vl_action *a;

	(void)state;
	run_plan(&t);
	/* one delete takes both ends (and the route through them) */
	KINDS(&t.plan, "article", VL_LINK_DEL);
	a = &t.plan.v[0];
	assert_false(a->recreate);
	assert_string_equal(a->node, "host");
	assert_string_equal(a->iface, "veth0");
	assert_string_equal(a->peer_node, "host");
	assert_string_equal(a->peer_iface, "veth1");
	assert_ptr_equal(a->have, oif(t.o, "host", "veth0"));
	assert_text(a, "article", "- veth host:veth0 <-> host:veth1");
	run_fini(&t);
}

static void test_removed_cross_node_link_one_delete(void **state)
{
	struct run t = { .d = desired("name: pair\nnodes:\n  left:\n  right:\n"),
			 .o = obs_pair() };

	(void)state;
	run_plan(&t);
	KINDS(&t.plan, "pair", VL_LINK_DEL);
	assert_string_equal(t.plan.v[0].node, "left");
	assert_string_equal(t.plan.v[0].peer_node, "right");
	assert_string_equal(t.plan.v[0].peer_iface, "eth0");
	assert_text(&t.plan.v[0], "pair", "- veth left:eth0 <-> right:eth0");
	run_fini(&t);
}

/* ifindexes are per namespace, so the same (ifindex, peer ifindex) pair
 * can show up in several nodes: the peer of a removed link must not be
 * taken from a link the file keeps. */
static void test_removed_link_peer_not_a_kept_end(void **state)
{
	struct run t = { 0 };

	(void)state;
	t.d = desired("name: tri\nnodes:\n  a:\n  b:\n  c:\n"
		      "links:\n  - endpoints: [b:e0, c:e0]\n");
	t.o = obs_new("tri");
	obs_node(t.o, "a", true, false);
	obs_lo(t.o, "a");
	obs_veth(t.o, "a", "e0", 2, 3, 0);
	obs_node(t.o, "b", true, false);
	obs_lo(t.o, "b");
	obs_veth(t.o, "b", "e0", 3, 2, 0);
	obs_node(t.o, "c", true, false);
	obs_lo(t.o, "c");
	obs_veth(t.o, "c", "e0", 2, 3, 0);
	obs_veth(t.o, "c", "e1", 3, 2, 1);
	run_plan(&t);
	KINDS(&t.plan, "tri", VL_LINK_DEL);
	assert_string_equal(t.plan.v[0].node, "a");
	assert_string_equal(t.plan.v[0].peer_node, "c");
	assert_string_equal(t.plan.v[0].peer_iface, "e1");
	run_fini(&t);
}

/* An owned interface that is no veth, on no link any more. */
static void test_removed_owned_non_veth(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_article() };
	struct vl_iface *x;

	(void)state;
	x = obs_add_if(t.o, "host", "old0", 7);
	x->owned = true;
	run_plan(&t);
	KINDS(&t.plan, "article", VL_LINK_DEL);
	assert_false(t.plan.v[0].recreate);
	assert_null(t.plan.v[0].peer_node);
	assert_text(&t.plan.v[0], "article", "- link host:old0");
	run_fini(&t);
}

/* --- sysctls naming interfaces being made --- */

/* Only keys that name a new interface lose their observed value; an
 * interface called like a part of a key ("ipv4") must not make every
 * key look unread. */
static void test_sysctl_iface_name_inside_key(void **state)
{
	static const char yaml[] =
		"name: odd\n"
		"nodes:\n"
		"  a:\n"
		"    sysctls:\n"
		"      net.ipv4.ip_forward: 1\n"
		"links:\n"
		"  - endpoints: [a:ipv4, a:x1]\n";
	struct run t = { 0 };

	(void)state;
	t.d = desired(yaml);
	t.o = obs_new("odd");
	obs_node(t.o, "a", true, false);
	obs_lo(t.o, "a");
	obs_sysctl(t.o, "a", "net.ipv4.ip_forward", "1");
	run_plan(&t);
	KINDS(&t.plan, "odd", VL_LINK_ADD);
	run_fini(&t);
}

/* A key naming a kept interface whose name holds a new one's ("eth0"
 * in "veth0") keeps its observed value. */
static void test_sysctl_kept_iface_keeps_value(void **state)
{
	static const char yaml[] =
		"name: sub\n"
		"nodes:\n"
		"  a:\n"
		"    sysctls:\n"
		"      net.ipv4.conf.eth0.rp_filter: 2\n"
		"      net.ipv4.conf.veth0.rp_filter: 2\n"
		"links:\n"
		"  - endpoints: [a:eth0, a:eth1]\n"
		"  - endpoints: [a:veth0, a:veth1]\n";
	struct run t = { .d = desired(yaml), .o = obs_new("sub") };

	(void)state;
	obs_node(t.o, "a", true, false);
	obs_lo(t.o, "a");
	obs_veth(t.o, "a", "veth0", 2, 3, -1);
	obs_veth(t.o, "a", "veth1", 3, 2, -1);
	obs_sysctl(t.o, "a", "net.ipv4.conf.veth0.rp_filter", "2");
	run_plan(&t);
	KINDS(&t.plan, "sub", VL_LINK_ADD, VL_SYSCTL_SET);
	assert_string_equal(t.plan.v[0].iface, "eth0");
	assert_false(t.plan.v[0].recreate);
	assert_string_equal(t.plan.v[1].key, "net.ipv4.conf.eth0.rp_filter");
	assert_null(t.plan.v[1].from);
	assert_string_equal(t.plan.v[1].to, "2");
	run_fini(&t);
}

/* --- phase order --- */

/* Plans mixing kinds come out in enum vl_act order, ties in file order;
 * the two together hold every kind. */
static void test_every_phase_in_order(void **state)
{
	struct run t = { .d = desired(pair_yaml), .o = obs_pair() };

	(void)state;
	/* right is new; left has drift of every kind; "old" goes */
	onode(t.o, "right")->present = false;
	free(onode(t.o, "right")->ifaces[0].name);
	free(onode(t.o, "right")->ifaces[1].name);
	free(onode(t.o, "right")->ifaces[1].addrs);
	onode(t.o, "right")->n_ifaces = 0;
	obs_drop_route(t.o, "right", 0);
	obs_addr(t.o, "left", "eth0", "10.0.0.9/24");
	osysctl(t.o, "left", "net.ipv4.ip_forward")->value[0] = '0';
	obs_route(t.o, "left", "203.0.113.0/24", "10.0.0.2", "eth0", -1);
	oif(t.o, "left", "lo")->up = false;
	obs_node(t.o, "old", true, false);
	obs_lo(t.o, "old");
	run_plan(&t);
	/* left:eth0 still points at a peer that is not there: a recreate,
	 * so its extra address goes with it (no ADDR_DEL), and so does the
	 * extra route that leaves by it (no ROUTE_DEL) */
	KINDS(&t.plan, "pair", VL_LINK_DEL, VL_NETNS_ADD, VL_LINK_ADD, VL_SYSCTL_SET,
	      VL_ADDR_ADD, VL_ADDR_ADD, VL_LINK_SET, VL_LINK_SET, VL_ROUTE_ADD,
	      VL_NETNS_DEL);
	for (size_t i = 1; i < t.plan.n; i++)
		assert_true(t.plan.v[i - 1].kind <= t.plan.v[i].kind);
	run_fini(&t);

	/* all drift kept in place: ROUTE_DEL and ADDR_DEL first */
	t.d = desired(pair_yaml);
	t.o = obs_pair();
	obs_addr(t.o, "left", "eth0", "10.0.0.9/24");
	obs_route(t.o, "right", "203.0.113.0/24", "10.0.0.1", "eth0", -1);
	oif(t.o, "right", "eth0")->n_addrs = 0;
	oif(t.o, "left", "eth0")->mtu = 1280;
	osysctl(t.o, "left", "net.ipv4.ip_forward")->value[0] = '0';
	obs_drop_route(t.o, "right", 0);
	run_plan(&t);
	KINDS(&t.plan, "pair", VL_ROUTE_DEL, VL_ADDR_DEL, VL_SYSCTL_SET, VL_ADDR_ADD,
	      VL_LINK_SET, VL_ROUTE_ADD);
	assert_string_equal(t.plan.v[0].node, "right");
	assert_string_equal(t.plan.v[1].node, "left");
	assert_string_equal(t.plan.v[2].from, "0");
	assert_string_equal(t.plan.v[3].node, "right");
	assert_text(&t.plan.v[4], "pair", "~ link left:eth0 mtu 1280 -> 1500");
	assert_string_equal(t.plan.v[5].node, "right");
	run_fini(&t);
}

/* --- texts --- */

static void test_action_str_every_kind(void **state)
{
	struct vl_iface want = { .name = "veth1", .mtu = 1400, .up = false, .has_mac = true,
				 .mac = { 0x02, 0xab, 0, 0, 0, 0x0a } };
	struct vl_iface want_dflt = { .name = "eth0", .up = true };
	struct vl_iface have = { .name = "veth1", .mtu = 1500, .kind = "veth" };
	struct vl_iface have_nokind = { .name = "x", .mtu = 1500 };
	struct vl_route r4 = { .dst = prefix("198.51.100.0/24"), .has_via = true,
			       .via = prefix("192.168.2.1"), .dev = "veth0",
			       .has_metric = true, .metric = 7 };
	struct vl_route r4def = { .dst = { .family = AF_INET }, .is_default = true,
				  .dev = "eth0" };
	struct vl_route r6def = { .dst = { .family = AF_INET6 }, .is_default = true,
				  .has_via = true, .via = prefix("fe80::1") };
	/* written "::/0" in the file: not "default", length 0 all the same */
	struct vl_route r6zero = { .dst = prefix("::/0"), .dev = "eth0" };
	struct vl_action a;
	char small[12];

	(void)state;
	a = (struct vl_action){ .kind = VL_NETNS_ADD, .node = "host" };
	assert_text(&a, "article", "+ netns article-host");
	a.recreate = true;
	assert_text(&a, "article", "+ netns article-host (recreate)");
	a = (struct vl_action){ .kind = VL_NETNS_DEL, .node = "old" };
	assert_text(&a, "lab", "- netns lab-old");

	a = (struct vl_action){ .kind = VL_LINK_ADD, .node = "a", .iface = "e0",
				.peer_node = "b", .peer_iface = "e1" };
	assert_text(&a, "l", "+ veth a:e0 <-> b:e1");
	a.kind = VL_LINK_DEL;
	a.recreate = true;
	assert_text(&a, "l", "- veth a:e0 <-> b:e1 (recreate)");
	a = (struct vl_action){ .kind = VL_LINK_DEL, .node = "a", .iface = "veth1",
				.have = &have };
	assert_text(&a, "l", "- veth a:veth1");
	a.have = &have_nokind;
	assert_text(&a, "l", "- link a:veth1");
	a.have = NULL;
	assert_text(&a, "l", "- link a:veth1");

	a = (struct vl_action){ .kind = VL_LINK_SET, .node = "host", .iface = "veth1",
				.want = &want, .have = &have, .set_mtu = true,
				.set_mac = true, .set_up = true };
	assert_text(&a, "article", "~ link host:veth1 mtu 1500 -> 1400 mac 02:ab:00:00:00:0a down");
	a.set_mtu = false;
	a.set_mac = false;
	assert_text(&a, "article", "~ link host:veth1 down");
	a = (struct vl_action){ .kind = VL_LINK_SET, .node = "n", .iface = "eth0",
				.want = &want_dflt, .have = &have, .set_mtu = true,
				.set_up = true };
	have.mtu = 9000;
	assert_text(&a, "article", "~ link n:eth0 mtu 9000 -> 1500 up");

	a = (struct vl_action){ .kind = VL_ADDR_ADD, .node = "host", .iface = "veth0",
				.addr = prefix("fd00::1/64") };
	assert_text(&a, "article", "+ addr fd00::1/64 dev veth0 (host)");
	a.kind = VL_ADDR_DEL;
	assert_text(&a, "article", "- addr fd00::1/64 dev veth0 (host)");

	a = (struct vl_action){ .kind = VL_ROUTE_ADD, .node = "host", .route = &r4 };
	assert_text(&a, "article", "+ route 198.51.100.0/24 via 192.168.2.1 dev veth0 metric 7 (host)");
	a.kind = VL_ROUTE_DEL;
	a.route = &r4def;
	assert_text(&a, "article", "- route default dev eth0 (host)");
	a.route = &r6def;
	assert_text(&a, "article", "- route default (IPv6) via fe80::1 (host)");
	a.route = &r6zero;
	assert_text(&a, "article", "- route default (IPv6) dev eth0 (host)");

	a = (struct vl_action){ .kind = VL_SYSCTL_SET, .node = "host",
				.key = "net.ipv4.ip_local_port_range", .from = "32768 60999",
				.to = "40000 50000" };
	assert_text(&a, "article",
		    "~ sysctl net.ipv4.ip_local_port_range 32768 60999 -> 40000 50000 (host)");
	a.from = NULL;
	assert_text(&a, "article", "~ sysctl net.ipv4.ip_local_port_range = 40000 50000 (host)");

	a = (struct vl_action){ .kind = VL_ACT_MAX, .node = "host" };
	assert_text(&a, "article", "? action 10");

	/* a short buffer holds a terminated prefix, no more */
	a = (struct vl_action){ .kind = VL_LINK_SET, .node = "host", .iface = "veth1",
				.want = &want, .have = &have, .set_mtu = true,
				.set_mac = true, .set_up = true };
	memset(small, 'Z', sizeof(small));
	vl_action_str(&a, "article", small, 8);
	assert_string_equal(small, "~ link ");
	assert_int_equal(small[8], 'Z');
	a = (struct vl_action){ .kind = VL_ROUTE_ADD, .node = "host", .route = &r4 };
	vl_action_str(&a, "article", small, 8);
	assert_string_equal(small, "+ route");
}

static void test_default_mtu(void **state)
{
	(void)state;
	assert_int_equal(vl_default_mtu("lo"), 65536);
	assert_int_equal(vl_default_mtu("veth0"), 1500);
	assert_int_equal(vl_default_mtu("lo0"), 1500);
}

/* --- JSON --- */

static char *json_of(const struct vl_plan *plan, const char *lab)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	vl_plan_json(plan, lab, f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
}

static void test_plan_json(void **state)
{
	struct run t = { .d = desired(article_yaml), .o = obs_new("article") };
	size_t objects = 0, depth = 0, len;
	bool in_str = false;
	char *js;

	(void)state;
	obs_node(t.o, "host", false, false);
	run_plan(&t);
	assert_int_equal(t.plan.n, 10);
	js = json_of(&t.plan, "article");
	len = strlen(js);
	assert_true(len > 4);
	assert_memory_equal(js, "[\n  {\"op\": \"+\", \"kind\": \"netns\", \"node\": \"host\", "
			    "\"recreate\": false, \"text\": \"+ netns article-host\"},\n",
			    strlen("[\n  {\"op\": \"+\", \"kind\": \"netns\", \"node\": \"host\", "
				   "\"recreate\": false, \"text\": \"+ netns article-host\"},\n"));
	assert_non_null(strstr(js, "{\"op\": \"+\", \"kind\": \"link\", \"node\": \"host\", "
				   "\"iface\": \"veth0\", \"recreate\": false, "
				   "\"text\": \"+ veth host:veth0 <-> host:veth1\"}"));
	assert_non_null(strstr(js, "{\"op\": \"~\", \"kind\": \"sysctl\", \"node\": \"host\", "
				   "\"recreate\": false, "
				   "\"text\": \"~ sysctl net.ipv4.conf.all.rp_filter = 0 (host)\"}"));
	assert_non_null(strstr(js, "\"kind\": \"route\""));
	assert_memory_equal(js + len - 4, "}\n]\n", 4);
	/* balanced braces outside strings, one object per action */
	for (size_t i = 0; i < len; i++) {
		char c = js[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[')
			depth++, objects += c == '{';
		else if (c == '}' || c == ']') {
			assert_true(depth > 0);
			depth--;
		}
	}
	assert_false(in_str);
	assert_int_equal(depth, 0);
	assert_int_equal(objects, t.plan.n);
	free(js);
	run_fini(&t);
}

static void test_plan_json_empty_and_escaped(void **state)
{
	struct vl_plan empty = { 0 };
	struct vl_action a = { .kind = VL_ADDR_DEL, .node = "n\"1", .iface = "e\\0",
			       .addr = prefix("10.0.0.1/8"), .recreate = true };
	struct vl_plan one = { .v = &a, .n = 1 };
	char *js;

	(void)state;
	js = json_of(&empty, "lab");
	assert_string_equal(js, "[]\n");
	free(js);

	js = json_of(&one, "lab");
	assert_string_equal(js,
		"[\n  {\"op\": \"-\", \"kind\": \"addr\", \"node\": \"n\\\"1\", "
		"\"iface\": \"e\\\\0\", \"recreate\": true, "
		"\"text\": \"- addr 10.0.0.1/8 dev e\\\\0 (n\\\"1)\"}\n]\n");
	free(js);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_article),
		cmocka_unit_test(test_fresh_article_no_observed_node),
		cmocka_unit_test(test_fresh_pair),
		cmocka_unit_test(test_fresh_lo_as_declared),
		cmocka_unit_test(test_converged_article),
		cmocka_unit_test(test_converged_pair),
		cmocka_unit_test(test_converged_explicit_settings),
		cmocka_unit_test(test_converged_observed_order),
		cmocka_unit_test(test_drift_missing_address),
		cmocka_unit_test(test_drift_extra_address),
		cmocka_unit_test(test_drift_address_length),
		cmocka_unit_test(test_drift_link_down),
		cmocka_unit_test(test_drift_link_should_be_down),
		cmocka_unit_test(test_drift_lo_down),
		cmocka_unit_test(test_drift_mtu),
		cmocka_unit_test(test_drift_mtu_back_to_default),
		cmocka_unit_test(test_drift_mac),
		cmocka_unit_test(test_drift_sysctl),
		cmocka_unit_test(test_drift_sysctl_unread),
		cmocka_unit_test(test_drift_route_missing),
		cmocka_unit_test(test_drift_route_extra),
		cmocka_unit_test(test_drift_route_gateway),
		cmocka_unit_test(test_drift_route_dev_and_metric),
		cmocka_unit_test(test_drift_direct_route),
		cmocka_unit_test(test_ipv6_default_metric),
		cmocka_unit_test(test_unpaired_veth_recreated),
		cmocka_unit_test(test_half_pair_recreated),
		cmocka_unit_test(test_not_a_veth_recreated),
		cmocka_unit_test(test_paired_non_veth_recreated),
		cmocka_unit_test(test_cross_node_intact),
		cmocka_unit_test(test_cross_node_seen_as_same_node),
		cmocka_unit_test(test_same_node_seen_across_nodes),
		cmocka_unit_test(test_foreign_iface),
		cmocka_unit_test(test_foreign_unrelated_iface_ignored),
		cmocka_unit_test(test_removed_node_deleted_last),
		cmocka_unit_test(test_removed_node_with_links),
		cmocka_unit_test(test_stale_node_recreated),
		cmocka_unit_test(test_stale_node_deleted_before_add),
		cmocka_unit_test(test_removed_link_one_delete),
		cmocka_unit_test(test_removed_cross_node_link_one_delete),
		cmocka_unit_test(test_removed_link_peer_not_a_kept_end),
		cmocka_unit_test(test_removed_owned_non_veth),
		cmocka_unit_test(test_sysctl_iface_name_inside_key),
		cmocka_unit_test(test_sysctl_kept_iface_keeps_value),
		cmocka_unit_test(test_every_phase_in_order),
		cmocka_unit_test(test_action_str_every_kind),
		cmocka_unit_test(test_default_mtu),
		cmocka_unit_test(test_plan_json),
		cmocka_unit_test(test_plan_json_empty_and_escaped),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
