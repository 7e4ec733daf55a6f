/* Scenario model lifetimes, count assertions and result builders. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/scenario.h"

bool vl_count_holds(const struct vl_count *c, uint32_t seen)
{
	switch (c->op) {
	case VL_CMP_EQ:
		return seen == c->n;
	case VL_CMP_NE:
		return seen != c->n;
	case VL_CMP_GE:
		return seen >= c->n;
	case VL_CMP_LE:
		return seen <= c->n;
	case VL_CMP_GT:
		return seen > c->n;
	case VL_CMP_LT:
		return seen < c->n;
	}
	return false;
}

void vl_count_str(const struct vl_count *c, char *buf, size_t len)
{
	static const char *const ops[] = {
		[VL_CMP_EQ] = "==", [VL_CMP_NE] = "!=", [VL_CMP_GE] = ">=",
		[VL_CMP_LE] = "<=", [VL_CMP_GT] = ">", [VL_CMP_LT] = "<",
	};

	snprintf(buf, len, "%s %u", ops[c->op], c->n);
}

static void free_argv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void step_fini(struct vl_step *s)
{
	free(s->name);
	switch (s->kind) {
	case VL_STEP_PING:
		free(s->u.ping.from);
		free(s->u.ping.dev);
		break;
	case VL_STEP_ROUTE:
		free(s->u.route.node);
		free(s->u.route.iif);
		free(s->u.route.oif);
		free(s->u.route.want_dev);
		free(s->u.route.want_type);
		break;
	case VL_STEP_NEIGH:
		free(s->u.neigh.node);
		free(s->u.neigh.dev);
		for (size_t i = 0; i < s->u.neigh.n_states; i++)
			free(s->u.neigh.states[i]);
		free(s->u.neigh.states);
		break;
	case VL_STEP_EXEC:
		free(s->u.exec.node);
		free_argv(s->u.exec.argv);
		free(s->u.exec.output);
		break;
	case VL_STEP_SET:
		break;
	}
	vl_lab_free(s->target);
	for (size_t c = 0; c < s->n_captures; c++) {
		struct vl_capture_spec *cs = &s->captures[c];

		for (size_t m = 0; m < cs->n_matches; m++) {
			free(cs->matches[m].filter);
			free(cs->matches[m].text);
		}
		free(cs->matches);
		free(cs->node);
		free(cs->iface);
	}
	free(s->captures);
}

void vl_scenario_fini(struct vl_scenario *s)
{
	for (size_t i = 0; i < s->n_steps; i++)
		step_fini(&s->steps[i]);
	free(s->steps);
	free(s->name);
	free(s->description);
}

static void step_result_fini(struct vl_step_result *s)
{
	free(s->name);
	free(s->reason);
	for (size_t i = 0; i < s->n_checks; i++) {
		free(s->checks[i].what);
		free(s->checks[i].detail);
	}
	free(s->checks);
	for (size_t i = 0; i < s->n_measures; i++) {
		free(s->measures[i].key);
		free(s->measures[i].value);
	}
	free(s->measures);
	for (size_t i = 0; i < s->n_artifacts; i++)
		free(s->artifacts[i]);
	free(s->artifacts);
}

void vl_run_result_fini(struct vl_run_result *r)
{
	for (size_t i = 0; i < r->n_scenarios; i++) {
		struct vl_scenario_result *sc = &r->scenarios[i];

		for (size_t j = 0; j < sc->n_steps; j++)
			step_result_fini(&sc->steps[j]);
		free(sc->steps);
		free(sc->name);
		free(sc->description);
	}
	free(r->scenarios);
	free(r->lab);
	memset(r, 0, sizeof(*r));
}

/* FMT formatted into a new string, NULL without memory. */
static char *format(const char *fmt, va_list ap)
{
	char *out;

	return vasprintf(&out, fmt, ap) < 0 ? NULL : out;
}

int vl_step_measure(struct vl_step_result *s, const char *key, bool number,
		    const char *fmt, ...)
{
	struct vl_measure *m;
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = format(fmt, ap);
	va_end(ap);
	if (!v)
		return -ENOMEM;
	m = vl_array_push(&s->measures, &s->n_measures, sizeof(*m));
	if (!m || !(m->key = strdup(key))) {
		if (m)
			s->n_measures--;
		free(v);
		return -ENOMEM;
	}
	m->value = v;
	m->number = number;
	return 0;
}

int vl_step_check(struct vl_step_result *s, bool ok, const char *what,
		  const char *fmt, ...)
{
	struct vl_check *c;
	va_list ap;
	char *d;

	va_start(ap, fmt);
	d = format(fmt, ap);
	va_end(ap);
	if (!d)
		return -ENOMEM;
	c = vl_array_push(&s->checks, &s->n_checks, sizeof(*c));
	if (!c || !(c->what = strdup(what))) {
		if (c)
			s->n_checks--;
		free(d);
		return -ENOMEM;
	}
	c->ok = ok;
	c->detail = d;
	if (!ok)
		s->ok = false;
	return 0;
}

int vl_step_reason(struct vl_step_result *s, const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	r = format(fmt, ap);
	va_end(ap);
	if (!r)
		return -ENOMEM;
	free(s->reason);
	s->reason = r;
	return 0;
}

int vl_step_artifact(struct vl_step_result *s, const char *path)
{
	char **slot;
	char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	slot = vl_array_push(&s->artifacts, &s->n_artifacts, sizeof(*slot));
	if (!slot) {
		free(p);
		return -ENOMEM;
	}
	*slot = p;
	return 0;
}
