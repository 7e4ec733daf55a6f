/* YAML text -> topology model. The only file that includes <yaml.h>.
 *
 * Two passes: libyaml events become a small located tree (bounded in depth
 * and size, no anchors or aliases), then the tree is read against the
 * format's schema. Every problem is reported with its line and column and
 * reading goes on, so one run shows all of a file's errors. */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <yaml.h>

#include "core/capture.h"
#include "core/link.h"
#include "core/scenario.h"
#include "core/timings.h"
#include "core/topo.h"
#include "core/util.h"

enum ytype { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
	enum ytype type;
	bool dup;		/* a repeated mapping key, reported and dropped */
	struct vl_loc loc;
	bool plain;		/* scalar written without quotes */
	char *s;		/* scalar value, NUL-terminated */
	size_t len;
	/* sequence items, or mapping keys and values alternating */
	struct ynode **kids;
	size_t n;
};

struct builder {
	struct vl_diags *d;
	struct ynode *root;
	struct ynode *stack[VL_MAX_YAML_DEPTH + 1];
	size_t depth;
	size_t count;
	unsigned docs;
};

static void ynode_free(struct ynode *y)
{
	if (!y)
		return;
	for (size_t i = 0; i < y->n; i++)
		ynode_free(y->kids[i]);
	free(y->kids);
	free(y->s);
	free(y);
}

static struct vl_loc mark_loc(yaml_mark_t m)
{
	return (struct vl_loc){ (unsigned)m.line + 1, (unsigned)m.column + 1 };
}

/* Reject NUL bytes and malformed UTF-8 up front, with a position: libyaml
 * would report them too, but less exactly. Overlong forms, surrogates and
 * code points past U+10FFFF are malformed. */
static int check_bytes(const char *buf, size_t len, struct vl_diags *d)
{
	const unsigned char *s = (const unsigned char *)buf;
	struct vl_loc loc = { 1, 1 };

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t need;
		unsigned cp;

		if (c == 0) {
			vl_diag_err(d, loc, "NUL byte in the file; a topology is UTF-8 text");
			return -EINVAL;
		}
		if (c < 0x80) {
			/* libyaml's line breaks: LF, CR, CR LF (and NEL, LS,
			 * PS below), so that positions agree with its own */
			if (c == '\n' || (c == '\r' && (i + 1 == len || s[i + 1] != '\n'))) {
				loc.line++;
				loc.col = 1;
			} else if (c != '\r') {
				loc.col++;
			}
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			goto bad;
		}
		if (len - i <= need)
			goto bad;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			goto bad;
		i += need + 1;
		if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
			loc.line++;
			loc.col = 1;
		} else {
			loc.col++;
		}
		continue;
bad:
		vl_diag_err(d, loc, "invalid UTF-8 (byte 0x%02x); a topology is UTF-8 text", c);
		return -EINVAL;
	}
	return 0;
}

static int add_kid(struct ynode *parent, struct ynode *kid)
{
	struct ynode **slot = vl_array_push(&parent->kids, &parent->n,
					    sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	*slot = kid;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct ynode *x = *(struct ynode *const *)a;
	const struct ynode *y = *(struct ynode *const *)b;
	int c = strcmp(x->s, y->s);

	if (c)
		return c;
	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	return x->loc.col < y->loc.col ? -1 : x->loc.col > y->loc.col;
}

/* Duplicate keys are errors (YAML says so; libyaml does not check). Sort
 * a copy of the keys so that a 10,000-node mapping costs n log n. */
static int check_duplicates(struct builder *b, struct ynode *map)
{
	size_t nk = map->n / 2, k = 0;
	struct ynode **keys;

	if (nk < 2)
		return 0;
	keys = malloc(nk * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->type == Y_SCALAR)
			keys[k++] = map->kids[i];
	qsort(keys, k, sizeof(*keys), cmp_key);
	for (size_t i = 1, first = 0; i < k; i++) {
		if (strcmp(keys[i]->s, keys[first]->s)) {
			first = i;
			continue;
		}
		vl_diag_err(b->d, keys[i]->loc,
			    "duplicate key \"%s\" (first at line %u, column %u)",
			    vl_q(keys[i]->s), keys[first]->loc.line,
			    keys[first]->loc.col);
		keys[i]->dup = true;
	}
	free(keys);
	/* Drop the repeats so that the reader sees each key once. */
	k = 0;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		if (map->kids[i]->dup) {
			ynode_free(map->kids[i]);
			ynode_free(map->kids[i + 1]);
			continue;
		}
		map->kids[k++] = map->kids[i];
		map->kids[k++] = map->kids[i + 1];
	}
	map->n = k;
	return 0;
}

static int place(struct builder *b, struct ynode *y)
{
	struct ynode *parent;

	if (++b->count > VL_MAX_YAML_NODES) {
		vl_diag_err(b->d, y->loc, "more than %d YAML values; refusing to read further",
			    VL_MAX_YAML_NODES);
		ynode_free(y);
		return -EINVAL;
	}
	if (b->depth == 0) {
		b->root = y;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == Y_MAP && parent->n % 2 == 0 && y->type != Y_SCALAR) {
		vl_diag_err(b->d, y->loc, "mapping keys must be strings, not lists or mappings");
		ynode_free(y);
		return -EINVAL;
	}
	if (add_kid(parent, y) < 0) {
		ynode_free(y);
		return -ENOMEM;
	}
	return 0;
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	struct vl_loc loc = mark_loc(ev->start_mark);
	const yaml_char_t *anchor = NULL, *tag = NULL;
	struct ynode *y;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1) {
			vl_diag_err(b->d, loc, "a second YAML document; a topology file holds one");
			return -EINVAL;
		}
		return 0;
	case YAML_ALIAS_EVENT:
		vl_diag_err(b->d, loc, "YAML aliases (*%s) are not supported; write the value out",
			    vl_q((const char *)ev->data.alias.anchor));
		return -EINVAL;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		y = b->stack[--b->depth];
		return y->type == Y_MAP ? check_duplicates(b, y) : 0;
	default:
		return 0;
	}
	/* Refusing anchors outright (not only aliases) keeps "billion laughs"
	 * files from costing anything: nothing is ever expanded. */
	if (anchor) {
		vl_diag_err(b->d, loc, "YAML anchors (&%s) are not supported; write the value out",
			    vl_q((const char *)anchor));
		return -EINVAL;
	}
	if (tag) {
		static const char core[] = "tag:yaml.org,2002:";
		const char *t = (const char *)tag;

		/* libyaml hands "!!int" over expanded: show it as written */
		if (!strncmp(t, core, sizeof(core) - 1))
			vl_diag_err(b->d, loc, "YAML tags (!!%s) are not supported",
				    vl_q(t + sizeof(core) - 1));
		else
			vl_diag_err(b->d, loc, "YAML tags (%s) are not supported", vl_q(t));
		return -EINVAL;
	}
	y = calloc(1, sizeof(*y));
	if (!y)
		return -ENOMEM;
	y->loc = loc;
	if (ev->type == YAML_SCALAR_EVENT) {
		y->type = Y_SCALAR;
		y->len = ev->data.scalar.length;
		y->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		y->s = malloc(y->len + 1);
		if (!y->s) {
			free(y);
			return -ENOMEM;
		}
		memcpy(y->s, ev->data.scalar.value, y->len);
		y->s[y->len] = '\0';
		/* "\0" in a double-quoted string: C strings cannot hold it. */
		if (strlen(y->s) != y->len) {
			vl_diag_err(b->d, loc, "NUL character in a string");
			ynode_free(y);
			return -EINVAL;
		}
		return place(b, y);
	}
	y->type = ev->type == YAML_MAPPING_START_EVENT ? Y_MAP : Y_SEQ;
	if (b->depth >= VL_MAX_YAML_DEPTH) {
		vl_diag_err(b->d, loc, "nesting deeper than %d levels", VL_MAX_YAML_DEPTH);
		free(y);
		return -EINVAL;
	}
	if (place(b, y) < 0)
		return -EINVAL;
	b->stack[b->depth++] = y;
	return 0;
}

static struct ynode *build_tree(const char *buf, size_t len, struct vl_diags *d)
{
	struct builder b = { .d = d };
	yaml_parser_t p;
	bool done = false;
	int r = 0;

	if (check_bytes(buf, len, d) < 0)
		return NULL;
	/* A UTF-8 byte order mark is allowed and means nothing; with the
	 * encoding fixed, libyaml would take it for content. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	if (!yaml_parser_initialize(&p))
		return NULL;
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && r == 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&p, &ev)) {
			struct vl_loc loc = mark_loc(p.problem_mark);

			if (p.problem_mark.index < len && buf[p.problem_mark.index] == '\t')
				vl_diag_err(d, loc, "a tab; YAML is indented with spaces only");
			else if (p.context && (p.context_mark.line != p.problem_mark.line ||
					       p.context_mark.column != p.problem_mark.column))
				/* point at what was left open (a quote, a
				 * bracket), and say where it went wrong */
				vl_diag_err(d, mark_loc(p.context_mark),
					    "YAML syntax error: %s %s (at line %u, column %u)",
					    p.problem ? p.problem : "invalid YAML", p.context,
					    loc.line, loc.col);
			else if (p.context)
				vl_diag_err(d, loc, "YAML syntax error: %s %s",
					    p.problem ? p.problem : "invalid YAML", p.context);
			else
				vl_diag_err(d, loc, "YAML syntax error: %s",
					    p.problem ? p.problem : "invalid YAML");
			r = -EINVAL;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		r = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (r < 0) {
		ynode_free(b.root);
		return NULL;
	}
	if (!b.root)
		vl_diag_err(d, ((struct vl_loc){ 1, 1 }),
			    "the file is empty; expected a mapping with \"name\" and \"nodes\"");
	return b.root;
}

/* The value of the top-level key "name", read without building anything
 * and stopping there: first scalar value of that key in the first
 * document. */
int vl_topo_peek_name(const char *buf, size_t len, char *name, size_t size)
{
	yaml_parser_t p;
	bool at_key = false, is_name = false;
	size_t depth = 0;
	int r = 1;

	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (r > 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&p, &ev)) {
			r = -EINVAL;
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (depth != 1)
				break;
			if (at_key) {
				is_name = ev.type == YAML_SCALAR_EVENT &&
					  !strcmp((const char *)ev.data.scalar.value, "name");
			} else if (is_name) {
				if (ev.type == YAML_SCALAR_EVENT &&
				    ev.data.scalar.length < size &&
				    strlen((const char *)ev.data.scalar.value) == ev.data.scalar.length) {
					memcpy(name, ev.data.scalar.value, ev.data.scalar.length + 1);
					r = 0;
				} else {
					r = -EINVAL;
				}
			}
			at_key = !at_key;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth == 0 && ev.type == YAML_SEQUENCE_START_EVENT)
				r = -EINVAL;
			else if (depth == 1 && is_name && !at_key)
				r = -EINVAL;
			if (depth == 0)
				at_key = true;
			depth++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (--depth == 1)
				at_key = true;
			else if (depth == 0)
				r = -ENOENT;
			break;
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			r = -ENOENT;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return r;
}

/* --- reading the tree against the schema --- */

struct reader {
	struct vl_diags *d;
	struct vl_lab *lab;
	int oom;
};

static const char *type_name(const struct ynode *y)
{
	switch (y->type) {
	case Y_MAP:
		return "a mapping";
	case Y_SEQ:
		return "a list";
	default:
		return "a string";
	}
}

/* A plain "", "~" or "null": "veth1:" and "veth1: {}" mean the same. */
static bool is_null(const struct ynode *y)
{
	return y->type == Y_SCALAR && y->plain &&
	       (!y->len || !strcmp(y->s, "~") || !strcmp(y->s, "null") ||
		!strcmp(y->s, "Null") || !strcmp(y->s, "NULL"));
}

static void got(char *buf, size_t len, const struct ynode *y)
{
	if (is_null(y))
		snprintf(buf, len, "nothing");
	else if (y->type == Y_SCALAR)
		snprintf(buf, len, "\"%s\"", vl_q(y->s));
	else
		snprintf(buf, len, "%s", type_name(y));
}

/* WHAT reads like "a list of addresses for interface \"veth0\"". */
static bool want(struct reader *r, const struct ynode *y, enum ytype t,
		 const char *what)
{
	char g[128];

	if (y->type == t && !(t == Y_SCALAR && is_null(y)))
		return true;
	got(g, sizeof(g), y);
	vl_diag_err(r->d, y->loc, "expected %s, got %s", what, g);
	return false;
}

#define NFIELDS(f) (sizeof(f) / sizeof((f)[0]))

struct field {
	const char *key;
	struct ynode *val;	/* out: NULL when absent */
	struct vl_loc key_loc;
};

/* Match a mapping's keys to FIELDS; unknown keys are errors with a
 * suggestion. WHERE names the mapping for messages. */
static void take_fields(struct reader *r, const struct ynode *map,
			struct field *fields, size_t nf, const char *where)
{
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->kids[i];
		struct vl_suggest s;
		size_t f;

		for (f = 0; f < nf; f++)
			if (!strcmp(fields[f].key, k->s))
				break;
		if (f < nf) {
			fields[f].val = map->kids[i + 1];
			fields[f].key_loc = k->loc;
			continue;
		}
		vl_suggest_init(&s, k->s);
		for (f = 0; f < nf; f++)
			vl_suggest_add(&s, fields[f].key);
		if (vl_suggest_get(&s)) {
			vl_diag_err(r->d, k->loc, "unknown key \"%s\" in %s; did you mean \"%s\"?",
				    vl_q(k->s), where, vl_suggest_get(&s));
		} else {
			char list[256] = "";
			size_t n = 0;

			for (f = 0; f < nf; f++)
				n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
						      f ? ", " : "", fields[f].key);
			vl_diag_err(r->d, k->loc, "unknown key \"%s\" in %s (expected %s)",
				    vl_q(k->s), where, list);
		}
	}
}

static char *dup_str(struct reader *r, const char *s)
{
	char *c = strdup(s);

	if (!c)
		r->oom = 1;
	return c;
}

/* An unsigned decimal in [MIN, MAX]; quoted or not, no sign, no leading
 * zeros, no "0x": a typo must not become a different number. */
static bool read_u32(struct reader *r, const struct ynode *y, uint32_t min,
		     uint32_t max, const char *what, uint32_t *out)
{
	uint64_t v = 0;
	bool ok = y->type == Y_SCALAR && y->len > 0 && y->len <= 10 &&
		  !(y->s[0] == '0' && y->len > 1);

	for (size_t i = 0; ok && i < y->len; i++) {
		if (y->s[i] < '0' || y->s[i] > '9')
			ok = false;
		else
			v = v * 10 + (uint64_t)(y->s[i] - '0');
	}
	if (!ok || v < min || v > max) {
		char g[128];

		got(g, sizeof(g), y);
		vl_diag_err(r->d, y->loc, "expected %s (a whole number from %u to %u), got %s",
			    what, min, max, g);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static void read_addresses(struct reader *r, struct vl_iface *ifc,
			   const struct ynode *y)
{
	char what[512];

	snprintf(what, sizeof(what), "a list of addresses for interface \"%s\"",
		 vl_q(ifc->name));
	if (!want(r, y, Y_SEQ, what))
		return;
	if (y->n > VL_MAX_ADDRS_PER_IFACE) {
		vl_diag_err(r->d, y->loc, "more than %d addresses on interface \"%s\"",
			    VL_MAX_ADDRS_PER_IFACE, vl_q(ifc->name));
		return;
	}
	for (size_t i = 0; i < y->n; i++) {
		const struct ynode *a = y->kids[i];
		struct vl_prefix p;
		const char *why;
		struct vl_addr *slot;

		if (!want(r, a, Y_SCALAR, "an address with a prefix length, like 192.168.2.11/24"))
			continue;
		if (vl_prefix_parse(a->s, true, &p, &why) < 0) {
			vl_diag_err(r->d, a->loc, "invalid address \"%s\": %s", vl_q(a->s), why);
			continue;
		}
		slot = vl_array_push(&ifc->addrs, &ifc->n_addrs, sizeof(*slot));
		if (!slot) {
			r->oom = 1;
			return;
		}
		slot->p = p;
		slot->loc = a->loc;
	}
}

static void read_iface(struct reader *r, struct vl_node *node,
		       const struct ynode *k, const struct ynode *v)
{
	struct field f[] = { { .key = "addresses" }, { .key = "mtu" }, { .key = "mac" }, { .key = "state" } };
	struct vl_iface *ifc;
	char where[512];
	size_t idx;

	/* "lo:" configures the loopback every node already has */
	idx = strcmp(k->s, "lo") ? vl_node_add_iface(node, k->s, k->loc) : 0;
	if (idx == VL_NONE) {
		r->oom = 1;
		return;
	}
	ifc = &node->ifaces[idx];
	ifc->declared = true;
	ifc->loc = k->loc;
	if (is_null(v))
		return;
	snprintf(where, sizeof(where), "a mapping for interface \"%s\"", vl_q(k->s));
	if (!want(r, v, Y_MAP, where))
		return;
	snprintf(where, sizeof(where), "interface \"%s\"", vl_q(k->s));
	take_fields(r, v, f, NFIELDS(f), where);
	if (f[0].val)
		read_addresses(r, ifc, f[0].val);
	if (f[1].val) {
		ifc->mtu_loc = f[1].val->loc;
		/* 68 is IPv4's minimum; 65535 is the largest a veth takes */
		if (!read_u32(r, f[1].val, 68, 65535, "an MTU", &ifc->mtu))
			ifc->mtu = 0;
	}
	if (f[2].val && want(r, f[2].val, Y_SCALAR, "a MAC address")) {
		const char *why;

		ifc->mac_loc = f[2].val->loc;
		if (vl_mac_parse(f[2].val->s, ifc->mac, &why) < 0)
			vl_diag_err(r->d, f[2].val->loc, "invalid MAC address \"%s\": %s",
				    vl_q(f[2].val->s), why);
		else
			ifc->has_mac = true;
	}
	if (f[3].val && want(r, f[3].val, Y_SCALAR, "\"up\" or \"down\"")) {
		if (!strcmp(f[3].val->s, "up"))
			ifc->up = true;
		else if (!strcmp(f[3].val->s, "down"))
			ifc->up = false;
		else
			vl_diag_err(r->d, f[3].val->loc,
				    "expected \"up\" or \"down\" for state, got \"%s\"",
				    vl_q(f[3].val->s));
	}
}

static void read_route(struct reader *r, struct vl_node *node,
		       const struct ynode *y)
{
	struct field f[] = { { .key = "to" }, { .key = "via" }, { .key = "dev" }, { .key = "metric" } };
	struct vl_route *rt;
	const char *why;
	char where[512];

	snprintf(where, sizeof(where), "a route of node \"%s\" ({to: ..., via: ...})",
		 vl_q(node->name));
	if (!want(r, y, Y_MAP, where))
		return;
	rt = vl_array_push(&node->routes, &node->n_routes, sizeof(*rt));
	if (!rt) {
		r->oom = 1;
		return;
	}
	rt->loc = y->loc;
	snprintf(where, sizeof(where), "a route of node \"%s\"", vl_q(node->name));
	take_fields(r, y, f, NFIELDS(f), where);
	if (!f[0].val)
		vl_diag_err(r->d, y->loc, "route without \"to\" (a prefix or \"default\")");
	if (f[1].val && want(r, f[1].val, Y_SCALAR, "a gateway address for via")) {
		rt->via_loc = f[1].val->loc;
		if (vl_addr_parse(f[1].val->s, &rt->via, &why) < 0) {
			vl_diag_err(r->d, f[1].val->loc, "invalid gateway \"%s\": %s",
				    vl_q(f[1].val->s), why);
			rt->bad = true;
		} else {
			rt->has_via = true;
		}
	} else if (f[1].val) {
		rt->bad = true;
	}
	if (f[0].val && want(r, f[0].val, Y_SCALAR, "a destination prefix or \"default\" for to")) {
		const struct ynode *t = f[0].val;

		rt->to_loc = t->loc;
		if (!strcmp(t->s, "default")) {
			/* the gateway says which family; IPv4 without one */
			rt->is_default = true;
			rt->dst.family = rt->has_via ? rt->via.family : AF_INET;
		} else if (vl_prefix_parse(t->s, false, &rt->dst, &why) < 0) {
			vl_diag_err(r->d, t->loc, "invalid destination \"%s\": %s",
				    vl_q(t->s), why);
			rt->dst.family = 0;	/* reported: no further checks */
		} else if (!vl_prefix_is_network(&rt->dst)) {
			struct vl_prefix net = rt->dst;
			char s[VL_PREFIX_STRLEN];
			unsigned n = vl_addr_bytes(net.family);

			for (unsigned bit = net.len; bit < n * 8; bit++)
				net.addr[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
			vl_prefix_str(&net, s, sizeof(s));
			vl_diag_err(r->d, t->loc,
				    "destination \"%s\" has host bits set; did you mean \"%s\"?",
				    vl_q(t->s), s);
		}
	}
	if (f[2].val && want(r, f[2].val, Y_SCALAR, "an interface name for dev")) {
		rt->dev = dup_str(r, f[2].val->s);
		rt->dev_loc = f[2].val->loc;
	} else if (f[2].val) {
		rt->bad = true;
	}
	if (f[3].val) {
		uint32_t m;

		if (read_u32(r, f[3].val, 0, UINT32_MAX, "a route metric", &m)) {
			rt->metric = m;
			rt->has_metric = true;
		} else {
			rt->bad = true;
		}
	}
}

/* Sysctl values are numbers, or several separated by blanks
 * (ip_local_port_range: "32768 60999"): blanks are folded to single
 * spaces here, and validate checks the numbers. */
static char *sysctl_value(struct reader *r, const struct ynode *y)
{
	char *out = malloc(y->len + 1), *o = out;

	if (!out) {
		r->oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < y->len; i++) {
		bool blank = y->s[i] == ' ' || y->s[i] == '\t';

		if (!blank)
			*o++ = y->s[i];
		else if (o != out && o[-1] != ' ')
			*o++ = ' ';
	}
	while (o != out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

static void read_sysctls(struct reader *r, struct vl_node *node,
			 const struct ynode *y)
{
	char where[512];

	snprintf(where, sizeof(where), "a mapping of sysctl keys to values for node \"%s\"",
		 vl_q(node->name));
	if (is_null(y) || !want(r, y, Y_MAP, where))
		return;
	for (size_t i = 0; i + 1 < y->n; i += 2) {
		const struct ynode *k = y->kids[i], *v = y->kids[i + 1];
		struct vl_sysctl *sc;
		char *val;

		if (!want(r, v, Y_SCALAR, "a number for a sysctl value"))
			continue;
		/* validate checks the key against the allowlist first,
		 * then the value */
		val = sysctl_value(r, v);
		if (!val)
			return;
		sc = vl_array_push(&node->sysctls, &node->n_sysctls, sizeof(*sc));
		if (!sc) {
			free(val);
			r->oom = 1;
			return;
		}
		sc->key = dup_str(r, k->s);
		sc->value = val;
		sc->loc = k->loc;
		sc->value_loc = v->loc;
	}
}

static void read_node(struct reader *r, const struct ynode *k,
		      const struct ynode *v)
{
	struct field f[] = { { .key = "interfaces" }, { .key = "routes" }, { .key = "sysctls" } };
	struct vl_node *node;
	char where[512];

	node = vl_array_push(&r->lab->nodes, &r->lab->n_nodes, sizeof(*node));
	if (!node) {
		r->oom = 1;
		return;
	}
	node->name = dup_str(r, k->s);
	node->loc = k->loc;
	/* lo exists in every namespace and is up unless the file says not */
	if (!node->name || vl_node_add_iface(node, "lo", k->loc) == VL_NONE) {
		r->oom = 1;
		return;
	}
	if (is_null(v))
		return;
	snprintf(where, sizeof(where), "a mapping for node \"%s\"", vl_q(k->s));
	if (!want(r, v, Y_MAP, where))
		return;
	snprintf(where, sizeof(where), "node \"%s\"", vl_q(k->s));
	take_fields(r, v, f, NFIELDS(f), where);
	if (f[0].val && !is_null(f[0].val)) {
		const struct ynode *m = f[0].val;

		snprintf(where, sizeof(where), "a mapping of interfaces for node \"%s\"",
			 vl_q(k->s));
		if (want(r, m, Y_MAP, where)) {
			if (m->n / 2 > VL_MAX_IFACES_PER_NODE)
				vl_diag_err(r->d, m->loc, "more than %d interfaces in node \"%s\"",
					    VL_MAX_IFACES_PER_NODE, vl_q(k->s));
			for (size_t i = 0; i + 1 < m->n && !r->oom &&
			     i / 2 < VL_MAX_IFACES_PER_NODE; i += 2)
				read_iface(r, node, m->kids[i], m->kids[i + 1]);
		}
	}
	if (f[1].val && !is_null(f[1].val)) {
		snprintf(where, sizeof(where), "a list of routes for node \"%s\"", vl_q(k->s));
		if (want(r, f[1].val, Y_SEQ, where)) {
			if (f[1].val->n > VL_MAX_ROUTES_PER_NODE)
				vl_diag_err(r->d, f[1].val->loc, "more than %d routes in node \"%s\"",
					    VL_MAX_ROUTES_PER_NODE, vl_q(k->s));
			else
				for (size_t i = 0; i < f[1].val->n && !r->oom; i++)
					read_route(r, node, f[1].val->kids[i]);
		}
	}
	if (f[2].val) {
		if (f[2].val->n / 2 > VL_MAX_SYSCTLS_PER_NODE)
			vl_diag_err(r->d, f[2].val->loc, "more than %d sysctls in node \"%s\"",
				    VL_MAX_SYSCTLS_PER_NODE, vl_q(k->s));
		else
			read_sysctls(r, node, f[2].val);
	}
}

static void read_endpoint(struct reader *r, struct vl_link *l,
			  const struct ynode *y)
{
	struct vl_endpoint *ep;
	const char *colon;

	if (!want(r, y, Y_SCALAR, "an endpoint \"node:interface\""))
		return;
	colon = strchr(y->s, ':');
	if (!colon || colon == y->s || !colon[1]) {
		vl_diag_err(r->d, y->loc, "expected an endpoint \"node:interface\", got \"%s\"",
			    vl_q(y->s));
		return;
	}
	ep = vl_array_push(&l->ends, &l->n_ends, sizeof(*ep));
	if (!ep) {
		r->oom = 1;
		return;
	}
	ep->node = strndup(y->s, (size_t)(colon - y->s));
	ep->iface = strdup(colon + 1);
	if (!ep->node || !ep->iface)
		r->oom = 1;
	ep->loc = y->loc;
	ep->node_idx = VL_NONE;
	ep->iface_idx = VL_NONE;
}

static void read_link(struct reader *r, const struct ynode *y)
{
	struct field f[] = { { .key = "kind" }, { .key = "endpoints" } };
	const struct ynode *eps;
	struct vl_link *l;

	if (!want(r, y, Y_MAP, "a link ({endpoints: [node:iface, node:iface]})"))
		return;
	l = vl_array_push(&r->lab->links, &r->lab->n_links, sizeof(*l));
	if (!l) {
		r->oom = 1;
		return;
	}
	l->loc = y->loc;
	l->kind = &vl_link_veth;
	take_fields(r, y, f, NFIELDS(f), "a link");
	if (f[0].val && want(r, f[0].val, Y_SCALAR, "a link kind")) {
		l->kind = vl_link_kind_find(f[0].val->s);
		if (!l->kind) {
			struct vl_suggest s;
			const char *hint;

			vl_suggest_init(&s, f[0].val->s);
			for (size_t i = 0; vl_link_kinds[i]; i++)
				vl_suggest_add(&s, vl_link_kinds[i]->name);
			hint = vl_suggest_get(&s);
			if (hint) {
				vl_diag_err(r->d, f[0].val->loc,
					    "unknown link kind \"%s\"; did you mean \"%s\"?",
					    vl_q(f[0].val->s), hint);
			} else {
				char known[128] = "";
				size_t n = 0;

				for (size_t i = 0; vl_link_kinds[i] && n < sizeof(known); i++)
					n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s",
							      i ? ", " : "", vl_link_kinds[i]->name);
				vl_diag_err(r->d, f[0].val->loc,
					    "unknown link kind \"%s\" (known: %s)",
					    vl_q(f[0].val->s), known);
			}
			l->kind = &vl_link_veth;
		}
	}
	eps = f[1].val;
	if (!eps) {
		vl_diag_err(r->d, y->loc, "link without \"endpoints\"");
		return;
	}
	if (!want(r, eps, Y_SEQ, "a list of endpoints [node:iface, node:iface]"))
		return;
	for (size_t i = 0; i < eps->n && !r->oom && i < 64; i++)
		read_endpoint(r, l, eps->kids[i]);
	if (eps->n < l->kind->min_ends || eps->n > l->kind->max_ends) {
		if (l->kind->min_ends == l->kind->max_ends)
			vl_diag_err(r->d, eps->loc, "a %s link has exactly %zu endpoints, got %zu",
				    l->kind->name, l->kind->min_ends, eps->n);
		else
			vl_diag_err(r->d, eps->loc, "a %s link has %zu to %zu endpoints, got %zu",
				    l->kind->name, l->kind->min_ends, l->kind->max_ends, eps->n);
	}
}

static void read_lab(struct reader *r, const struct ynode *root)
{
	struct field f[] = { { .key = "name" }, { .key = "nodes" }, { .key = "links" },
			     { .key = "scenarios" } };

	/* "scenarios" is read after validation: vl_topo_read_scenarios */
	if (!want(r, root, Y_MAP, "a mapping with \"name\" and \"nodes\" at the top"))
		return;
	take_fields(r, root, f, NFIELDS(f), "the topology");
	if (!f[0].val)
		vl_diag_err(r->d, root->loc, "missing \"name\" (the lab's name)");
	else if (want(r, f[0].val, Y_SCALAR, "a lab name")) {
		r->lab->name = dup_str(r, f[0].val->s);
		r->lab->name_loc = f[0].val->loc;
	}
	if (!f[1].val) {
		vl_diag_err(r->d, root->loc, "missing \"nodes\" (at least one node)");
	} else if (want(r, f[1].val, Y_MAP, "a mapping of node names to nodes")) {
		const struct ynode *m = f[1].val;

		if (m->n / 2 > VL_MAX_NODES) {
			vl_diag_err(r->d, m->loc, "more than %d nodes", VL_MAX_NODES);
			return;
		}
		if (m->n == 0)
			vl_diag_err(r->d, m->loc, "no nodes; a lab needs at least one");
		for (size_t i = 0; i + 1 < m->n && !r->oom; i += 2)
			read_node(r, m->kids[i], m->kids[i + 1]);
	}
	if (f[2].val && !is_null(f[2].val) &&
	    want(r, f[2].val, Y_SEQ, "a list of links")) {
		if (f[2].val->n > VL_MAX_LINKS) {
			vl_diag_err(r->d, f[2].val->loc, "more than %d links", VL_MAX_LINKS);
			return;
		}
		for (size_t i = 0; i < f[2].val->n && !r->oom; i++)
			read_link(r, f[2].val->kids[i]);
	}
}

int vl_topo_parse(const char *name, const char *buf, size_t len,
		  struct vl_lab **out, struct vl_diags *d)
{
	struct reader r = { .d = d };
	struct ynode *root;

	*out = NULL;
	if (len > VL_MAX_FILE_SIZE) {
		vl_diag_err(d, ((struct vl_loc){ 1, 1 }),
			    "file is larger than %u bytes", VL_MAX_FILE_SIZE);
		return -EINVAL;
	}
	root = build_tree(buf, len, d);
	if (!root)
		return d->n_errors ? -EINVAL : -ENOMEM;
	r.lab = vl_lab_new(name);
	if (!r.lab) {
		ynode_free(root);
		return -ENOMEM;
	}
	read_lab(&r, root);
	if (r.oom) {
		ynode_free(root);
		vl_lab_free(r.lab);
		return -ENOMEM;
	}
	r.lab->src = root;
	*out = r.lab;
	return 0;
}

int vl_topo_load(const char *path, struct vl_lab **out, struct vl_diags *d,
		 struct vl_error *err)
{
	return vl_topo_load_text(path, out, d, err, NULL, NULL);
}

int vl_topo_load_text(const char *path, struct vl_lab **out, struct vl_diags *d,
		      struct vl_error *err, char **text, size_t *text_len)
{
	const char *src = strcmp(path, "-") ? path : "/dev/stdin";
	struct vl_lab *lab;
	size_t len;
	char *buf;
	int r;

	*out = NULL;
	vl_timings_begin(VL_PHASE_PARSE);
	r = vl_read_file(src, VL_MAX_FILE_SIZE, &buf, &len);
	if (r < 0) {
		vl_timings_end(VL_PHASE_PARSE);
		if (r == -EFBIG)
			return vl_err(err, r, "%s: larger than the %u-byte limit for a topology",
				      path, VL_MAX_FILE_SIZE);
		return vl_err_sys(err, r, "read %s", path);
	}
	r = vl_topo_parse(path, buf, len, &lab, d);
	vl_timings_end(VL_PHASE_PARSE);
	if (r == 0 && text && !d->n_errors) {
		*text = buf;
		*text_len = len;
	} else {
		free(buf);
	}
	if (r == -ENOMEM)
		return vl_err_sys(err, r, "parse %s", path);
	if (r < 0)
		goto invalid;
	vl_timings_begin(VL_PHASE_VALIDATE);
	vl_topo_validate(lab, d);
	vl_timings_end(VL_PHASE_VALIDATE);
	if (d->n_errors) {
		vl_lab_free(lab);
		if (text) {
			free(*text);
			*text = NULL;
		}
		goto invalid;
	}
	*out = lab;
	vl_diags_sort(d);
	return 0;
invalid:
	vl_diags_sort(d);
	return vl_err(err, -EINVAL, "%s: %zu error%s", path, d->n_errors,
		      d->n_errors == 1 ? "" : "s");
}

/* --- scenarios --- */

void vl_topo_src_free(void *src)
{
	ynode_free(src);
}

static struct ynode *ycopy(const struct ynode *y)
{
	struct ynode *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	*c = *y;
	c->kids = NULL;
	c->n = 0;
	c->s = NULL;
	if (y->s && !(c->s = strdup(y->s)))
		goto fail;
	for (size_t i = 0; i < y->n; i++) {
		struct ynode *k = ycopy(y->kids[i]);

		if (!k || add_kid(c, k) < 0) {
			ynode_free(k);
			goto fail;
		}
	}
	return c;
fail:
	ynode_free(c);
	return NULL;
}

static struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	for (size_t i = 0; map && map->type == Y_MAP && i + 1 < map->n; i += 2)
		if (!strcmp(map->kids[i]->s, key))
			return map->kids[i + 1];
	return NULL;
}

/* BASE with OVER laid on it: mappings merge key by key, anything else is
 * replaced (a list of addresses in OVER is the new list). Positions stay
 * those of the text each value came from. A new tree. */
static struct ynode *ymerge(const struct ynode *base, const struct ynode *over)
{
	struct ynode *m;

	if (over->type != Y_MAP || !base || (base->type != Y_MAP && !is_null(base)))
		return ycopy(over);
	if (is_null(base)) {
		m = calloc(1, sizeof(*m));
		if (!m)
			return NULL;
		m->type = Y_MAP;
		m->loc = base->loc;
	} else if (!(m = ycopy(base))) {
		return NULL;
	}
	for (size_t i = 0; i + 1 < over->n; i += 2) {
		const struct ynode *k = over->kids[i], *v = over->kids[i + 1];
		struct ynode *merged;
		size_t j;

		for (j = 0; j + 1 < m->n; j += 2)
			if (!strcmp(m->kids[j]->s, k->s))
				break;
		merged = ymerge(j + 1 < m->n ? m->kids[j + 1] : NULL, v);
		if (!merged)
			goto fail;
		if (j + 1 < m->n) {
			ynode_free(m->kids[j + 1]);
			m->kids[j + 1] = merged;
			continue;
		}
		{
			struct ynode *kc = ycopy(k);

			if (!kc || add_kid(m, kc) < 0) {
				ynode_free(kc);
				ynode_free(merged);
				goto fail;
			}
			if (add_kid(m, merged) < 0) {
				ynode_free(merged);
				goto fail;
			}
		}
	}
	return m;
fail:
	ynode_free(m);
	return NULL;
}

static struct ynode *ynew(enum ytype t, const char *s, struct vl_loc loc)
{
	struct ynode *y = calloc(1, sizeof(*y));

	if (!y)
		return NULL;
	y->type = t;
	y->loc = loc;
	y->plain = true;
	if (s) {
		y->len = strlen(s);
		if (!(y->s = strdup(s))) {
			free(y);
			return NULL;
		}
	}
	return y;
}

/* {KEY: VAL}, taking VAL (also on failure) */
static struct ynode *ywrap(const char *key, struct ynode *val, struct vl_loc loc)
{
	struct ynode *m, *k;

	if (!val)
		return NULL;
	m = ynew(Y_MAP, NULL, loc);
	k = ynew(Y_SCALAR, key, loc);
	if (!m || !k || add_kid(m, k) < 0) {
		ynode_free(k);
		ynode_free(m);
		ynode_free(val);
		return NULL;
	}
	if (add_kid(m, val) < 0) {
		ynode_free(m);
		ynode_free(val);
		return NULL;
	}
	return m;
}

struct sreader {
	struct reader r;
	const struct vl_lab *cur;	/* the topology as of this step */
	struct ynode *cur_tree;		/* its YAML, when a set step made it */
	const struct ynode *base_tree;
	const char *scenario;
	bool base_ok;			/* the topology itself is valid */
	bool broken;			/* a step of this scenario made it invalid */
	size_t n_sets, n_steps;		/* in the whole file */
};

static bool read_str(struct reader *r, const struct ynode *y, const char *what, char **out)
{
	if (!want(r, y, Y_SCALAR, what))
		return false;
	*out = dup_str(r, y->s);
	return *out != NULL;
}

static bool read_bare_addr(struct reader *r, const struct ynode *y, const char *what,
			   struct vl_prefix *out)
{
	const char *why;

	if (!want(r, y, Y_SCALAR, what))
		return false;
	if (vl_addr_parse(y->s, out, &why) < 0) {
		vl_diag_err(r->d, y->loc, "invalid address \"%s\": %s", vl_q(y->s), why);
		return false;
	}
	return true;
}

/* "200ms", "1s", "1.5s": durations carry their unit, so that nobody has
 * to guess whether 1 means a second (ping) or a millisecond. */
static bool read_ms(struct reader *r, const struct ynode *y, const char *what, uint32_t *ms)
{
	double v;
	char *end;

	if (!want(r, y, Y_SCALAR, what))
		return false;
	v = strtod(y->s, &end);
	if (end == y->s || y->s[0] < '0' || y->s[0] > '9')
		end = NULL;
	else if (!strcmp(end, "s"))
		v *= 1000;
	else if (strcmp(end, "ms"))
		end = NULL;
	if (!end || v < 1 || v > 600000) {
		vl_diag_err(r->d, y->loc,
			    "expected %s with a unit, from 1ms to 600s (\"200ms\", \"1.5s\"), got \"%s\"",
			    what, vl_q(y->s));
		return false;
	}
	*ms = (uint32_t)(v + 0.5);
	return true;
}

/* "0", "4", "==4", "!=0", ">=1", "<=3", ">2", "<5" */
static bool read_count(struct reader *r, const struct ynode *y, struct vl_count *c)
{
	static const struct { const char *s; enum vl_cmp op; } ops[] = {
		{ "==", VL_CMP_EQ }, { "!=", VL_CMP_NE }, { ">=", VL_CMP_GE },
		{ "<=", VL_CMP_LE }, { ">", VL_CMP_GT }, { "<", VL_CMP_LT },
	};
	const char *p;
	uint64_t n = 0;

	if (!want(r, y, Y_SCALAR, "a count like 0, \"==4\" or \">=1\""))
		return false;
	p = y->s;
	c->op = VL_CMP_EQ;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(p, ops[i].s, strlen(ops[i].s))) {
			c->op = ops[i].op;
			p += strlen(ops[i].s);
			break;
		}
	while (*p == ' ')
		p++;
	if (!*p || (p[0] == '0' && p[1]))
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > 100000000)
			goto bad;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	c->n = (uint32_t)n;
	return true;
bad:
	vl_diag_err(r->d, y->loc,
		    "expected a count like 0, \"==4\", \">=1\" or \"<3\", got \"%s\"", vl_q(y->s));
	return false;
}

static bool check_node(struct sreader *sr, const char *node, struct vl_loc loc)
{
	struct vl_suggest s;

	if (!sr->cur || vl_lab_node_index(sr->cur, node) != VL_NONE)
		return true;
	vl_suggest_init(&s, node);
	for (size_t i = 0; i < sr->cur->n_nodes; i++)
		vl_suggest_add(&s, sr->cur->nodes[i].name);
	if (vl_suggest_get(&s))
		vl_diag_err(sr->r.d, loc, "unknown node \"%s\"; did you mean \"%s\"?",
			    vl_q(node), vl_suggest_get(&s));
	else
		vl_diag_err(sr->r.d, loc, "unknown node \"%s\"", vl_q(node));
	return false;
}

static void check_iface(struct sreader *sr, const char *node, const char *iface,
			struct vl_loc loc)
{
	const struct vl_node *n;
	struct vl_suggest s;
	size_t ni;

	if (!sr->cur || (ni = vl_lab_node_index(sr->cur, node)) == VL_NONE)
		return;
	n = &sr->cur->nodes[ni];
	if (vl_node_iface_index(n, iface) != VL_NONE)
		return;
	vl_suggest_init(&s, iface);
	for (size_t i = 0; i < n->n_ifaces; i++)
		vl_suggest_add(&s, n->ifaces[i].name);
	if (vl_suggest_get(&s))
		vl_diag_err(sr->r.d, loc, "node \"%s\" has no interface \"%s\"; did you mean \"%s\"?",
			    vl_q(node), vl_q(iface), vl_suggest_get(&s));
	else
		vl_diag_err(sr->r.d, loc, "node \"%s\" has no interface \"%s\"", vl_q(node), vl_q(iface));
}

static bool node_has_addr(const struct vl_lab *lab, const char *node, const struct vl_prefix *a)
{
	size_t ni = lab ? vl_lab_node_index(lab, node) : VL_NONE;

	if (ni == VL_NONE)
		return true;	/* reported elsewhere */
	for (size_t i = 0; i < lab->nodes[ni].n_ifaces; i++)
		for (size_t k = 0; k < lab->nodes[ni].ifaces[i].n_addrs; k++)
			if (vl_addr_equal(&lab->nodes[ni].ifaces[i].addrs[k].p, a))
				return true;
	return false;
}

static void read_match(struct sreader *sr, struct vl_capture_spec *cs, const struct ynode *y)
{
	static const struct { const char *name; enum vl_match_kind kind; } kinds[] = {
		{ "arp-request", VL_MATCH_ARP_REQUEST }, { "arp-reply", VL_MATCH_ARP_REPLY },
		{ "icmp-echo-request", VL_MATCH_ICMP_ECHO_REQUEST },
		{ "icmp-echo-reply", VL_MATCH_ICMP_ECHO_REPLY },
	};
	struct field f[] = { { .key = "match" }, { .key = "who-has" }, { .key = "tell" },
			     { .key = "from" }, { .key = "to" }, { .key = "filter" },
			     { .key = "count" } };
	struct reader *r = &sr->r;
	struct vl_match *m;
	char why[256], text[512], cnt[32];
	bool arp;

	if (!want(r, y, Y_MAP, "a capture assertion like {match: arp-request, count: \">=1\"}"))
		return;
	m = vl_array_push(&cs->matches, &cs->n_matches, sizeof(*m));
	if (!m) {
		r->oom = 1;
		return;
	}
	m->loc = y->loc;
	m->count = (struct vl_count){ VL_CMP_GE, 1 };
	take_fields(r, y, f, NFIELDS(f), "a capture assertion");
	if (f[0].val && want(r, f[0].val, Y_SCALAR, "a packet kind")) {
		size_t i;

		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (!strcmp(kinds[i].name, f[0].val->s))
				break;
		if (i < sizeof(kinds) / sizeof(kinds[0])) {
			m->kind = kinds[i].kind;
		} else {
			struct vl_suggest s;

			vl_suggest_init(&s, f[0].val->s);
			for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
				vl_suggest_add(&s, kinds[i].name);
			vl_diag_err(r->d, f[0].val->loc,
				    "unknown packet kind \"%s\"%s%s%s (known: arp-request, arp-reply, icmp-echo-request, icmp-echo-reply)",
				    vl_q(f[0].val->s), vl_suggest_get(&s) ? "; did you mean \"" : "",
				    vl_suggest_get(&s) ? vl_suggest_get(&s) : "",
				    vl_suggest_get(&s) ? "\"?" : "");
		}
	}
	arp = m->kind == VL_MATCH_ARP_REQUEST || m->kind == VL_MATCH_ARP_REPLY;
	for (int k = 1; k <= 4; k++) {
		struct vl_prefix *dst[] = { NULL, &m->who_has, &m->tell, &m->from, &m->to };
		bool *has[] = { NULL, &m->has_who_has, &m->has_tell, &m->has_from, &m->has_to };

		if (!f[k].val)
			continue;
		if ((k <= 2) != arp) {
			vl_diag_err(r->d, f[k].key_loc, "\"%s\" goes with %s", f[k].key,
				    k <= 2 ? "match: arp-request or arp-reply" :
					     "IP packets, not ARP (use who-has and tell)");
			continue;
		}
		*has[k] = read_bare_addr(r, f[k].val, "an address", dst[k]);
		if (*has[k] && arp && dst[k]->family != AF_INET) {
			vl_diag_err(r->d, f[k].val->loc, "ARP is IPv4 only; \"%s\" is IPv6",
				    vl_q(f[k].val->s));
			*has[k] = false;
		}
	}
	if (f[5].val && read_str(r, f[5].val, "a tcpdump filter", &m->filter) &&
	    vl_filter_check(m->filter, why, sizeof(why)) < 0)
		vl_diag_err(r->d, f[5].val->loc, "invalid filter \"%s\": %s", vl_q(m->filter), why);
	if (f[6].val)
		read_count(r, f[6].val, &m->count);
	if (!f[0].val && !f[5].val)
		vl_diag_err(r->d, y->loc, "a capture assertion needs \"match\" or \"filter\"");
	if (m->has_from && m->has_to && m->from.family != m->to.family) {
		vl_diag_err(r->d, f[4].val->loc, "\"from\" and \"to\" are of different families");
		m->has_to = false;
	}
	/* the assertion as people read it in reports: every field shown */
	vl_count_str(&m->count, cnt, sizeof(cnt));
	{
		size_t n = (size_t)snprintf(text, sizeof(text), "%s:%s %s", cs->node, cs->iface,
					    f[0].val && f[0].val->type == Y_SCALAR ? f[0].val->s : "packets");

		for (int k = 1; k <= 4 && n < sizeof(text); k++)
			if (f[k].val && f[k].val->type == Y_SCALAR)
				n += (size_t)snprintf(text + n, sizeof(text) - n, " %s %s", f[k].key,
						      f[k].val->s);
		if (m->filter && n < sizeof(text))
			n += (size_t)snprintf(text + n, sizeof(text) - n, " filter \"%s\"", m->filter);
		if (n < sizeof(text))
			snprintf(text + n, sizeof(text) - n, " count %s", cnt);
	}
	if (!(m->text = strdup(text)))
		r->oom = 1;
}

static void read_captures(struct sreader *sr, struct vl_step *st, const struct ynode *y)
{
	struct reader *r = &sr->r;

	if (!want(r, y, Y_MAP, "a mapping of node:interface to lists of assertions"))
		return;
	for (size_t i = 0; i + 1 < y->n && !r->oom; i += 2) {
		const struct ynode *k = y->kids[i], *v = y->kids[i + 1];
		const char *colon = strchr(k->s, ':');
		struct vl_capture_spec *cs;

		if (!colon || colon == k->s || !colon[1]) {
			vl_diag_err(r->d, k->loc, "expected \"node:interface\" to capture on, got \"%s\"",
				    vl_q(k->s));
			continue;
		}
		cs = vl_array_push(&st->captures, &st->n_captures, sizeof(*cs));
		if (!cs) {
			r->oom = 1;
			return;
		}
		cs->node = strndup(k->s, (size_t)(colon - k->s));
		cs->iface = strdup(colon + 1);
		cs->loc = k->loc;
		if (!cs->node || !cs->iface) {
			r->oom = 1;
			return;
		}
		if (check_node(sr, cs->node, k->loc))
			check_iface(sr, cs->node, cs->iface, k->loc);
		if (!want(r, v, Y_SEQ, "a list of assertions"))
			continue;
		for (size_t j = 0; j < v->n && !r->oom; j++)
			read_match(sr, cs, v->kids[j]);
	}
}

static void read_ping(struct sreader *sr, struct vl_step *st, const struct ynode *y)
{
	struct field f[] = { { .key = "from" }, { .key = "to" }, { .key = "dev" },
			     { .key = "src" }, { .key = "count" }, { .key = "interval" },
			     { .key = "timeout" }, { .key = "expect" } };
	struct vl_ping_step *p = &st->u.ping;
	struct reader *r = &sr->r;

	p->count = 1;
	p->interval_ms = 200;
	p->timeout_ms = 1000;
	if (!want(r, y, Y_MAP, "a ping like {from: host, to: 192.168.2.1}"))
		return;
	take_fields(r, y, f, NFIELDS(f), "a ping");
	if (!f[0].val || !f[1].val)
		vl_diag_err(r->d, y->loc, "a ping needs \"from\" (a node) and \"to\" (an address)");
	if (f[0].val && read_str(r, f[0].val, "a node", &p->from))
		check_node(sr, p->from, f[0].val->loc);
	if (f[1].val)
		read_bare_addr(r, f[1].val, "an address to ping", &p->to);
	if (f[2].val && read_str(r, f[2].val, "an interface", &p->dev) && p->from)
		check_iface(sr, p->from, p->dev, f[2].val->loc);
	if (f[3].val && read_bare_addr(r, f[3].val, "a source address", &p->src)) {
		p->has_src = true;
		if (p->from && !node_has_addr(sr->cur, p->from, &p->src))
			vl_diag_err(r->d, f[3].val->loc, "node \"%s\" has no address %s to send from",
				    vl_q(p->from), f[3].val->s);
		if (f[1].val && p->to.family && p->src.family != p->to.family)
			vl_diag_err(r->d, f[3].val->loc, "source and destination are of different families");
	}
	if (f[4].val)
		read_u32(r, f[4].val, 1, 1000, "a number of echo requests", &p->count);
	if (f[5].val)
		read_ms(r, f[5].val, "an interval", &p->interval_ms);
	if (f[6].val)
		read_ms(r, f[6].val, "a timeout", &p->timeout_ms);
	if (f[7].val && want(r, f[7].val, Y_SCALAR, "\"ok\" or \"fail\"")) {
		if (!strcmp(f[7].val->s, "ok"))
			p->expect = VL_EXPECT_OK;
		else if (!strcmp(f[7].val->s, "fail"))
			p->expect = VL_EXPECT_FAIL;
		else
			vl_diag_err(r->d, f[7].val->loc, "expected \"ok\" or \"fail\", got \"%s\"",
				    vl_q(f[7].val->s));
	}
	if (p->from && p->to.family && asprintf(&st->name, "ping %s -> %s%s%s%s", p->from,
						 f[1].val->s, p->dev ? " dev " : "",
						 p->dev ? p->dev : "",
						 p->expect == VL_EXPECT_FAIL ? " fails" : "") < 0)
		st->name = NULL;
}

static void read_route_step(struct sreader *sr, struct vl_step *st, const struct ynode *y)
{
	struct field f[] = { { .key = "node" }, { .key = "to" }, { .key = "from" },
			     { .key = "iif" }, { .key = "oif" }, { .key = "expect" } };
	struct field e[] = { { .key = "dev" }, { .key = "via" }, { .key = "type" } };
	struct vl_route_step *rt = &st->u.route;
	struct reader *r = &sr->r;

	if (!want(r, y, Y_MAP, "a route check like {node: host, to: 192.168.2.11, expect: {dev: lo}}"))
		return;
	take_fields(r, y, f, NFIELDS(f), "a route check");
	if (!f[0].val || !f[1].val || !f[5].val)
		vl_diag_err(r->d, y->loc, "a route check needs \"node\", \"to\" and \"expect\"");
	if (f[0].val && read_str(r, f[0].val, "a node", &rt->node))
		check_node(sr, rt->node, f[0].val->loc);
	if (f[1].val)
		read_bare_addr(r, f[1].val, "a destination address", &rt->to);
	if (f[2].val)
		rt->has_from = read_bare_addr(r, f[2].val, "a source address", &rt->from);
	if (f[3].val && read_str(r, f[3].val, "an interface", &rt->iif) && rt->node)
		check_iface(sr, rt->node, rt->iif, f[3].val->loc);
	if (f[4].val && read_str(r, f[4].val, "an interface", &rt->oif) && rt->node)
		check_iface(sr, rt->node, rt->oif, f[4].val->loc);
	if (rt->iif && !rt->has_from)
		vl_diag_err(r->d, f[3].val->loc, "a lookup as if received on \"%s\" needs \"from\"",
			    vl_q(rt->iif));
	if (f[5].val && want(r, f[5].val, Y_MAP, "the expected answer, like {dev: lo}")) {
		take_fields(r, f[5].val, e, NFIELDS(e), "a route expectation");
		if (!e[0].val && !e[1].val && !e[2].val)
			vl_diag_err(r->d, f[5].val->loc, "expect at least one of dev, via and type");
		if (e[0].val)
			read_str(r, e[0].val, "an interface", &rt->want_dev);
		if (e[1].val)
			rt->has_want_via = read_bare_addr(r, e[1].val, "a gateway", &rt->want_via);
		if (e[2].val && read_str(r, e[2].val, "a route type", &rt->want_type)) {
			static const char *const types[] = { "unicast", "local", "broadcast",
				"anycast", "multicast", "blackhole", "unreachable", "prohibit",
				"throw", "error" };
			size_t i;

			for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
				if (!strcmp(types[i], rt->want_type))
					break;
			if (i == sizeof(types) / sizeof(types[0]))
				vl_diag_err(r->d, e[2].val->loc,
					    "unknown route type \"%s\" (unicast, local, broadcast, unreachable, ..., or error for no route)",
					    vl_q(rt->want_type));
		}
	}
	if (rt->node && f[1].val && asprintf(&st->name, "route %s to %s%s%s", rt->node,
					      f[1].val->s, rt->has_from ? " from " : "",
					      rt->has_from ? f[2].val->s : "") < 0)
		st->name = NULL;
}

static void read_neigh(struct sreader *sr, struct vl_step *st, const struct ynode *y)
{
	static const char *const states[] = { "none", "incomplete", "reachable", "stale",
		"delay", "probe", "failed", "noarp", "permanent" };
	struct field f[] = { { .key = "node" }, { .key = "dev" }, { .key = "to" },
			     { .key = "expect" } };
	struct vl_neigh_step *n = &st->u.neigh;
	struct reader *r = &sr->r;
	const struct ynode *sv;

	if (!want(r, y, Y_MAP, "a neighbour check like {node: host, dev: veth0, to: 192.168.2.1, expect: {state: failed}}"))
		return;
	take_fields(r, y, f, NFIELDS(f), "a neighbour check");
	if (!f[0].val || !f[1].val || !f[2].val || !f[3].val) {
		vl_diag_err(r->d, y->loc, "a neighbour check needs \"node\", \"dev\", \"to\" and \"expect\"");
		return;
	}
	if (read_str(r, f[0].val, "a node", &n->node))
		check_node(sr, n->node, f[0].val->loc);
	if (read_str(r, f[1].val, "an interface", &n->dev) && n->node)
		check_iface(sr, n->node, n->dev, f[1].val->loc);
	read_bare_addr(r, f[2].val, "an address", &n->addr);
	if (!want(r, f[3].val, Y_MAP, "{state: STATE} or {state: [STATE, ...]}"))
		return;
	{
		struct field e[] = { { .key = "state" } };

		take_fields(r, f[3].val, e, NFIELDS(e), "a neighbour expectation");
		sv = e[0].val;
	}
	if (!sv) {
		vl_diag_err(r->d, f[3].val->loc, "expect needs \"state\"");
		return;
	}
	for (size_t i = 0; i < (sv->type == Y_SEQ ? sv->n : 1) && !r->oom; i++) {
		const struct ynode *x = sv->type == Y_SEQ ? sv->kids[i] : sv;
		char **slot;
		size_t k;

		if (!want(r, x, Y_SCALAR, "a neighbour state"))
			continue;
		for (k = 0; k < sizeof(states) / sizeof(states[0]); k++)
			if (!strcmp(states[k], x->s))
				break;
		if (k == sizeof(states) / sizeof(states[0])) {
			vl_diag_err(r->d, x->loc,
				    "unknown neighbour state \"%s\" (none, incomplete, reachable, stale, delay, probe, failed, noarp, permanent)",
				    vl_q(x->s));
			continue;
		}
		slot = vl_array_push(&n->states, &n->n_states, sizeof(*slot));
		if (!slot || !(*slot = strdup(x->s)))
			r->oom = 1;
	}
	if (n->node && asprintf(&st->name, "neigh %s %s %s", n->node, n->dev ? n->dev : "?",
				f[2].val->s) < 0)
		st->name = NULL;
}

static void read_exec(struct sreader *sr, struct vl_step *st, const struct ynode *y)
{
	struct field f[] = { { .key = "node" }, { .key = "argv" }, { .key = "timeout" },
			     { .key = "expect" } };
	struct vl_exec_step *x = &st->u.exec;
	struct reader *r = &sr->r;

	x->timeout_ms = 10000;
	if (!want(r, y, Y_MAP, "a command like {node: host, argv: [ip, addr]}"))
		return;
	take_fields(r, y, f, NFIELDS(f), "an exec step");
	if (!f[0].val || !f[1].val) {
		vl_diag_err(r->d, y->loc, "an exec step needs \"node\" and \"argv\"");
		return;
	}
	if (read_str(r, f[0].val, "a node", &x->node))
		check_node(sr, x->node, f[0].val->loc);
	if (want(r, f[1].val, Y_SEQ, "a list: the program and its arguments (no shell)")) {
		if (!f[1].val->n)
			vl_diag_err(r->d, f[1].val->loc, "argv is empty; name a program");
		x->argv = calloc(f[1].val->n + 1, sizeof(*x->argv));
		for (size_t i = 0; x->argv && i < f[1].val->n; i++)
			if (!read_str(r, f[1].val->kids[i], "a string", &x->argv[i]))
				x->argv[i] = strdup("");
		if (!x->argv)
			r->oom = 1;
	}
	if (f[2].val)
		read_ms(r, f[2].val, "a timeout", &x->timeout_ms);
	if (f[3].val && want(r, f[3].val, Y_MAP, "{status: N, output: REGEX}")) {
		struct field e[] = { { .key = "status" }, { .key = "output" } };

		take_fields(r, f[3].val, e, NFIELDS(e), "an exec expectation");
		if (e[0].val) {
			uint32_t v;

			if (read_u32(r, e[0].val, 0, 255, "an exit status", &v)) {
				x->has_status = true;
				x->status = (int)v;
			}
		}
		if (e[1].val && read_str(r, e[1].val, "an extended regular expression", &x->output)) {
			regex_t re;
			int rc = regcomp(&re, x->output, REG_EXTENDED | REG_NOSUB);

			if (rc) {
				char why[128];

				regerror(rc, &re, why, sizeof(why));
				vl_diag_err(r->d, e[1].val->loc, "invalid regular expression \"%s\": %s",
					    vl_q(x->output), why);
			} else {
				regfree(&re);
			}
		}
	}
	if (x->node && x->argv && x->argv[0] &&
	    asprintf(&st->name, "exec %s %s", x->node, x->argv[0]) < 0)
		st->name = NULL;
}

/* Diagnostics of a set step's topology, said to come from that step. */
static void copy_diags(struct sreader *sr, const struct vl_diags *from, struct vl_loc step)
{
	for (size_t i = 0; i < from->n; i++)
		vl_diag(sr->r.d, from->v[i].sev, from->v[i].loc,
			"after the step at line %u of scenario \"%s\": %s",
			step.line, vl_q(sr->scenario), from->v[i].msg);
}

/* The topology after OVERLAY: merged with the current one and checked. */
static void read_set(struct sreader *sr, struct vl_step *st, const struct ynode *overlay)
{
	struct reader r2 = { 0 };
	struct field f[] = { { .key = "nodes" }, { .key = "links" } };
	struct vl_diags d2;
	struct ynode *merged;

	if (!overlay) {
		sr->r.oom = 1;
		return;
	}
	if (!want(&sr->r, overlay, Y_MAP, "an overlay like {nodes: {host: {...}}}"))
		return;
	/* only the topology can change, not the lab's name */
	take_fields(&sr->r, overlay, f, NFIELDS(f), "a set step");
	/* a topology already broken by an earlier step of this scenario
	 * would only repeat its errors */
	if (!sr->base_ok || sr->broken)
		return;
	if (++sr->n_sets > VL_MAX_SET_STEPS) {
		vl_diag_err(sr->r.d, st->loc, "more than %d set and link steps in one file",
			    VL_MAX_SET_STEPS);
		sr->broken = true;
		return;
	}
	merged = ymerge(sr->cur_tree ? sr->cur_tree : sr->base_tree, overlay);
	if (!merged || vl_diags_init(&d2, sr->r.d->file) < 0) {
		ynode_free(merged);
		sr->r.oom = 1;
		return;
	}
	r2.d = &d2;
	r2.lab = vl_lab_new(sr->r.lab->file);
	if (!r2.lab) {
		sr->r.oom = 1;
	} else {
		read_lab(&r2, merged);
		if (!r2.oom && !d2.n_errors)
			vl_topo_validate(r2.lab, &d2);
		copy_diags(sr, &d2, st->loc);
		sr->broken = d2.n_errors > 0;
		if (r2.oom)
			sr->r.oom = 1;
	}
	vl_diags_fini(&d2);
	st->target = r2.lab;
	ynode_free(sr->cur_tree);
	sr->cur_tree = merged;
	sr->cur = st->target;
}

/* link: {node: host, iface: veth1, state: down} is a set step. */
static struct ynode *link_overlay(struct sreader *sr, const struct ynode *y, char **name)
{
	struct field f[] = { { .key = "node" }, { .key = "iface" }, { .key = "state" } };
	struct reader *r = &sr->r;
	struct ynode *o;

	if (!want(r, y, Y_MAP, "{node: NODE, iface: IFACE, state: up|down}"))
		return NULL;
	take_fields(r, y, f, NFIELDS(f), "a link step");
	if (!f[0].val || !f[1].val || !f[2].val) {
		vl_diag_err(r->d, y->loc, "a link step needs \"node\", \"iface\" and \"state\"");
		return NULL;
	}
	if (!want(r, f[0].val, Y_SCALAR, "a node") || !want(r, f[1].val, Y_SCALAR, "an interface") ||
	    !want(r, f[2].val, Y_SCALAR, "up or down"))
		return NULL;
	if (!check_node(sr, f[0].val->s, f[0].val->loc))
		return NULL;
	check_iface(sr, f[0].val->s, f[1].val->s, f[1].val->loc);
	if (asprintf(name, "link %s:%s %s", f[0].val->s, f[1].val->s, f[2].val->s) < 0)
		*name = NULL;
	o = ynew(Y_SCALAR, f[2].val->s, f[2].val->loc);
	o = ywrap("state", o, f[2].val->loc);
	o = ywrap(f[1].val->s, o, f[1].val->loc);
	o = ywrap("interfaces", o, y->loc);
	o = ywrap(f[0].val->s, o, f[0].val->loc);
	o = ywrap("nodes", o, y->loc);
	if (!o)
		r->oom = 1;
	return o;
}

static void read_step(struct sreader *sr, struct vl_scenario *sc, const struct ynode *y)
{
	static const char *const kinds[] = { "ping", "route", "neigh", "set", "link", "exec" };
	struct field f[] = { { .key = "ping" }, { .key = "route" }, { .key = "neigh" },
			     { .key = "set" }, { .key = "link" }, { .key = "exec" },
			     { .key = "capture" }, { .key = "name" } };
	struct reader *r = &sr->r;
	const struct vl_lab *before = sr->cur;
	struct vl_step *st;
	int which = -1;

	if (!want(r, y, Y_MAP, "a step (ping, route, neigh, set, link or exec)"))
		return;
	take_fields(r, y, f, NFIELDS(f), "a step");
	for (int k = 0; k < 6; k++) {
		if (!f[k].val)
			continue;
		if (which >= 0) {
			vl_diag_err(r->d, f[k].key_loc, "a step does one thing: \"%s\" and \"%s\" in one step",
				    kinds[which], kinds[k]);
			continue;
		}
		which = k;
	}
	if (which < 0) {
		vl_diag_err(r->d, y->loc, "a step needs one of ping, route, neigh, set, link, exec");
		return;
	}
	st = vl_array_push(&sc->steps, &sc->n_steps, sizeof(*st));
	if (!st) {
		r->oom = 1;
		return;
	}
	st->loc = y->loc;
	switch (which) {
	case 0:
		st->kind = VL_STEP_PING;
		read_ping(sr, st, f[0].val);
		break;
	case 1:
		st->kind = VL_STEP_ROUTE;
		read_route_step(sr, st, f[1].val);
		break;
	case 2:
		st->kind = VL_STEP_NEIGH;
		read_neigh(sr, st, f[2].val);
		break;
	case 3:
		st->kind = VL_STEP_SET;
		if (asprintf(&st->name, "set (line %u)", f[3].key_loc.line) < 0)
			st->name = NULL;
		read_set(sr, st, f[3].val);
		break;
	case 4: {
		struct ynode *o;

		st->kind = VL_STEP_SET;
		o = link_overlay(sr, f[4].val, &st->name);
		if (o)
			read_set(sr, st, o);
		ynode_free(o);
		break;
	}
	case 5:
		st->kind = VL_STEP_EXEC;
		read_exec(sr, st, f[5].val);
		break;
	}
	if (f[7].val && want(r, f[7].val, Y_SCALAR, "a step name")) {
		free(st->name);
		st->name = dup_str(r, f[7].val->s);
	}
	if (!st->name && !(st->name = strdup(kinds[which])))
		r->oom = 1;
	/* captures open before the step runs: on the topology before it */
	if (f[6].val) {
		const struct vl_lab *after = sr->cur;

		sr->cur = before;
		read_captures(sr, st, f[6].val);
		sr->cur = after;
	}
}

static void read_scenario(struct sreader *sr, const struct ynode *k, const struct ynode *v)
{
	struct field f[] = { { .key = "description" }, { .key = "steps" } };
	struct reader *r = &sr->r;
	struct vl_scenario *sc;
	const char *why;

	sc = vl_array_push(&r->lab->scenarios, &r->lab->n_scenarios, sizeof(*sc));
	if (!sc || !(sc->name = strdup(k->s))) {
		if (sc)
			r->lab->n_scenarios--;
		r->oom = 1;
		return;
	}
	sc->loc = k->loc;
	/* scenario names become file names under --artifacts and test names */
	why = vl_name_problem(k->s, 64);
	if (why)
		vl_diag_err(r->d, k->loc, "invalid scenario name \"%s\": %s (a-z, 0-9, '-')",
			    vl_q(k->s), why);
	if (!want(r, v, Y_MAP, "a scenario: {description: ..., steps: [...]}"))
		return;
	take_fields(r, v, f, NFIELDS(f), "a scenario");
	if (f[0].val)
		read_str(r, f[0].val, "a description", &sc->description);
	if (!f[1].val) {
		vl_diag_err(r->d, v->loc, "scenario \"%s\" has no \"steps\"", vl_q(k->s));
		return;
	}
	if (!want(r, f[1].val, Y_SEQ, "a list of steps"))
		return;
	sr->scenario = sc->name;
	sr->cur = r->lab;	/* every scenario starts from the file's topology */
	sr->broken = false;
	ynode_free(sr->cur_tree);
	sr->cur_tree = NULL;
	if ((sr->n_steps += f[1].val->n) > VL_MAX_STEPS) {
		vl_diag_err(r->d, f[1].val->loc, "more than %d steps in one file", VL_MAX_STEPS);
		return;
	}
	for (size_t i = 0; i < f[1].val->n && !r->oom; i++)
		read_step(sr, sc, f[1].val->kids[i]);
}

void vl_topo_read_scenarios(struct vl_lab *lab, struct vl_diags *d)
{
	struct sreader sr = { .r = { .d = d, .lab = lab }, .cur = lab,
			      .base_tree = lab->src, .base_ok = d->n_errors == 0 };
	const struct ynode *scs = ymap_get(lab->src, "scenarios");

	if (scs && !is_null(scs) &&
	    want(&sr.r, scs, Y_MAP, "a mapping of scenario names to scenarios"))
		for (size_t i = 0; i + 1 < scs->n && !sr.r.oom; i += 2)
			read_scenario(&sr, scs->kids[i], scs->kids[i + 1]);
	ynode_free(sr.cur_tree);
	if (sr.r.oom)
		vl_diag_err(d, ((struct vl_loc){ 1, 1 }), "out of memory while reading scenarios");
	vl_topo_src_free(lab->src);
	lab->src = NULL;
}
