/* Strict IP address, prefix and MAC parsing: what the kernel would accept,
 * and nothing that a typo could turn into a different address. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/addr.h"

unsigned vl_addr_bytes(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static int parse_bare(const char *s, size_t n, struct vl_prefix *p,
		      const char **why)
{
	char buf[64];

	if (n == 0) {
		*why = "empty address";
		return -EINVAL;
	}
	if (n >= sizeof(buf)) {
		*why = "not an IPv4 or IPv6 address";
		return -EINVAL;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(p, 0, sizeof(*p));
	if (memchr(buf, ':', n)) {
		/* inet_pton accepts no zone ids ("%eth0"), which is right:
		 * a zone belongs in a route's dev, not in an address. */
		if (inet_pton(AF_INET6, buf, p->addr) != 1) {
			*why = "not a valid IPv6 address";
			return -EINVAL;
		}
		p->family = AF_INET6;
		p->len = 128;
		return 0;
	}
	/* inet_pton(AF_INET) takes only four decimal octets 0-255 without
	 * leading zeros, unlike inet_aton ("10.1" or "0x7f.1"). */
	if (inet_pton(AF_INET, buf, p->addr) != 1) {
		*why = "not a valid IPv4 address (four numbers 0-255)";
		return -EINVAL;
	}
	p->family = AF_INET;
	p->len = 32;
	return 0;
}

int vl_addr_parse(const char *s, struct vl_prefix *p, const char **why)
{
	if (strchr(s, '/')) {
		*why = "expected an address without a prefix length";
		return -EINVAL;
	}
	return parse_bare(s, strlen(s), p, why);
}

int vl_prefix_parse(const char *s, bool require_len, struct vl_prefix *p,
		    const char **why)
{
	const char *slash = strchr(s, '/');
	unsigned len = 0, max;
	const char *d;
	int r;

	r = parse_bare(s, slash ? (size_t)(slash - s) : strlen(s), p, why);
	if (r < 0)
		return r;
	if (!slash) {
		if (require_len) {
			*why = "missing prefix length (e.g. /24)";
			return -EINVAL;
		}
		return 0;
	}
	max = p->family == AF_INET ? 32 : 128;
	d = slash + 1;
	if (!*d) {
		*why = "missing prefix length after '/'";
		return -EINVAL;
	}
	for (const char *c = d; *c; c++) {
		if (*c < '0' || *c > '9') {
			*why = "prefix length must be a decimal number";
			return -EINVAL;
		}
		if (c - d >= 3) {
			len = 1000;
			break;
		}
		len = len * 10 + (unsigned)(*c - '0');
	}
	if (d[0] == '0' && d[1]) {
		*why = "prefix length has a leading zero";
		return -EINVAL;
	}
	if (len > max) {
		*why = p->family == AF_INET ?
			"prefix length is out of range for IPv4 (0-32)" :
			"prefix length is out of range for IPv6 (0-128)";
		return -EINVAL;
	}
	p->len = (unsigned char)len;
	return 0;
}

void vl_addr_str(const struct vl_prefix *p, char *buf, size_t len)
{
	if (!inet_ntop(p->family, p->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

void vl_prefix_str(const struct vl_prefix *p, char *buf, size_t len)
{
	size_t n;

	vl_addr_str(p, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, "/%u", p->len);
}

static bool bits_match(const unsigned char *a, const unsigned char *b,
		       unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full))
		return false;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));

		return (a[full] & mask) == (b[full] & mask);
	}
	return true;
}

bool vl_prefix_is_network(const struct vl_prefix *p)
{
	unsigned n = vl_addr_bytes(p->family);

	for (unsigned bit = p->len; bit < n * 8; bit++)
		if (p->addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

bool vl_prefix_contains(const struct vl_prefix *net, const struct vl_prefix *a)
{
	return net->family == a->family && bits_match(net->addr, a->addr, net->len);
}

bool vl_addr_equal(const struct vl_prefix *a, const struct vl_prefix *b)
{
	return a->family == b->family &&
	       !memcmp(a->addr, b->addr, vl_addr_bytes(a->family));
}

bool vl_addr_is_unspecified(const struct vl_prefix *p)
{
	static const unsigned char zero[16];

	return !memcmp(p->addr, zero, vl_addr_bytes(p->family));
}

bool vl_addr_is_multicast(const struct vl_prefix *p)
{
	if (p->family == AF_INET)
		return (p->addr[0] & 0xf0) == 0xe0;
	return p->addr[0] == 0xff;
}

bool vl_addr_is_v6_linklocal(const struct vl_prefix *p)
{
	return p->family == AF_INET6 && p->addr[0] == 0xfe &&
	       (p->addr[1] & 0xc0) == 0x80;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vl_mac_parse(const char *s, unsigned char mac[6], const char **why)
{
	if (strlen(s) != 17)
		goto bad;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			goto bad;
		mac[i] = (unsigned char)(hi << 4 | lo);
	}
	if (mac[0] & 1) {
		*why = "a multicast MAC address cannot be an interface's address";
		return -EINVAL;
	}
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		*why = "the all-zero MAC address is not allowed";
		return -EINVAL;
	}
	return 0;
bad:
	*why = "expected a MAC address like 02:00:00:00:00:01";
	return -EINVAL;
}
