/* Small helpers shared by the parser, validator and commands. */
#ifndef VL_UTIL_H
#define VL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* "did you mean": the closest candidate within a small edit distance. */
struct vl_suggest {
	const char *word;
	const char *best;
	size_t best_d;
};

void vl_suggest_init(struct vl_suggest *s, const char *word);
void vl_suggest_add(struct vl_suggest *s, const char *cand);
const char *vl_suggest_get(const struct vl_suggest *s);

/* A user-supplied string made safe to print inside double quotes in a
 * diagnostic: escapes, control bytes as \xNN, cut at 64 characters.
 * Returns one of a few rotating buffers of the calling thread: only for
 * building a message. */
const char *vl_q(const char *s);
const char *vl_qn(const char *s, size_t len);

/* S as a JSON string, quotes included; NULL as null. */
void vl_json_str(FILE *f, const char *s);

/* Read a whole regular file of at most MAX bytes into a NUL-terminated
 * buffer. -EFBIG when larger. */
int vl_read_file(const char *path, size_t max, char **out, size_t *len);

#endif
