/* Edit-distance suggestions, safe quoting, whole-file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* Optimal string alignment distance (Levenshtein plus adjacent swaps, so
 * "ndoes" is one edit from "nodes"); bounded input keeps it cheap. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][65];
	size_t *pp = rows[0], *p = rows[1], *c = rows[2];

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = p[j - 1] + cost;

			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

void vl_suggest_init(struct vl_suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->best_d = (size_t)-1;
}

void vl_suggest_add(struct vl_suggest *s, const char *cand)
{
	size_t d = distance(s->word, cand);
	size_t len = strlen(s->word);
	/* Close enough to be a typo: one edit for short words, a third of
	 * the word for longer ones. */
	size_t max = len < 6 ? 1 : len / 3;

	if (d <= max && d < s->best_d && d > 0) {
		s->best = cand;
		s->best_d = d;
	}
}

const char *vl_suggest_get(const struct vl_suggest *s)
{
	return s->best;
}

/* Bytes in a valid UTF-8 sequence starting at S (at most LEN), or 0. */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	size_t need = s[0] >= 0xc2 && s[0] <= 0xdf ? 1 : s[0] >= 0xe0 && s[0] <= 0xef ? 2 :
		      s[0] >= 0xf0 && s[0] <= 0xf4 ? 3 : 0;

	if (!need || need >= len)
		return 0;
	for (size_t k = 1; k <= need; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return need + 1;
}

const char *vl_qn(const char *s, size_t len)
{
	/* per thread: a capture may be opened in a thread of its own */
	static __thread char bufs[4][64 * 4 + 8];
	static __thread unsigned next;
	const unsigned char *u = (const unsigned char *)s;
	char *b = bufs[next++ % 4], *o = b;
	size_t shown = 0;

	for (size_t i = 0; i < len; shown++) {
		size_t seq = u[i] >= 0x80 ? utf8_len(u + i, len - i) : 1;

		if (shown == 64) {
			memcpy(o, "...", 3);
			o += 3;
			break;
		}
		if (u[i] == '"' || u[i] == '\\') {
			*o++ = '\\';
			*o++ = (char)u[i++];
		} else if (u[i] < 0x20 || u[i] == 0x7f || seq == 0) {
			/* control bytes and bytes that are not UTF-8 */
			o += sprintf(o, "\\x%02x", u[i++]);
		} else {
			memcpy(o, u + i, seq);
			o += seq;
			i += seq;
		}
	}
	*o = '\0';
	return b;
}

const char *vl_q(const char *s)
{
	return vl_qn(s, strlen(s));
}

int vl_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	size_t n = 0, cap;
	char *buf;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		r = -EFBIG;
		goto out;
	}
	/* Pipes and /dev/stdin have no size: read up to MAX + 1 to tell. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	buf = malloc(cap);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t k;

		if (n + 1 >= cap) {
			char *g;

			if (cap > max + 1) {
				free(buf);
				r = -EFBIG;
				goto out;
			}
			cap *= 2;
			g = realloc(buf, cap);
			if (!g) {
				free(buf);
				r = -ENOMEM;
				goto out;
			}
			buf = g;
		}
		k = read(fd, buf + n, cap - n - 1);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			goto out;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (n > max) {
		free(buf);
		r = -EFBIG;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
out:
	close(fd);
	return r;
}

void vl_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
