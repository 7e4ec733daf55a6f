/* The valid fixtures: every tests/fixtures/valid file loads without a
 * single diagnostic, and the model it yields holds what the file says
 * (names, order, address bytes, routes, normalised sysctl values,
 * resolved links, positions). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/link.h"
#include "core/topo.h"
#include "core/util.h"
#include "tests/unit/testlib.h"

#define FIXTURES "tests/fixtures/valid"

static struct vl_lab *load(const char *path)
{
	struct vl_error err = { 0 };
	struct vl_lab *lab;
	struct vl_diags d;
	size_t n;
	int r;

	assert_int_equal(vl_diags_init(&d, path), 0);
	r = vl_topo_load(path, &lab, &d, &err);
	if (r || d.n) {
		print_message("# %s: %s\n", path, err.msg);
		tl_dump(path, &d);
	}
	n = d.n;
	vl_diags_fini(&d);
	assert_int_equal(r, 0);
	assert_int_equal(n, 0);		/* no warnings either */
	assert_non_null(lab);
	return lab;
}

static struct vl_node *node(struct vl_lab *lab, const char *name)
{
	size_t i = vl_lab_node_index(lab, name);

	if (i == VL_NONE)
		fail_msg("no node \"%s\"", name);
	return &lab->nodes[i];
}

static struct vl_iface *iface(struct vl_node *n, const char *name)
{
	size_t i = vl_node_iface_index(n, name);

	if (i == VL_NONE)
		fail_msg("no interface \"%s\" in node \"%s\"", name, n->name);
	return &n->ifaces[i];
}

/* P holds exactly ADDR/LEN, compared as bytes against inet_pton. */
static void assert_prefix(const struct vl_prefix *p, const char *addr,
			  unsigned len)
{
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	unsigned char want[16] = { 0 };

	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_int_equal(p->family, family);
	assert_int_equal(p->len, len);
	assert_memory_equal(p->addr, want, family == AF_INET ? 4 : 16);
}

static void assert_loc(struct vl_loc loc, unsigned line, unsigned col)
{
	assert_int_equal(loc.line, line);
	assert_int_equal(loc.col, col);
}

/* lo is always the first interface, whatever the file's order */
static void assert_iface_names(const struct vl_node *n, const char *const *names,
			       size_t count)
{
	assert_int_equal(n->n_ifaces, count);
	for (size_t i = 0; i < count; i++)
		assert_string_equal(n->ifaces[i].name, names[i]);
}

/* Every valid file loads clean, and its name read without parsing (what
 * `down FILE` does for a file it knows) is the one the parser reads. */
static void test_loads_clean(void **state)
{
	struct vl_lab *lab = load(*state);
	char name[VL_MAX_LAB_NAME + 1];
	size_t len;
	char *buf;

	assert_int_equal(vl_read_file(*state, VL_MAX_FILE_SIZE, &buf, &len), 0);
	assert_int_equal(vl_topo_peek_name(buf, len, name, sizeof(name)), 0);
	assert_string_equal(name, lab->name);
	free(buf);
	vl_lab_free(lab);
}

static int peek(const char *text, char *name)
{
	return vl_topo_peek_name(text, strlen(text), name, VL_MAX_LAB_NAME + 1);
}

static void test_peek_name(void **state)
{
	char name[VL_MAX_LAB_NAME + 1];

	(void)state;
	assert_int_equal(peek("name: a\nnodes: {}\n", name), 0);
	assert_string_equal(name, "a");
	/* last, after collections that have a "name" of their own */
	assert_int_equal(peek("nodes:\n  name: {name: x}\n  n: [name, {name: y}]\n"
			      "links: [{name: z}]\n'name': \"late\"\n", name), 0);
	assert_string_equal(name, "late");
	/* a value "name" is not the key */
	assert_int_equal(peek("x: name\nname: k\n", name), 0);
	assert_string_equal(name, "k");
	assert_int_equal(peek("\xef\xbb\xbfname: bom\n", name), 0);
	assert_string_equal(name, "bom");
	assert_int_equal(peek("nodes: {}\n", name), -ENOENT);
	assert_int_equal(peek("", name), -ENOENT);
	assert_int_equal(peek("just a scalar\n", name), -ENOENT);
	assert_int_equal(peek("name: a\n---\nname: b\n", name), 0);
	assert_string_equal(name, "a");
	assert_int_equal(peek("nodes: {}\n---\nname: b\n", name), -ENOENT);
	assert_int_equal(peek("name: {a: 1}\n", name), -EINVAL);
	assert_int_equal(peek("name: [a]\n", name), -EINVAL);
	assert_int_equal(peek("x: &n v\nname: *n\n", name), -EINVAL);
	assert_int_equal(peek("- name: a\n", name), -EINVAL);
	assert_int_equal(peek("nodes: [\nname: a\n", name), -EINVAL);
	assert_int_equal(peek("name: \"a\\0b\"\n", name), -EINVAL);
	/* 33 characters do not fit, 32 do */
	assert_int_equal(peek("name: abcdefghijabcdefghijabcdefghijabc\n", name), -EINVAL);
	assert_int_equal(peek("name: abcdefghijabcdefghijabcdefghijab\n", name), 0);
	assert_int_equal(strlen(name), VL_MAX_LAB_NAME);
}

static void test_minimal(void **state)
{
	struct vl_lab *lab = load(FIXTURES "/minimal.yaml");
	struct vl_node *n;

	(void)state;
	assert_string_equal(lab->name, "min");
	assert_loc(lab->name_loc, 2, 7);
	assert_int_equal(lab->n_nodes, 1);
	assert_int_equal(lab->n_links, 0);
	n = &lab->nodes[0];
	assert_string_equal(n->name, "solo");
	assert_loc(n->loc, 4, 3);
	assert_iface_names(n, (const char *const[]){ "lo" }, 1);
	assert_false(n->ifaces[0].declared);
	assert_true(n->ifaces[0].up);
	assert_int_equal(n->ifaces[0].n_addrs, 0);
	assert_int_equal(n->ifaces[0].link, VL_NONE);
	assert_int_equal(n->n_routes, 0);
	assert_int_equal(n->n_sysctls, 0);
	vl_lab_free(lab);
}

static void test_article(void **state)
{
	static const char *const keys[] = {
		"net.ipv4.conf.all.rp_filter", "net.ipv4.conf.veth0.rp_filter",
		"net.ipv4.conf.veth1.rp_filter", "net.ipv4.conf.veth0.accept_local",
		"net.ipv4.conf.veth1.accept_local",
	};
	static const char *const vals[] = { "0", "0", "0", "1", "1" };
	struct vl_lab *lab = load(FIXTURES "/article.yaml");
	struct vl_node *host;
	struct vl_iface *v0, *v1;
	struct vl_link *l;

	(void)state;
	assert_string_equal(lab->name, "article");
	assert_int_equal(lab->n_nodes, 1);
	host = node(lab, "host");
	assert_iface_names(host, (const char *const[]){ "lo", "veth0", "veth1" }, 3);
	v0 = iface(host, "veth0");
	v1 = iface(host, "veth1");
	assert_true(v0->declared && v1->declared);
	assert_true(v0->up && v1->up);
	assert_int_equal(v0->n_addrs, 1);
	assert_prefix(&v0->addrs[0].p, "192.168.2.11", 24);
	assert_int_equal(v1->n_addrs, 0);

	assert_int_equal(host->n_sysctls, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(host->sysctls[i].key, keys[i]);
		assert_string_equal(host->sysctls[i].value, vals[i]);
	}

	assert_int_equal(host->n_routes, 1);
	assert_prefix(&host->routes[0].dst, "198.51.100.0", 24);
	assert_false(host->routes[0].is_default);
	assert_true(host->routes[0].has_via);
	assert_prefix(&host->routes[0].via, "192.168.2.1", 32);
	assert_null(host->routes[0].dev);
	assert_false(host->routes[0].has_metric);

	/* both ends of the one veth pair in one node, resolved */
	assert_int_equal(lab->n_links, 1);
	l = &lab->links[0];
	assert_ptr_equal(l->kind, &vl_link_veth);
	assert_int_equal(l->n_ends, 2);
	assert_string_equal(l->ends[0].node, "host");
	assert_string_equal(l->ends[0].iface, "veth0");
	assert_string_equal(l->ends[1].iface, "veth1");
	assert_int_equal(l->ends[0].node_idx, 0);
	assert_int_equal(l->ends[1].node_idx, 0);
	assert_int_equal(l->ends[0].iface_idx, 1);
	assert_int_equal(l->ends[1].iface_idx, 2);
	assert_int_equal(v0->link, 0);
	assert_int_equal(v0->link_end, 0);
	assert_int_equal(v1->link, 0);
	assert_int_equal(v1->link_end, 1);
	vl_lab_free(lab);
}

static void test_two_nodes_ipv6(void **state)
{
	static const unsigned char mac_l[6] = { 2, 0, 0, 0, 0, 0x0a };
	static const unsigned char mac_r[6] = { 2, 0, 0, 0, 0, 0x0b };
	struct vl_lab *lab = load(FIXTURES "/two-nodes-ipv6.yaml");
	struct vl_iface *l, *r;

	(void)state;
	assert_int_equal(lab->n_nodes, 2);
	assert_string_equal(lab->nodes[0].name, "left");
	assert_string_equal(lab->nodes[1].name, "right");
	l = iface(node(lab, "left"), "eth0");
	r = iface(node(lab, "right"), "eth0");

	assert_loc(l->loc, 7, 7);
	assert_int_equal(l->n_addrs, 3);
	assert_prefix(&l->addrs[0].p, "10.0.0.1", 24);
	assert_prefix(&l->addrs[1].p, "fd00::1", 64);
	assert_prefix(&l->addrs[2].p, "fe80::1", 64);
	/* each address keeps its own position, quoted or not */
	assert_loc(l->addrs[0].loc, 8, 21);
	assert_loc(l->addrs[1].loc, 8, 34);
	assert_loc(l->addrs[2].loc, 8, 48);
	assert_int_equal(l->mtu, 9000);
	assert_loc(l->mtu_loc, 9, 14);
	assert_true(l->has_mac);
	assert_memory_equal(l->mac, mac_l, 6);
	assert_true(l->up);

	assert_int_equal(r->n_addrs, 2);
	assert_prefix(&r->addrs[0].p, "10.0.0.2", 24);
	assert_prefix(&r->addrs[1].p, "fd00::2", 64);
	assert_loc(r->addrs[1].loc, 17, 13);
	assert_int_equal(r->mtu, 0);
	assert_true(r->has_mac);
	assert_memory_equal(r->mac, mac_r, 6);
	assert_false(r->up);

	assert_int_equal(lab->n_links, 1);
	assert_ptr_equal(lab->links[0].kind, &vl_link_veth);
	assert_int_equal(lab->links[0].ends[0].node_idx, 0);
	assert_int_equal(lab->links[0].ends[1].node_idx, 1);
	assert_int_equal(l->link, 0);
	assert_int_equal(r->link, 0);
	assert_int_equal(r->link_end, 1);
	vl_lab_free(lab);
}

static void test_routes(void **state)
{
	struct vl_lab *lab = load(FIXTURES "/routes.yaml");
	struct vl_node *r1;
	struct vl_route *rt;

	(void)state;
	r1 = node(lab, "r1");
	assert_int_equal(r1->n_routes, 8);
	rt = r1->routes;

	/* via only */
	assert_prefix(&rt[0].dst, "192.0.2.0", 24);
	assert_true(rt[0].has_via);
	assert_prefix(&rt[0].via, "10.1.0.2", 32);
	assert_null(rt[0].dev);
	assert_false(rt[0].has_metric);
	assert_loc(rt[0].loc, 11, 9);
	assert_loc(rt[0].to_loc, 11, 14);
	assert_loc(rt[0].via_loc, 11, 33);

	/* dev only */
	assert_prefix(&rt[1].dst, "198.51.100.0", 24);
	assert_false(rt[1].has_via);
	assert_string_equal(rt[1].dev, "eth1");
	assert_loc(rt[1].dev_loc, 12, 36);

	/* via, dev and metric; then the same prefix with another metric */
	assert_prefix(&rt[2].dst, "203.0.113.0", 25);
	assert_prefix(&rt[2].via, "10.2.0.2", 32);
	assert_string_equal(rt[2].dev, "eth1");
	assert_true(rt[2].has_metric);
	assert_int_equal(rt[2].metric, 100);
	assert_prefix(&rt[3].dst, "203.0.113.0", 25);
	assert_int_equal(rt[3].metric, 200);

	/* "default" takes its family from the gateway */
	assert_true(rt[4].is_default);
	assert_prefix(&rt[4].dst, "0.0.0.0", 0);
	assert_prefix(&rt[4].via, "10.1.0.254", 32);
	assert_true(rt[5].is_default);
	assert_prefix(&rt[5].dst, "::", 0);
	assert_prefix(&rt[5].via, "2001:db8:1::fe", 128);

	/* a link-local gateway with its dev */
	assert_prefix(&rt[6].dst, "2001:db8:99::", 48);
	assert_prefix(&rt[6].via, "fe80::2", 128);
	assert_string_equal(rt[6].dev, "eth0");

	/* a bare destination is a host route; metric 0 is written */
	assert_prefix(&rt[7].dst, "10.9.9.9", 32);
	assert_false(rt[7].is_default);
	assert_string_equal(rt[7].dev, "eth0");
	assert_true(rt[7].has_metric);
	assert_int_equal(rt[7].metric, 0);

	assert_int_equal(node(lab, "r2")->n_routes, 0);
	vl_lab_free(lab);
}

static void test_loopback(void **state)
{
	struct vl_lab *lab = load(FIXTURES "/loopback.yaml");
	struct vl_node *n1, *n2;

	(void)state;
	n1 = node(lab, "n1");
	/* declared after eth0 in the file, lo stays first */
	assert_iface_names(n1, (const char *const[]){ "lo", "eth0" }, 2);
	assert_true(n1->ifaces[0].declared);
	assert_loc(n1->ifaces[0].loc, 8, 7);
	assert_int_equal(n1->ifaces[0].n_addrs, 2);
	assert_prefix(&n1->ifaces[0].addrs[0].p, "192.0.2.1", 32);
	assert_prefix(&n1->ifaces[0].addrs[1].p, "2001:db8::1", 128);
	assert_int_equal(n1->ifaces[0].link, VL_NONE);
	assert_prefix(&n1->ifaces[1].addrs[0].p, "10.0.0.1", 30);

	n2 = node(lab, "n2");
	assert_iface_names(n2, (const char *const[]){ "lo", "eth0" }, 2);
	assert_false(n2->ifaces[0].declared);
	assert_int_equal(n2->ifaces[0].n_addrs, 0);
	vl_lab_free(lab);
}

static void test_link_only_iface(void **state)
{
	struct vl_lab *lab = load(FIXTURES "/link-only-iface.yaml");
	struct vl_node *a, *b;
	struct vl_iface *p0;

	(void)state;
	a = node(lab, "a");
	b = node(lab, "b");
	/* declared ones first, then those links add, in link order */
	assert_iface_names(a, (const char *const[]){ "lo", "eth0", "peer0" }, 3);
	assert_iface_names(b, (const char *const[]){ "lo", "veth9", "peer1" }, 3);
	assert_true(a->ifaces[1].declared);
	p0 = &a->ifaces[2];
	assert_false(p0->declared);
	assert_true(p0->up);
	assert_int_equal(p0->n_addrs, 0);
	assert_int_equal(p0->mtu, 0);
	assert_false(p0->has_mac);
	/* located where the link names it */
	assert_loc(p0->loc, 11, 17);
	assert_int_equal(p0->link, 1);
	assert_int_equal(p0->link_end, 0);
	assert_int_equal(b->ifaces[2].link, 1);
	assert_int_equal(b->ifaces[2].link_end, 1);
	assert_int_equal(lab->links[1].ends[1].iface_idx, 2);
	vl_lab_free(lab);
}

static void test_null_iface(void **state)
{
	struct vl_lab *lab = load(FIXTURES "/null-iface.yaml");
	struct vl_node *host;

	(void)state;
	host = node(lab, "host");
	assert_iface_names(host, (const char *const[]){
		"lo", "veth0", "veth1", "veth2", "veth3" }, 5);
	for (size_t i = 2; i < 5; i++) {
		struct vl_iface *ifc = &host->ifaces[i];

		assert_true(ifc->declared);
		assert_true(ifc->up);
		assert_int_equal(ifc->n_addrs, 0);
		assert_int_equal(ifc->mtu, 0);
		assert_false(ifc->has_mac);
		assert_int_not_equal(ifc->link, VL_NONE);
	}
	assert_loc(host->ifaces[2].loc, 8, 7);
	assert_int_equal(host->n_routes, 0);
	assert_int_equal(host->n_sysctls, 0);
	vl_lab_free(lab);
}

static void test_sysctls(void **state)
{
	static const struct {
		const char *key, *value, *iface;
	} want[] = {
		{ "net.ipv4.ip_forward", "1", NULL },
		/* blanks between numbers become one space */
		{ "net.ipv4.ip_local_port_range", "32768 60999", NULL },
		{ "net.ipv4.conf.all.rp_filter", "0", NULL },
		{ "net.ipv4.conf.default.rp_filter", "2", NULL },
		{ "net.ipv4.conf.eth0.accept_local", "1", "eth0" },
		/* a VLAN-style name with a dot: the last dot ends it */
		{ "net.ipv4.conf.eth0.100.forwarding", "1", "eth0.100" },
		{ "net.ipv6.conf.all.forwarding", "1", NULL },
		{ "net.ipv6.conf.default.keep_addr_on_down", "-1", NULL },
		{ "net.ipv6.conf.eth0.mtu", "1500", "eth0" },
		{ "net.ipv4.neigh.eth0.100.gc_stale_time", "60", "eth0.100" },
		{ "net.ipv6.neigh.eth0.retrans_time_ms", "1000", "eth0" },
		{ "net.ipv4.ping_group_range", "0 2147483647", NULL },
	};
	struct vl_lab *lab = load(FIXTURES "/sysctls.yaml");
	struct vl_node *gw;

	(void)state;
	gw = node(lab, "gw");
	assert_int_equal(gw->n_sysctls, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < gw->n_sysctls; i++) {
		const struct vl_sysctl *sc = &gw->sysctls[i];
		const char *dev;
		size_t len = 0;

		assert_string_equal(sc->key, want[i].key);
		assert_string_equal(sc->value, want[i].value);
		assert_loc(sc->loc, 11 + (unsigned)i, 7);
		dev = vl_sysctl_key_iface(sc->key, &len);
		if (!want[i].iface) {
			assert_null(dev);
		} else {
			assert_non_null(dev);
			assert_int_equal(len, strlen(want[i].iface));
			assert_memory_equal(dev, want[i].iface, len);
		}
	}
	assert_loc(gw->sysctls[1].value_loc, 12, 37);
	assert_int_equal(node(lab, "peer")->n_sysctls, 0);
	vl_lab_free(lab);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_article),
		cmocka_unit_test(test_two_nodes_ipv6),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_link_only_iface),
		cmocka_unit_test(test_null_iface),
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_peek_name),
	};
	size_t nf = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests;
	struct tl_list list;
	int r;

	r = tl_list_dir(FIXTURES, ".yaml", &list);
	if (r < 0 || !list.n) {
		fprintf(stderr, "%s: %s\n", FIXTURES, r < 0 ? strerror(-r) : "no fixtures");
		return 1;
	}
	/* every file loads clean (a new fixture is checked with no code),
	 * then the model checks of the known ones */
	tests = calloc(list.n + nf, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < list.n; i++) {
		tests[i].name = list.v[i];
		tests[i].test_func = test_loads_clean;
		tests[i].initial_state = list.v[i];
	}
	memcpy(tests + list.n, fixed, sizeof(fixed));
	r = _cmocka_run_group_tests("valid fixtures", tests, list.n + nf, NULL, NULL);
	free(tests);
	tl_list_free(&list);
	return r;
}
