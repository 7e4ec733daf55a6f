/* Regression tests for bugs found in core/ by review, one case each,
 * written as the behaviour that must hold. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tests/unit/testlib.h"

/* WHAT describes the bug this case guards against. */
static void known_bug(bool fixed, const char *what)
{
	if (!fixed)
		fail_msg("regression: %s", what);
}

/* An invalid "via" is reported, then the route is also said to have no
 * "via" at all: two errors for one mistake, the second one misleading. */
static void test_invalid_via_cascade(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run,
	       "name: t\n"
	       "nodes:\n"
	       "  a:\n"
	       "    interfaces:\n"
	       "      eth0: {addresses: [10.0.0.1/24]}\n"
	       "    routes:\n"
	       "      - {to: 192.0.2.0/24, via: 10.0.0.2/24}\n"
	       "      - {to: 198.51.100.0/24, via: {ip: 10.0.0.2}}\n"
	       "      - {to: default, via: 10.0.0.256}\n"
	       "  b:\n"
	       "links:\n"
	       "  - endpoints: [a:eth0, b:eth0]\n");
	fixed = run.d.n_errors == 3 &&
		tl_find(&run.d, "route needs \"via\"") == (size_t)-1;
	if (!fixed)
		tl_dump("invalid via", &run.d);
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_routes: a route whose \"via\" is "
		  "invalid (or not a string) also gets 'route needs \"via\" (a gateway) "
		  "or \"dev\"'; expected only the gateway error");
}

/* A route whose metric was refused still takes part in the duplicate
 * check with metric 0, and collides with a route that has none. */
static void test_invalid_metric_cascade(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run,
	       "name: t\n"
	       "nodes:\n"
	       "  a:\n"
	       "    interfaces:\n"
	       "      eth0: {addresses: [10.0.0.1/24]}\n"
	       "    routes:\n"
	       "      - {to: 192.0.2.0/24, dev: eth0, metric: -1}\n"
	       "      - {to: 192.0.2.0/24, dev: eth0}\n"
	       "  b:\n"
	       "links:\n"
	       "  - endpoints: [a:eth0, b:eth0]\n");
	fixed = run.d.n_errors == 1;
	if (!fixed)
		tl_dump("invalid metric", &run.d);
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_routes: a route whose metric was "
		  "refused is compared as metric 0 and reported as 'a second route'");
}

/* An address refused as unspecified is also reported as a duplicate. */
static void test_unspecified_duplicate_cascade(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run,
	       "name: t\n"
	       "nodes:\n"
	       "  a:\n"
	       "    interfaces:\n"
	       "      eth0: {addresses: [0.0.0.0/0, 0.0.0.0/8]}\n"
	       "  b:\n"
	       "links:\n"
	       "  - endpoints: [a:eth0, b:eth0]\n");
	fixed = run.d.n_errors == 2;
	if (!fixed)
		tl_dump("unspecified twice", &run.d);
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_addresses: an address already "
		  "refused as unspecified/multicast is also reported as 'already on'");
}

/* A missing value (YAML null) is described as the empty string the user
 * never wrote: 'got ""', or 'got "~"'. */
static void test_null_described_as_string(void **state)
{
	static const char *const inputs[] = {
		"name:\nnodes:\n  a:\n",
		"name: t\nnodes:\n",
		"---\n",
		"name: t\nnodes:\n  a:\n    sysctls:\n      net.ipv4.ip_forward:\n",
		"name: t\nnodes:\n  a:\n    interfaces:\n      eth0: {mac: ~, mtu: }\n"
		"  b:\nlinks:\n  - endpoints: [a:eth0, b:eth0]\n",
		"name: t\nnodes:\n  a:\n    routes:\n      -\n",
	};
	bool fixed = true;

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct tl_run run;

		tl_run(&run, inputs[i]);
		if (!run.d.n_errors || tl_find(&run.d, "got \"\"") != (size_t)-1 ||
		    tl_find(&run.d, "got \"~\"") != (size_t)-1) {
			char what[32];

			snprintf(what, sizeof(what), "null input %zu", i);
			tl_dump(what, &run.d);
			fixed = false;
		}
		tl_run_fini(&run);
	}
	known_bug(fixed, "core/topo_yaml.c got(): a null value (\"name:\", "
		  "\"mac: ~\", a bare \"-\", a \"---\"-only file) is reported as "
		  "'got \"\"' or 'got \"~\"'; it should say that the value is missing");
}

/* A UTF-8 byte order mark, as some Windows editors write, makes the
 * file a syntax error at line 2. YAML allows one at the start. */
static void test_bom(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run, "\xef\xbb\xbfname: t\nnodes:\n  a:\n");
	fixed = run.parse_rc == 0 && run.d.n == 0;
	if (!fixed)
		tl_dump("BOM", &run.d);
	tl_run_fini(&run);
	known_bug(fixed, "core/topo_yaml.c build_tree: a file starting with a "
		  "UTF-8 BOM gets 'YAML syntax error: did not find expected "
		  "<document start>' at 2:1 (yaml_parser_set_encoding keeps the BOM); "
		  "it should load");
}

/* libyaml counts a lone CR as a line break; the byte check does not, so
 * its positions disagree with every other diagnostic in such a file. */
static void test_cr_line_breaks(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run, "name: t\rnodes:\r  a:\r  b: \xff\r");
	fixed = run.d.n == 1 && run.d.v[0].loc.line == 4 && run.d.v[0].loc.col == 6;
	if (!fixed)
		tl_dump("CR line breaks", &run.d);
	tl_run_fini(&run);
	known_bug(fixed, "core/topo_yaml.c check_bytes: with CR-only line breaks a "
		  "bad byte on line 4 is reported at 1:26; libyaml (and so every "
		  "other message) counts CR as a line break");
}

/* Sysctl values that the kernel refuses with EINVAL pass validation:
 * strtoll takes a '+' sign and needs no blank between two numbers. */
static void test_sysctl_value_syntax(void **state)
{
	static const char *const sysctls[] = {
		"net.ipv4.ip_forward: \"+1\"",
		"net.ipv4.ip_local_port_range: \"32768+60999\"",
		"net.ipv4.ping_group_range: \"1 +2\"",
	};
	bool fixed = true;

	(void)state;
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
		struct tl_run run;
		char text[256];

		snprintf(text, sizeof(text), "name: t\nnodes:\n  a:\n    sysctls:\n      %s\n",
			 sysctls[i]);
		tl_run(&run, text);
		if (run.d.n_errors != 1 || run.d.v[0].loc.line != 5) {
			print_message("# accepted: %s\n", sysctls[i]);
			fixed = false;
		}
		tl_run_fini(&run);
	}
	known_bug(fixed, "core/validate.c value_in_range: sysctl values \"+1\", "
		  "\"32768+60999\" and \"1 +2\" are accepted; the kernel's "
		  "proc_dointvec refuses them (EINVAL)");
}

/* "010" is checked as decimal 10, but the kernel reads sysctl numbers
 * with base 0: it sets 8 (tried: ip_default_ttl "010" reads back 8). */
static void test_sysctl_value_octal(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run, "name: t\nnodes:\n  a:\n    sysctls:\n"
		     "      net.ipv4.ip_default_ttl: \"010\"\n");
	fixed = run.d.n_errors > 0 ||
		(run.lab && run.lab->nodes[0].n_sysctls == 1 &&
		 !strcmp(run.lab->nodes[0].sysctls[0].value, "10"));
	tl_run_fini(&run);
	known_bug(fixed, "core/topo_yaml.c sysctl_value / validate.c value_in_range: "
		  "\"010\" is validated as 10 and kept as \"010\", which the kernel "
		  "reads as octal 8; refuse leading zeros (as for MTUs) or normalise");
}

/* An empty interface name inside a per-interface key passes. */
static void test_sysctl_empty_iface(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run, "name: t\nnodes:\n  a:\n    sysctls:\n"
		     "      net.ipv4.conf..forwarding: 1\n"
		     "      net.ipv6.neigh..retrans_time_ms: 100\n");
	fixed = run.d.n_errors == 2;
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_sysctl: \"net.ipv4.conf..forwarding\" "
		  "(empty interface name) is accepted; /proc/sys/net/ipv4/conf//forwarding "
		  "does not exist");
}

/* The kernel refuses a route through a device that is down ("Device for
 * nexthop is not up", ENETDOWN, both families; tried), but only gateway
 * routes are checked against "state: down". */
static void test_route_dev_down(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run,
	       "name: t\n"
	       "nodes:\n"
	       "  a:\n"
	       "    interfaces:\n"
	       "      eth1: {addresses: [10.1.0.1/24, \"fd01::1/64\"], state: down}\n"
	       "    routes:\n"
	       "      - {to: 192.0.2.0/24, dev: eth1}\n"
	       "      - {to: \"2001:db8::/32\", dev: eth1}\n"
	       "  b:\n"
	       "links:\n"
	       "  - endpoints: [a:eth1, b:eth1]\n");
	fixed = run.d.n_errors == 2;
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_routes: a dev-only route through an "
		  "interface declared down passes; \"up\" will fail with ENETDOWN");
}

/* Interfaces that links create are not counted against the per-node
 * limit, so one node can get up to 2 * VL_MAX_LINKS of them. */
static void test_iface_limit_via_links(void **state)
{
	struct tl_run run;
	char *text = NULL;
	size_t len = 0;
	bool fixed;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	fprintf(f, "name: t\nnodes:\n  a:\n  b:\nlinks:\n");
	for (int i = 0; i <= VL_MAX_IFACES_PER_NODE; i++)
		fprintf(f, "  - endpoints: [a:e%d, b:e%d]\n", i, i);
	fclose(f);
	tl_run(&run, text);
	free(text);
	fixed = run.d.n_errors > 0;
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_links: interfaces added by links "
		  "bypass VL_MAX_IFACES_PER_NODE (4097 links give node \"a\" 4098 "
		  "interfaces with no error)");
}

/* A tag is quoted in its expanded form, not as written. */
static void test_tag_as_written(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run, "name: t\nnodes:\n  a:\n    interfaces:\n      eth0: {mtu: !!int 1500}\n");
	fixed = run.d.n == 1 && strstr(run.d.v[0].msg, "!!int");
	if (!fixed)
		tl_dump("tag", &run.d);
	tl_run_fini(&run);
	known_bug(fixed, "core/topo_yaml.c on_event: \"!!int\" is quoted as "
		  "\"YAML tags (tag:yaml.org,2002:int)\", not as the user wrote it");
}

/* A gateway is checked against the first interface whose subnet holds
 * it; when that one is down and another, up, one also reaches it, the
 * kernel takes the route (tried) but validation refuses it. */
static void test_gateway_first_subnet_down(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run,
	       "name: t\n"
	       "nodes:\n"
	       "  a:\n"
	       "    interfaces:\n"
	       "      eth0: {addresses: [10.0.0.1/24], state: down}\n"
	       "      eth1: {addresses: [10.0.1.1/16]}\n"
	       "    routes:\n"
	       "      - {to: 192.0.2.0/24, via: 10.0.0.254}\n"
	       "  b:\n"
	       "links:\n"
	       "  - endpoints: [a:eth0, b:eth0]\n"
	       "  - endpoints: [a:eth1, b:eth1]\n");
	fixed = run.d.n_errors == 0;
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_gateway: only the first interface "
		  "whose subnet holds the gateway is considered; if it is down, the "
		  "route is refused although an up interface (10.0.1.1/16) reaches it");
}

/* The kernel gives an IPv6 route without a metric metric 1024; the
 * duplicate check counts it as 0, so this pair passes and "up" fails with
 * EEXIST (tried). */
static void test_ipv6_default_metric(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run,
	       "name: t\n"
	       "nodes:\n"
	       "  a:\n"
	       "    interfaces:\n"
	       "      eth0: {addresses: [\"fd00::1/64\"]}\n"
	       "    routes:\n"
	       "      - {to: \"2001:db8::/32\", dev: eth0}\n"
	       "      - {to: \"2001:db8::/32\", dev: eth0, metric: 1024}\n"
	       "  b:\n"
	       "links:\n"
	       "  - endpoints: [a:eth0, b:eth0]\n");
	fixed = run.d.n_errors == 1;
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_routes: an IPv6 route without a "
		  "metric (1024 in the kernel) and one with metric 1024 to the same "
		  "prefix are not reported as duplicates");
}

/* The kernel refuses an ip_local_port_range that starts below
 * ip_unprivileged_port_start (1024 in a new namespace; tried). */
static void test_port_range_privileged(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run, "name: t\nnodes:\n  a:\n    sysctls:\n"
		     "      net.ipv4.ip_local_port_range: \"1000 2000\"\n");
	fixed = run.d.n_errors == 1;
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c rules: net.ipv4.ip_local_port_range "
		  "\"1000 2000\" passes (range 1-65535); the kernel refuses a LOW "
		  "below ip_unprivileged_port_start (1024)");
}

/* A new namespace has no /proc/sys/net/ipv{4,6}/neigh/default (tried), yet
 * the neighbour keys accept "default" (and the "no all" message even
 * recommends it). */
static void test_neigh_default_absent(void **state)
{
	struct tl_run run;
	bool fixed;

	(void)state;
	tl_run(&run, "name: t\nnodes:\n  a:\n    sysctls:\n"
		     "      net.ipv4.neigh.default.gc_stale_time: 60\n"
		     "      net.ipv6.neigh.default.retrans_time_ms: 1000\n");
	fixed = run.d.n_errors == 2;
	tl_run_fini(&run);
	known_bug(fixed, "core/validate.c check_sysctl: net.ipv{4,6}.neigh.default.* "
		  "is accepted, but a new network namespace has no neigh/default "
		  "directory, so \"up\" cannot write it");
}

/* vl_q promises a cut at 64 characters, but continuation bytes without
 * a lead byte are copied raw and not counted: the output is unbounded
 * (past 392 bytes it overflows its static buffer). File input is checked
 * for valid UTF-8 first; other callers (argv, netlink names) are not. */
static void test_q_invalid_utf8(void **state)
{
	char in[64 + 300 + 1];
	size_t out;

	(void)state;
	memset(in, 'a', 64);
	memset(in + 64, 0x80, 300);	/* stays inside the buffer: safe to run */
	in[sizeof(in) - 1] = '\0';
	out = strlen(vl_q(in));
	known_bug(out <= 64 * 4 + 3, "core/util.c vl_qn: stray UTF-8 continuation "
		  "bytes are neither counted nor escaped, so the output is not cut "
		  "at 64 characters; \"a\" followed by 1000 bytes 0x80 overflows the "
		  "static buffer");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_via_cascade),
		cmocka_unit_test(test_invalid_metric_cascade),
		cmocka_unit_test(test_unspecified_duplicate_cascade),
		cmocka_unit_test(test_null_described_as_string),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_cr_line_breaks),
		cmocka_unit_test(test_sysctl_value_syntax),
		cmocka_unit_test(test_sysctl_value_octal),
		cmocka_unit_test(test_sysctl_empty_iface),
		cmocka_unit_test(test_route_dev_down),
		cmocka_unit_test(test_gateway_first_subnet_down),
		cmocka_unit_test(test_ipv6_default_metric),
		cmocka_unit_test(test_port_range_privileged),
		cmocka_unit_test(test_neigh_default_absent),
		cmocka_unit_test(test_iface_limit_via_links),
		cmocka_unit_test(test_tag_as_written),
		cmocka_unit_test(test_q_invalid_utf8),
	};

	return cmocka_run_group_tests_name("known bugs", tests, NULL, NULL);
}
