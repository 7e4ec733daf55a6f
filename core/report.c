/* Scenario run reports: one line per step for people, TAP for prove,
 * JUnit XML for CI systems, JSON for tools. Every string in a result may
 * come from outside (command output, interface names, YAML text), so each
 * format has its own escaper that keeps the output well-formed whatever
 * bytes it is given, invalid UTF-8 included. Times are printed without
 * printf's %f so that a locale with a decimal comma cannot change them. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "core/util.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* U+FFFD, written in place of bytes that are not UTF-8 and of characters
 * a format cannot carry. */
#define REPLACEMENT "\xef\xbf\xbd"
#define BAD_CP UINT32_MAX

/* The code point at S (not at its end) in *CP and the number of bytes it
 * takes; BAD_CP and 1 for a byte that does not start a well-formed
 * sequence (overlong forms, surrogates and values past U+10FFFF
 * included), so that decoding resumes at the next byte. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		*cp = BAD_CP;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		/* the NUL terminator fails this test too */
		if ((s[i] & 0xc0) != 0x80) {
			*cp = BAD_CP;
			return 1;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = BAD_CP;
		return 1;
	}
	*cp = c;
	return len;
}

/* C0, DEL and C1: a terminal may act on any of them. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* "1.230" for V with DECIMALS (1 to 6) decimals; negative and NaN print
 * as zero, absurd values are capped rather than overflowing. */
static const char *fixed(char *buf, size_t len, double v, int decimals)
{
	unsigned long long scale = 1, t;

	for (int i = 0; i < decimals; i++)
		scale *= 10;
	if (!(v >= 0))
		v = 0;
	if (v > 1e9)
		v = 1e9;
	t = (unsigned long long)(v * (double)scale + 0.5);
	snprintf(buf, len, "%llu.%0*llu", t / scale, decimals, t % scale);
	return buf;
}

/* Times in reports: two decimals for people, three for machines. */
#define SECS_HUMAN(buf, v) fixed(buf, sizeof(buf), v, 2)
#define SECS(buf, v) fixed(buf, sizeof(buf), v, 3)

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

/* The JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * A measure marked as a number that is not one ("nan", "0,045", "") is
 * printed as a string instead, so the document stays valid. */
static bool is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

struct counts {
	size_t steps, passed, failed;
	bool ok;
};

/* Totals taken from the steps themselves rather than from the run's
 * counters, so that a report never contradicts its own lines (TAP's plan
 * must equal the number of test lines). */
static struct counts count_run(const struct vl_run_result *r)
{
	struct counts c = { .ok = true };

	for (size_t i = 0; i < r->n_scenarios; i++) {
		const struct vl_scenario_result *sc = &r->scenarios[i];

		if (!sc->ok)
			c.ok = false;
		for (size_t j = 0; j < sc->n_steps; j++) {
			c.steps++;
			if (sc->steps[j].ok) {
				c.passed++;
			} else {
				c.failed++;
				c.ok = false;
			}
		}
	}
	return c;
}

static size_t scenario_failed(const struct vl_scenario_result *sc)
{
	size_t n = 0;

	for (size_t j = 0; j < sc->n_steps; j++)
		n += !sc->steps[j].ok;
	return n;
}

static bool scenario_ok(const struct vl_scenario_result *sc)
{
	return sc->ok && scenario_failed(sc) == 0;
}

/* Output waits in the stream's buffer: fflush makes a failed write show
 * now rather than at fclose, whose result a caller may not look at. The
 * reports clear errno first, so that it is the failed write's. */
static int finish(FILE *f)
{
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	return errno ? -errno : -EIO;
}

/* --- for people --- */

/* S on one line: tabs and line ends as spaces, other control characters
 * and bytes that are not UTF-8 as '?', so that command output in a reason
 * can neither break the layout nor drive the terminal. On a TAP test
 * line (TAP) also '#' and the backslash escaped with a backslash, so that
 * a name cannot turn into a "# SKIP" or "# TODO" directive. */
static void put_line_as(FILE *f, const char *s, bool tap)
{
	const unsigned char *p = (const unsigned char *)str_or(s, "");

	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);

		if (cp == '\t' || cp == '\n' || cp == '\r')
			fputc(' ', f);
		else if (cp == BAD_CP || is_control(cp))
			fputc('?', f);
		else if (tap && (cp == '#' || cp == '\\'))
			fprintf(f, "\\%c", (int)cp);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
}

static void put_line(FILE *f, const char *s)
{
	put_line_as(f, s, false);
}

void vl_report_scenario_start(FILE *f, const char *name, const char *description,
			      bool colour)
{
	fputs("scenario ", f);
	if (colour)
		fputs(BOLD, f);
	put_line(f, name);
	if (colour)
		fputs(RESET, f);
	if (description && *description) {
		fputs(": ", f);
		put_line(f, description);
	}
	fputc('\n', f);
}

void vl_report_step(FILE *f, const struct vl_scenario_result *sc,
		    const struct vl_step_result *st, bool colour)
{
	uintptr_t base = (uintptr_t)sc->steps, at = (uintptr_t)st;
	char secs[32];

	fputs("  ", f);
	if (colour)
		fputs(st->ok ? GREEN : RED, f);
	fputs(st->ok ? "ok" : "FAIL", f);
	if (colour)
		fputs(RESET, f);
	fputs(st->ok ? "   " : " ", f);
	/* The number is the step's place in its scenario: ST points into
	 * sc->steps, or is the slot just past the steps stored so far. */
	if (sc->steps && at >= base &&
	    (at - base) / sizeof(*st) <= sc->n_steps &&
	    (at - base) % sizeof(*st) == 0)
		fprintf(f, " %zu", (size_t)((at - base) / sizeof(*st)) + 1);
	fputc(' ', f);
	put_line(f, st->name);
	fprintf(f, " (%s s)", SECS_HUMAN(secs, st->seconds));
	if (st->reason && *st->reason) {
		fputs(": ", f);
		put_line(f, st->reason);
	}
	fputc('\n', f);
	/* Only what failed: passing checks would bury it. */
	for (size_t i = 0; i < st->n_checks; i++) {
		const struct vl_check *c = &st->checks[i];

		if (c->ok)
			continue;
		fputs("        ", f);
		put_line(f, c->what);
		if (c->detail && *c->detail) {
			fputs(": ", f);
			put_line(f, c->detail);
		}
		fputc('\n', f);
	}
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void vl_report_summary(FILE *f, const struct vl_run_result *r, bool colour)
{
	struct counts c = count_run(r);
	char secs[32];

	fprintf(f, "%zu %s, %zu %s: %zu passed, ", r->n_scenarios,
		plural(r->n_scenarios, "scenario", "scenarios"), c.steps,
		plural(c.steps, "step", "steps"), c.passed);
	if (colour && c.failed)
		fputs(RED, f);
	fprintf(f, "%zu failed", c.failed);
	if (colour && c.failed)
		fputs(RESET, f);
	fprintf(f, " (%s s)\n", SECS_HUMAN(secs, r->seconds));
}

/* --- TAP --- */

/* A YAML double-quoted scalar in the subset that TAP::Parser's YAMLish
 * reader understands too: \" \\ \t \n \r and \xNN, nothing else. */
static void put_yaml_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)str_or(s, "");

	fputc('"', f);
	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);

		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp == '\r')
			fputs("\\r", f);
		else if (cp == BAD_CP || cp == 0xfffe || cp == 0xffff)
			fputs(REPLACEMENT, f);
		else if (is_control(cp))
			fprintf(f, "\\x%02x", (unsigned)cp);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}

static void put_yaml_measure(FILE *f, const struct vl_measure *m)
{
	fputs("    ", f);
	put_yaml_str(f, m->key);
	fputs(": ", f);
	if (m->number && m->value && is_json_number(m->value))
		fputs(m->value, f);
	else
		put_yaml_str(f, m->value);
	fputc('\n', f);
}

/* The diagnostic block under a failed test line. */
static void tap_diag(FILE *f, const struct vl_step_result *st)
{
	char secs[32];

	fputs("  ---\n", f);
	if (st->reason) {
		fputs("  message: ", f);
		put_yaml_str(f, st->reason);
		fputc('\n', f);
	}
	fprintf(f, "  seconds: %s\n", SECS(secs, st->seconds));
	if (st->n_checks)
		fputs("  checks:\n", f);
	for (size_t i = 0; i < st->n_checks; i++) {
		const struct vl_check *c = &st->checks[i];

		fputs("    - what: ", f);
		put_yaml_str(f, c->what);
		fprintf(f, "\n      ok: %s\n", c->ok ? "true" : "false");
		if (c->detail) {
			fputs("      detail: ", f);
			put_yaml_str(f, c->detail);
			fputc('\n', f);
		}
	}
	if (st->n_measures)
		fputs("  measures:\n", f);
	for (size_t i = 0; i < st->n_measures; i++)
		put_yaml_measure(f, &st->measures[i]);
	if (st->n_artifacts)
		fputs("  artifacts:\n", f);
	for (size_t i = 0; i < st->n_artifacts; i++) {
		fputs("    - ", f);
		put_yaml_str(f, st->artifacts[i]);
		fputc('\n', f);
	}
	fputs("  ...\n", f);
}

int vl_report_tap(FILE *f, const struct vl_run_result *r)
{
	struct counts c = count_run(r);
	size_t k = 0;

	errno = 0;
	fprintf(f, "TAP version 13\n1..%zu\n", c.steps);
	for (size_t i = 0; i < r->n_scenarios; i++) {
		const struct vl_scenario_result *sc = &r->scenarios[i];

		for (size_t j = 0; j < sc->n_steps; j++) {
			const struct vl_step_result *st = &sc->steps[j];

			fprintf(f, "%sok %zu - ", st->ok ? "" : "not ", ++k);
			put_line_as(f, sc->name, true);
			fputs(": ", f);
			put_line_as(f, st->name, true);
			fputc('\n', f);
			if (!st->ok)
				tap_diag(f, st);
		}
	}
	return finish(f);
}

/* --- JUnit XML --- */

/* S as XML 1.0 character data or attribute value: the five markup
 * characters as entities; in attributes also tab and line ends, which a
 * parser would otherwise turn into spaces; a CR always, which a parser
 * would turn into LF; every character XML 1.0 cannot carry (C0 controls
 * but tab and line ends, U+FFFE, U+FFFF) and the discouraged DEL and C1
 * controls, as U+FFFD, like bytes that are not UTF-8. */
static void put_xml(FILE *f, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)str_or(s, "");

	while (*p) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);

		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\r': fputs("&#13;", f); break;
		case '\n':
			fputs(attr ? "&#10;" : "\n", f);
			break;
		case '\t':
			fputs(attr ? "&#9;" : "\t", f);
			break;
		default:
			if (cp == BAD_CP || is_control(cp) || cp == 0xfffe ||
			    cp == 0xffff)
				fputs(REPLACEMENT, f);
			else
				fwrite(p, 1, n, f);
		}
		p += n;
	}
}

static void junit_case(FILE *f, const char *lab, const struct vl_scenario_result *sc,
		       const struct vl_step_result *st)
{
	char secs[32];
	bool out = st->n_measures || st->n_artifacts;

	fputs("    <testcase classname=\"", f);
	if (lab) {
		put_xml(f, lab, true);
		fputc('.', f);
	}
	put_xml(f, sc->name, true);
	fputs("\" name=\"", f);
	put_xml(f, st->name, true);
	fprintf(f, "\" time=\"%s\"%s\n", SECS(secs, st->seconds), out || !st->ok ? ">" : "/>");
	if (!st->ok) {
		bool first = true;

		fputs("      <failure message=\"", f);
		put_xml(f, str_or(st->reason, "failed"), true);
		fputs("\">", f);
		for (size_t i = 0; i < st->n_checks; i++) {
			const struct vl_check *c = &st->checks[i];

			if (c->ok)
				continue;
			if (!first)
				fputc('\n', f);
			first = false;
			put_xml(f, c->what, false);
			if (c->detail && *c->detail) {
				fputs(": ", f);
				put_xml(f, c->detail, false);
			}
		}
		fputs("</failure>\n", f);
	}
	if (out) {
		fputs("      <system-out>", f);
		for (size_t i = 0; i < st->n_measures; i++) {
			put_xml(f, st->measures[i].key, false);
			fputc('=', f);
			put_xml(f, st->measures[i].value, false);
			fputc('\n', f);
		}
		for (size_t i = 0; i < st->n_artifacts; i++) {
			fputs("artifact: ", f);
			put_xml(f, st->artifacts[i], false);
			fputc('\n', f);
		}
		fputs("</system-out>\n", f);
	}
	if (out || !st->ok)
		fputs("    </testcase>\n", f);
}

int vl_report_junit(FILE *f, const struct vl_run_result *r)
{
	struct counts c = count_run(r);
	char secs[32];

	errno = 0;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fputs("<testsuites name=\"vethlab", f);
	if (r->lab) {
		fputc(' ', f);
		put_xml(f, r->lab, true);
	}
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%s\">\n",
		c.steps, c.failed, SECS(secs, r->seconds));
	for (size_t i = 0; i < r->n_scenarios; i++) {
		const struct vl_scenario_result *sc = &r->scenarios[i];

		fputs("  <testsuite name=\"", f);
		put_xml(f, sc->name, true);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%s\"%s\n",
			sc->n_steps, scenario_failed(sc), SECS(secs, sc->seconds),
			sc->n_steps ? ">" : "/>");
		for (size_t j = 0; j < sc->n_steps; j++)
			junit_case(f, r->lab, sc, &sc->steps[j]);
		if (sc->n_steps)
			fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return finish(f);
}

/* --- JSON --- */

/* vl_json_str escapes what JSON requires but copies other bytes as they
 * are; a document must be UTF-8, so bytes that are not become U+FFFD in
 * a copy first, made only when needed. False when there is no memory for
 * it (then null is written, so the document keeps its shape). */
static bool put_json(FILE *f, const char *s)
{
	const unsigned char *p;
	size_t bad = 0;
	char *copy, *o;

	for (p = (const unsigned char *)s; p && *p;) {
		uint32_t cp;

		p += utf8_next(p, &cp);
		bad += cp == BAD_CP;
	}
	if (!bad) {
		vl_json_str(f, s);
		return true;
	}
	/* each bad byte grows to the three of U+FFFD */
	o = copy = malloc(strlen(s) + 2 * bad + 1);
	if (!copy) {
		fputs("null", f);
		return false;
	}
	for (p = (const unsigned char *)s; *p;) {
		uint32_t cp;
		size_t n = utf8_next(p, &cp);

		if (cp == BAD_CP) {
			memcpy(o, REPLACEMENT, 3);
			o += 3;
		} else {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	vl_json_str(f, copy);
	free(copy);
	return true;
}

/* "KEY":VALUE with VALUE a string (or null). */
static bool put_json_kv(FILE *f, const char *key, const char *v)
{
	fprintf(f, "\"%s\":", key);
	return put_json(f, v);
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

/* False when some string could not be written for lack of memory. */
static bool json_step(FILE *f, const struct vl_step_result *st)
{
	char secs[32];
	bool ok = true;

	fputc('{', f);
	ok &= put_json_kv(f, "name", st->name);
	fprintf(f, ",\"ok\":%s,", json_bool(st->ok));
	ok &= put_json_kv(f, "reason", st->reason);
	fprintf(f, ",\"seconds\":%s,\"checks\":[", SECS(secs, st->seconds));
	for (size_t i = 0; i < st->n_checks; i++) {
		const struct vl_check *c = &st->checks[i];

		fputs(i ? ",{" : "{", f);
		ok &= put_json_kv(f, "what", c->what);
		fprintf(f, ",\"ok\":%s,", json_bool(c->ok));
		ok &= put_json_kv(f, "detail", c->detail);
		fputc('}', f);
	}
	fputs("],\"measures\":{", f);
	for (size_t i = 0; i < st->n_measures; i++) {
		const struct vl_measure *m = &st->measures[i];

		if (i)
			fputc(',', f);
		/* a key must be a string, never null */
		ok &= put_json(f, str_or(m->key, ""));
		fputc(':', f);
		if (m->number && m->value && is_json_number(m->value))
			fputs(m->value, f);
		else
			ok &= put_json(f, m->value);
	}
	fputs("},\"artifacts\":[", f);
	for (size_t i = 0; i < st->n_artifacts; i++) {
		if (i)
			fputc(',', f);
		ok &= put_json(f, st->artifacts[i]);
	}
	fputs("]}", f);
	return ok;
}

int vl_report_json(FILE *f, const struct vl_run_result *r)
{
	struct counts c = count_run(r);
	char secs[32];
	bool ok = true;
	int rc;

	errno = 0;
	fputc('{', f);
	ok &= put_json_kv(f, "lab", r->lab);
	fprintf(f, ",\"ok\":%s,\"steps\":%zu,\"passed\":%zu,\"failed\":%zu,"
		"\"seconds\":%s,\"scenarios\":[", json_bool(c.ok), c.steps,
		c.passed, c.failed, SECS(secs, r->seconds));
	for (size_t i = 0; i < r->n_scenarios; i++) {
		const struct vl_scenario_result *sc = &r->scenarios[i];

		fputs(i ? ",{" : "{", f);
		ok &= put_json_kv(f, "name", sc->name);
		fputc(',', f);
		ok &= put_json_kv(f, "description", sc->description);
		fprintf(f, ",\"ok\":%s,\"seconds\":%s,\"steps\":[",
			json_bool(scenario_ok(sc)), SECS(secs, sc->seconds));
		for (size_t j = 0; j < sc->n_steps; j++) {
			if (j)
				fputc(',', f);
			ok &= json_step(f, &sc->steps[j]);
		}
		fputs("]}", f);
	}
	fputs("]}\n", f);
	rc = finish(f);
	return rc ? rc : ok ? 0 : -ENOMEM;
}
