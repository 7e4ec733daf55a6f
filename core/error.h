/* The error contract: functions return < 0 (a negative errno) and fill a
 * struct vl_error; callers add context on the way up; main prints it once. */
#ifndef VL_ERROR_H
#define VL_ERROR_H

#include <stddef.h>

struct vl_error {
	int code;		/* negative errno, 0 when nothing failed */
	char msg[2048];
};

#define VL_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Set the error to CODE (errno or -errno) with a message; returns -|CODE|. */
int vl_err(struct vl_error *e, int code, const char *fmt, ...) VL_PRINTF(3, 4);
/* As vl_err, and append ": strerror(CODE)". */
int vl_err_sys(struct vl_error *e, int code, const char *fmt, ...) VL_PRINTF(3, 4);
/* Prefix the message with "context: "; returns the error's code. */
int vl_err_wrap(struct vl_error *e, const char *fmt, ...) VL_PRINTF(2, 3);
void vl_err_clear(struct vl_error *e);

#endif
