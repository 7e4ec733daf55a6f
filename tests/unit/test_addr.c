/* core/addr.c: what the strict address, prefix and MAC parsers accept,
 * what they refuse (with which reason), and the prefix arithmetic that
 * gateway and route checks build on. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "core/addr.h"
#include "tests/unit/testlib.h"

/* P is exactly ADDR/LEN, bytes compared against inet_pton's */
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

static struct vl_prefix prefix(const char *s)
{
	struct vl_prefix p;
	const char *why = NULL;

	if (vl_prefix_parse(s, true, &p, &why) < 0)
		fail_msg("\"%s\" should parse: %s", s, why);
	return p;
}

static struct vl_prefix addr(const char *s)
{
	struct vl_prefix p;
	const char *why = NULL;

	if (vl_addr_parse(s, &p, &why) < 0)
		fail_msg("\"%s\" should parse: %s", s, why);
	return p;
}

static void test_prefix_accept(void **state)
{
	static const struct {
		const char *in;
		const char *addr;
		unsigned len;
	} ok[] = {
		{ "192.168.2.11/24", "192.168.2.11", 24 },
		{ "0.0.0.0/0", "0.0.0.0", 0 },
		{ "255.255.255.255/32", "255.255.255.255", 32 },
		{ "10.0.0.1/9", "10.0.0.1", 9 },
		{ "fd00::1/64", "fd00::1", 64 },
		{ "FD00::A/64", "fd00::a", 64 },
		{ "::/0", "::", 0 },
		{ "::1/128", "::1", 128 },
		{ "2001:db8:0:0:0:0:0:1/127", "2001:db8::1", 127 },
		/* an IPv4-mapped address is IPv6: 16 bytes, ::ffff:0:0/96 */
		{ "::ffff:1.2.3.4/128", "::ffff:1.2.3.4", 128 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct vl_prefix p = prefix(ok[i].in);

		assert_prefix(&p, ok[i].addr, ok[i].len);
	}
	/* the mapped address's bytes, spelled out */
	{
		static const unsigned char mapped[16] = {
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4 };
		struct vl_prefix p = prefix("::ffff:1.2.3.4/128");

		assert_memory_equal(p.addr, mapped, 16);
	}
}

/* Without REQUIRE_LEN a bare address is a host prefix. */
static void test_prefix_optional_len(void **state)
{
	struct vl_prefix p;
	const char *why = NULL;

	(void)state;
	assert_int_equal(vl_prefix_parse("10.9.9.9", false, &p, &why), 0);
	assert_prefix(&p, "10.9.9.9", 32);
	assert_int_equal(vl_prefix_parse("fd00::9", false, &p, &why), 0);
	assert_prefix(&p, "fd00::9", 128);
	assert_int_equal(vl_prefix_parse("10.9.9.0/24", false, &p, &why), 0);
	assert_prefix(&p, "10.9.9.0", 24);

	assert_int_equal(vl_prefix_parse("10.9.9.9", true, &p, &why), -EINVAL);
	assert_string_equal(why, "missing prefix length (e.g. /24)");
}

static void test_prefix_reject(void **state)
{
	static const struct {
		const char *in;
		const char *why;
	} bad[] = {
		{ "1.2.3/24", "not a valid IPv4 address (four numbers 0-255)" },
		{ "1.2.3.4.5/24", "not a valid IPv4 address (four numbers 0-255)" },
		{ "0x7f.0.0.1/8", "not a valid IPv4 address (four numbers 0-255)" },
		{ "010.0.0.1/8", "not a valid IPv4 address (four numbers 0-255)" },
		{ "192.168.2.300/24", "not a valid IPv4 address (four numbers 0-255)" },
		{ "256.0.0.0/8", "not a valid IPv4 address (four numbers 0-255)" },
		{ " 1.2.3.4/24", "not a valid IPv4 address (four numbers 0-255)" },
		{ "1.2.3.4 /24", "not a valid IPv4 address (four numbers 0-255)" },
		{ "-1.2.3.4/24", "not a valid IPv4 address (four numbers 0-255)" },
		{ "1.2.3.4/ 24", "prefix length must be a decimal number" },
		{ "1.2.3.4/24 ", "prefix length must be a decimal number" },
		{ "1.2.3.4/+24", "prefix length must be a decimal number" },
		{ "1.2.3.4/-1", "prefix length must be a decimal number" },
		{ "1.2.3.4/0x18", "prefix length must be a decimal number" },
		{ "1.2.3.4/24/24", "prefix length must be a decimal number" },
		{ "1.2.3.4/", "missing prefix length after '/'" },
		{ "1.2.3.4/024", "prefix length has a leading zero" },
		{ "1.2.3.4/00", "prefix length has a leading zero" },
		{ "1.2.3.4/33", "prefix length is out of range for IPv4 (0-32)" },
		{ "1.2.3.4/1000", "prefix length is out of range for IPv4 (0-32)" },
		/* 2^32 + 24: must not wrap around to 24 */
		{ "1.2.3.4/4294967320", "prefix length is out of range for IPv4 (0-32)" },
		{ "fe80::/129", "prefix length is out of range for IPv6 (0-128)" },
		{ "::ffff:1.2.3.4/129", "prefix length is out of range for IPv6 (0-128)" },
		{ "fe80::1%eth0/64", "not a valid IPv6 address" },
		{ "fe80::1%eth0", "not a valid IPv6 address" },
		{ "fd00::1::2/64", "not a valid IPv6 address" },
		{ "fd00:g::1/64", "not a valid IPv6 address" },
		{ ":::/64", "not a valid IPv6 address" },
		{ "12345::/16", "not a valid IPv6 address" },
		{ "/24", "empty address" },
		{ "", "empty address" },
		{ "1.2.3.4.1.2.3.4.1.2.3.4.1.2.3.4.1.2.3.4.1.2.3.4.1.2.3.4.1.2.3.4.1.2.3.4/8",
		  "not an IPv4 or IPv6 address" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vl_prefix p;
		const char *why = NULL;

		if (vl_prefix_parse(bad[i].in, true, &p, &why) != -EINVAL)
			fail_msg("\"%s\" should be refused", bad[i].in);
		if (!why || strcmp(why, bad[i].why))
			fail_msg("\"%s\": reason \"%s\", expected \"%s\"", bad[i].in,
				 why ? why : "(null)", bad[i].why);
	}
}

static void test_addr_parse(void **state)
{
	static const char *const bad[] = {
		"10.0.0.1/32", "fd00::1/128", "fe80::1%eth0", "", "1.2.3",
		" 1.2.3.4", "1.2.3.4 ", "0x7f.0.0.1", "010.0.0.1", "1.2.3.4.5",
		"::ffff:1.2.3.256", "gateway",
	};
	struct vl_prefix p;

	(void)state;
	p = addr("10.0.0.1");
	assert_prefix(&p, "10.0.0.1", 32);
	p = addr("fe80::1");
	assert_prefix(&p, "fe80::1", 128);
	p = addr("::");
	assert_prefix(&p, "::", 128);
	p = addr("::ffff:10.0.0.1");
	assert_prefix(&p, "::ffff:10.0.0.1", 128);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		if (vl_addr_parse(bad[i], &p, &why) != -EINVAL || !why)
			fail_msg("\"%s\" should be refused with a reason", bad[i]);
	}
	{
		const char *why = NULL;

		vl_addr_parse("10.0.0.1/32", &p, &why);
		assert_string_equal(why, "expected an address without a prefix length");
	}
}

static void test_mac_parse(void **state)
{
	static const struct {
		const char *in;
		unsigned char mac[6];
	} ok[] = {
		{ "02:00:00:00:00:01", { 0x02, 0, 0, 0, 0, 0x01 } },
		{ "02:ab:cd:ef:00:ff", { 0x02, 0xab, 0xcd, 0xef, 0, 0xff } },
		{ "02:AB:CD:EF:00:FF", { 0x02, 0xab, 0xcd, 0xef, 0, 0xff } },
		{ "aA:bB:cC:dD:eE:fF", { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
		{ "00:00:00:00:00:01", { 0, 0, 0, 0, 0, 0x01 } },
	};
	static const char *const malformed[] = {
		"02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01",
		"2:0:0:0:0:1", "02:00:00:00:00:0g", "02:00:00:00:00:01 ",
		" 02:00:00:00:00:01", "020000000001", "02:00:00:00:00:1",
		"02:00:00:00:00:001", "02.00.00.00.00.01", "", "0x:00:00:00:00:01",
		"02:00:00:00:00:-1",
	};
	static const char *const multicast[] = {
		"01:00:5e:00:00:01", "33:33:00:00:00:01", "ff:ff:ff:ff:ff:ff",
		"FF:FF:FF:FF:FF:FF", "03:00:00:00:00:00",
	};
	unsigned char mac[6];
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		why = NULL;
		if (vl_mac_parse(ok[i].in, mac, &why) < 0)
			fail_msg("\"%s\" should parse: %s", ok[i].in, why);
		assert_memory_equal(mac, ok[i].mac, 6);
	}
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		why = NULL;
		if (vl_mac_parse(malformed[i], mac, &why) != -EINVAL || !why ||
		    strcmp(why, "expected a MAC address like 02:00:00:00:00:01"))
			fail_msg("\"%s\" should be refused as malformed (got %s)",
				 malformed[i], why ? why : "no reason");
	}
	for (size_t i = 0; i < sizeof(multicast) / sizeof(multicast[0]); i++) {
		why = NULL;
		if (vl_mac_parse(multicast[i], mac, &why) != -EINVAL || !why ||
		    strcmp(why, "a multicast MAC address cannot be an interface's address"))
			fail_msg("\"%s\" should be refused as multicast (got %s)",
				 multicast[i], why ? why : "no reason");
	}
	why = NULL;
	assert_int_equal(vl_mac_parse("00:00:00:00:00:00", mac, &why), -EINVAL);
	assert_string_equal(why, "the all-zero MAC address is not allowed");
}

static void test_prefix_contains(void **state)
{
	static const struct {
		const char *net, *a;
		bool in;
	} cases[] = {
		{ "10.0.0.0/8", "10.255.1.2", true },
		{ "10.0.0.0/8", "11.0.0.1", false },
		{ "10.0.0.0/8", "9.255.255.255", false },
		/* an interface address (host bits set) as the net */
		{ "192.168.2.11/24", "192.168.2.1", true },
		{ "192.168.2.11/24", "192.168.3.1", false },
		/* the boundary inside a byte */
		{ "192.168.1.0/25", "192.168.1.127", true },
		{ "192.168.1.0/25", "192.168.1.128", false },
		{ "192.168.1.128/25", "192.168.1.128", true },
		{ "10.0.0.1/32", "10.0.0.1", true },
		{ "10.0.0.1/32", "10.0.0.2", false },
		{ "0.0.0.0/0", "203.0.113.9", true },
		{ "fd00::1/64", "fd00::ffff:ffff:ffff:ffff", true },
		{ "fd00::1/64", "fd00:0:0:1::1", false },
		{ "fd00::/127", "fd00::1", true },
		{ "fd00::/127", "fd00::2", false },
		{ "::/0", "2001:db8::1", true },
		/* never across families, not even /0 or mapped addresses */
		{ "0.0.0.0/0", "::1", false },
		{ "::/0", "10.0.0.1", false },
		{ "10.0.0.0/8", "::ffff:10.0.0.1", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vl_prefix net = prefix(cases[i].net);
		struct vl_prefix a = addr(cases[i].a);

		if (vl_prefix_contains(&net, &a) != cases[i].in)
			fail_msg("%s %s %s", cases[i].net,
				 cases[i].in ? "should contain" : "should not contain",
				 cases[i].a);
	}
}

static void test_prefix_is_network(void **state)
{
	static const struct {
		const char *p;
		bool net;
	} cases[] = {
		{ "10.0.0.0/8", true },
		{ "10.0.0.1/8", false },
		{ "10.128.0.0/8", false },
		{ "0.0.0.0/0", true },
		{ "10.0.0.0/0", false },
		{ "10.0.0.1/32", true },
		{ "192.168.1.128/25", true },
		{ "192.168.1.129/25", false },
		{ "192.168.1.64/25", false },
		{ "fd00::/64", true },
		{ "fd00::1/64", false },
		{ "fd00::1/128", true },
		{ "fd00:0:0:0:8000::/65", true },
		{ "fd00:0:0:0:4000::/65", false },
		{ "::/0", true },
		{ "::1/0", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vl_prefix p = prefix(cases[i].p);

		if (vl_prefix_is_network(&p) != cases[i].net)
			fail_msg("%s %s a network prefix", cases[i].p,
				 cases[i].net ? "should be" : "should not be");
	}
}

/* Messages print the canonical form: one spelling per address. */
static void test_str(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "192.168.2.11/24", "192.168.2.11/24" },
		{ "fd00:0:0::1/64", "fd00::1/64" },
		{ "FD00::A/48", "fd00::a/48" },
		{ "::/0", "::/0" },
		{ "::ffff:1.2.3.4/128", "::ffff:1.2.3.4/128" },
	};
	char buf[VL_PREFIX_STRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vl_prefix p = prefix(cases[i].in);

		vl_prefix_str(&p, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
	{
		struct vl_prefix p = prefix("fd00:0:0::1/64");

		vl_addr_str(&p, buf, sizeof(buf));
		assert_string_equal(buf, "fd00::1");
	}
}

static void test_classes(void **state)
{
	struct vl_prefix p;

	(void)state;
	p = addr("0.0.0.0");
	assert_true(vl_addr_is_unspecified(&p));
	p = addr("::");
	assert_true(vl_addr_is_unspecified(&p));
	p = addr("0.0.0.1");
	assert_false(vl_addr_is_unspecified(&p));

	p = addr("224.0.0.1");
	assert_true(vl_addr_is_multicast(&p));
	p = addr("239.255.255.255");
	assert_true(vl_addr_is_multicast(&p));
	p = addr("223.255.255.255");
	assert_false(vl_addr_is_multicast(&p));
	p = addr("240.0.0.1");
	assert_false(vl_addr_is_multicast(&p));
	p = addr("ff02::1");
	assert_true(vl_addr_is_multicast(&p));
	p = addr("fe80::1");
	assert_false(vl_addr_is_multicast(&p));

	p = addr("fe80::1");
	assert_true(vl_addr_is_v6_linklocal(&p));
	p = addr("febf::1");
	assert_true(vl_addr_is_v6_linklocal(&p));
	p = addr("fec0::1");
	assert_false(vl_addr_is_v6_linklocal(&p));
	p = addr("fd00::1");
	assert_false(vl_addr_is_v6_linklocal(&p));
	p = addr("169.254.0.1");	/* an IPv4 link-local needs no dev */
	assert_false(vl_addr_is_v6_linklocal(&p));

	{
		struct vl_prefix a = addr("10.0.0.1"), b = prefix("10.0.0.1/8");
		struct vl_prefix c = addr("::ffff:10.0.0.1");

		/* equal addresses whatever the prefix length */
		assert_true(vl_addr_equal(&a, &b));
		assert_false(vl_addr_equal(&a, &c));
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_accept),
		cmocka_unit_test(test_prefix_optional_len),
		cmocka_unit_test(test_prefix_reject),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_mac_parse),
		cmocka_unit_test(test_prefix_contains),
		cmocka_unit_test(test_prefix_is_network),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
