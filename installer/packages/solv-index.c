/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reachability index of a cached repository: solv-index.h. */
#include "solv-index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <solv/chksum.h>
#include <solv/dataiterator.h>
#include <solv/repo.h>
#include <solv/repodata.h>

#include "solv-cache.h"
#include "util.h"

/* The file: a header, then sections at 8-byte aligned offsets, in the
 * machine's own byte order (the cache never leaves the machine; another
 * magic or size is "not an index"), then the seal of solv-cache.h. */
#define IX_MAGIC "AZLSIX05"

typedef struct ix_header {
	char magic[8];
	uint32_t npkgs, nstrings, nnames, nbuckets;
	uint32_t ndeps, nprov, nsupp, nalways, nfiles, pad;
	uint64_t off_stroff, off_blob, blob_len, off_pkgs, off_deps, off_names, off_buckets,
		off_prov, off_supp, off_always, off_files;
	uint64_t size;
	/* The SHA.solv it was made from: an index answers for that file
	 * only. */
	uint64_t solv_dev, solv_ino, solv_size, solv_mtime_ns;
} ix_header;

typedef struct ix_pkg {
	uint32_t name, evr, arch, location, chk_type, chk_hex, deps, pad;
	uint64_t dlsize, instsize, hdrend;
} ix_pkg;

typedef struct ix_name {
	uint32_t str, hash, prov, nprov, supp, nsupp, flags, pad;
} ix_name;

/* A file dependency whose providers in this repository are all in the
 * index: its file lists were searched for it. For any other path, the
 * sorted hashes of the paths in the repository's file lists (those of
 * primary.xml, which a warm libsolv searches) say whether this
 * repository could provide it. */
#define NAME_FILE_SEARCHED 1u

/* The dependency stream: per package, its provides, obsoletes,
 * conflicts, requires, recommends, suggests, supplements and enhances,
 * each a run of tokens ended by T_END. A token is a string, or a
 * relation (T_REL | flags) followed by its name and evr tokens. */
#define T_END	    0xffffffffu
#define T_PREREQ    0xfffffffeu
#define T_FILEMARK  0xfffffffdu
#define T_REL	    0x80000000u
#define N_DEPARRAYS 8
enum { D_PROVIDES, D_REQUIRES = 3, D_RECOMMENDS, D_SUPPLEMENTS = 6 };

struct solv_index {
	void *map; /* mapped: the file, of size bytes; or */
	size_t size;
	void *buffer; /* a copy (solv_index_from_buffer) */
	const ix_header *h;
	const uint32_t *stroff;
	const char *blob;
	const ix_pkg *pkgs;
	const uint32_t *deps;
	const ix_name *names;
	const uint32_t *buckets, *prov, *supp, *always, *files;
};

static uint64_t mtime_ns(const struct stat *st)
{
	return (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* ---- writing ---- */

typedef struct u32v {
	uint32_t *v;
	size_t n, cap;
} u32v;

static void u32v_push(u32v *a, uint32_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 1024;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

/* String i of the index is the pool's string Id i (then the locations
 * and checksums): a solve that interns the strings it needs in that order
 * gives them, within one repository, the same order of Ids as reading the
 * whole cache does. (libsolv's policy compares names as strings, so this
 * is care rather than need; the tests pass in either order.) */
typedef struct writer {
	Pool *pool;
	uint32_t *namemap; /* pool string Id -> name + 1 */
	size_t nmap;
	char *blob;
	size_t blob_len, blob_cap;
	u32v stroff, deps, prov_pairs, supp_pairs, names, always, searched, files;
	ix_pkg *pkgs;
	size_t npkgs;
	bool too_deep; /* a dependency nested deeper than the index keeps */
} writer;

static uint32_t add_text(writer *w, const char *s)
{
	size_t l = strlen(s) + 1;
	if (w->blob_len + l > w->blob_cap) {
		w->blob_cap = (w->blob_len + l) * 2;
		w->blob = xrealloc(w->blob, w->blob_cap);
	}
	memcpy(w->blob + w->blob_len, s, l);
	u32v_push(&w->stroff, (uint32_t)w->blob_len);
	w->blob_len += l;
	return (uint32_t)(w->stroff.n - 1);
}

static uint32_t add_str(writer *w, Id id)
{
	return id > 0 && (size_t)id < w->nmap ? (uint32_t)id : 0;
}

static uint32_t name_of(writer *w, Id id)
{
	if (id <= 0 || (size_t)id >= w->nmap)
		return UINT32_MAX;
	if (!w->namemap[id]) {
		u32v_push(&w->names, add_str(w, id));
		w->namemap[id] = (uint32_t)w->names.n;
	}
	return w->namemap[id] - 1;
}

static bool is_compare(int flags)
{
	return flags > 0 && flags < 8;
}

/* Only the name side of these is a package's or provide's name. */
static bool name_side_only(int flags)
{
	return is_compare(flags) || flags == REL_ARCH || flags == REL_MULTIARCH ||
	       flags == REL_KIND;
}

#define MAX_DEPTH 64

static void encode(writer *w, Id id, int depth)
{
	if (depth >= MAX_DEPTH) {
		w->too_deep = true;
		u32v_push(&w->deps, 0);
	} else if (ISRELDEP(id)) {
		Reldep *rd = GETRELDEP(w->pool, id);
		u32v_push(&w->deps, T_REL | (uint32_t)rd->flags);
		encode(w, rd->name, depth + 1);
		encode(w, rd->evr, depth + 1);
	} else if (id == SOLVABLE_PREREQMARKER)
		u32v_push(&w->deps, T_PREREQ);
	else if (id == SOLVABLE_FILEMARKER)
		u32v_push(&w->deps, T_FILEMARK);
	else
		u32v_push(&w->deps, add_str(w, ISRELDEP(id) ? 0 : id));
}

/* Every name in a supplements dependency, for the reverse table. A
 * namespace, or a condition (libsolv takes "(a if b)" as met when b is
 * not installed, and "(a unless b)" likewise), makes the package one
 * that is always read. */
static void supplement_names(writer *w, Id id, uint32_t pkg, bool *always, int depth)
{
	if (depth >= MAX_DEPTH) {
		w->too_deep = true;
		return;
	}
	if (!ISRELDEP(id)) {
		uint32_t n = name_of(w, id);
		if (n != UINT32_MAX) {
			u32v_push(&w->supp_pairs, n);
			u32v_push(&w->supp_pairs, pkg);
		}
		return;
	}
	Reldep *rd = GETRELDEP(w->pool, id);
	if (rd->flags == REL_NAMESPACE || rd->flags == REL_COND || rd->flags == REL_UNLESS) {
		*always = true;
		return;
	}
	supplement_names(w, rd->name, pkg, always, depth + 1);
	if (!name_side_only(rd->flags))
		supplement_names(w, rd->evr, pkg, always, depth + 1);
}

static Id provide_name(Pool *pool, Id id)
{
	for (int i = 0; ISRELDEP(id) && i < 64; i++)
		id = GETRELDEP(pool, id)->name;
	return ISRELDEP(id) ? 0 : id;
}

static void add_solvable(writer *w, Solvable *s)
{
	Pool *pool = w->pool;
	uint32_t k = (uint32_t)w->npkgs;
	ix_pkg *p = xappend(&w->pkgs, &w->npkgs, sizeof(*p));
	p->name = add_str(w, s->name);
	p->evr = add_str(w, s->evr);
	p->arch = add_str(w, s->arch);
	unsigned int medianr = 0;
	const char *loc = solvable_lookup_location(s, &medianr);
	p->location = loc ? add_text(w, loc) : 0;
	Id type = 0;
	const unsigned char *chk = solvable_lookup_bin_checksum(s, SOLVABLE_CHECKSUM, &type);
	if (chk && type) {
		p->chk_type = add_text(w, solv_chksum_type2str(type));
		p->chk_hex = add_text(w, pool_bin2hex(pool, chk, solv_chksum_len(type)));
	}
	p->dlsize = solvable_lookup_num(s, SOLVABLE_DOWNLOADSIZE, 0);
	p->instsize = solvable_lookup_num(s, SOLVABLE_INSTALLSIZE, 0);
	p->hdrend = solvable_lookup_num(s, SOLVABLE_HEADEREND, 0);
	p->deps = (uint32_t)w->deps.n;
	const Offset arrays[N_DEPARRAYS] = {s->provides,    s->obsoletes,  s->conflicts,
					    s->requires,    s->recommends, s->suggests,
					    s->supplements, s->enhances};
	bool always = false;
	uint32_t self = name_of(w, s->name);
	if (self != UINT32_MAX) {
		u32v_push(&w->prov_pairs, self);
		u32v_push(&w->prov_pairs, k);
	}
	for (int a = 0; a < N_DEPARRAYS; a++) {
		for (Id *dp = arrays[a] ? s->repo->idarraydata + arrays[a] : NULL; dp && *dp;
		     dp++) {
			encode(w, *dp, 0);
			if (a == D_PROVIDES && *dp != SOLVABLE_FILEMARKER) {
				uint32_t n = name_of(w, provide_name(pool, *dp));
				if (n != UINT32_MAX && n != self) {
					u32v_push(&w->prov_pairs, n);
					u32v_push(&w->prov_pairs, k);
				}
			} else if (a == D_SUPPLEMENTS)
				supplement_names(w, *dp, k, &always, 0);
		}
		u32v_push(&w->deps, T_END);
	}
	if (always)
		u32v_push(&w->always, k);
}

/* Pairs (name, package) into per-name runs: counts, starts, packages. */
static uint32_t *group_pairs(const u32v *pairs, size_t nnames, uint32_t *start, uint32_t *count)
{
	size_t n = pairs->n / 2;
	memset(count, 0, nnames * sizeof(*count));
	for (size_t i = 0; i < n; i++)
		count[pairs->v[2 * i]]++;
	uint32_t at = 0;
	for (size_t i = 0; i < nnames; i++) {
		start[i] = at;
		at += count[i];
	}
	uint32_t *out = xcalloc(n ? n : 1, sizeof(*out));
	uint32_t *fill = xcalloc(nnames ? nnames : 1, sizeof(*fill));
	for (size_t i = 0; i < n; i++) {
		uint32_t name = pairs->v[2 * i];
		out[start[name] + fill[name]++] = pairs->v[2 * i + 1];
	}
	free(fill);
	return out;
}

static bool put(FILE *f, uint64_t *at, const void *data, size_t len)
{
	static const char zero[8];
	if (len && fwrite(data, 1, len, f) != len)
		return false;
	*at += len;
	size_t pad = (8 - *at % 8) % 8;
	if (pad && fwrite(zero, 1, pad, f) != pad)
		return false;
	*at += pad;
	return true;
}

static uint64_t aligned(uint64_t at, size_t len)
{
	at += len;
	return at + (8 - at % 8) % 8;
}

static void writer_free(writer *w)
{
	free(w->namemap);
	free(w->blob);
	free(w->stroff.v);
	free(w->deps.v);
	free(w->prov_pairs.v);
	free(w->supp_pairs.v);
	free(w->names.v);
	free(w->always.v);
	free(w->searched.v);
	free(w->files.v);
	free(w->pkgs);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The hashes of every path in the repository's file lists, sorted and
 * unique. */
static void add_file_hashes(writer *w, Repo *repo)
{
	Dataiterator di;
	dataiterator_init(&di, repo->pool, repo, 0, SOLVABLE_FILELIST, NULL,
			  SEARCH_FILES | SEARCH_COMPLETE_FILELIST);
	while (dataiterator_step(&di))
		u32v_push(&w->files, fnv1a(di.kv.str));
	dataiterator_free(&di);
	if (!w->files.n)
		return;
	qsort(w->files.v, w->files.n, sizeof(uint32_t), cmp_u32);
	size_t k = 1;
	for (size_t i = 1; i < w->files.n; i++)
		if (w->files.v[i] != w->files.v[k - 1])
			w->files.v[k++] = w->files.v[i];
	w->files.n = k;
}

int solv_index_write(Repo *repo, const Queue *searched, const struct stat *solv, const char *path)
{
	Pool *pool = repo->pool;
	writer w = {.pool = pool, .nmap = (size_t)pool->ss.nstrings};
	w.namemap = xcalloc(w.nmap, sizeof(*w.namemap));
	add_text(&w, ""); /* string 0: none */
	for (size_t i = 1; i < w.nmap; i++)
		add_text(&w, pool_id2str(pool, (Id)i));
	Id p;
	Solvable *s;
	FOR_REPO_SOLVABLES(repo, p, s)
	add_solvable(&w, s);
	for (int i = 0; searched && i < searched->count; i++) {
		uint32_t n = name_of(&w, searched->elements[i]);
		if (n != UINT32_MAX)
			u32v_push(&w.searched, n);
	}
	add_file_hashes(&w, repo);
	if (w.too_deep) {
		/* Rather no index (every solve reads the whole repository)
		 * than one that lost a dependency. */
		writer_free(&w);
		return -E2BIG;
	}

	size_t nnames = w.names.n;
	ix_name *names = xcalloc(nnames ? nnames : 1, sizeof(*names));
	uint32_t *pstart = xcalloc(nnames ? nnames : 1, sizeof(uint32_t));
	uint32_t *pcount = xcalloc(nnames ? nnames : 1, sizeof(uint32_t));
	uint32_t *sstart = xcalloc(nnames ? nnames : 1, sizeof(uint32_t));
	uint32_t *scount = xcalloc(nnames ? nnames : 1, sizeof(uint32_t));
	uint32_t *prov = group_pairs(&w.prov_pairs, nnames, pstart, pcount);
	uint32_t *supp = group_pairs(&w.supp_pairs, nnames, sstart, scount);
	uint32_t nbuckets = 16;
	while (nbuckets < 2 * nnames)
		nbuckets *= 2;
	uint32_t *buckets = xcalloc(nbuckets, sizeof(*buckets));
	for (size_t i = 0; i < nnames; i++) {
		const char *text = w.blob + w.stroff.v[w.names.v[i]];
		names[i] = (ix_name){.str = w.names.v[i],
				     .hash = fnv1a(text),
				     .prov = pstart[i],
				     .nprov = pcount[i],
				     .supp = sstart[i],
				     .nsupp = scount[i]};
		uint32_t b = names[i].hash & (nbuckets - 1);
		while (buckets[b])
			b = (b + 1) & (nbuckets - 1);
		buckets[b] = (uint32_t)i + 1;
	}
	for (size_t i = 0; i < w.searched.n; i++)
		names[w.searched.v[i]].flags |= NAME_FILE_SEARCHED;

	ix_header h = {.npkgs = (uint32_t)w.npkgs,
		       .nstrings = (uint32_t)w.stroff.n,
		       .nnames = (uint32_t)nnames,
		       .nbuckets = nbuckets,
		       .ndeps = (uint32_t)w.deps.n,
		       .nprov = (uint32_t)(w.prov_pairs.n / 2),
		       .nsupp = (uint32_t)(w.supp_pairs.n / 2),
		       .nalways = (uint32_t)w.always.n,
		       .nfiles = (uint32_t)w.files.n,
		       .solv_dev = (uint64_t)solv->st_dev,
		       .solv_ino = (uint64_t)solv->st_ino,
		       .solv_size = (uint64_t)solv->st_size,
		       .solv_mtime_ns = mtime_ns(solv)};
	memcpy(h.magic, IX_MAGIC, 8);
	uint64_t at = aligned(0, sizeof(h));
	h.off_stroff = at;
	at = aligned(at, w.stroff.n * 4);
	h.off_blob = at;
	h.blob_len = w.blob_len;
	at = aligned(at, w.blob_len);
	h.off_pkgs = at;
	at = aligned(at, w.npkgs * sizeof(ix_pkg));
	h.off_deps = at;
	at = aligned(at, w.deps.n * 4);
	h.off_names = at;
	at = aligned(at, nnames * sizeof(ix_name));
	h.off_buckets = at;
	at = aligned(at, (size_t)nbuckets * 4);
	h.off_prov = at;
	at = aligned(at, (size_t)h.nprov * 4);
	h.off_supp = at;
	at = aligned(at, (size_t)h.nsupp * 4);
	h.off_always = at;
	at = aligned(at, w.always.n * 4);
	h.off_files = at;
	at = aligned(at, w.files.n * 4);
	h.size = at;

	int r = 0;
	char *tmp = NULL;
	FILE *f = solv_cache_create(path, &tmp);
	if (!f)
		r = -errno;
	else {
		uint64_t pos = 0;
		bool ok = put(f, &pos, &h, sizeof(h)) && put(f, &pos, w.stroff.v, w.stroff.n * 4) &&
			  put(f, &pos, w.blob, w.blob_len) &&
			  put(f, &pos, w.pkgs, w.npkgs * sizeof(ix_pkg)) &&
			  put(f, &pos, w.deps.v, w.deps.n * 4) &&
			  put(f, &pos, names, nnames * sizeof(ix_name)) &&
			  put(f, &pos, buckets, (size_t)nbuckets * 4) &&
			  put(f, &pos, prov, (size_t)h.nprov * 4) &&
			  put(f, &pos, supp, (size_t)h.nsupp * 4) &&
			  put(f, &pos, w.always.v, w.always.n * 4) &&
			  put(f, &pos, w.files.v, w.files.n * 4);
		if (ok && pos == h.size)
			r = solv_cache_commit(f, tmp, path);
		else {
			r = -EIO;
			fclose(f);
			unlink(tmp);
			free(tmp);
		}
	}
	free(buckets);
	free(prov);
	free(supp);
	free(pstart);
	free(pcount);
	free(sstart);
	free(scount);
	free(names);
	writer_free(&w);
	return r;
}

/* ---- reading ---- */

static bool section_ok(const ix_header *h, uint64_t off, uint64_t n, uint64_t size)
{
	return off % 8 == 0 && off <= h->size && n <= (h->size - off) / size;
}

/* The index in data[0, size), after checking that its header and
 * sections fit; NULL if not. data stays the caller's. */
static solv_index *index_check(const void *data, size_t size)
{
	if (size < sizeof(ix_header) || (uintptr_t)data % 8)
		return NULL;
	const ix_header *h = data;
	bool ok = memcmp(h->magic, IX_MAGIC, 8) == 0 && h->size == size && h->nstrings > 0 &&
		  h->nbuckets > 0 && (h->nbuckets & (h->nbuckets - 1)) == 0 &&
		  h->nnames < h->nbuckets && h->blob_len > 0 &&
		  section_ok(h, h->off_stroff, h->nstrings, 4) &&
		  section_ok(h, h->off_blob, h->blob_len, 1) &&
		  section_ok(h, h->off_pkgs, h->npkgs, sizeof(ix_pkg)) &&
		  section_ok(h, h->off_deps, h->ndeps, 4) &&
		  section_ok(h, h->off_names, h->nnames, sizeof(ix_name)) &&
		  section_ok(h, h->off_buckets, h->nbuckets, 4) &&
		  section_ok(h, h->off_prov, h->nprov, 4) &&
		  section_ok(h, h->off_supp, h->nsupp, 4) &&
		  section_ok(h, h->off_always, h->nalways, 4) &&
		  section_ok(h, h->off_files, h->nfiles, 4);
	const char *base = data;
	/* Every string ends inside the blob. */
	if (!ok || base[h->off_blob + h->blob_len - 1] != '\0')
		return NULL;
	solv_index *ix = xzalloc(sizeof(*ix));
	ix->h = h;
	ix->stroff = (const uint32_t *)(base + h->off_stroff);
	ix->blob = base + h->off_blob;
	ix->pkgs = (const ix_pkg *)(base + h->off_pkgs);
	ix->deps = (const uint32_t *)(base + h->off_deps);
	ix->names = (const ix_name *)(base + h->off_names);
	ix->buckets = (const uint32_t *)(base + h->off_buckets);
	ix->prov = (const uint32_t *)(base + h->off_prov);
	ix->supp = (const uint32_t *)(base + h->off_supp);
	ix->always = (const uint32_t *)(base + h->off_always);
	ix->files = (const uint32_t *)(base + h->off_files);
	return ix;
}

solv_index *solv_index_open(const char *path, const char *solv_path)
{
	struct stat sst;
	if (stat(solv_path, &sst) < 0)
		return NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	void *map = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size >= sizeof(ix_header) && (uint64_t)st.st_size <= SIZE_MAX)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return NULL;
	/* The whole file is read once for its checksum: a few ms for a
	 * Fedora-sized index (docs/packages.md), and a damaged index is
	 * never followed. */
	int64_t len = solv_cache_check(map, (size_t)st.st_size);
	solv_index *ix = len >= 0 ? index_check(map, (size_t)len) : NULL;
	/* An index answers for the SHA.solv it was made from only. */
	if (ix &&
	    !(ix->h->solv_dev == (uint64_t)sst.st_dev && ix->h->solv_ino == (uint64_t)sst.st_ino &&
	      ix->h->solv_size == (uint64_t)sst.st_size &&
	      ix->h->solv_mtime_ns == mtime_ns(&sst))) {
		free(ix);
		ix = NULL;
	}
	if (!ix) {
		munmap(map, (size_t)st.st_size);
		return NULL;
	}
	ix->map = map;
	ix->size = (size_t)st.st_size;
	return ix;
}

solv_index *solv_index_from_buffer(const void *data, size_t size)
{
	if (size == 0)
		return NULL;
	/* Aligned as a mapping is. */
	void *copy = xmalloc(size);
	memcpy(copy, data, size);
	solv_index *ix = index_check(copy, size);
	if (!ix) {
		free(copy);
		return NULL;
	}
	ix->buffer = copy;
	return ix;
}

void solv_index_close(solv_index *ix)
{
	if (!ix)
		return;
	if (ix->map)
		munmap(ix->map, ix->size);
	free(ix->buffer);
	free(ix);
}

uint32_t solv_index_packages(const solv_index *ix)
{
	return ix->h->npkgs;
}

static const char *ix_str(const solv_index *ix, uint32_t i)
{
	if (i >= ix->h->nstrings || ix->stroff[i] >= ix->h->blob_len)
		return "";
	return ix->blob + ix->stroff[i];
}

/* The name's record, or NULL. */
static const ix_name *ix_lookup(const solv_index *ix, const char *name, uint32_t *ret_i)
{
	uint32_t hash = fnv1a(name), mask = ix->h->nbuckets - 1;
	for (uint32_t b = hash & mask, tries = 0; tries <= mask; b = (b + 1) & mask, tries++) {
		uint32_t v = ix->buckets[b];
		if (!v || v > ix->h->nnames)
			return NULL;
		const ix_name *n = &ix->names[v - 1];
		if (n->hash == hash && strcmp(ix_str(ix, n->str), name) == 0) {
			*ret_i = v - 1;
			return n;
		}
	}
	return NULL;
}

/* The run [start, start + n) of the package list, or an empty one when
 * it does not fit. */
static uint32_t run_ok(uint32_t start, uint32_t n, uint32_t total)
{
	return start <= total && n <= total - start ? n : 0;
}

/* Walks the dependency tree at *pos; calls fn for each name a package
 * must provide (the name side of comparisons, both sides of rich
 * dependencies). Returns false on a damaged stream. */
typedef void (*name_fn)(solv_reach *r, const char *name);

/* What libsolv 0.7 has: comparisons, and REL_AND to REL_CONDA. */
static bool known_flags(int flags)
{
	return is_compare(flags) || (flags >= REL_AND && flags <= REL_CONDA);
}

static bool walk(solv_reach *r, const solv_index *ix, uint32_t *pos, name_fn fn, int depth)
{
	if (*pos >= ix->h->ndeps || depth >= MAX_DEPTH)
		return false;
	uint32_t t = ix->deps[(*pos)++];
	if (t == T_PREREQ || t == T_FILEMARK)
		return true;
	if (!(t & T_REL)) {
		if (fn)
			fn(r, ix_str(ix, t));
		return true;
	}
	int flags = (int)(t & ~T_REL);
	if (!known_flags(flags))
		return false;
	if (!walk(r, ix, pos, fn, depth + 1))
		return false;
	return walk(r, ix, pos, name_side_only(flags) ? NULL : fn, depth + 1);
}

void solv_reach_init(solv_reach *r, solv_index **ix, size_t n)
{
	*r = (solv_reach){.ix = ix, .n = n};
	r->pkg_seen = xcalloc(n ? n : 1, sizeof(*r->pkg_seen));
	r->name_seen = xcalloc(n ? n : 1, sizeof(*r->name_seen));
	for (size_t k = 0; k < n; k++) {
		r->pkg_seen[k] = xcalloc((size_t)ix[k]->h->npkgs + 1, 1);
		r->name_seen[k] = xcalloc((size_t)ix[k]->h->nnames + 1, 1);
	}
}

void solv_reach_done(solv_reach *r)
{
	for (size_t k = 0; k < r->n; k++) {
		free(r->pkg_seen[k]);
		free(r->name_seen[k]);
	}
	free(r->pkg_seen);
	free(r->name_seen);
	free(r->queue);
	*r = (solv_reach){0};
}

static void reach_pkg(solv_reach *r, size_t k, uint32_t i)
{
	if (i >= r->ix[k]->h->npkgs || r->pkg_seen[k][i])
		return;
	r->pkg_seen[k][i] = 1;
	if (r->q_len + 2 > r->q_cap) {
		r->q_cap = r->q_cap ? r->q_cap * 2 : 1024;
		r->queue = xrealloc(r->queue, r->q_cap * sizeof(*r->queue));
	}
	r->queue[r->q_len++] = (uint32_t)k;
	r->queue[r->q_len++] = i;
}

/* Reaches, in every index, the providers of name (supplements: the
 * packages that supplement it). Returns how many there are. */
static size_t reach_by_name(solv_reach *r, const char *name, bool supplements)
{
	size_t total = 0;
	for (size_t k = 0; k < r->n; k++) {
		const solv_index *ix = r->ix[k];
		uint32_t i;
		const ix_name *n = ix_lookup(ix, name, &i);
		if (!n)
			continue;
		const uint32_t *list = supplements ? ix->supp : ix->prov;
		uint32_t start = supplements ? n->supp : n->prov;
		uint32_t cnt = supplements ? run_ok(n->supp, n->nsupp, ix->h->nsupp)
					   : run_ok(n->prov, n->nprov, ix->h->nprov);
		total += cnt;
		/* A name's providers are reached once. */
		if (!supplements) {
			if (r->name_seen[k][i])
				continue;
			r->name_seen[k][i] = 1;
		}
		for (uint32_t j = 0; j < cnt; j++)
			reach_pkg(r, k, list[start + j]);
	}
	return total;
}

size_t solv_reach_name(solv_reach *r, const char *name)
{
	return reach_by_name(r, name, false);
}

bool solv_reach_known(solv_reach *r, const char *name)
{
	for (size_t k = 0; k < r->n; k++) {
		uint32_t i;
		const ix_name *n = ix_lookup(r->ix[k], name, &i);
		if (n && n->nprov)
			return true;
	}
	return false;
}

/* A path is answered only where every repository's file lists were
 * searched for it when its index was made (another repository's cache,
 * written in another run, may not have been): else the whole
 * repositories, whose file lists libsolv searches, must answer. */
static bool has_file_hash(const solv_index *ix, uint32_t hash)
{
	size_t lo = 0, hi = ix->h->nfiles;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->files[mid] < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->h->nfiles && ix->files[lo] == hash;
}

static void check_file(solv_reach *r, const char *name)
{
	if (name[0] != '/')
		return;
	uint32_t hash = fnv1a(name);
	for (size_t k = 0; k < r->n; k++) {
		uint32_t i;
		const ix_name *n = ix_lookup(r->ix[k], name, &i);
		if ((!n || !(n->flags & NAME_FILE_SEARCHED)) && has_file_hash(r->ix[k], hash))
			r->need_all = true;
	}
}

static void follow_dep(solv_reach *r, const char *name)
{
	check_file(r, name);
	/* A path nothing provides may be in filelists.xml, which only the
	 * whole repository reads. */
	if (solv_reach_name(r, name) == 0 && name[0] == '/')
		r->need_all = true;
}

static void follow_supplements(solv_reach *r, const char *name)
{
	reach_by_name(r, name, true);
}

void solv_reach_close(solv_reach *r)
{
	for (size_t k = 0; k < r->n; k++)
		for (uint32_t j = 0; j < r->ix[k]->h->nalways; j++)
			reach_pkg(r, k, r->ix[k]->always[j]);
	/* The queue is walked in order (breadth first); it only grows. */
	for (size_t q = 0; q < r->q_len && !r->need_all; q += 2) {
		size_t k = r->queue[q];
		const solv_index *ix = r->ix[k];
		const ix_pkg *p = &ix->pkgs[r->queue[q + 1]];
		uint32_t pos = p->deps;
		for (int a = 0; a < N_DEPARRAYS; a++) {
			name_fn fn = check_file;
			if (a == D_PROVIDES)
				fn = follow_supplements;
			else if (a == D_REQUIRES || a == D_RECOMMENDS)
				fn = follow_dep;
			while (pos < ix->h->ndeps && ix->deps[pos] != T_END)
				if (!walk(r, ix, &pos, fn, 0)) {
					r->need_all = true;
					break;
				}
			if (pos >= ix->h->ndeps) {
				r->need_all = true;
				break;
			}
			pos++; /* T_END */
		}
		follow_supplements(r, ix_str(ix, p->name));
	}
}

/* The pool's Id of the index's string i, interned before. */
static Id pool_str(Pool *pool, const solv_index *ix, Id *ids, uint32_t i)
{
	if (i == 0 || i >= ix->h->nstrings)
		return 0;
	if (!ids[i])
		ids[i] = pool_str2id(pool, ix_str(ix, i), 1);
	return ids[i];
}

/* Marks the strings of the dependency stream [pos, end of 8 arrays). */
static void mark_strings(const solv_index *ix, uint32_t pos, uint8_t *used)
{
	for (int a = 0; a < N_DEPARRAYS && pos < ix->h->ndeps; pos++) {
		uint32_t t = ix->deps[pos];
		if (t == T_END)
			a++;
		else if (!(t & T_REL) && t < ix->h->nstrings)
			used[t] = 1;
	}
}

static Id decode(Pool *pool, const solv_index *ix, Id *ids, uint32_t *pos, int depth)
{
	if (*pos >= ix->h->ndeps || depth >= MAX_DEPTH)
		return 0;
	uint32_t t = ix->deps[(*pos)++];
	if (t == T_PREREQ)
		return SOLVABLE_PREREQMARKER;
	if (t == T_FILEMARK)
		return SOLVABLE_FILEMARKER;
	if (!(t & T_REL))
		return pool_str(pool, ix, ids, t);
	Id name = decode(pool, ix, ids, pos, depth + 1);
	Id evr = decode(pool, ix, ids, pos, depth + 1);
	if (!name || !evr)
		return 0;
	return pool_rel2id(pool, name, evr, (int)(t & ~T_REL), 1);
}

size_t solv_reach_load(solv_reach *r, size_t k, Repo *repo)
{
	Pool *pool = repo->pool;
	const solv_index *ix = r->ix[k];
	Id *ids = xcalloc(ix->h->nstrings, sizeof(*ids));
	/* First the strings, in the index's order (see writer). */
	uint8_t *used = xcalloc(ix->h->nstrings, 1);
	for (uint32_t i = 0; i < ix->h->npkgs; i++) {
		if (!r->pkg_seen[k][i])
			continue;
		const ix_pkg *p = &ix->pkgs[i];
		uint32_t direct[] = {p->name, p->evr, p->arch};
		for (size_t j = 0; j < ELEMENTSOF(direct); j++)
			if (direct[j] < ix->h->nstrings)
				used[direct[j]] = 1;
		mark_strings(ix, p->deps, used);
	}
	for (uint32_t i = 1; i < ix->h->nstrings; i++)
		if (used[i])
			pool_str(pool, ix, ids, i);
	free(used);
	Repodata *data = repo_add_repodata(repo, 0);
	size_t n = 0;
	for (uint32_t i = 0; i < ix->h->npkgs; i++) {
		if (!r->pkg_seen[k][i])
			continue;
		const ix_pkg *p = &ix->pkgs[i];
		Id id = repo_add_solvable(repo);
		Solvable *s = pool_id2solvable(pool, id);
		s->name = pool_str(pool, ix, ids, p->name);
		s->evr = pool_str(pool, ix, ids, p->evr);
		s->arch = pool_str(pool, ix, ids, p->arch);
		Offset arrays[N_DEPARRAYS] = {0};
		uint32_t pos = p->deps;
		for (int a = 0; a < N_DEPARRAYS; a++) {
			while (pos < ix->h->ndeps && ix->deps[pos] != T_END) {
				Id dep = decode(pool, ix, ids, &pos, 0);
				if (dep)
					arrays[a] = repo_addid(repo, arrays[a], dep);
			}
			pos++;
		}
		s->provides = arrays[0];
		s->obsoletes = arrays[1];
		s->conflicts = arrays[2];
		s->requires = arrays[3];
		s->recommends = arrays[4];
		s->suggests = arrays[5];
		s->supplements = arrays[6];
		s->enhances = arrays[7];
		if (p->location)
			repodata_set_location(data, id, 0, NULL, ix_str(ix, p->location));
		if (p->chk_type) {
			Id type = solv_chksum_str2type(ix_str(ix, p->chk_type));
			if (type)
				repodata_set_checksum(data, id, SOLVABLE_CHECKSUM, type,
						      ix_str(ix, p->chk_hex));
		}
		if (p->dlsize)
			repodata_set_num(data, id, SOLVABLE_DOWNLOADSIZE, p->dlsize);
		if (p->instsize)
			repodata_set_num(data, id, SOLVABLE_INSTALLSIZE, p->instsize);
		if (p->hdrend)
			repodata_set_num(data, id, SOLVABLE_HEADEREND, p->hdrend);
		n++;
	}
	free(ids);
	repodata_internalize(data);
	repo_internalize(repo);
	return n;
}
