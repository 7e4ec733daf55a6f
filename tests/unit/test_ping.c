/* core/ping.c against the real kernel (needs root): throwaway namespaces
 * named vlping-<pid>-*, configured with iproute2 (tests may; the library
 * never does) and deleted in the group teardown and again at exit.
 * Nothing is configured in, or sent to, the host's namespace.
 *
 *   vlping-P-a                          vlping-P-b
 *   a0 192.168.10.1/24 fd00:10::1/64 <--> b0 192.168.10.2/24 fd00:10::2/64
 *   a1 192.168.11.1/24 fd00:11::1/64 <--> c0 192.168.11.2/24 fd00:11::2/64
 *   lo 192.168.12.1/32 (b has no route       192.168.11.3/24
 *      back to it)                        vlping-P-c: ignores echo requests
 *                                         (icmp_echo_ignore_all); a thread
 *                                         forges answers
 *
 *   vlping-P-d, the article's host, both ends in one namespace:
 *   veth0 192.168.2.11/24 fd00:2::11/64 <--> veth1 (no address; later
 *   192.168.2.1/24: the reply to "ping -I veth0 192.168.2.1" comes back
 *   through lo)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include "core/netns.h"
#include "core/ping.h"
#include "tests/unit/testlib.h"

enum { NS_A, NS_B, NS_C, NS_D, NS_N };

static const char *const ns_suffix[NS_N] = { "a", "b", "c", "d" };
static char ns_name[NS_N][64];
static int ns_fd[NS_N] = { -1, -1, -1, -1 };
static bool ns_made[NS_N];

static void remove_all(void)
{
	struct vl_error err = { 0 };

	for (int i = NS_N - 1; i >= 0; i--) {
		if (ns_fd[i] >= 0)
			close(ns_fd[i]);
		ns_fd[i] = -1;
		if (ns_made[i] && vl_netns_del(ns_name[i], &err) < 0)
			fprintf(stderr, "# cleanup: %s\n", err.msg);
		ns_made[i] = false;
	}
}

static void on_signal(int sig)
{
	remove_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Write VALUE to /proc/sys/PATH inside namespace NS: /proc/sys/net is
 * the current thread's namespace's, and vl_netns_enter refuses the host's. */
static int ns_sysctl(int ns, const char *path, const char *value)
{
	struct vl_error err = { 0 };
	char full[256];
	int saved, fd, r = 0;

	snprintf(full, sizeof(full), "/proc/sys/%s", path);
	if (vl_netns_enter(ns_fd[ns], &saved, &err) < 0) {
		print_message("# %s\n", err.msg);
		return -1;
	}
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value)) {
		print_message("# write %s to %s in %s: %s\n", value, full,
			      ns_name[ns], strerror(errno));
		r = -1;
	}
	if (fd >= 0)
		close(fd);
	if (vl_netns_leave(saved, &err) < 0) {
		/* we are stuck in the wrong namespace: stop everything */
		fprintf(stderr, "# %s\n", err.msg);
		remove_all();
		_exit(2);
	}
	return r;
}

/* Packets lo of namespace NS has received (/proc/thread-self/net/dev
 * follows the thread's namespace). */
static long long lo_rx_packets(int ns)
{
	struct vl_error err = { 0 };
	long long bytes, packets = -1;
	char line[512];
	int saved;
	FILE *f;

	if (vl_netns_enter(ns_fd[ns], &saved, &err) < 0)
		return -1;
	f = fopen("/proc/thread-self/net/dev", "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " lo: %lld %lld", &bytes, &packets) == 2)
			break;
	if (f)
		fclose(f);
	if (vl_netns_leave(saved, &err) < 0) {
		fprintf(stderr, "# %s\n", err.msg);
		remove_all();
		_exit(2);
	}
	return packets;
}

static int group_setup(void **state)
{
	struct vl_error err = { 0 };
	const char *A, *B, *C, *D;

	(void)state;
	atexit(remove_all);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	for (int i = 0; i < NS_N; i++) {
		snprintf(ns_name[i], sizeof(ns_name[i]), "vlping-%d-%s",
			 (int)getpid(), ns_suffix[i]);
		if (vl_netns_add(ns_name[i], &ns_fd[i], &err) < 0) {
			print_message("# %s\n", err.msg);
			goto fail;
		}
		ns_made[i] = true;
		if (tl_sh(true, "ip -n %s link set lo up", ns_name[i]))
			goto fail;
	}
	A = ns_name[NS_A];
	B = ns_name[NS_B];
	C = ns_name[NS_C];
	D = ns_name[NS_D];
	if (tl_sh(true, "ip -n %s link add a0 type veth peer name b0 netns %s", A, B) ||
	    tl_sh(true, "ip -n %s link add a1 type veth peer name c0 netns %s", A, C) ||
	    tl_sh(true, "ip -n %s link add veth0 type veth peer name veth1", D) ||
	    /* links up before addresses: an IPv6 address added to a
	     * down link joins its solicited-node group only when its DAD
	     * work runs, up to router_solicitation_delay (1 s) after the
	     * link comes up, and the first neighbour solicitation for it
	     * is ignored until then */
	    tl_sh(true, "ip -n %s -batch - <<'EOF'\n"
	       "link set a0 up\nlink set a1 up\n"
	       "addr add 192.168.10.1/24 dev a0\n"
	       "addr add fd00:10::1/64 dev a0 nodad\n"
	       "addr add 192.168.11.1/24 dev a1\n"
	       "addr add fd00:11::1/64 dev a1 nodad\n"
	       "addr add 192.168.12.1/32 dev lo\nEOF", A) ||
	    tl_sh(true, "ip -n %s -batch - <<'EOF'\n"
	       "link set b0 up\n"
	       "addr add 192.168.10.2/24 dev b0\n"
	       "addr add fd00:10::2/64 dev b0 nodad\nEOF", B) ||
	    tl_sh(true, "ip -n %s -batch - <<'EOF'\n"
	       "link set c0 up\n"
	       "addr add 192.168.11.2/24 dev c0\n"
	       "addr add 192.168.11.3/24 dev c0\n"
	       "addr add fd00:11::2/64 dev c0 nodad\nEOF", C) ||
	    tl_sh(true, "ip -n %s -batch - <<'EOF'\n"
	       "link set veth0 up\nlink set veth1 up\n"
	       "addr add 192.168.2.11/24 dev veth0\n"
	       "addr add fd00:2::11/64 dev veth0 nodad\nEOF", D))
		goto fail;
	if (ns_sysctl(NS_C, "net/ipv4/icmp_echo_ignore_all", "1") ||
	    ns_sysctl(NS_C, "net/ipv6/icmp/echo_ignore_all", "1"))
		goto fail;
	return 0;
fail:
	remove_all();
	return -1;
}

static int group_teardown(void **state)
{
	(void)state;
	remove_all();
	return 0;
}

static struct vl_prefix addr(const char *s)
{
	struct vl_prefix p;
	const char *why = NULL;

	if (vl_addr_parse(s, &p, &why) < 0)
		fail_msg("bad test address %s: %s", s, why);
	return p;
}

static struct vl_ping_opts opts(int ns, const char *dst, unsigned count,
				unsigned interval_ms, unsigned timeout_ms)
{
	struct vl_ping_opts o = {
		.netns_fd = ns_fd[ns], .dst = addr(dst), .count = count,
		.interval_ms = interval_ms, .timeout_ms = timeout_ms,
	};

	return o;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* vl_ping that must not fail; how long it took in *MS. */
static void ping_ok(const struct vl_ping_opts *o, struct vl_ping_result *res,
		    double *ms)
{
	struct vl_error err = { 0 };
	double t0 = now_ms();
	int r = vl_ping(o, res, &err);

	*ms = now_ms() - t0;
	if (r < 0)
		fail_msg("vl_ping failed (%d): %s", r, err.msg);
	print_message("# %s (%.0f ms)\n", res->summary, *ms);
}

static void assert_prefix(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)))
		fail_msg("\"%s\" does not start with \"%s\"", s, prefix);
}

static void assert_all_received(const struct vl_ping_result *res,
				unsigned count)
{
	char want[64];

	assert_int_equal(res->sent, count);
	assert_int_equal(res->received, count);
	assert_int_equal(res->errors, 0);
	assert_true(res->rtt_min_ms > 0);
	assert_true(res->rtt_min_ms <= res->rtt_avg_ms);
	assert_true(res->rtt_avg_ms <= res->rtt_max_ms);
	assert_true(res->rtt_max_ms < 100);
	snprintf(want, sizeof(want), "%u sent, %u received, rtt ", count, count);
	assert_prefix(res->summary, want);
}

/* Refuses the host's namespace before sending anything. */
static void test_host_refused(void **state)
{
	struct vl_ping_opts o = opts(NS_A, "192.168.10.2", 1, 10, 100);
	struct vl_ping_result res;
	struct vl_error err = { 0 };
	int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(host >= 0);
	o.netns_fd = host;
	assert_int_equal(vl_ping(&o, &res, &err), -EPERM);
	close(host);
	assert_non_null(strstr(err.msg, "ping 192.168.10.2: "));
	assert_int_equal(res.sent, 0);
}

static void test_v4(void **state)
{
	struct vl_ping_opts o = opts(NS_A, "192.168.10.2", 3, 50, 1000);
	struct vl_ping_result res;
	double ms;

	(void)state;
	ping_ok(&o, &res, &ms);
	assert_all_received(&res, 3);
	/* sends are an interval apart, and nothing waits for the timeout
	 * once every request is answered */
	assert_true(ms >= 100 && ms < 400);
	assert_int_equal(res.error, 0);
	assert_string_equal(res.error_from, "");
}

static void test_v6(void **state)
{
	struct vl_ping_opts o = opts(NS_A, "fd00:10::2", 3, 50, 1000);
	struct vl_ping_result res;
	double ms;

	(void)state;
	ping_ok(&o, &res, &ms);
	assert_all_received(&res, 3);
	/* sends are an interval apart, and nothing waits for the timeout
	 * once every request is answered */
	assert_true(ms >= 100 && ms < 400);
}

/* The device decides where the request goes: through a1 nobody answers
 * for 192.168.10.2 (the kernel assumes it on-link and ARPs in vain). */
static void test_dev(void **state)
{
	struct vl_ping_opts o = opts(NS_A, "192.168.10.2", 2, 20, 1000);
	struct vl_ping_result res;
	double ms;

	(void)state;
	o.dev = "a0";
	ping_ok(&o, &res, &ms);
	assert_all_received(&res, 2);

	o = opts(NS_A, "fd00:10::2", 2, 20, 1000);
	o.dev = "a0";
	ping_ok(&o, &res, &ms);
	assert_all_received(&res, 2);

	o = opts(NS_A, "192.168.10.2", 1, 20, 200);
	o.dev = "a1";
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.sent, 1);
	assert_int_equal(res.received, 0);
	assert_string_equal(res.summary, "1 sent, 0 received: no reply within 200 ms");
}

/* The source address is used: b has no route back to 192.168.12.1. */
static void test_src(void **state)
{
	struct vl_prefix good = addr("192.168.10.1"), lo = addr("192.168.12.1");
	struct vl_prefix good6 = addr("fd00:10::1");
	struct vl_ping_opts o = opts(NS_A, "192.168.10.2", 2, 20, 1000);
	struct vl_ping_result res;
	double ms;

	(void)state;
	o.src = &good;
	ping_ok(&o, &res, &ms);
	assert_all_received(&res, 2);

	o.dev = "a0";
	ping_ok(&o, &res, &ms);
	assert_all_received(&res, 2);

	o = opts(NS_A, "fd00:10::2", 2, 20, 1000);
	o.src = &good6;
	ping_ok(&o, &res, &ms);
	assert_all_received(&res, 2);

	o = opts(NS_A, "192.168.10.2", 1, 20, 200);
	o.src = &lo;
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.sent, 1);
	assert_int_equal(res.received, 0);
	assert_int_equal(res.errors, 0);
	assert_string_equal(res.summary, "1 sent, 0 received: no reply within 200 ms");
}

/* What cannot be made at all is an error that names the ping. */
static void test_bad_dev_and_src(void **state)
{
	struct vl_prefix nowhere = addr("192.168.99.1"), v6 = addr("fd00:10::1");
	struct vl_ping_opts o = opts(NS_A, "192.168.10.2", 1, 20, 200);
	struct vl_ping_result res;
	struct vl_error err = { 0 };

	(void)state;
	o.dev = "nosuchdev0";
	assert_int_equal(vl_ping(&o, &res, &err), -ENODEV);
	assert_int_equal(err.code, -ENODEV);
	assert_string_equal(err.msg, "ping 192.168.10.2 dev nosuchdev0: bind to "
			    "device nosuchdev0: No such device");
	assert_int_equal(res.sent, 0);

	vl_err_clear(&err);
	o.dev = NULL;
	o.src = &nowhere;
	assert_int_equal(vl_ping(&o, &res, &err), -EADDRNOTAVAIL);
	assert_string_equal(err.msg, "ping 192.168.10.2 from 192.168.99.1: bind "
			    "to 192.168.99.1: Cannot assign requested address");

	vl_err_clear(&err);
	o.src = &v6;
	assert_int_equal(vl_ping(&o, &res, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "different families"));

	vl_err_clear(&err);
	o = opts(NS_A, "192.168.10.2", 0, 20, 200);
	assert_int_equal(vl_ping(&o, &res, &err), -EINVAL);
}

/* No route: every send fails at once, each counted, nothing waited for. */
static void test_no_route(void **state)
{
	struct vl_ping_opts o = opts(NS_A, "198.51.100.1", 2, 20, 1000);
	struct vl_ping_result res;
	double ms;

	(void)state;
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.sent, 2);
	assert_int_equal(res.received, 0);
	assert_int_equal(res.errors, 2);
	assert_int_equal(res.error, ENETUNREACH);
	assert_string_equal(res.error_from, "");
	assert_string_equal(res.summary, "2 sent, 0 received: Network is unreachable");
	assert_true(ms < 200);

	o = opts(NS_A, "2001:db8::1", 1, 20, 1000);
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.errors, 1);
	assert_int_equal(res.error, ENETUNREACH);
	assert_string_equal(res.summary, "1 sent, 0 received: Network is unreachable");
	assert_true(ms < 200);
}

/* c ignores echo requests: nothing comes, and the call takes as long as
 * (count - 1) * interval + timeout, no longer. */
static void test_timeout(void **state)
{
	struct vl_ping_opts o = opts(NS_A, "192.168.11.2", 1, 50, 300);
	struct vl_ping_result res;
	double ms;

	(void)state;
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.sent, 1);
	assert_int_equal(res.received, 0);
	assert_int_equal(res.errors, 0);
	assert_string_equal(res.summary, "1 sent, 0 received: no reply within 300 ms");
	assert_true(ms >= 300 && ms < 360);

	o = opts(NS_A, "fd00:11::2", 3, 50, 150);
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.sent, 3);
	assert_int_equal(res.received, 0);
	assert_string_equal(res.summary, "3 sent, 0 received: no reply within 150 ms");
	assert_true(ms >= 250 && ms < 310);
}

/* The article, veth1 without an address: nobody answers the ARP request
 * for 192.168.2.1. Within the default 3 x 1 s of ARP probes it is
 * simply "no reply". */
static void test_article_no_reply(void **state)
{
	struct vl_ping_opts o = opts(NS_D, "192.168.2.1", 1, 50, 300);
	struct vl_ping_result res;
	double ms;

	(void)state;
	assert_int_equal(tl_sh(true, "ip -n %s addr flush dev veth1", ns_name[NS_D]), 0);
	assert_int_equal(tl_sh(true, "ip -n %s neigh flush dev veth0", ns_name[NS_D]), 0);
	assert_int_equal(ns_sysctl(NS_D, "net/ipv4/neigh/veth0/retrans_time_ms", "1000"), 0);
	o.dev = "veth0";
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.received, 0);
	assert_int_equal(res.errors, 0);
	assert_string_equal(res.summary, "1 sent, 0 received: no reply within 300 ms");
}

/* With probes 100 ms apart ARP gives up after ~300 ms, and the local
 * stack reports Destination Host Unreachable for every queued request;
 * that ends the call well before the timeout. */
static void test_article_unreachable(void **state)
{
	struct vl_ping_opts o = opts(NS_D, "192.168.2.1", 2, 50, 2000);
	struct vl_ping_result res;
	double ms;

	(void)state;
	assert_int_equal(tl_sh(true, "ip -n %s addr flush dev veth1", ns_name[NS_D]), 0);
	assert_int_equal(tl_sh(true, "ip -n %s neigh flush dev veth0", ns_name[NS_D]), 0);
	assert_int_equal(ns_sysctl(NS_D, "net/ipv4/neigh/veth0/retrans_time_ms", "100"), 0);
	o.dev = "veth0";
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.sent, 2);
	assert_int_equal(res.received, 0);
	assert_int_equal(res.errors, 2);
	assert_int_equal(res.error, EHOSTUNREACH);
	assert_string_equal(res.error_from, "192.168.2.11");
	assert_string_equal(res.summary, "2 sent, 0 received: Destination Host "
			    "Unreachable (from 192.168.2.11)");
	assert_true(ms < 1000);
}

/* The same for IPv6: neighbour discovery fails, "Address unreachable". */
static void test_article_unreachable_v6(void **state)
{
	struct vl_ping_opts o = opts(NS_D, "fd00:2::1", 1, 50, 2000);
	struct vl_ping_result res;
	double ms;

	(void)state;
	assert_int_equal(ns_sysctl(NS_D, "net/ipv6/neigh/veth0/retrans_time_ms", "100"), 0);
	o.dev = "veth0";
	ping_ok(&o, &res, &ms);
	assert_int_equal(res.sent, 1);
	assert_int_equal(res.received, 0);
	assert_int_equal(res.errors, 1);
	assert_int_equal(res.error, EHOSTUNREACH);
	assert_string_equal(res.error_from, "fd00:2::11");
	assert_string_equal(res.summary, "1 sent, 0 received: Destination "
			    "unreachable: Address unreachable (from fd00:2::11)");
	assert_true(ms < 1000);
}

/* The article's fix: veth1 gets 192.168.2.1, both accept packets from
 * a local source, no reverse-path filter. The request leaves on veth0,
 * the reply comes back through lo, and must be counted. */
static void test_article_lo_reply(void **state)
{
	struct vl_ping_opts o = opts(NS_D, "192.168.2.1", 3, 20, 1000);
	static const char *const keys[][2] = {
		{ "net/ipv4/conf/veth0/accept_local", "1" },
		{ "net/ipv4/conf/veth1/accept_local", "1" },
		{ "net/ipv4/conf/all/rp_filter", "0" },
		{ "net/ipv4/conf/veth0/rp_filter", "0" },
		{ "net/ipv4/conf/veth1/rp_filter", "0" },
	};
	struct vl_ping_result res;
	long long lo_before;
	double ms;

	(void)state;
	assert_int_equal(tl_sh(true, "ip -n %s addr replace 192.168.2.1/24 dev veth1",
			    ns_name[NS_D]), 0);
	assert_int_equal(tl_sh(true, "ip -n %s neigh flush dev veth0", ns_name[NS_D]), 0);
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		assert_int_equal(ns_sysctl(NS_D, keys[i][0], keys[i][1]), 0);
	lo_before = lo_rx_packets(NS_D);
	assert_true(lo_before >= 0);
	o.dev = "veth0";
	ping_ok(&o, &res, &ms);
	assert_all_received(&res, 3);
	/* the replies did come through lo */
	assert_true(lo_rx_packets(NS_D) - lo_before >= 3);
}

/* --- forged answers: a responder in c (whose kernel ignores echo
 * requests) answers what a sends with duplicates, replies to requests
 * never sent or not sent yet, a wrong identifier, a wrong payload, a
 * wrong source, an error about an answered request, one real error; or
 * answers too late. --- */

struct responder {
	int fd;			/* raw ICMP socket made in c */
	int other;		/* the same, bound to c's second address */
	bool late;		/* answer each request after 150 ms */
	int want, seen;
};

static uint16_t csum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void send_to_a(int fd, unsigned char *icmp, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	uint16_t sum;

	inet_pton(AF_INET, "192.168.11.1", &a.sin_addr);
	icmp[2] = icmp[3] = 0;
	sum = csum(icmp, len);
	memcpy(icmp + 2, &sum, 2);
	if (sendto(fd, icmp, len, 0, (struct sockaddr *)&a, sizeof(a)) != (ssize_t)len)
		fprintf(stderr, "# responder: sendto: %s\n", strerror(errno));
}

/* An echo reply to REQ (the echo request, LEN bytes) with SEQ and an
 * identifier changed by ID_DELTA; BAD_NONCE spoils the payload. */
static void reply(int fd, const unsigned char *req, size_t len, unsigned seq,
		  int id_delta, bool bad_nonce)
{
	unsigned char p[256];
	uint16_t id;

	memcpy(p, req, len);
	p[0] = 0;		/* echo reply */
	memcpy(&id, p + 4, 2);
	id = htons((uint16_t)(ntohs(id) + id_delta));
	memcpy(p + 4, &id, 2);
	p[6] = (unsigned char)(seq >> 8);
	p[7] = (unsigned char)seq;
	if (bad_nonce)
		p[8] ^= 0xff;
	send_to_a(fd, p, len);
}

/* Destination Host Unreachable quoting IP (the request's header) and
 * the request with sequence number SEQ. */
static void unreach(int fd, const unsigned char *ip, size_t iplen,
		    const unsigned char *req, size_t len, unsigned seq)
{
	unsigned char p[512];

	memset(p, 0, 8);
	p[0] = 3;
	p[1] = 1;
	memcpy(p + 8, ip, iplen);
	memcpy(p + 8 + iplen, req, len);
	p[8 + iplen + 6] = (unsigned char)(seq >> 8);
	p[8 + iplen + 7] = (unsigned char)seq;
	send_to_a(fd, p, 8 + iplen + len);
}

static void forge(const struct responder *r, const unsigned char *ip,
		  size_t hl, const unsigned char *req, size_t len, unsigned seq)
{
	int fd = r->fd;

	if (r->late) {
		nanosleep(&(struct timespec){ .tv_nsec = 150000000 }, NULL);
		reply(fd, req, len, seq, 0, false);
		return;
	}
	switch (seq) {
	case 0:
		reply(fd, req, len, 0, 0, false);
		reply(fd, req, len, 0, 0, false);	/* duplicate */
		reply(fd, req, len, 7, 0, false);	/* never sent */
		unreach(fd, ip, hl, req, len, 9);	/* never sent */
		break;
	case 1:
		reply(fd, req, len, 2, 0, false);	/* not sent yet */
		reply(fd, req, len, 1, 1, false);	/* not our id */
		reply(fd, req, len, 1, 0, true);	/* not our payload */
		reply(r->other, req, len, 1, 0, false);	/* not from c's .2 */
		unreach(fd, ip, hl, req, len, 0);	/* answered */
		unreach(fd, ip, hl, req, len, 1);	/* the real one */
		break;
	case 2:
		reply(fd, req, len, 2, 0, false);
		reply(fd, req, len, 0, 0, false);	/* late duplicate */
		break;
	}
}

static void *respond(void *arg)
{
	struct responder *r = arg;
	double end = now_ms() + 2000;

	while (r->seen < r->want && now_ms() < end) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		unsigned char buf[512];
		struct iphdr ip;
		size_t hl;
		ssize_t n;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = recv(r->fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(ip))
			continue;
		memcpy(&ip, buf, sizeof(ip));
		hl = ip.ihl * 4u;
		if ((size_t)n < hl + 16 || buf[hl] != 8)	/* echo requests only */
			continue;
		forge(r, buf, hl, buf + hl, (size_t)n - hl,
		      (unsigned)buf[hl + 6] << 8 | buf[hl + 7]);
		r->seen++;
	}
	return NULL;
}

/* Raw ICMP sockets in c, the second bound to 192.168.11.3, answering
 * WANT requests from a thread while vl_ping runs. */
static void run_with_responder(struct responder *r, const struct vl_ping_opts *o,
			       struct vl_ping_result *res, double *ms)
{
	struct sockaddr_in other = { .sin_family = AF_INET };
	struct vl_error err = { 0 };
	pthread_t th;
	int saved;

	inet_pton(AF_INET, "192.168.11.3", &other.sin_addr);
	assert_int_equal(vl_netns_enter(ns_fd[NS_C], &saved, &err), 0);
	r->fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	r->other = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	assert_int_equal(vl_netns_leave(saved, &err), 0);
	assert_true(r->fd >= 0 && r->other >= 0);
	assert_int_equal(bind(r->other, (struct sockaddr *)&other, sizeof(other)), 0);
	assert_int_equal(pthread_create(&th, NULL, respond, r), 0);
	ping_ok(o, res, ms);
	pthread_join(th, NULL);
	close(r->fd);
	close(r->other);
	assert_int_equal(r->seen, r->want);
}

static void test_forged_answers(void **state)
{
	struct vl_ping_opts o = opts(NS_A, "192.168.11.2", 3, 50, 500);
	struct responder r = { .want = 3 };
	struct vl_ping_result res;
	double ms;

	(void)state;
	run_with_responder(&r, &o, &res, &ms);
	assert_int_equal(res.sent, 3);
	assert_int_equal(res.received, 2);
	assert_int_equal(res.errors, 1);
	assert_int_equal(res.error, EHOSTUNREACH);
	assert_string_equal(res.error_from, "192.168.11.2");
	assert_true(res.rtt_min_ms > 0 && res.rtt_max_ms < 100);
	assert_prefix(res.summary, "3 sent, 2 received, rtt ");
	assert_non_null(strstr(res.summary, " ms; 1 error: Destination Host "
			       "Unreachable (from 192.168.11.2)"));
	/* all answered: no waiting for the timeout */
	assert_true(ms < 400);
}

/* A reply after the timeout is no reply. */
static void test_late_answer(void **state)
{
	struct vl_ping_opts o = opts(NS_A, "192.168.11.2", 1, 50, 100);
	struct responder r = { .want = 1, .late = true };
	struct vl_ping_result res;
	double ms;

	(void)state;
	run_with_responder(&r, &o, &res, &ms);
	assert_int_equal(res.sent, 1);
	assert_int_equal(res.received, 0);
	assert_string_equal(res.summary, "1 sent, 0 received: no reply within 100 ms");
	assert_true(ms >= 100 && ms < 150);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_refused),
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_dev),
		cmocka_unit_test(test_src),
		cmocka_unit_test(test_bad_dev_and_src),
		cmocka_unit_test(test_no_route),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_article_no_reply),
		cmocka_unit_test(test_article_unreachable),
		cmocka_unit_test(test_article_unreachable_v6),
		cmocka_unit_test(test_article_lo_reply),
		cmocka_unit_test(test_forged_answers),
		cmocka_unit_test(test_late_answer),
	};

	return cmocka_run_group_tests_name("ping", tests, group_setup, group_teardown);
}
