/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "repo-preset.h"

#include <string.h>

#include "util.h"

/* installer/keys/RPM-GPG-KEY-azurelinux-4.0-primary, made a C string by
 * CMakeLists.txt (build/generated/repo-preset-keys.c). */
extern const char azl_key_RPM_GPG_KEY_azurelinux_4_0_primary[];

/* Azure Linux 4.0, from its own azurelinux-repos package
 * (github.com/microsoft/azurelinux, branch 4.0, base/comps/azurelinux-repos;
 * docs/demo-repo.md has the history):
 *   - azurelinux.repo: [azurelinux] baseurl=https://packages.microsoft.com/
 *     azurelinux/$releasever/prod/base/$basearch, enabled (its debuginfo
 *     and source sections are not);
 *   - microsoft.repo: [azurelinux-microsoft], Microsoft's own packages for
 *     Azure Linux, enabled, .../microsoft/$basearch next to base (later
 *     revisions moved both between 4.0/prod, 4.0/beta and 4/prod; this
 *     preset follows $releasever/prod);
 *   - every section: gpgcheck=1, gpgkey=file:///etc/pki/rpm-gpg/
 *     RPM-GPG-KEY-azurelinux-$releasever-$basearch, which the spec links to
 *     RPM-GPG-KEY-azurelinux-4.0-primary (archmap: x86_64 aarch64).
 * $releasever is 4.0 (system-release(4.0)); the installer's architecture is
 * x86_64. The key is the "Mariner RPM Release Signing" key, the same file
 * as Azure Linux 3.0's SPECS/azurelinux-repos/MICROSOFT-RPM-GPG-KEY, whose
 * spec deletes it by this same fingerprint. */
static const azl_preset_repo azurelinux_repos[] = {
	{"azurelinux-base",
	 "https://packages.microsoft.com/azurelinux/$releasever/prod/base/$basearch"},
	{"azurelinux-microsoft",
	 "https://packages.microsoft.com/azurelinux/$releasever/prod/microsoft/$basearch"},
};

static const azl_repo_preset presets[] = {
	{
		.name = "azurelinux",
		.releasever = "4.0",
		.basearch = "x86_64",
		.repos = azurelinux_repos,
		.n_repos = ELEMENTSOF(azurelinux_repos),
		.key_file = "RPM-GPG-KEY-azurelinux-4.0-primary",
		.key = azl_key_RPM_GPG_KEY_azurelinux_4_0_primary,
		.key_fingerprint = "2BC94FFF7015A5F28F1537AD0CD9FED33135CE90",
	},
};

const azl_repo_preset *repo_preset_find(const char *name)
{
	for (size_t i = 0; name && i < ELEMENTSOF(presets); i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

const char *repo_preset_names(void)
{
	/* One preset today; a second one joins this list. */
	return presets[0].name;
}

static void replace_all(azl_buf *b, const char *s, const char *var, const char *value)
{
	size_t n = strlen(var);
	for (const char *p; (p = strstr(s, var)); s = p + n) {
		buf_appendn(b, s, (size_t)(p - s));
		buf_append(b, value);
	}
	buf_append(b, s);
}

char *repo_preset_baseurl(const azl_repo_preset *p, size_t i)
{
	azl_buf a = {0}, b = {0};
	replace_all(&a, p->repos[i].baseurl, "$releasever", p->releasever);
	replace_all(&b, a.data ? a.data : "", "$basearch", p->basearch);
	buf_free(&a);
	if (!b.len || b.data[b.len - 1] != '/')
		buf_append(&b, "/");
	return buf_steal(&b);
}
