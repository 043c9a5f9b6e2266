/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One line per external library: the version each adapter runs against,
 * for `azl-installer --version` and the install log. Each function lives in
 * the adapter of its library, the only file that includes its header.
 */
#pragma once

const char *blkid_adapter_version(void);      /* blkid-probe.c */
const char *parted_adapter_version(void);     /* parted-table.c */
const char *cryptsetup_adapter_version(void); /* luks.c */
const char *nm_adapter_version(void);	      /* netconf-nm.c */
const char *yaml_adapter_version(void);	      /* kickstart/yaml-doc.c */
const char *rpm_adapter_version(void);	      /* rpm-install.c */
const char *solv_adapter_version(void);	      /* depsolve.c */
const char *curl_adapter_version(void);	      /* fetch.c */
const char *archive_adapter_version(void);    /* image-payload.c */
const char *xcrypt_adapter_version(void);     /* passwd-hash.c */
const char *curses_adapter_version(void);     /* ui/tui.c */
