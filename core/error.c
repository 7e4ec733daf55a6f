/* Filling and wrapping struct vl_error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int neg(int code)
{
	if (code == 0)
		return -EINVAL;
	return code < 0 ? code : -code;
}

int vl_err(struct vl_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = neg(code);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return e->code;
}

int vl_err_sys(struct vl_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	e->code = neg(code);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(-e->code));
	return e->code;
}

int vl_err_wrap(struct vl_error *e, const char *fmt, ...)
{
	size_t cap = sizeof(e->msg), pl, ol = strlen(e->msg);
	char prefix[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	pl = strlen(prefix);
	/* the innermost words are the kernel's: cut the tail only if ever */
	if (pl + 2 + ol >= cap)
		ol = cap - pl - 3;
	memmove(e->msg + pl + 2, e->msg, ol);
	memcpy(e->msg, prefix, pl);
	e->msg[pl] = ':';
	e->msg[pl + 1] = ' ';
	e->msg[pl + 2 + ol] = '\0';
	if (e->code == 0)
		e->code = -EINVAL;
	return e->code;
}

void vl_err_clear(struct vl_error *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}
