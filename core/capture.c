/* Packet capture with libpcap inside a lab namespace: a PF_PACKET socket
 * opened there (it stays bound to that namespace after we leave), packets
 * kept in memory for counting with tcpdump filters and written to a pcap
 * file; and the tcpdump filters that a capture assertion's shorthand
 * stands for. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include "core/capture.h"
#include "core/model.h"
#include "core/netns.h"
#include "core/util.h"

/* The largest snapshot, and what filters are checked against. */
#define SNAPLEN 262144

/* The kernel's ring between the socket and us must hold all of a step's
 * traffic: we read only after the step. In immediate mode libpcap uses
 * TPACKET_V2, whose slots all have one size: the snapshot length, cut
 * to MTU + 18, or to 65535 + 18 when the interface has segmentation or
 * receive offloads, as veth has. With a snapshot of 262144 a 4 MiB ring
 * on veth holds 64 frames, and one ping step with ARP and IPv6 chatter
 * comes close to that. So the snapshot is the MTU plus link headers
 * (VLAN tags included): every frame the wire could carry is kept whole,
 * and only offload's aggregates, larger than any frame on a wire, are cut
 * (their full length stays in the pcap header). The ring then holds
 * RING_FRAMES slots within RING_MIN..RING_MAX: some 2000 frames on veth,
 * 512 on lo (MTU 65536). What still does not fit is counted as dropped,
 * and vl_capture_drain says so: never lost quietly. */
#define LINK_HEADROOM 32
#define RING_FRAMES 1024
#define RING_MIN (4u << 20)
#define RING_MAX (32u << 20)
#define FRAME_OVERHEAD 128	/* tpacket header and alignment */

/* What a capture keeps in memory. Past either bound packets are still
 * written to the pcap file but no longer kept, and counted in `unkept`:
 * from then on vl_capture_drain and vl_capture_count fail with -ENOBUFS
 * saying how many, because a count over a partial capture can make
 * "count: 0" pass when it should not. The limits are generous for a lab
 * (a ping step is a handful of frames) and stop a flood from eating the
 * machine. */
#define MAX_KEPT_PACKETS 100000
#define MAX_KEPT_BYTES (64u << 20)

/* A sender that never stops must not keep vl_capture_drain looping: past
 * this long it returns, and what is left stays queued for the next drain
 * (or is lost with the socket at close). */
#define DRAIN_MAX_NS 1000000000LL

struct kept {
	struct pcap_pkthdr h;
	unsigned char data[];
};

struct vl_capture {
	pcap_t *p;
	pcap_t *dead;		/* same linktype and snaplen, for pcap_compile */
	pcap_dumper_t *dump;
	char *ifname, *path;
	struct kept **v;
	size_t n, cap, bytes;
	unsigned long unkept;	/* past the memory bounds */
	unsigned long nomem;	/* malloc failed while keeping one */
	unsigned long kdrops;	/* pcap_stats ps_drop: the kernel's ring was full */
	/* what the socket was opened on, to tell whether it can serve a
	 * later step (vl_capture_restart) */
	unsigned long ns_ino;
	int ifindex;
	unsigned mtu;
	unsigned long drop_base;	/* ps_drop when this step began */
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct vl_capture *c = (struct vl_capture *)user;
	size_t need = sizeof(struct kept) + h->caplen;
	struct kept *k;

	if (c->dump)
		pcap_dump((u_char *)c->dump, h, bytes);
	if (c->n >= MAX_KEPT_PACKETS || c->bytes + need > MAX_KEPT_BYTES) {
		c->unkept++;
		return;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct kept **v = realloc(c->v, cap * sizeof(*v));

		if (!v) {
			c->nomem++;
			return;
		}
		c->v = v;
		c->cap = cap;
	}
	k = malloc(need);
	if (!k) {
		c->nomem++;
		return;
	}
	k->h = *h;
	memcpy(k->data, bytes, h->caplen);
	c->v[c->n++] = k;
	c->bytes += need;
}

/* -ENOBUFS with how many packets are missing and why, or 0. */
static int check_lost(const struct vl_capture *c, struct vl_error *err)
{
	char why[256] = "";
	size_t n = 0;

	if (!c->kdrops && !c->unkept && !c->nomem)
		return 0;
	if (c->kdrops)
		n += (size_t)snprintf(why + n, sizeof(why) - n,
				      "%s%lu dropped by the kernel (capture buffer full)",
				      n ? ", " : "", c->kdrops);
	if (c->unkept && n < sizeof(why))
		n += (size_t)snprintf(why + n, sizeof(why) - n,
				      "%s%lu not kept past the limit of %d packets or %u MiB",
				      n ? ", " : "", c->unkept, MAX_KEPT_PACKETS,
				      MAX_KEPT_BYTES >> 20);
	if (c->nomem && n < sizeof(why))
		snprintf(why + n, sizeof(why) - n, "%s%lu not kept: out of memory",
			 n ? ", " : "", c->nomem);
	return vl_err(err, -ENOBUFS,
		      "capture on %s is incomplete, counts would be wrong: %s",
		      vl_q(c->ifname), why);
}

static int activate_error(int rc, pcap_t *p, const char *ifname,
			  struct vl_error *err)
{
	const char *msg = pcap_geterr(p);
	int code;

	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return vl_err(err, -ENODEV,
			      "capture on %s: no such interface in the namespace (%s)",
			      vl_q(ifname), msg);
	case PCAP_ERROR_PERM_DENIED:
		code = -EPERM;
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		/* libpcap will not bind to a down interface (the kernel
		 * would, and start delivering once it is up) */
		return vl_err(err, -ENETDOWN, "capture on %s: the interface is down (%s)",
			      vl_q(ifname), msg);
	default:
		code = -EIO;
		break;
	}
	return vl_err(err, code, "capture on %s: %s", vl_q(ifname),
		      msg[0] ? msg : pcap_statustostr(rc));
}

/* The interface's MTU, index, whether it is a loopback and whether it
 * is up, asked in the namespace we are in; -ENODEV when there is no such
 * interface. */
static int iface_info(const char *ifname, unsigned *mtu, bool *loopback,
		      int *ifindex, bool *up, struct vl_error *err)
{
	const char *q = vl_q(ifname);
	struct ifreq ifr;
	int s, r = 0;

	if (strlen(ifname) >= sizeof(ifr.ifr_name) || !ifname[0])
		return vl_err(err, -EINVAL, "capture on %s: not an interface name", q);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return vl_err_sys(err, errno, "capture on %s: socket", q);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(s, SIOCGIFMTU, &ifr) < 0) {
		if (errno == ENODEV)
			r = vl_err(err, -ENODEV,
				   "capture on %s: no such interface in the namespace", q);
		else
			r = vl_err_sys(err, errno, "capture on %s: get MTU", q);
		goto out;
	}
	*mtu = ifr.ifr_mtu > 0 ? (unsigned)ifr.ifr_mtu : 0;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		r = vl_err_sys(err, errno, "capture on %s: get flags", q);
		goto out;
	}
	*loopback = ifr.ifr_flags & IFF_LOOPBACK;
	*up = ifr.ifr_flags & IFF_UP;
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
		r = vl_err_sys(err, errno, "capture on %s: get index", q);
		goto out;
	}
	*ifindex = ifr.ifr_ifindex;
out:
	close(s);
	return r;
}

static int snaplen_for(unsigned mtu)
{
	if (mtu == 0 || mtu > SNAPLEN - LINK_HEADROOM)
		return SNAPLEN;
	return (int)mtu + LINK_HEADROOM;
}

static int ring_bytes(int snaplen)
{
	size_t want = RING_FRAMES * ((size_t)snaplen + FRAME_OVERHEAD);

	if (want < RING_MIN)
		want = RING_MIN;
	if (want > RING_MAX)
		want = RING_MAX;
	return (int)want;
}

/* On a loopback every packet passes the socket twice, sent and received;
 * libpcap throws the sent copy away, but only after it has taken a slot
 * of the ring. A socket filter keeps it out in the kernel. Attached
 * directly: with pcap_setfilter("inbound") libpcap 1.10 judges the first
 * packet after the change in user space, where the packet type is
 * unknown, and that packet was lost. */
static int skip_loopback_copies(struct vl_capture *c, struct vl_error *err)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, (unsigned)pcap_snapshot(c->p)),
	};
	struct sock_fprog prog = {
		.len = sizeof(code) / sizeof(code[0]),
		.filter = code,
	};

	if (setsockopt(pcap_fileno(c->p), SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)) < 0)
		return vl_err_sys(err, errno, "capture on %s: attach socket filter",
				  vl_q(c->ifname));
	return 0;
}

/* The part of opening that runs inside the namespace: everything that
 * looks up the interface or makes the socket. */
static int open_live(struct vl_capture *c, struct vl_error *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	const char *q = vl_q(c->ifname);
	bool loopback = false, up;
	unsigned mtu = 0;
	int r, fd, snaplen;

	r = iface_info(c->ifname, &mtu, &loopback, &c->ifindex, &up, err);
	if (r < 0)
		return r;
	c->mtu = mtu;
	snaplen = snaplen_for(mtu);
	c->p = pcap_create(c->ifname, ebuf);
	if (!c->p)
		return vl_err(err, -EIO, "capture on %s: %s", q, ebuf);
	/* Not promiscuous: veth and lo hand every frame to packet sockets
	 * anyway, and promiscuity would show in the interface's flags. */
	if (pcap_set_snaplen(c->p, snaplen) || pcap_set_promisc(c->p, 0) ||
	    pcap_set_immediate_mode(c->p, 1) ||
	    pcap_set_buffer_size(c->p, ring_bytes(snaplen)) ||
	    pcap_set_timeout(c->p, 100))
		return vl_err(err, -EIO, "capture on %s: set options: %s", q,
			      pcap_geterr(c->p));
	/* > 0 is a warning (promiscuous mode unsupported and the like):
	 * nothing we asked for */
	r = pcap_activate(c->p);
	if (r < 0)
		return activate_error(r, c->p, c->ifname, err);
	if (pcap_setnonblock(c->p, 1, ebuf) < 0)
		return vl_err(err, -EIO, "capture on %s: non-blocking mode: %s", q, ebuf);
	/* the default already, but both directions is what the counts mean */
	if (pcap_setdirection(c->p, PCAP_D_INOUT) < 0)
		return vl_err(err, -EIO, "capture on %s: direction: %s", q,
			      pcap_geterr(c->p));
	if (loopback && (r = skip_loopback_copies(c, err)) < 0)
		return r;
	/* libpcap's socket is not close-on-exec: a command a step runs would
	 * inherit it, and one that outlives the step would keep the socket,
	 * and with it the namespace, alive */
	fd = pcap_get_selectable_fd(c->p);
	if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return vl_err_sys(err, errno, "capture on %s: close-on-exec", q);
	return 0;
}

/* The pcap file of this step, if it has one. */
static int open_dump(struct vl_capture *c, struct vl_error *err)
{
	if (!c->path)
		return 0;
	c->dump = pcap_dump_open(c->p, c->path);
	if (!c->dump)
		return vl_err(err, -EIO, "capture on %s: pcap file %s: %s",
			      vl_q(c->ifname), c->path, pcap_geterr(c->p));
	/* as the socket: not for the commands a step runs */
	if (fcntl(fileno(pcap_dump_file(c->dump)), F_SETFD, FD_CLOEXEC) < 0)
		return vl_err_sys(err, errno, "capture on %s: pcap file %s",
				  vl_q(c->ifname), c->path);
	return 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Errors: -ENODEV when the namespace has no IFNAME; -ENETDOWN when it is
 * down (libpcap refuses to bind then; one taken down later just shows
 * nothing until it is up again); -EPERM for the host's namespace. */
int vl_capture_open(int netns_fd, const char *ifname, const char *pcap_path,
		    struct vl_capture **out, struct vl_error *err)
{
	struct vl_capture *c;
	int r, saved;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return vl_err(err, -ENOMEM, "capture on %s: out of memory", vl_q(ifname));
	c->ifname = strdup(ifname);
	if (!c->ifname || (pcap_path && !(c->path = strdup(pcap_path)))) {
		r = vl_err(err, -ENOMEM, "capture on %s: out of memory", vl_q(ifname));
		goto fail;
	}

	c->ns_ino = vl_netns_ino(netns_fd);
	r = vl_netns_enter(netns_fd, &saved, err);
	if (r < 0) {
		vl_err_wrap(err, "capture on %s", vl_q(ifname));
		goto fail;
	}
	r = open_live(c, err);
	/* coming back matters more than the capture: a failure here wins */
	if (vl_netns_leave(saved, err) < 0) {
		r = vl_err_wrap(err, "capture on %s", vl_q(ifname));
		goto fail;
	}
	if (r < 0)
		goto fail;

	c->dead = pcap_open_dead(pcap_datalink(c->p), pcap_snapshot(c->p));
	if (!c->dead) {
		r = vl_err(err, -ENOMEM, "capture on %s: out of memory", vl_q(ifname));
		goto fail;
	}
	r = open_dump(c, err);
	if (r < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	vl_capture_close(c);
	return r;
}

static void discard(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)user;
	(void)h;
	(void)bytes;
}

int vl_capture_restart(struct vl_capture *c, int netns_fd, const char *pcap_path,
		       struct vl_error *err)
{
	struct vl_error ignored = { 0 };
	long long start = now_ns();
	bool loopback, up = false;
	int r, saved, ifindex = 0, soerr;
	socklen_t len = sizeof(soerr);
	struct pcap_stat st;
	unsigned mtu = 0;

	/* the same interface, as it was: else a new socket (and a fresh
	 * open says what is wrong, a missing or down interface) */
	if (vl_netns_ino(netns_fd) != c->ns_ino)
		return -ESTALE;
	r = vl_netns_enter(netns_fd, &saved, err);
	if (r < 0)
		return r;
	r = iface_info(c->ifname, &mtu, &loopback, &ifindex, &up, &ignored);
	if (vl_netns_leave(saved, err) < 0)
		return err->code;
	if (r < 0 || ifindex != c->ifindex || mtu != c->mtu || !up)
		return -ESTALE;
	/* an error noted while it was down and up again since: not this step's */
	getsockopt(pcap_fileno(c->p), SOL_SOCKET, SO_ERROR, &soerr, &len);
	/* what arrived between the steps is no step's */
	while ((r = pcap_dispatch(c->p, -1, discard, NULL)) > 0)
		if (now_ns() - start > DRAIN_MAX_NS)
			return -ESTALE;
	if (r < 0 || pcap_stats(c->p, &st) < 0)
		return -ESTALE;
	c->drop_base = st.ps_drop;
	free(c->path);
	c->path = NULL;
	if (pcap_path && !(c->path = strdup(pcap_path)))
		return vl_err(err, -ENOMEM, "capture on %s: out of memory", vl_q(c->ifname));
	return open_dump(c, err);
}

/* Drops are reported through pcap_stats' ps_drop, which libpcap on Linux
 * accumulates from the socket's PACKET_STATISTICS: frames the kernel
 * could not put in the ring. They are in neither the memory nor the file,
 * so they make the capture incomplete, as the memory bounds do; ps_ifdrop
 * (the interface's own rx_dropped) is not about this capture and is left
 * out. */
int vl_capture_drain(struct vl_capture *c, struct vl_error *err)
{
	long long start = now_ns();
	struct pcap_stat st;
	int n;

	/* cnt -1: whatever one read of the ring gives; 0 means empty */
	while ((n = pcap_dispatch(c->p, -1, on_packet, (u_char *)c)) > 0)
		if (now_ns() - start > DRAIN_MAX_NS)
			break;
	if (n < 0)
		return vl_err(err, -EIO, "capture on %s: read: %s",
			      vl_q(c->ifname), pcap_geterr(c->p));
	if (c->dump) {
		/* pcap_dump does not check its writes: the stream does */
		FILE *f = pcap_dump_file(c->dump);

		errno = 0;
		if (pcap_dump_flush(c->dump) < 0 || ferror(f))
			return vl_err_sys(err, errno ? errno : EIO,
					  "capture on %s: write %s",
					  vl_q(c->ifname), c->path);
	}
	if (pcap_stats(c->p, &st) < 0)
		return vl_err(err, -EIO, "capture on %s: statistics: %s",
			      vl_q(c->ifname), pcap_geterr(c->p));
	c->kdrops = st.ps_drop - c->drop_base;
	return check_lost(c, err);
}

int vl_capture_count(struct vl_capture *c, const char *filter,
		     unsigned *count, struct vl_error *err)
{
	struct bpf_program prog;
	unsigned n = 0;

	*count = 0;
	if (!filter || !filter[0]) {
		n = (unsigned)c->n;
	} else {
		/* Compiled for a dead handle of the same linktype, not the
		 * live one: for a live Linux socket libpcap may emit code
		 * that reads the kernel's ancillary data ("vlan"), which
		 * pcap_offline_filter cannot run and would never match. */
		if (pcap_compile(c->dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
			return vl_err(err, -EINVAL, "capture on %s: filter \"%s\": %s",
				      vl_q(c->ifname), filter, pcap_geterr(c->dead));
		for (size_t i = 0; i < c->n; i++)
			if (pcap_offline_filter(&prog, &c->v[i]->h, c->v[i]->data))
				n++;
		pcap_freecode(&prog);
	}
	/* still set when incomplete: a caller may say "at least N" */
	*count = n;
	return check_lost(c, err);
}

size_t vl_capture_packets(const struct vl_capture *c)
{
	return c ? c->n : 0;
}

/* Closing a packet socket waits in the kernel for an RCU grace period
 * (packet_release calls synchronize_net): some 25 ms here, and a run of
 * the article's scenarios, a dozen captures, spent a third of a second
 * in close alone. So the live handle is closed by a thread of its own
 * while the run goes on (the waits overlap), and vl_capture_settle
 * waits for what is still closing. */
static pthread_t *closers;
static size_t n_closers;

static void *close_live(void *p)
{
	pcap_close(p);
	return NULL;
}

void vl_capture_settle(void)
{
	for (size_t i = 0; i < n_closers; i++)
		pthread_join(closers[i], NULL);
	free(closers);
	closers = NULL;
	n_closers = 0;
}

static bool close_async(pcap_t *p)
{
	static bool settle_at_exit;
	sigset_t all, old;
	pthread_t *t;
	int r;

	if (!settle_at_exit) {
		if (atexit(vl_capture_settle) != 0)
			return false;
		settle_at_exit = true;
	}
	t = vl_array_push(&closers, &n_closers, sizeof(*t));
	if (!t)
		return false;
	/* signals are for the main thread, which turns them into a flag */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(t, NULL, close_live, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		n_closers--;
	return r == 0;
}

void vl_capture_end(struct vl_capture *c)
{
	if (!c)
		return;
	if (c->dump)
		pcap_dump_close(c->dump);
	c->dump = NULL;
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = c->cap = c->bytes = 0;
	c->unkept = c->nomem = c->kdrops = 0;
}

void vl_capture_close(struct vl_capture *c)
{
	if (!c)
		return;
	vl_capture_end(c);
	if (c->p && !close_async(c->p))
		pcap_close(c->p);
	if (c->dead)
		pcap_close(c->dead);
	free(c->ifname);
	free(c->path);
	free(c);
}

/* --- filters --- */

struct sb {
	char *buf;
	size_t len, used;
	bool full;
};

static void sb_add(struct sb *b, const char *fmt, ...) VL_PRINTF(2, 3);

static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->used) {
		b->full = true;
		return;
	}
	b->used += (size_t)n;
}

/* " and " between the parts */
static void sb_part(struct sb *b, const char *fmt, ...) VL_PRINTF(2, 3);

static void sb_part(struct sb *b, const char *fmt, ...)
{
	char part[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(part, sizeof(part), fmt, ap);
	va_end(ap);
	sb_add(b, "%s%s", b->used ? " and " : "", part);
}

/* An IPv4 address as the 32-bit word ARP's bytes are compared with */
static int arp_word(const struct vl_prefix *p, char *buf, size_t len)
{
	if (p->family != AF_INET)
		return -EINVAL;
	snprintf(buf, len, "0x%02x%02x%02x%02x", p->addr[0], p->addr[1],
		 p->addr[2], p->addr[3]);
	return 0;
}

static int ip_str(const struct vl_prefix *p, char *buf, size_t len)
{
	if ((p->family != AF_INET && p->family != AF_INET6) ||
	    !inet_ntop(p->family, p->addr, buf, (socklen_t)len))
		return -EINVAL;
	return 0;
}

/* Ethernet ARP for IPv4 (hlen 6, plen 4): the opcode at 6, the sender's
 * protocol address at 14, the target's at 24. A request "who-has T tell
 * S" asks for T (target) on behalf of S (sender). A reply "T is-at MAC"
 * comes from the owner of T, so its sender address is the one that was
 * asked for and its target is the one who asked: WHO_HAS matches the
 * reply's sender and TELL its target, and the same two fields describe a
 * request and the reply that answers it. */
static int arp_part(struct sb *b, const struct vl_match *m, bool reply)
{
	char who[16], tell[16];

	sb_part(b, "arp and arp[6:2] = %d", reply ? 2 : 1);
	if (m->has_who_has) {
		if (arp_word(&m->who_has, who, sizeof(who)) < 0)
			return -EINVAL;
		sb_part(b, "arp[%d:4] = %s", reply ? 14 : 24, who);
	}
	if (m->has_tell) {
		if (arp_word(&m->tell, tell, sizeof(tell)) < 0)
			return -EINVAL;
		sb_part(b, "arp[%d:4] = %s", reply ? 24 : 14, tell);
	}
	return 0;
}

/* The ICMPv6 type is read at ip6[40], right after the fixed header: an
 * echo carried behind extension headers is not matched ("icmp6" itself
 * only looks at the first next-header field too). */
static int echo_part(struct sb *b, const struct vl_match *m, bool reply)
{
	const char *v4 = reply ? "icmp and icmp[icmptype] = icmp-echoreply"
			       : "icmp and icmp[icmptype] = icmp-echo";
	const char *v6 = reply ? "icmp6 and ip6[40] = 129"
			       : "icmp6 and ip6[40] = 128";
	int family = 0;

	if (m->has_from)
		family = m->from.family;
	if (m->has_to) {
		if (family && family != m->to.family)
			return -EINVAL;
		family = m->to.family;
	}
	if (family == AF_INET)
		sb_part(b, "%s", v4);
	else if (family == AF_INET6)
		sb_part(b, "%s", v6);
	else if (family == 0)
		sb_part(b, "((%s) or (%s))", v4, v6);
	else
		return -EINVAL;
	return 0;
}

int vl_match_filter(const struct vl_match *m, char *buf, size_t len)
{
	struct sb b = { .buf = buf, .len = len };
	char a[INET6_ADDRSTRLEN];
	bool own = m->filter && m->filter[0];
	int r = 0;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	switch (m->kind) {
	case VL_MATCH_ANY:
		break;
	case VL_MATCH_ARP_REQUEST:
	case VL_MATCH_ARP_REPLY:
		r = arp_part(&b, m, m->kind == VL_MATCH_ARP_REPLY);
		break;
	case VL_MATCH_ICMP_ECHO_REQUEST:
	case VL_MATCH_ICMP_ECHO_REPLY:
		r = echo_part(&b, m, m->kind == VL_MATCH_ICMP_ECHO_REPLY);
		break;
	default:
		r = -EINVAL;
		break;
	}
	if (r == 0 && m->has_from) {
		r = ip_str(&m->from, a, sizeof(a));
		if (r == 0)
			sb_part(&b, "src host %s", a);
	}
	if (r == 0 && m->has_to) {
		r = ip_str(&m->to, a, sizeof(a));
		if (r == 0)
			sb_part(&b, "dst host %s", a);
	}
	if (r == 0 && own)
		sb_add(&b, b.used ? " and (%s)" : "%s", m->filter);
	if (r == 0 && b.full)
		r = -ENOSPC;
	if (r < 0)
		buf[0] = '\0';
	return r;
}

int vl_filter_check(const char *filter, char *why, size_t len)
{
	struct bpf_program prog;
	pcap_t *p;
	int r = 0;

	if (why && len)
		why[0] = '\0';
	if (!filter)
		filter = "";
	p = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	if (!p) {
		if (why && len)
			snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		if (why && len)
			snprintf(why, len, "%s", pcap_geterr(p));
		r = -EINVAL;
	} else {
		pcap_freecode(&prog);
	}
	pcap_close(p);
	return r;
}
