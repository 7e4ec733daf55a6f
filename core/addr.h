/* IP addresses and prefixes: strict parsing and printing. */
#ifndef VL_ADDR_H
#define VL_ADDR_H

#include <stdbool.h>
#include <stddef.h>

struct vl_prefix {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];	/* network byte order; 4 bytes used for IPv4 */
	unsigned char len;	/* prefix length */
};

#define VL_PREFIX_STRLEN 52	/* INET6_ADDRSTRLEN + "/128" */

/* "192.168.2.11/24", "fd00::1/64". With REQUIRE_LEN false a bare address
 * gets a full-length prefix. On failure returns -EINVAL and points *WHY at
 * a static reason ("prefix length 33 is out of range for IPv4 (0-32)"). */
int vl_prefix_parse(const char *s, bool require_len, struct vl_prefix *p,
		    const char **why);
/* A bare address, no "/len". */
int vl_addr_parse(const char *s, struct vl_prefix *p, const char **why);
void vl_prefix_str(const struct vl_prefix *p, char *buf, size_t len);
void vl_addr_str(const struct vl_prefix *p, char *buf, size_t len);
unsigned vl_addr_bytes(int family);
/* True when the bits past the prefix length are all zero. */
bool vl_prefix_is_network(const struct vl_prefix *p);
/* True when A's address lies inside NET's prefix (same family). */
bool vl_prefix_contains(const struct vl_prefix *net, const struct vl_prefix *a);
bool vl_addr_equal(const struct vl_prefix *a, const struct vl_prefix *b);
bool vl_addr_is_unspecified(const struct vl_prefix *p);
bool vl_addr_is_multicast(const struct vl_prefix *p);
bool vl_addr_is_v6_linklocal(const struct vl_prefix *p);
/* "aa:bb:cc:dd:ee:ff", exactly six two-digit hex groups. */
int vl_mac_parse(const char *s, unsigned char mac[6], const char **why);

#endif
