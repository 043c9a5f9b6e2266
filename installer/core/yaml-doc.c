/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "yaml-doc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "i18n.h"
#include "util.h"

const char *yaml_adapter_version(void)
{
	return yaml_get_version_string();
}

const char *ynode_kind_name(ynode_kind k)
{
	switch (k) {
	case YNODE_SCALAR:
		return "a single value";
	case YNODE_SEQUENCE:
		return "a list";
	case YNODE_MAPPING:
		return "a mapping";
	}
	return "?";
}

ynode *ynode_get(const ynode *n, const char *key)
{
	if (!n || n->kind != YNODE_MAPPING)
		return NULL;
	for (size_t i = 0; i < n->n_pairs; i++)
		if (streq_ptr(n->pairs[i].key->scalar, key))
			return n->pairs[i].value;
	return NULL;
}

void ynode_free(ynode *n)
{
	if (!n)
		return;
	free(n->scalar);
	for (size_t i = 0; i < n->n_items; i++)
		ynode_free(n->items[i]);
	free(n->items);
	for (size_t i = 0; i < n->n_pairs; i++) {
		ynode_free(n->pairs[i].key);
		ynode_free(n->pairs[i].value);
	}
	free(n->pairs);
	free(n);
}

typedef struct loader {
	yaml_document_t *doc;
	const azl_source *src;
	azl_diags *d;
	size_t n_nodes;	   /* copied so far, aliases counted each time */
	bool *dup_checked; /* per libyaml node id: mapping keys compared */
	bool failed;	   /* stop copying */
	bool duplicates;   /* keep copying, to report every duplicate */
} loader;

static azl_loc mark_loc(const azl_source *src, yaml_mark_t m)
{
	/* libyaml counts from 0; people and editors count from 1. */
	return (azl_loc){src->path, (int)m.line + 1, (int)m.column + 1};
}

static bool is_null_scalar(const yaml_node_t *yn)
{
	if (yn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)yn->data.scalar.value;
	return yn->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

typedef struct key_ref {
	const char *key;
	size_t index;
} key_ref;

static int key_ref_cmp(const void *a, const void *b)
{
	const key_ref *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	if (r != 0)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int dup_cmp(const void *a, const void *b)
{
	const size_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Sorting instead of comparing every pair keeps a hostile mapping with
 * many thousand keys cheap; errors are still reported in document order. */
static void check_duplicates(loader *l, const ynode *n)
{
	if (n->n_pairs < 2)
		return;
	_cleanup_free_ key_ref *refs = xcalloc(n->n_pairs, sizeof(*refs));
	for (size_t i = 0; i < n->n_pairs; i++)
		refs[i] = (key_ref){n->pairs[i].key->scalar, i};
	qsort(refs, n->n_pairs, sizeof(*refs), key_ref_cmp);
	/* pairs of (duplicate index, first index) */
	_cleanup_free_ size_t *dups = xcalloc(n->n_pairs, 2 * sizeof(size_t));
	size_t n_dups = 0, first = 0;
	for (size_t i = 1; i < n->n_pairs; i++) {
		if (strcmp(refs[i].key, refs[first].key) != 0) {
			first = i;
			continue;
		}
		dups[2 * n_dups] = refs[i].index;
		dups[2 * n_dups + 1] = refs[first].index;
		n_dups++;
	}
	qsort(dups, n_dups, 2 * sizeof(size_t), dup_cmp);
	for (size_t i = 0; i < n_dups; i++) {
		const ynode *k = n->pairs[dups[2 * i]].key;
		const ynode *f = n->pairs[dups[2 * i + 1]].key;
		diag_error(l->d, k->loc,
			   _("duplicate key '%s' (first at line %d); remove one of them"),
			   k->scalar, f->loc.line);
		l->duplicates = true;
	}
}

static ynode *copy_node(loader *l, int id, int depth)
{
	yaml_node_t *yn = yaml_document_get_node(l->doc, id);
	if (!yn || l->failed)
		return NULL;
	azl_loc loc = mark_loc(l->src, yn->start_mark);
	if (++l->n_nodes > YDOC_MAX_NODES) {
		diag_error(
			l->d, loc,
			_("the document has more than %d values once its aliases are expanded; refusing it"),
			YDOC_MAX_NODES);
		l->failed = true;
		return NULL;
	}
	if (depth > YDOC_MAX_DEPTH) {
		diag_error(l->d, loc, _("the document nests deeper than %d levels; refusing it"),
			   YDOC_MAX_DEPTH);
		l->failed = true;
		return NULL;
	}

	ynode *n = xzalloc(sizeof(*n));
	n->loc = loc;
	n->end = mark_loc(l->src, yn->end_mark);
	switch (yn->type) {
	case YAML_SCALAR_NODE:
		n->kind = YNODE_SCALAR;
		if (strlen((const char *)yn->data.scalar.value) != yn->data.scalar.length) {
			diag_error(l->d, loc, _("a value holds a NUL character; remove it"));
			l->failed = true;
			break;
		}
		n->scalar = xstrndup((const char *)yn->data.scalar.value, yn->data.scalar.length);
		n->quoted = yn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		n->is_null = is_null_scalar(yn);
		break;
	case YAML_SEQUENCE_NODE: {
		n->kind = YNODE_SEQUENCE;
		size_t count =
			(size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
		n->items = xcalloc(count ? count : 1, sizeof(*n->items));
		for (size_t i = 0; i < count && !l->failed; i++) {
			ynode *c = copy_node(l, yn->data.sequence.items.start[i], depth + 1);
			if (!c)
				break;
			n->items[n->n_items++] = c;
		}
		break;
	}
	case YAML_MAPPING_NODE: {
		n->kind = YNODE_MAPPING;
		size_t count = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
		n->pairs = xcalloc(count ? count : 1, sizeof(*n->pairs));
		for (size_t i = 0; i < count && !l->failed; i++) {
			yaml_node_pair_t *p = &yn->data.mapping.pairs.start[i];
			yaml_node_t *kn = yaml_document_get_node(l->doc, p->key);
			if (kn && kn->type != YAML_SCALAR_NODE) {
				diag_error(l->d, mark_loc(l->src, kn->start_mark),
					   _("a key must be a single value, not %s"),
					   kn->type == YAML_MAPPING_NODE ? _("a mapping")
									 : _("a list"));
				l->failed = true;
				break;
			}
			ynode *k = copy_node(l, p->key, depth + 1);
			if (!k)
				break;
			ynode *v = copy_node(l, p->value, depth + 1);
			if (!v) {
				ynode_free(k);
				break;
			}
			n->pairs[n->n_pairs++] = (ypair){k, v};
		}
		/* An anchored mapping reused through aliases is checked once.
		 */
		if (!l->failed && !l->dup_checked[id]) {
			l->dup_checked[id] = true;
			check_duplicates(l, n);
		}
		break;
	}
	default:
		break;
	}
	if (l->failed) {
		ynode_free(n);
		return NULL;
	}
	return n;
}

static void parser_error(const yaml_parser_t *p, const azl_source *src, azl_diags *d)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";
	azl_loc loc = mark_loc(src, p->problem_mark);
	if (p->error == YAML_READER_ERROR)
		/* The reader reports a byte offset only. */
		loc = (azl_loc){src->path, 0, 0};
	size_t at = p->problem_mark.index;
	if (p->error == YAML_SCANNER_ERROR && at < src->len && src->text[at] == '\t') {
		diag_error(d, loc, _("a tab cannot indent YAML; use spaces instead"));
		return;
	}
	if (p->context)
		diag_error(d, loc, _("%s %s; check the YAML syntax here"), problem, p->context);
	else
		diag_error(d, loc, _("%s; check the YAML syntax here"), problem);
}

static bool is_node_event(const yaml_event_t *ev)
{
	return ev->type == YAML_SCALAR_EVENT || ev->type == YAML_ALIAS_EVENT ||
	       ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
}

static const yaml_char_t *event_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

/* One node (a value, an alias or the start of a collection) at depth
 * (the number of collections open around it). */
static int count_node(const azl_source *src, azl_diags *d, const yaml_event_t *ev, size_t depth,
		      size_t *nodes, size_t *anchors)
{
	azl_loc loc = mark_loc(src, ev->start_mark);
	if (depth + 1 > YDOC_MAX_DEPTH) {
		diag_error(d, loc, _("the document nests deeper than %d levels; refusing it"),
			   YDOC_MAX_DEPTH);
		return -EINVAL;
	}
	if (++*nodes > YDOC_MAX_NODES) {
		diag_error(d, loc, _("the document has more than %d values; refusing it"),
			   YDOC_MAX_NODES);
		return -EINVAL;
	}
	if (event_anchor(ev) && ++*anchors > YDOC_MAX_ANCHORS) {
		diag_error(d, loc, _("the document has more than %d anchors (&name); refusing it"),
			   YDOC_MAX_ANCHORS);
		return -EINVAL;
	}
	return 0;
}

/* libyaml's scanner checks every open flow level on each token and its
 * loader looks anchors up one by one: quadratic in nesting and in anchors.
 * This first pass reads events only, as far as the first limit it breaks,
 * so the document loader never sees a document beyond the limits. */
static int prescan(const azl_source *src, azl_diags *d)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		abort(); /* only fails when out of memory */
	yaml_parser_set_input_string(&parser, (const unsigned char *)src->text, src->len);
	size_t depth = 0, nodes = 0, anchors = 0;
	int r = 0;
	for (bool done = false; !done && r == 0;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&parser, src, d);
			r = -EINVAL;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		else if (is_node_event(&ev)) {
			r = count_node(src, d, &ev, depth, &nodes, &anchors);
			if (ev.type == YAML_SEQUENCE_START_EVENT ||
			    ev.type == YAML_MAPPING_START_EVENT)
				depth++;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return r;
}

ynode *ydoc_load(const azl_source *src, azl_diags *d)
{
	if (src->len > YDOC_MAX_FILE_SIZE) {
		diag_error(d, ((azl_loc){src->path, 0, 0}),
			   _("the file is larger than %u bytes; refusing it"), YDOC_MAX_FILE_SIZE);
		return NULL;
	}
	if (prescan(src, d) < 0)
		return NULL;

	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		abort(); /* only fails when out of memory */
	yaml_parser_set_input_string(&parser, (const unsigned char *)src->text, src->len);

	yaml_document_t doc;
	if (!yaml_parser_load(&parser, &doc)) {
		parser_error(&parser, src, d);
		yaml_parser_delete(&parser);
		return NULL;
	}

	ynode *root = NULL;
	yaml_node_t *top = yaml_document_get_root_node(&doc);
	if (!top) {
		/* An empty stream: a null document. */
		root = xzalloc(sizeof(*root));
		root->kind = YNODE_SCALAR;
		root->scalar = xstrdup("");
		root->is_null = true;
		root->loc = root->end = (azl_loc){src->path, 1, 1};
	} else {
		size_t n_ids = (size_t)(doc.nodes.top - doc.nodes.start) + 1;
		loader l = {
			.doc = &doc,
			.src = src,
			.d = d,
			.dup_checked = xcalloc(n_ids, sizeof(bool)),
		};
		root = copy_node(&l, 1, 1);
		free(l.dup_checked);
		if (l.duplicates) {
			ynode_free(root);
			root = NULL;
		}
	}
	yaml_document_delete(&doc);

	if (root) {
		yaml_document_t next;
		if (!yaml_parser_load(&parser, &next)) {
			parser_error(&parser, src, d);
			ynode_free(root);
			root = NULL;
		} else {
			yaml_node_t *n2 = yaml_document_get_root_node(&next);
			if (n2) {
				diag_error(
					d, mark_loc(src, n2->start_mark),
					_("a second YAML document starts here; an answer file holds only one"));
				ynode_free(root);
				root = NULL;
			}
			yaml_document_delete(&next);
		}
	}
	yaml_parser_delete(&parser);
	return root;
}

ynode *ydoc_load_file(const char *path, azl_diags *d)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file_bounded(path, YDOC_MAX_FILE_SIZE, &text, &len);
	if (r == -EFBIG) {
		diag_error(d, ((azl_loc){NULL, 0, 0}),
			   _("'%s' is larger than %u bytes; refusing it"), path,
			   YDOC_MAX_FILE_SIZE);
		return NULL;
	}
	if (r < 0) {
		diag_error(d, ((azl_loc){NULL, 0, 0}), _("cannot read '%s': %s; check the path"),
			   path, strerror(-r));
		return NULL;
	}
	azl_source *src = diags_add_source(d, source_new(path, text, len));
	return ydoc_load(src, d);
}
