/* core/capture.c: the tcpdump filters a match stands for, filter checks,
 * and (as root) real captures in throwaway namespaces that replay the
 * article's two cases:
 *
 *   arp-drop: one namespace           lo-reply: one namespace
 *   +---------------------------+     +------------------------------+
 *   | veth0 192.168.2.11/24     |     | veth0 192.168.2.11/24        |
 *   |   |  ARP who-has .1 (no   |     |   |  echo request ->         |
 *   |   |  one answers)         |     |   |                          |
 *   | veth1 up, no address      |     | veth1 192.168.2.1/24         |
 *   +---------------------------+     |   echo reply comes back on lo |
 *                                     +------------------------------+
 *
 * Namespaces are named vlcap-<pid>-*, configured with iproute2 (tests may;
 * the library never does), and deleted in the group teardown and again
 * at exit. Nothing touches the host's namespace. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "core/capture.h"
#include "core/netns.h"
#include "tests/unit/testlib.h"

/* --- pure: vl_match_filter and vl_filter_check --- */

static struct vl_prefix ip(const char *s)
{
	struct vl_prefix p;
	const char *why = NULL;

	if (vl_addr_parse(s, &p, &why) < 0)
		fail_msg("\"%s\" should parse: %s", s, why);
	return p;
}

static struct vl_match match(enum vl_match_kind kind)
{
	struct vl_match m;

	memset(&m, 0, sizeof(m));
	m.kind = kind;
	return m;
}

static void who_has(struct vl_match *m, const char *a)
{
	m->has_who_has = true;
	m->who_has = ip(a);
}

static void tell(struct vl_match *m, const char *a)
{
	m->has_tell = true;
	m->tell = ip(a);
}

static void from(struct vl_match *m, const char *a)
{
	m->has_from = true;
	m->from = ip(a);
}

static void to(struct vl_match *m, const char *a)
{
	m->has_to = true;
	m->to = ip(a);
}

/* M's filter is exactly WANT, and libpcap compiles it */
static void expect_filter(const struct vl_match *m, const char *want)
{
	char buf[1024], why[256];

	assert_int_equal(vl_match_filter(m, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
	if (vl_filter_check(buf, why, sizeof(why)) != 0)
		fail_msg("\"%s\" does not compile: %s", buf, why);
}

static void test_filter_any(void **state)
{
	struct vl_match m = match(VL_MATCH_ANY);

	(void)state;
	expect_filter(&m, "");
	m.filter = "";
	expect_filter(&m, "");
	/* the user's own filter alone stays as written */
	m.filter = "udp port 53";
	expect_filter(&m, "udp port 53");
	from(&m, "192.168.2.11");
	expect_filter(&m, "src host 192.168.2.11 and (udp port 53)");
	to(&m, "192.168.2.1");
	expect_filter(&m, "src host 192.168.2.11 and dst host 192.168.2.1 and (udp port 53)");
	m.filter = NULL;
	expect_filter(&m, "src host 192.168.2.11 and dst host 192.168.2.1");
}

static void test_filter_arp_request(void **state)
{
	struct vl_match m = match(VL_MATCH_ARP_REQUEST);

	(void)state;
	expect_filter(&m, "arp and arp[6:2] = 1");
	who_has(&m, "192.168.2.1");
	expect_filter(&m, "arp and arp[6:2] = 1 and arp[24:4] = 0xc0a80201");
	tell(&m, "192.168.2.11");
	expect_filter(&m, "arp and arp[6:2] = 1 and arp[24:4] = 0xc0a80201 and "
			  "arp[14:4] = 0xc0a8020b");
	m.has_who_has = false;
	expect_filter(&m, "arp and arp[6:2] = 1 and arp[14:4] = 0xc0a8020b");
	/* each byte two digits, high bytes included */
	m = match(VL_MATCH_ARP_REQUEST);
	who_has(&m, "10.0.0.255");
	expect_filter(&m, "arp and arp[6:2] = 1 and arp[24:4] = 0x0a0000ff");
	m.filter = "ether src 02:00:00:00:00:01";
	expect_filter(&m, "arp and arp[6:2] = 1 and arp[24:4] = 0x0a0000ff and "
			  "(ether src 02:00:00:00:00:01)");
}

/* A reply answers "who-has T tell S" from T to S: WHO_HAS is its sender
 * (offset 14), TELL its target (offset 24). */
static void test_filter_arp_reply(void **state)
{
	struct vl_match m = match(VL_MATCH_ARP_REPLY);

	(void)state;
	expect_filter(&m, "arp and arp[6:2] = 2");
	who_has(&m, "192.168.2.1");
	expect_filter(&m, "arp and arp[6:2] = 2 and arp[14:4] = 0xc0a80201");
	tell(&m, "192.168.2.11");
	expect_filter(&m, "arp and arp[6:2] = 2 and arp[14:4] = 0xc0a80201 and "
			  "arp[24:4] = 0xc0a8020b");
	m.has_who_has = false;
	expect_filter(&m, "arp and arp[6:2] = 2 and arp[24:4] = 0xc0a8020b");
}

static void test_filter_echo(void **state)
{
	struct vl_match m = match(VL_MATCH_ICMP_ECHO_REQUEST);

	(void)state;
	expect_filter(&m, "((icmp and icmp[icmptype] = icmp-echo) or "
			  "(icmp6 and ip6[40] = 128))");
	from(&m, "192.168.2.11");
	expect_filter(&m, "icmp and icmp[icmptype] = icmp-echo and "
			  "src host 192.168.2.11");
	to(&m, "192.168.2.1");
	expect_filter(&m, "icmp and icmp[icmptype] = icmp-echo and "
			  "src host 192.168.2.11 and dst host 192.168.2.1");
	m.has_from = false;
	expect_filter(&m, "icmp and icmp[icmptype] = icmp-echo and "
			  "dst host 192.168.2.1");

	m = match(VL_MATCH_ICMP_ECHO_REQUEST);
	to(&m, "2001:db8::1");
	expect_filter(&m, "icmp6 and ip6[40] = 128 and dst host 2001:db8::1");
	from(&m, "2001:db8::2");
	expect_filter(&m, "icmp6 and ip6[40] = 128 and src host 2001:db8::2 and "
			  "dst host 2001:db8::1");

	m = match(VL_MATCH_ICMP_ECHO_REPLY);
	expect_filter(&m, "((icmp and icmp[icmptype] = icmp-echoreply) or "
			  "(icmp6 and ip6[40] = 129))");
	m.filter = "ip[8] = 64";
	expect_filter(&m, "((icmp and icmp[icmptype] = icmp-echoreply) or "
			  "(icmp6 and ip6[40] = 129)) and (ip[8] = 64)");
	m.filter = NULL;
	from(&m, "192.168.2.1");
	expect_filter(&m, "icmp and icmp[icmptype] = icmp-echoreply and "
			  "src host 192.168.2.1");
	m = match(VL_MATCH_ICMP_ECHO_REPLY);
	from(&m, "fd00::1");
	expect_filter(&m, "icmp6 and ip6[40] = 129 and src host fd00::1");
}

static void test_filter_refused(void **state)
{
	struct vl_match m;
	char buf[64], tiny[8];

	(void)state;
	/* ARP carries IPv4 addresses only */
	m = match(VL_MATCH_ARP_REQUEST);
	who_has(&m, "fd00::1");
	assert_int_equal(vl_match_filter(&m, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "");
	m = match(VL_MATCH_ARP_REPLY);
	tell(&m, "fd00::1");
	assert_int_equal(vl_match_filter(&m, buf, sizeof(buf)), -EINVAL);
	/* one packet cannot be IPv4 from and IPv6 to */
	m = match(VL_MATCH_ICMP_ECHO_REQUEST);
	from(&m, "192.168.2.11");
	to(&m, "fd00::1");
	assert_int_equal(vl_match_filter(&m, buf, sizeof(buf)), -EINVAL);
	m = match((enum vl_match_kind)99);
	assert_int_equal(vl_match_filter(&m, buf, sizeof(buf)), -EINVAL);
	/* too small: an error and an empty string, never half a filter */
	m = match(VL_MATCH_ARP_REQUEST);
	assert_int_equal(vl_match_filter(&m, tiny, sizeof(tiny)), -ENOSPC);
	assert_string_equal(tiny, "");
	assert_int_equal(vl_match_filter(&m, tiny, 0), -ENOSPC);
	/* exactly big enough: 20 characters and the NUL */
	assert_int_equal(vl_match_filter(&m, buf, 21), 0);
	assert_string_equal(buf, "arp and arp[6:2] = 1");
	assert_int_equal(vl_match_filter(&m, buf, 20), -ENOSPC);
}

static void test_filter_check(void **state)
{
	static const char *good[] = {
		"", "arp", "icmp and icmp[icmptype] = icmp-echo",
		"icmp6 and ip6[40] = 128", "vlan and arp", "not (tcp or udp)",
		"net 192.168.2.0/24 and ether broadcast",
	};
	static const struct {
		const char *filter, *why;
	} bad[] = {
		{ "arp and", "syntax error" },
		{ "ip[", "syntax error" },
		{ "port 99999", "99999" },
		{ "net 192.168.2.1/24", "non-network bits set in \"192.168.2.1/24\"" },
		{ "ip6[40] = 128 and (", "syntax error" },
	};
	char why[256], small[8];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		strcpy(why, "stale");
		if (vl_filter_check(good[i], why, sizeof(why)) != 0)
			fail_msg("\"%s\" should compile: %s", good[i], why);
		assert_string_equal(why, "");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(vl_filter_check(bad[i].filter, why, sizeof(why)), -EINVAL);
		if (!strstr(why, bad[i].why))
			fail_msg("\"%s\": \"%s\" does not say \"%s\"", bad[i].filter,
				 why, bad[i].why);
	}
	/* no room for the reason, or none at all: still the verdict */
	assert_int_equal(vl_filter_check("arp and", small, sizeof(small)), -EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(vl_filter_check("arp and", NULL, 0), -EINVAL);
	assert_int_equal(vl_filter_check("arp", NULL, 0), 0);
	assert_int_equal(vl_filter_check(NULL, why, sizeof(why)), 0);
}

static void test_close_null(void **state)
{
	(void)state;
	vl_capture_close(NULL);
	assert_int_equal(vl_capture_packets(NULL), 0);
}

/* --- as root, in namespaces of our own --- */

static char ns_drop[64], ns_lo[64], tmpdir[64];
static int fd_drop = -1, fd_lo = -1;
static bool made;

static void remove_all(void)
{
	if (fd_drop >= 0)
		close(fd_drop);
	if (fd_lo >= 0)
		close(fd_lo);
	fd_drop = fd_lo = -1;
	if (made) {
		tl_sh(false, "ip netns del %s 2>/dev/null", ns_drop);
		tl_sh(false, "ip netns del %s 2>/dev/null", ns_lo);
		made = false;
	}
	if (tmpdir[0]) {
		tl_sh(false, "rm -rf '%s'", tmpdir);
		tmpdir[0] = '\0';
	}
}

/* Each command must succeed; the first that does not is reported. */
static int setup_cmds(const char *const *cmds, size_t n, const char *ns)
{
	for (size_t i = 0; i < n; i++) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), cmds[i], ns, ns);
		if (tl_sh(false, "%s", cmd) != 0) {
			print_message("# setup failed: %s\n", cmd);
			return -1;
		}
	}
	return 0;
}

/* A hang (a drain that blocks) or ^C must not leave namespaces behind:
 * give up after a minute, cleaning up. system() is not async-signal-safe;
 * the process ends right after, and a leak is the worse outcome. */
static void on_signal(int sig)
{
	static const char msg[] = "# test_capture: interrupted or timed out, cleaning up\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		(void)0;
	remove_all();
	_exit(128 + sig);
}

static int kernel_setup(void **state)
{
	static const char *const drop[] = {
		"ip netns add %s",
		"ip -n %s link add veth0 type veth peer name veth1",
		"ip -n %s addr add 192.168.2.11/24 dev veth0",
		"ip -n %s link set veth0 up",
		"ip -n %s link set veth1 up",
		"ip -n %s link set lo up",
		/* left down */
		"ip -n %s link add veth2 type veth peer name veth3",
		/* for going down and up under a capture */
		"ip -n %s link add veth4 type veth peer name veth5",
		"ip -n %s addr add 192.168.3.1/24 dev veth4",
		"ip -n %s link set veth5 up",
		"ip -n %s link set veth4 up",
		/* an address that is there for the kernel, not on the wire */
		"ip -n %s neigh add 192.168.2.99 lladdr 02:00:00:00:00:99 dev veth0",
	};
	static const char *const lo[] = {
		"ip netns add %s",
		"ip -n %s link add veth0 type veth peer name veth1",
		"ip -n %s addr add 192.168.2.11/24 dev veth0",
		"ip -n %s addr add 192.168.2.1/24 dev veth1",
		"ip netns exec %s sh -c 'echo 1 > /proc/sys/net/ipv4/conf/veth0/accept_local'",
		"ip netns exec %s sh -c 'echo 1 > /proc/sys/net/ipv4/conf/veth1/accept_local'",
		"ip netns exec %s sh -c 'echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter'",
		"ip netns exec %s sh -c 'echo 0 > /proc/sys/net/ipv4/conf/veth0/rp_filter'",
		"ip netns exec %s sh -c 'echo 0 > /proc/sys/net/ipv4/conf/veth1/rp_filter'",
		"ip -n %s link set veth0 up",
		"ip -n %s link set veth1 up",
		"ip -n %s link set lo up",
	};
	struct vl_error err = { 0 };

	(void)state;
	if (geteuid() != 0)
		return 0;	/* every test says skip */
	snprintf(ns_drop, sizeof(ns_drop), "vlcap-%d-drop", (int)getpid());
	snprintf(ns_lo, sizeof(ns_lo), "vlcap-%d-lo", (int)getpid());
	made = true;
	atexit(remove_all);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGALRM, on_signal);
	alarm(60);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vlcap-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		return -1;
	}
	if (setup_cmds(drop, sizeof(drop) / sizeof(drop[0]), ns_drop) < 0 ||
	    setup_cmds(lo, sizeof(lo) / sizeof(lo[0]), ns_lo) < 0)
		return -1;
	if (vl_netns_open(ns_drop, &fd_drop, &err) < 0 ||
	    vl_netns_open(ns_lo, &fd_lo, &err) < 0) {
		print_message("# open namespace: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int kernel_teardown(void **state)
{
	(void)state;
	alarm(0);
	remove_all();
	return 0;
}

static void need_root(void)
{
	if (geteuid() != 0)
		skip();
	assert_true(fd_drop >= 0 && fd_lo >= 0);
}

static struct vl_capture *open_ok(int fd, const char *ifname, const char *path)
{
	struct vl_error err = { 0 };
	struct vl_capture *c = NULL;

	if (vl_capture_open(fd, ifname, path, &c, &err) < 0)
		fail_msg("capture on %s: %s", ifname, err.msg);
	assert_non_null(c);
	return c;
}

static void drain_ok(struct vl_capture *c)
{
	struct vl_error err = { 0 };

	if (vl_capture_drain(c, &err) < 0)
		fail_msg("drain: %s", err.msg);
}

static unsigned count_ok(struct vl_capture *c, const char *filter)
{
	struct vl_error err = { 0 };
	unsigned n = 12345;

	if (vl_capture_count(c, filter, &n, &err) < 0)
		fail_msg("count \"%s\": %s", filter, err.msg);
	return n;
}

static unsigned count_match(struct vl_capture *c, const struct vl_match *m)
{
	char f[512];

	assert_int_equal(vl_match_filter(m, f, sizeof(f)), 0);
	return count_ok(c, f);
}

static struct vl_match arp(enum vl_match_kind kind, const char *w, const char *t)
{
	struct vl_match m = match(kind);

	who_has(&m, w);
	tell(&m, t);
	return m;
}

static struct vl_match echo(enum vl_match_kind kind, const char *f, const char *t)
{
	struct vl_match m = match(kind);

	from(&m, f);
	to(&m, t);
	return m;
}

#define PING(ns, dst) \
	tl_sh(false, "ip netns exec %s ping -c 2 -i 0.2 -W 1 -I veth0 %s >/dev/null 2>&1", ns, dst)

/* Nobody has 192.168.2.1: the requests go out of veth0 and arrive on
 * veth1, and no reply ever comes. */
static void test_arp_drop(void **state)
{
	struct vl_capture *v0, *v1, *lo;
	struct vl_match req = arp(VL_MATCH_ARP_REQUEST, "192.168.2.1", "192.168.2.11");
	struct vl_match rep = match(VL_MATCH_ARP_REPLY);
	struct vl_match any_echo = match(VL_MATCH_ICMP_ECHO_REQUEST);
	/* the same request read the wrong way round */
	struct vl_match swapped = arp(VL_MATCH_ARP_REQUEST, "192.168.2.11", "192.168.2.1");

	(void)state;
	need_root();
	v0 = open_ok(fd_drop, "veth0", NULL);
	v1 = open_ok(fd_drop, "veth1", NULL);
	lo = open_ok(fd_drop, "lo", NULL);
	PING(ns_drop, "192.168.2.1");
	drain_ok(v0);
	drain_ok(v1);
	drain_ok(lo);

	assert_true(count_match(v0, &req) >= 1);
	assert_true(count_match(v1, &req) >= 1);
	assert_int_equal(count_match(v0, &swapped), 0);
	assert_int_equal(count_match(v0, &rep), 0);
	assert_int_equal(count_match(v1, &rep), 0);
	/* without an answer nothing is sent: the echo waits for ARP */
	assert_int_equal(count_match(v0, &any_echo), 0);
	assert_int_equal(count_ok(lo, "arp"), 0);
	/* "" counts everything kept */
	assert_int_equal(count_ok(v0, ""), vl_capture_packets(v0));
	assert_true(vl_capture_packets(v0) >= 1);
	vl_capture_close(v0);
	vl_capture_close(v1);
	vl_capture_close(lo);
}

/* Packets of the file PATH: -1 when libpcap cannot read it. */
static long pcap_file_packets(const char *path, int *linktype)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	long n = 0;
	pcap_t *p = pcap_open_offline(path, ebuf);
	int r;

	if (!p) {
		print_message("# %s\n", ebuf);
		return -1;
	}
	*linktype = pcap_datalink(p);
	while ((r = pcap_next_ex(p, &h, &d)) == 1)
		n++;
	pcap_close(p);
	return r == PCAP_ERROR_BREAK ? n : -1;
}

/* Lines `tcpdump -r PATH -n` prints (one per packet), -1 on failure */
static long tcpdump_lines(const char *path)
{
	char cmd[512], line[1024];
	long n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "tcpdump -r '%s' -n 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strchr(line, '\n'))
			n++;
	return pclose(f) == 0 ? n : -1;
}

/* 192.168.2.1 is local, so the reply to a request that came in on veth1
 * goes back over lo: requests on both veth ends, replies only on lo. The
 * veth0 capture is also written to a file. */
static void test_lo_reply(void **state)
{
	struct vl_capture *v0, *v1, *lo;
	struct vl_match req = echo(VL_MATCH_ICMP_ECHO_REQUEST, "192.168.2.11", "192.168.2.1");
	struct vl_match rep = echo(VL_MATCH_ICMP_ECHO_REPLY, "192.168.2.1", "192.168.2.11");
	struct vl_match any_rep = match(VL_MATCH_ICMP_ECHO_REPLY);
	struct vl_match arp_rep = arp(VL_MATCH_ARP_REPLY, "192.168.2.1", "192.168.2.11");
	struct vl_match arp_rep_swapped = arp(VL_MATCH_ARP_REPLY, "192.168.2.11", "192.168.2.1");
	char path[128];
	size_t kept;
	long n;
	int lt = -1;

	(void)state;
	need_root();
	snprintf(path, sizeof(path), "%s/veth0.pcap", tmpdir);
	v0 = open_ok(fd_lo, "veth0", path);
	v1 = open_ok(fd_lo, "veth1", NULL);
	lo = open_ok(fd_lo, "lo", NULL);
	PING(ns_lo, "192.168.2.1");
	drain_ok(v0);
	drain_ok(v1);
	drain_ok(lo);

	/* ping -c 2: two requests, each seen once on each end */
	assert_int_equal(count_match(v0, &req), 2);
	assert_int_equal(count_match(v1, &req), 2);
	assert_int_equal(count_match(v0, &any_rep), 0);
	assert_int_equal(count_match(v1, &any_rep), 0);
	/* and once on lo, not twice (sent and received) */
	assert_int_equal(count_match(lo, &rep), 2);
	assert_int_equal(count_match(lo, &any_rep), 2);
	/* veth1 answered ARP for .1: a reply "who-has" .1 "tell" .11 */
	assert_true(count_match(v0, &arp_rep) >= 1);
	assert_int_equal(count_match(v0, &arp_rep_swapped), 0);

	kept = vl_capture_packets(v0);
	assert_true(kept >= 3);
	vl_capture_close(v0);
	vl_capture_close(v1);
	vl_capture_close(lo);

	n = pcap_file_packets(path, &lt);
	assert_int_equal(n, (long)kept);
	assert_int_equal(lt, DLT_EN10MB);
	if (tl_sh(false, "command -v tcpdump >/dev/null") != 0) {
		print_message("# tcpdump is not installed\n");
		skip();
	}
	assert_int_equal(tcpdump_lines(path), (long)kept);
}

/* Filters of both families against real echoes on lo */
static void test_echo_both_families(void **state)
{
	struct vl_match req = match(VL_MATCH_ICMP_ECHO_REQUEST);
	struct vl_match rep = match(VL_MATCH_ICMP_ECHO_REPLY);
	struct vl_match req4 = match(VL_MATCH_ICMP_ECHO_REQUEST);
	struct vl_match rep6 = match(VL_MATCH_ICMP_ECHO_REPLY);
	struct vl_capture *lo;

	(void)state;
	need_root();
	to(&req4, "127.0.0.1");
	from(&rep6, "::1");
	lo = open_ok(fd_drop, "lo", NULL);
	assert_int_equal(tl_sh(false, "ip netns exec %s ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1",
			     ns_drop), 0);
	assert_int_equal(tl_sh(false, "ip netns exec %s ping -6 -c 1 -W 1 ::1 >/dev/null 2>&1",
			     ns_drop), 0);
	drain_ok(lo);
	assert_int_equal(count_match(lo, &req), 2);
	assert_int_equal(count_match(lo, &rep), 2);
	assert_int_equal(count_match(lo, &req4), 1);
	assert_int_equal(count_match(lo, &rep6), 1);
	assert_int_equal(count_ok(lo, "icmp6 and ip6[40] = 128"), 1);
	vl_capture_close(lo);
}

static void test_open_errors(void **state)
{
	struct vl_error err = { 0 };
	struct vl_capture *c = (struct vl_capture *)&err;
	char path[128];
	int host;

	(void)state;
	need_root();
	assert_int_equal(vl_capture_open(fd_drop, "vlcap-nosuch0", NULL, &c, &err), -ENODEV);
	assert_null(c);
	if (!strstr(err.msg, "vlcap-nosuch0"))
		fail_msg("does not name the interface: %s", err.msg);

	/* libpcap refuses an interface that is down */
	vl_err_clear(&err);
	assert_int_equal(vl_capture_open(fd_drop, "veth2", NULL, &c, &err), -ENETDOWN);
	assert_null(c);
	if (!strstr(err.msg, "capture on veth2: the interface is down"))
		fail_msg("unexpected message: %s", err.msg);

	/* the caller makes the directory; an error names the file */
	snprintf(path, sizeof(path), "%s/missing/veth0.pcap", tmpdir);
	vl_err_clear(&err);
	assert_true(vl_capture_open(fd_drop, "veth0", path, &c, &err) < 0);
	assert_null(c);
	if (!strstr(err.msg, path) || !strstr(err.msg, "No such file"))
		fail_msg("does not name the file: %s", err.msg);

	/* never the host's own namespace */
	host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(host >= 0);
	vl_err_clear(&err);
	assert_int_equal(vl_capture_open(host, "lo", NULL, &c, &err), -EPERM);
	close(host);
	assert_null(c);
	if (!strstr(err.msg, "capture on lo") || !strstr(err.msg, "host"))
		fail_msg("unexpected message: %s", err.msg);
}

/* Taken down under an open capture, an interface shows nothing while
 * down and is seen again once up: a step may do that. */
static void test_down_and_up(void **state)
{
	struct vl_match req = match(VL_MATCH_ARP_REQUEST);
	struct vl_capture *c;

	(void)state;
	need_root();
	who_has(&req, "192.168.3.2");
	c = open_ok(fd_drop, "veth4", NULL);
	assert_int_equal(tl_sh(false, "ip -n %s link set veth4 down", ns_drop), 0);
	drain_ok(c);
	assert_int_equal(tl_sh(false, "ip -n %s link set veth4 up", ns_drop), 0);
	tl_sh(false, "ip netns exec %s ping -c 1 -W 0.3 -I veth4 192.168.3.2 >/dev/null 2>&1", ns_drop);
	drain_ok(c);
	assert_true(count_match(c, &req) >= 1);
	vl_capture_close(c);
}

/* A step's whole traffic must fit in the kernel's ring until the drain:
 * a thousand frames on veth, and four hundred packets on lo, where each
 * passes twice and slots are 64 KiB. */
static void test_capacity(void **state)
{
	struct vl_match req = match(VL_MATCH_ICMP_ECHO_REQUEST);
	struct vl_match lo_req = match(VL_MATCH_ICMP_ECHO_REQUEST);
	struct vl_match lo_rep = match(VL_MATCH_ICMP_ECHO_REPLY);
	struct vl_capture *v0, *v1, *lo;

	(void)state;
	need_root();
	to(&req, "192.168.2.99");
	to(&lo_req, "127.0.0.1");
	from(&lo_rep, "127.0.0.1");
	v0 = open_ok(fd_drop, "veth0", NULL);
	v1 = open_ok(fd_drop, "veth1", NULL);
	lo = open_ok(fd_drop, "lo", NULL);
	/* -l: all thousand at once, nobody answers */
	tl_sh(false, "ip netns exec %s ping -q -c 1000 -l 1000 -W 0.1 -I veth0 192.168.2.99 "
	    ">/dev/null 2>&1", ns_drop);
	assert_int_equal(tl_sh(false, "ip netns exec %s ping -f -c 200 127.0.0.1 >/dev/null 2>&1",
			     ns_drop), 0);
	drain_ok(v0);
	drain_ok(v1);
	drain_ok(lo);
	assert_int_equal(count_match(v0, &req), 1000);
	assert_int_equal(count_match(v1, &req), 1000);
	assert_int_equal(count_match(lo, &lo_req), 200);
	assert_int_equal(count_match(lo, &lo_rep), 200);
	vl_capture_close(v0);
	vl_capture_close(v1);
	vl_capture_close(lo);
}

/* More than the ring holds: the drain and every count say the capture
 * is incomplete, and the count still tells what was kept. */
static void test_drops_reported(void **state)
{
	struct vl_error err = { 0 };
	struct vl_capture *lo;
	unsigned n = 0;

	(void)state;
	need_root();
	lo = open_ok(fd_drop, "lo", NULL);
	assert_int_equal(tl_sh(false, "ip netns exec %s ping -f -c 1000 127.0.0.1 >/dev/null 2>&1",
			     ns_drop), 0);
	assert_int_equal(vl_capture_drain(lo, &err), -ENOBUFS);
	if (!strstr(err.msg, "capture on lo is incomplete") ||
	    !strstr(err.msg, "dropped by the kernel"))
		fail_msg("unexpected message: %s", err.msg);
	vl_err_clear(&err);
	assert_int_equal(vl_capture_count(lo, "", &n, &err), -ENOBUFS);
	assert_true(n > 0 && n < 2000);
	assert_int_equal(n, vl_capture_packets(lo));
	if (!strstr(err.msg, "dropped by the kernel"))
		fail_msg("unexpected message: %s", err.msg);
	vl_capture_close(lo);
}

/* Commands a step runs must not inherit the capture's socket (it would
 * keep the namespace alive) or its file. */
static void test_not_inherited(void **state)
{
	struct vl_capture *c;
	char path[128];

	(void)state;
	need_root();
	snprintf(path, sizeof(path), "%s/inherit.pcap", tmpdir);
	c = open_ok(fd_drop, "veth1", path);
	/* the shell's own descriptors: exit 1 when none matches */
	assert_int_equal(tl_sh(false, "for f in /proc/$$/fd/*; do readlink $f; done | "
			     "grep -E 'socket:|inherit\\.pcap'"), 1);
	vl_capture_close(c);
}

static void test_count_bad_filter(void **state)
{
	struct vl_error err = { 0 };
	struct vl_capture *c;
	unsigned n = 7;

	(void)state;
	need_root();
	c = open_ok(fd_drop, "veth1", NULL);
	assert_int_equal(vl_capture_count(c, "arp and", &n, &err), -EINVAL);
	assert_int_equal(n, 0);
	if (!strstr(err.msg, "\"arp and\"") || !strstr(err.msg, "syntax error") ||
	    !strstr(err.msg, "veth1"))
		fail_msg("unexpected message: %s", err.msg);
	/* nothing was sent: an empty capture counts 0 and is not an error */
	assert_int_equal(count_ok(c, NULL), 0);
	assert_int_equal(count_ok(c, "arp"), 0);
	vl_capture_close(c);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_filter_any),
		cmocka_unit_test(test_filter_arp_request),
		cmocka_unit_test(test_filter_arp_reply),
		cmocka_unit_test(test_filter_echo),
		cmocka_unit_test(test_filter_refused),
		cmocka_unit_test(test_filter_check),
		cmocka_unit_test(test_close_null),
	};
	const struct CMUnitTest kernel[] = {
		cmocka_unit_test(test_arp_drop),
		cmocka_unit_test(test_lo_reply),
		cmocka_unit_test(test_echo_both_families),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_down_and_up),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_drops_reported),
		cmocka_unit_test(test_not_inherited),
		cmocka_unit_test(test_count_bad_filter),
	};
	int failed = cmocka_run_group_tests_name("capture filters", pure, NULL, NULL);

	failed += cmocka_run_group_tests_name("capture in namespaces", kernel,
					      kernel_setup, kernel_teardown);
	return failed ? 1 : 0;
}
