/* Reading and writing /proc/sys/net keys of a lab namespace, through a
 * /proc/sys directory opened from inside it (core/nsset.h). */
#ifndef VL_SYSCTL_H
#define VL_SYSCTL_H

#include <stddef.h>

/* /proc/sys path of a dotted key; an interface name with dots in it
 * (eth0.100) is kept whole. */
int vl_sysctl_path(const char *key, char *buf, size_t len);
/* The value of the file PATH relative to DIRFD, a directory under
 * /proc/sys opened from inside the namespace, with blanks folded to
 * single spaces and no newline, as the parser normalises the file's
 * values; -errno on failure. Relative, because opening a key's full path
 * walks past every namespace's "net/ipv4" in the kernel's dentry cache:
 * a lab of many namespaces keeps the directory open instead. */
int vl_sysctl_read_at(int dirfd, const char *path, char *buf, size_t len);
int vl_sysctl_write_at(int dirfd, const char *path, const char *value);

#endif
