/* /proc/sys/net access for one key at a time. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/sysctl.h"
#include "core/topo.h"

int vl_sysctl_path(const char *key, char *buf, size_t len)
{
	size_t devlen = 0, k;
	const char *dev = vl_sysctl_key_iface(key, &devlen);
	int n = snprintf(buf, len, "/proc/sys/");

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	k = (size_t)n;
	for (const char *c = key; *c; c++) {
		if (k + 1 >= len)
			return -ENAMETOOLONG;
		buf[k++] = (*c == '.' && !(dev && c >= dev && c < dev + devlen)) ? '/' : *c;
	}
	buf[k] = '\0';
	return 0;
}

int vl_sysctl_read_at(int dirfd, const char *path, char *buf, size_t len)
{
	char raw[256];
	size_t o = 0;
	ssize_t n;
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, raw, sizeof(raw) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	raw[n] = '\0';
	/* "32768\t60999\n" -> "32768 60999" */
	for (char *c = raw; *c && o + 1 < len; c++) {
		bool blank = *c == ' ' || *c == '\t' || *c == '\n';

		if (!blank)
			buf[o++] = *c;
		else if (o && buf[o - 1] != ' ')
			buf[o++] = ' ';
	}
	while (o && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
	return 0;
}

int vl_sysctl_write_at(int dirfd, const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, r;

	fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	r = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	return r;
}
