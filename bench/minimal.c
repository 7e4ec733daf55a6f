/* minimal: the benchmark's baseline, the least a C program must do to
 * build bench/gen-topology's `chain N` over raw netlink (libmnl), and to
 * take it down. No model, no plan, no journal, no verification, no
 * rollback: bench/run checks the result from outside, and removes what
 * a failed run leaves.
 *
 *   minimal up PREFIX N      namespaces PREFIX-n1 .. PREFIX-nN
 *   minimal down PREFIX N
 *
 * up, for k = 1..N: create namespace PREFIX-nk and pin it under
 * /run/netns (as `ip netns add` does), write net.ipv4.ip_forward = 1
 * through /proc/sys from inside it, bring lo up; for k > 1 create the
 * veth pair eth1 (in n(k-1)) <-> eth0 (in nk), the peer made directly in
 * nk (IFLA_NET_NS_FD), one queue each way, eth1 up from the start, and
 * give each end its /30 and bring eth0 up. The interfaces get fixed indexes (eth0 2,
 * eth1 3), so no request has to look one up. Only the netlink sockets of
 * two namespaces are open at any time.
 *
 * down unpins every namespace (umount + unlink, as `ip netns del` does);
 * the kernel then dismantles them in the background. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <libmnl/libmnl.h>

#define NETNS_DIR "/run/netns"
#define IDX_ETH0 2
#define IDX_ETH1 3

struct node {
	struct mnl_socket *nl;	/* a socket opened inside the namespace */
	int fd;			/* the namespace, for IFLA_NET_NS_FD */
};

/* Requests go out in batches, one sendmsg per batch, then every ACK is
 * read back and checked. */
struct batch {
	char buf[8192];
	size_t len;
	unsigned int n;
};

static const char *prefix;
static unsigned int seq;

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("minimal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void ns_path(char *buf, size_t len, long k)
{
	snprintf(buf, len, "%s/%s-n%ld", NETNS_DIR, prefix, k);
}

/* 10.0.0.0 + offset, in network order */
static uint32_t addr_of(long off)
{
	return htonl((10u << 24) + (uint32_t)off);
}

static struct nlmsghdr *put(struct batch *b, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	if (b->len + 1024 > sizeof(b->buf))
		die("batch overflow");
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	return nlh;
}

static void done(struct batch *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	b->n++;
}

static void flush(struct batch *b, struct mnl_socket *nl, const char *what, long k)
{
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int acks = 0;

	if (b->n == 0)
		return;
	if (mnl_socket_sendto(nl, b->buf, b->len) < 0)
		die("%s (node %ld): send: %s", what, k, strerror(errno));
	while (acks < b->n) {
		ssize_t r = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)rbuf;
		int len = (int)r;

		if (r < 0)
			die("%s (node %ld): receive: %s", what, k, strerror(errno));
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error)
				die("%s (node %ld): %s", what, k, strerror(-e->error));
			acks++;
		}
	}
	b->len = 0;
	b->n = 0;
}

static void link_up(struct batch *b, int index)
{
	struct nlmsghdr *nlh = put(b, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	done(b, nlh);
}

/* eth1 (index 3) here and up, its peer eth0 (index 2) in the namespace
 * peer_fd; the peer cannot be up from the start (veth_open would find no
 * peer yet: ENOTCONN), it goes up with the request after. */
static void veth(struct batch *b, int peer_fd)
{
	struct nlmsghdr *nlh = put(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *linkinfo, *data, *peer;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = IDX_ETH1;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth1");
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = IDX_ETH0;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_fd);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	done(b, nlh);
}

/* offset (in 10.0.0.0/8) of a /30's address, with the subnet's broadcast
 * address as `ip addr add ... brd +` sets it */
static void addr(struct batch *b, int index, long off)
{
	struct nlmsghdr *nlh = put(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 30;
	ifa->ifa_index = (uint32_t)index;
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr_of(off));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr_of(off));
	mnl_attr_put_u32(nlh, IFA_BROADCAST, addr_of((off & ~3L) + 3));
	done(b, nlh);
}

/* /run/netns as a shared mount, as iproute2 and vethlab set it up */
static void setup_dir(void)
{
	if (mkdir(NETNS_DIR, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", NETNS_DIR, strerror(errno));
	if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return;
	if (errno != EINVAL)
		die("make %s shared: %s", NETNS_DIR, strerror(errno));
	if (mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
	    mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
		die("bind-mount %s: %s", NETNS_DIR, strerror(errno));
}

/* Leaves the calling thread in the new namespace. */
static void create_ns(struct node *nd, long k)
{
	char path[256];
	int fd;

	ns_path(path, sizeof(path), k);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		die("create %s: %s", path, strerror(errno));
	close(fd);
	if (unshare(CLONE_NEWNET) < 0)
		die("unshare (node %ld): %s", k, strerror(errno));
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
		die("pin %s: %s", path, strerror(errno));
	nd->fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (nd->fd < 0)
		die("open namespace (node %ld): %s", k, strerror(errno));
	nd->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nd->nl || mnl_socket_bind(nd->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket (node %ld): %s", k, strerror(errno));
	/* /proc/sys/net is the namespace of whoever opens it */
	fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		die("ip_forward (node %ld): %s", k, strerror(errno));
	close(fd);
}

static void close_ns(struct node *nd)
{
	mnl_socket_close(nd->nl);
	close(nd->fd);
}

static void up(long n)
{
	struct node prev = { 0 }, cur;
	struct batch b = { 0 };
	int host;
	long k;

	host = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (host < 0)
		die("open /proc/thread-self/ns/net: %s", strerror(errno));
	setup_dir();
	for (k = 1; k <= n; k++) {
		create_ns(&cur, k);
		if (k > 1) {
			/* link k-1: n(k-1):eth1 .1 <-> nk:eth0 .2 */
			veth(&b, cur.fd);
			addr(&b, IDX_ETH1, 4 * (k - 2) + 1);
			flush(&b, prev.nl, "veth", k - 1);
			close_ns(&prev);
			addr(&b, IDX_ETH0, 4 * (k - 2) + 2);
			link_up(&b, IDX_ETH0);
		}
		link_up(&b, 1);
		flush(&b, cur.nl, "lo and eth0", k);
		prev = cur;
	}
	if (n > 0)
		close_ns(&prev);
	if (setns(host, CLONE_NEWNET) < 0)
		die("return to the host's namespace: %s", strerror(errno));
	close(host);
}

static int down(long n)
{
	char path[256];
	int status = 0;
	long k;

	for (k = 1; k <= n; k++) {
		ns_path(path, sizeof(path), k);
		umount2(path, MNT_DETACH);
		if (unlink(path) < 0) {
			fprintf(stderr, "minimal: remove %s: %s\n", path, strerror(errno));
			status = 1;
		}
	}
	return status;
}

int main(int argc, char **argv)
{
	const char *p;
	char *end;
	long n;

	if (argc != 4 || (strcmp(argv[1], "up") && strcmp(argv[1], "down"))) {
		fputs("Usage: minimal up|down PREFIX N\n", stderr);
		return 2;
	}
	prefix = argv[2];
	for (p = prefix; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			break;
	errno = 0;
	n = strtol(argv[3], &end, 10);
	if (*p || !*prefix || strlen(prefix) > 32 || errno || *end || end == argv[3] ||
	    n < 1 || n > 100000) {
		fputs("minimal: PREFIX is 1-32 of a-z, 0-9, '-'; N from 1 to 100000\n", stderr);
		return 2;
	}
	if (!strcmp(argv[1], "up")) {
		up(n);
		return 0;
	}
	return down(n);
}
