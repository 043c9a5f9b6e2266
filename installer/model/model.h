/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The install model: everything an answer file (version 1), a kickstart or
 * the TUI can say about an install. Readers fill it, validation checks it,
 * the planner reads it, the writer serialises it back.
 *
 * Ownership: every pointer in the model is owned by the struct that holds
 * it, every array by the struct holding the array and its count. Each type
 * has one destructor, *_done() for embedded structs and *_free() for the
 * heap ones; all accept NULL and zero-filled values. Secrets are
 * azl_secret buffers, wiped when freed. Each item that a later check may
 * complain about carries the azl_loc it was read from (line 0 when it did
 * not come from a file).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "secret.h"

/* --- sizes -------------------------------------------------------------- */

typedef enum azl_size_kind {
	AZL_SIZE_UNSET = 0,
	AZL_SIZE_BYTES,	  /* 512M, 1G, 1.5GiB: binary units */
	AZL_SIZE_PERCENT, /* 30%: of the disk the partition lands on */
	AZL_SIZE_GROW,	  /* "grow": whatever is left, shared by weight */
} azl_size_kind;

typedef struct azl_size {
	azl_size_kind kind;
	uint64_t bytes;	  /* AZL_SIZE_BYTES */
	uint32_t percent; /* AZL_SIZE_PERCENT, in hundredths of a percent */
} azl_size;

/* Parses "512M", "1G", "1.5GiB", "4096", "30%", "12.5%", "grow".
 * Returns 0, or -EINVAL with *ret_why set to a static English reason. */
int size_parse(const char *s, azl_size *ret, const char **ret_why);
/* Formats bytes the way an answer file writes them: the largest binary
 * unit that divides exactly ("600M", "1G", "1536K"); "0" for zero. */
char *size_format_bytes(uint64_t bytes);
char *size_format(const azl_size *s);
/* Human figure with one decimal, "7.5 GiB", for tables and messages. */
char *size_human(uint64_t bytes);

/* --- enumerations ------------------------------------------------------- */

typedef enum azl_wipe { AZL_WIPE_ALL, AZL_WIPE_LINUX, AZL_WIPE_NONE } azl_wipe;
typedef enum azl_table { AZL_TABLE_GPT, AZL_TABLE_MSDOS } azl_table;
typedef enum azl_layout { AZL_LAYOUT_LVM, AZL_LAYOUT_PLAIN } azl_layout;
typedef enum azl_fs {
	AZL_FS_NONE = 0,
	AZL_FS_EXT4,
	AZL_FS_XFS,
	AZL_FS_VFAT,
	AZL_FS_SWAP,
	AZL_FS_BTRFS,
} azl_fs;
typedef enum azl_firmware {
	AZL_FIRMWARE_AUTO,
	AZL_FIRMWARE_UEFI,
	AZL_FIRMWARE_BIOS,
} azl_firmware;
/* bootloader.secure_boot (docs/secure-boot.md): REQUIRED refuses a
 * repository whose UEFI boot chain is not signed, AUTO warns, OFF says
 * nothing. */
typedef enum azl_secure_boot {
	AZL_SECURE_BOOT_AUTO,
	AZL_SECURE_BOOT_REQUIRED,
	AZL_SECURE_BOOT_OFF,
} azl_secure_boot;
typedef enum azl_selinux {
	AZL_SELINUX_ENFORCING,
	AZL_SELINUX_PERMISSIVE,
	AZL_SELINUX_DISABLED,
} azl_selinux;
typedef enum azl_finish {
	AZL_FINISH_REBOOT,
	AZL_FINISH_POWEROFF,
	AZL_FINISH_SHELL,
	/* Anaconda without reboot/poweroff/shutdown/halt in the kickstart
	 * (pyanaconda/ui/tui/spokes/installation_progress.py: "Installation
	 * complete. Press ENTER to quit", then anaconda.py reboots): wait
	 * for Enter on the console, then reboot. A PXE-booted machine thus
	 * does not install itself again and again. */
	AZL_FINISH_WAIT,
} azl_finish;
typedef enum azl_disk_match_size {
	AZL_MATCH_SIZE_ANY = 0,
	AZL_MATCH_SIZE_LARGEST,
	AZL_MATCH_SIZE_SMALLEST,
} azl_disk_match_size;

/* Answer-file spellings of the enumerations ("ext4", "msdos", ...), and
 * back. *_from_string returns -EINVAL for an unknown word. */
const char *wipe_to_string(azl_wipe v);
int wipe_from_string(const char *s, azl_wipe *ret);
const char *table_to_string(azl_table v);
int table_from_string(const char *s, azl_table *ret);
const char *layout_to_string(azl_layout v);
int layout_from_string(const char *s, azl_layout *ret);
const char *fs_to_string(azl_fs v); /* NONE -> NULL */
int fs_from_string(const char *s, azl_fs *ret);
const char *firmware_to_string(azl_firmware v);
int firmware_from_string(const char *s, azl_firmware *ret);
const char *secure_boot_to_string(azl_secure_boot v);
int secure_boot_from_string(const char *s, azl_secure_boot *ret);
const char *selinux_to_string(azl_selinux v);
int selinux_from_string(const char *s, azl_selinux *ret);
const char *finish_to_string(azl_finish v);
int finish_from_string(const char *s, azl_finish *ret);

/* --- storage ------------------------------------------------------------ */

/* One entry of storage.disks: a path, or a match rule. */
typedef struct azl_disk_spec {
	char *path; /* /dev/vda, /dev/disk/by-id/..., or an image file */
	azl_disk_match_size match_size;
	char *match_serial;
	char *match_model;
	azl_loc loc;
} azl_disk_spec;

/* One subvolume of a btrfs partition (fs: btrfs, subvolumes:), the way
 * Fedora lays btrfs out: subvolume "root" mounted on /, "home" on /home.
 * Mounted with subvol=NAME (and compress=zstd:1, as Fedora does). */
typedef struct azl_subvolume_spec {
	char *name;	  /* [A-Za-z0-9_.+-], not "." or ".." */
	char *mount;	  /* "/", "/home", "/var"; NULL: made, not mounted */
	char *fs_options; /* more fstab options; NULL = Fedora's */
	azl_loc loc;
} azl_subvolume_spec;

typedef struct azl_partition_spec {
	char *mount;	    /* "/", "/boot", "swap", ...; NULL for none */
	azl_size size;	    /* UNSET = the whole free space (like grow) */
	bool grow;	    /* take a weighted share of what is left */
	uint64_t max_bytes; /* 0 = no cap on growth */
	azl_fs fs;	    /* NONE = chosen from the mount point */
	bool encrypt;
	int disk_index;	  /* 1-based into storage.disks; 0 = by disk_path or 1 */
	char *disk_path;  /* "disk: /dev/vdb" */
	char *label;	  /* filesystem label */
	char *fs_options; /* fstab options; NULL = defaults */
	/* "volume_group: NAME": this partition is an LVM physical volume of
	 * storage.volume_groups[NAME] (kickstart's part pv.01 + volgroup).
	 * It then has no mount, fs, label or fs_options; encrypt puts the PV
	 * inside LUKS2. */
	char *volume_group;
	/* "raid: NAME": this partition is a member of the software RAID
	 * storage.raids[NAME] (kickstart's part raid.01 + raid). Like a
	 * physical volume it then has no mount, fs, label, fs_options or
	 * encrypt of its own: the array has them. */
	char *raid;
	/* fs: btrfs only: the subvolumes made on it and mounted; the
	 * partition then has no mount of its own. */
	azl_subvolume_spec *subvolumes;
	size_t n_subvolumes;
	/* "existing: /dev/vda3": a partition the disk has already (kickstart's
	 * part --onpart): the partition table is not changed and the
	 * partition keeps its place and size; its filesystem is made again,
	 * or with keep_fs ("format: false", kickstart's --noformat) kept
	 * with its files and only mounted. Needs storage.wipe: none. */
	char *existing;
	bool keep_fs;
	azl_loc loc;
} azl_partition_spec;

/* storage.raids[]: a Linux software RAID (mdadm) over the partitions whose
 * raid: names it (docs/storage.md "Software RAID"). What the array holds
 * is said like a partition's: a mount point and filesystem, or
 * volume_group: (the array is an LVM physical volume), optionally inside
 * LUKS2 (encrypt). */
typedef struct azl_raid_spec {
	char *name;	/* md device name: /dev/md/NAME; [A-Za-z0-9_.-] */
	int level;	/* 0 = unset (an error); 1, 5, 6, 10 */
	char *metadata; /* "1.2" (default when NULL), "1.0", "1.1" */
	int spares;	/* the last N members are hot spares */
	char *mount;
	azl_fs fs;
	bool encrypt;
	char *label;
	char *fs_options;
	char *volume_group;
	azl_loc loc;
} azl_raid_spec;

/* One logical volume of a custom volume group (kickstart's logvol). */
typedef struct azl_volume_spec {
	char *name;	    /* LV name: "root", "lv_home"; [A-Za-z0-9_.+-] */
	char *mount;	    /* "/", "/home", "swap"; NULL for none */
	azl_size size;	    /* BYTES; PERCENT of the volume group (logvol
			     * --percent); UNSET = the whole free space */
	bool grow;	    /* take a weighted share of what is left */
	uint64_t max_bytes; /* 0 = no cap on growth */
	azl_fs fs;	    /* NONE = chosen from the mount point */
	char *label;
	char *fs_options;
	azl_loc loc;
} azl_volume_spec;

/* storage.volume_groups[]: a volume group made of the partitions whose
 * volume_group names it, holding the listed volumes. Only with a custom
 * layout (partitions:). */
typedef struct azl_volume_group {
	char *name; /* VG name; [A-Za-z0-9_.+-], not starting with '-' */
	azl_volume_spec *volumes;
	size_t n_volumes;
	azl_loc loc;
} azl_volume_group;

/* storage.encryption.tpm2: a key sealed by this machine's TPM 2.0 to the
 * PCRs of pcr_mask, enrolled (systemd-cryptenroll) in every LUKS
 * container next to the passphrase, which stays as the recovery. */
typedef struct azl_tpm2 {
	bool enabled;
	uint32_t pcr_mask;	 /* bit n: PCR n; 0 = the default, PCR 7 */
	char *recovery_key_file; /* a recovery key is enrolled too and
				  * written here (0600, never logged) */
	azl_loc loc;
} azl_tpm2;

/* The PCRs of tpm2 when pcrs: is not given: 7, the Secure Boot state. */
#define AZL_TPM2_DEFAULT_PCRS (UINT32_C(1) << 7)

/* storage.encryption.tang[]: a tang server whose advertisement is checked
 * at install time against the pinned thumbprint, and to which clevis binds
 * every LUKS container (one server: the tang pin; several: sss, t=1). The
 * passphrase stays as the recovery. */
typedef struct azl_tang_server {
	char *url;	  /* http(s)://host[:port][/path], no query or fragment */
	char *thumbprint; /* RFC 7638 JWK thumbprint of a signing key, base64url:
			   * SHA-256 (43 characters) or SHA-1 (27) */
	azl_loc loc;
} azl_tang_server;

typedef struct azl_encryption {
	bool enabled;
	azl_secret *passphrase;
	char *passphrase_file;	     /* read at install time; never copied anywhere */
	char *pbkdf;		     /* argon2id (default), pbkdf2; cheaper only on request */
	uint32_t pbkdf_memory_kib;   /* 0 = libcryptsetup's default */
	uint32_t pbkdf_iter_time_ms; /* 0 = default */
	azl_tpm2 tpm2;
	azl_tang_server *tang; /* n_tang > 0: clevis binds to these */
	size_t n_tang;
	azl_loc tang_loc;
	azl_loc loc;
} azl_encryption;

typedef struct azl_storage {
	azl_disk_spec *disks;
	size_t n_disks;
	azl_wipe wipe;
	azl_table table;
	azl_layout layout;
	azl_fs filesystem;  /* root of guided layouts: EXT4, XFS or BTRFS
			     * (plain only: subvolumes root and home) */
	bool swap;	    /* false: swap: none */
	azl_size swap_size; /* UNSET = the guided default */
	azl_encryption encryption;
	azl_partition_spec *partitions; /* n_partitions > 0: custom layout */
	size_t n_partitions;
	azl_volume_group *volume_groups; /* custom layout only */
	size_t n_volume_groups;
	azl_raid_spec *raids; /* custom layout only */
	size_t n_raids;
	azl_loc loc;
} azl_storage;

/* --- boot loader, network, accounts ------------------------------------- */

typedef struct azl_bootloader {
	azl_firmware firmware;
	azl_secure_boot secure_boot;
	int timeout;	    /* seconds */
	char **kernel_args; /* strv */
	/* "boot_drive:": the disk that gets the boot code (BIOS) and the ESP
	 * (UEFI) in guided layouts, and whose ESP/biosboot partition is used
	 * in custom ones (kickstart bootloader --boot-drive). Like a
	 * partition's disk: a 1-based index into storage.disks or a path;
	 * both unset = the first disk. */
	int boot_drive_index;
	char *boot_drive_path;
	/* GRUB's superuser password (kickstart bootloader --password): menu
	 * entries boot without it, editing them and the GRUB shell need it.
	 * password: plaintext, hashed (PBKDF2) before anything is written;
	 * password_hash: "grub.pbkdf2.sha512...." kept as given. */
	azl_secret *password;
	char *password_hash;
	azl_loc loc;
} azl_bootloader;

typedef struct azl_bond {
	char **slaves; /* interface names; NULL when this is no bond */
	char *mode;
	char **options; /* "miimon=100" style, in order */
} azl_bond;

typedef struct azl_interface {
	char *name;	 /* e.g. eth0; NULL when matched otherwise */
	char *match_mac; /* "52:54:00:12:34:56" */
	/* match: {link: true}: the first interface (in name order) that has
	 * a carrier when the install runs (kickstart --device=link);
	 * match: {bootif: true}: the interface whose MAC the boot loader
	 * passed as BOOTIF=01-52-54-00-12-34-56 on the kernel command line
	 * (kickstart --device=bootif). Both are resolved to a MAC when the
	 * configuration is written, and written as a MAC match. */
	bool match_link;
	bool match_bootif;
	bool dhcp4;
	bool dhcp6;
	/* "ipv6: false" (kickstart --noipv6): no IPv6 at all. Otherwise an
	 * interface configured for IPv4 that says nothing about IPv6 gets
	 * automatic IPv6 (router advertisements), Anaconda's default
	 * (pyanaconda/modules/network/nm_client.py,
	 * update_connection_ip_settings_from_ksdata: method6 "auto"). */
	bool no_ipv6;
	char **addresses; /* "192.0.2.10/24", "2001:db8::10/64" */
	char *gateway4;
	char *gateway6;
	char **dns;
	int vlan_id;	 /* 0 = none */
	char *vlan_link; /* parent for a VLAN; NULL = this interface's name */
	azl_bond bond;
	bool activate; /* bring up in the live environment too */
	azl_loc loc;
} azl_interface;

typedef struct azl_network {
	azl_interface *interfaces;
	size_t n_interfaces;
	azl_loc loc;
} azl_network;

typedef struct azl_root_account {
	bool lock;
	/* allow_ssh: root may log in over SSH with its password
	 * (PermitRootLogin yes in
	 * /etc/ssh/sshd_config.d/01-permitrootlogin.conf, as Anaconda's rootpw
	 * --allow-ssh writes it). */
	bool allow_ssh;
	azl_secret *password; /* plaintext: hashed before it is stored */
	char *password_hash;  /* $y$, $6$ ... kept as given */
	char **ssh_authorized_keys;
	azl_loc loc;
} azl_root_account;

typedef struct azl_user {
	char *name;
	char *gecos;
	uint32_t uid; /* 0 = allocate */
	char *shell;
	char *home;
	azl_secret *password;
	char *password_hash;
	char **groups;
	char **ssh_authorized_keys;
	azl_loc loc;
} azl_user;

typedef struct azl_accounts {
	azl_root_account root;
	azl_user *users;
	size_t n_users;
	azl_loc loc;
} azl_accounts;

/* --- packages, services, scripts ---------------------------------------- */

typedef struct azl_repo {
	char *name;
	char *baseurl; /* file://, http://, https:// */
	/* Instead of baseurl (kickstart --mirrorlist/--metalink): a list of
	 * base URLs (one a line) or a metalink (XML, <url>s of repomd.xml),
	 * fetched when the install starts; the first mirror that serves
	 * repodata/repomd.xml is used. Signatures are the trust boundary,
	 * so any mirror will do. */
	char *mirrorlist;
	char *metalink;
	bool gpgcheck;
	int priority; /* lower wins, like dnf; default 99 */
	char *gpgkey; /* path or URL of the key; NULL = the repository's own */
	/* The key's OpenPGP fingerprint, canonical (upper-case hex): needed
	 * for a key fetched over the network (docs/packages.md). */
	char *gpgkey_fingerprint;
	/* A repository preset ("azurelinux", installer/repo-preset.h): it
	 * stands for its repositories and their pinned key, so name, baseurl,
	 * gpgkey and gpgkey_fingerprint stay NULL; priority applies to each. */
	char *preset;
	azl_loc loc;
} azl_repo;

/* "packages.image" (kickstart liveimg): a root filesystem image
 * installed instead of packages: a tarball (tar, .tar.gz, .tar.xz,
 * .tar.zst), streamed and extracted into the target
 * (installer/image-payload.h, docs/answer-file.md). */
typedef struct azl_image {
	char *url;	/* file://, http://, https:// */
	char *checksum; /* SHA-256 of the file, 64 hex digits; NULL = none */
	/* An https:// image's server is trusted when its certificate chains
	 * to the CAs in this PEM file (an absolute path, pinned by the
	 * operator) instead of the live system's store; NULL = the store. */
	char *ca_cert;
	azl_loc loc;
} azl_image;

typedef struct azl_packages {
	azl_repo *repos;
	size_t n_repos;
	char **install; /* names, "@group", "@^environment" */
	char **exclude;
	bool ignore_missing;
	bool install_weak_deps; /* default true, like dnf */
	/* %packages --excludedocs: no file marked %doc is installed
	 * (RPMTRANS_FLAG_NODOCS). */
	bool exclude_docs;
	/* %packages --instLangs: librpm's %_install_langs for the
	 * transaction: "none", or locales separated by ':' ("en:de_DE");
	 * NULL (or "all") = every translation. */
	char *install_langs;
	/* An image instead of packages (url NULL: packages). With it,
	 * install, exclude and repos are refused by validation. */
	azl_image image;
	/* Where 'install' (or %packages) was written: validation points
	 * there when it conflicts with image; line 0 = not written. */
	azl_loc install_loc;
	azl_loc loc;
} azl_packages;

/* "services.firewall" (kickstart firewall --service/--port/--trust): rules
 * for firewalld's default zone, written into the target's offline
 * configuration (/etc/firewalld/zones/) when the target has firewalld. */
typedef struct azl_firewall {
	char **services;	/* firewalld service names: ssh, http */
	char **ports;		/* "8080/tcp", "60000-61000/udp" */
	char **trusted;		/* interfaces put into the trusted zone */
	char **remove_services; /* taken out of the default zone */
} azl_firewall;

typedef struct azl_services {
	char **enable;
	char **disable;
	azl_firewall firewall;
} azl_services;

typedef enum azl_script_when {
	AZL_SCRIPT_PRE,
	AZL_SCRIPT_POST,
	AZL_SCRIPT_ERROR,
} azl_script_when;

typedef struct azl_script {
	char *interpreter; /* default /bin/sh */
	char *run;	   /* the script text */
	bool chroot;	   /* post only: run inside the target */
	bool ignore_errors;
	/* "log:" (kickstart --log): the script's output (stdout and stderr)
	 * also goes to this file, truncated first; a path in the target for
	 * a chroot post script, in the live environment otherwise. */
	char *log;
	azl_loc loc;
} azl_script;

typedef struct azl_scripts {
	azl_script *pre;
	size_t n_pre;
	azl_script *post;
	size_t n_post;
	azl_script *error;
	size_t n_error;
} azl_scripts;

/* --- time ----------------------------------------------------------------- */

/* ntp: the installed system's time sources (kickstart's timesource and
 * timezone --ntpservers/--nontp). Written into the target's chrony.conf
 * (replacing its server/pool lines) when it has chrony; enabled: false
 * disables chronyd. Nothing given = the target's own defaults. */
typedef struct azl_ntp {
	char **servers; /* host names or addresses, "server X iburst" */
	char **pools;	/* "pool X iburst" */
	bool disabled;	/* enabled: false */
	azl_loc loc;
} azl_ntp;

/* --- reporting ---------------------------------------------------------- */

/* "reporting:" (docs/answer-file.md): where the install's events go, in
 * cloud-init's and curtin's shape: {NAME: {type: webhook, endpoint: URL,
 * headers: {H: V}, level: DEBUG|INFO}}. Header values may carry tokens:
 * they are secrets (never printed, logged or written back). */
typedef struct azl_report_header {
	char *name;
	azl_secret *value;
	azl_loc loc;
} azl_report_header;

typedef struct azl_webhook {
	char *name;	/* the key under reporting: */
	char *type;	/* "webhook", the one type there is */
	char *endpoint; /* http:// or https:// */
	azl_report_header *headers;
	size_t n_headers;
	char *level; /* DEBUG (default: progress events too) | INFO */
	azl_loc loc;
} azl_webhook;

typedef struct azl_reporting {
	azl_webhook *hooks;
	size_t n_hooks;
	azl_loc loc;
} azl_reporting;

/* "logging:" (kickstart logging --host --port --level): the install's log
 * also sent to a syslog server, as inst.syslog= does (remote-log.h); the
 * kernel command line's inst.syslog=/azl.syslog= wins over it. */
typedef struct azl_logging {
	char *host;  /* name, IPv4 or IPv6 address; NULL = no remote log */
	int port;    /* 1..65535; 0 = 514 */
	char *level; /* debug | info (default) | warning | error | critical:
		      * the lowest level sent */
	azl_loc loc;
} azl_logging;

/* "certificates:" (kickstart %certificate, as Anaconda reads it): PEM
 * certificates written into the target at DIR/FILENAME (0644, root) in the
 * configure phase, and trusted by the install's own https downloads besides
 * the live system's store (docs/kickstart.md#certificates). */
typedef struct azl_certificate {
	char *filename; /* a plain file name: no '/', not '.' or '..' */
	char *dir;	/* absolute, without '.', '..' or '//' */
	char *pem;	/* one or more PEM "CERTIFICATE" blocks */
	azl_loc loc;
} azl_certificate;

/* --- where values were read --------------------------------------------- */

/* A reader notes where each value it stores was written (the scalar's
 * FILE:LINE:COL, or the kickstart line), keyed by the value's address: a
 * string, an entry of a strv, an azl_secret. Validation then points at the
 * value itself; a value without a note (the TUI's) falls back to its
 * item's location. A hash table, so a large file stays linear. */
typedef struct azl_value_loc {
	const void *value;
	azl_loc loc;
} azl_value_loc;

typedef struct azl_value_locs {
	azl_value_loc *slots; /* cap entries, value NULL = free */
	size_t n, cap;
} azl_value_locs;

/* --- the whole model ---------------------------------------------------- */

typedef struct azl_model {
	int version; /* 1 */
	char *locale;
	char *keyboard;
	char *timezone;
	char *hostname;
	azl_ntp ntp;
	azl_storage storage;
	azl_bootloader bootloader;
	azl_network network;
	azl_accounts accounts;
	azl_packages packages;
	azl_services services;
	azl_selinux selinux;
	azl_scripts scripts;
	char **interactive; /* section names the TUI still shows; "*" = all */
	azl_finish finish;
	azl_reporting reporting;
	azl_logging logging;
	azl_certificate *certificates;
	size_t n_certificates;
	/* Which top-level sections the input said anything about; the TUI and
	 * the writer use it to tell a default from an explicit choice. */
	bool has_storage, has_network, has_accounts, has_packages;
	azl_value_locs value_locs; /* owned; see model_note_loc() */
} azl_model;

/* interactive: names storage (or "*"). */
bool model_asks_storage(const azl_model *m);
/* Storage is left to the interactive installer and not answered yet: it
 * asks storage and the file has no storage section, or encryption is
 * wanted without a passphrase (the passphrase page asks it). */
bool model_storage_unanswered(const azl_model *m);

/* A model with every default of DESIGN.md filled in. */
azl_model *model_new(void);
void model_free(azl_model *m);
static inline void model_freep(azl_model **m)
{
	model_free(*m);
}
#define _cleanup_model_ _cleanup_(model_freep)

/* Notes that value (non-NULL, owned by m) was read at loc; a later note for
 * the same address replaces it. */
void model_note_loc(azl_model *m, const void *value, azl_loc loc);
/* Where value was read, or fallback when no reader noted it. */
azl_loc model_value_loc(const azl_model *m, const void *value, azl_loc fallback);

void disk_spec_done(azl_disk_spec *d);
void subvolume_spec_done(azl_subvolume_spec *v);
void partition_spec_done(azl_partition_spec *p);
void encryption_done(azl_encryption *e);
void storage_done(azl_storage *s);
void volume_spec_done(azl_volume_spec *v);
void volume_group_done(azl_volume_group *g);
void raid_spec_done(azl_raid_spec *r);
void ntp_done(azl_ntp *n);
void webhook_done(azl_webhook *w);
void reporting_done(azl_reporting *r);
void certificate_done(azl_certificate *c);
void bootloader_done(azl_bootloader *b);
void bond_done(azl_bond *b);
void interface_done(azl_interface *i);
void network_done(azl_network *n);
void root_account_done(azl_root_account *r);
void user_done(azl_user *u);
void accounts_done(azl_accounts *a);
void repo_done(azl_repo *r);
void packages_done(azl_packages *p);
void services_done(azl_services *s);
void script_done(azl_script *s);
void scripts_done(azl_scripts *s);

/* What the command line says over an answer file, applied before the
 * model is validated: --disk replaces storage.disks (when non-NULL),
 * --firmware bootloader.firmware (AUTO keeps the answer file's). */
typedef struct azl_model_overrides {
	char *const *disks;
	azl_firmware firmware;
} azl_model_overrides;
/* ov may be NULL (nothing to apply). */
void model_apply_overrides(azl_model *m, const azl_model_overrides *ov);

/* Semantic checks that need the whole model (after the reader's type and
 * key checks): custom layout without "/", duplicate mount points, encrypt
 * without a passphrase, password together with password_hash, disk index
 * out of range, ... and every value that reaches a file in the target
 * (names, GECOS, paths, kernel arguments, mount options, network names,
 * keys) against what its consumer accepts; docs/answer-file.md lists the
 * rules. The one gate for YAML, kickstart and the TUI. Each is reported
 * through d at the value's location (model_value_loc), else the item's.
 * Returns 0 or -EINVAL. Does no I/O except checking that a time zone is
 * in the zoneinfo database (zoneinfo_dir, NULL = /usr/share/zoneinfo) and
 * that a readable passphrase_file is not empty. */
int model_validate(const azl_model *m, azl_diags *d, const char *zoneinfo_dir);
/* model_validate() for a front end without file positions: NULL when the
 * model is valid, else the first error's message (allocated). */
char *model_first_error(const azl_model *m, const char *zoneinfo_dir);

/* Checks for single values, shared by the readers and the TUI. */
bool hostname_is_valid(const char *s); /* RFC 1123, at most 253 chars */
bool locale_is_valid(const char *s);   /* ll_CC[.charset][@modifier] */
bool keymap_is_valid(const char *s);   /* us, de-nodeadkeys, fr-latin9 */
bool timezone_is_valid(const char *s, const char *zoneinfo_dir);
bool username_is_valid(const char *s);	  /* also group names */
bool mount_point_is_valid(const char *s); /* absolute, normalised, or swap */
/* The fewest active members of a RAID level the installer makes (1: 2,
 * 5: 3, 6: 4, 10: 4); 0 for any other level. */
int raid_level_min_members(int level);
bool interface_name_is_valid(const char *s); /* the kernel's, <= 15 */
bool mac_address_is_valid(const char *s);    /* 52:54:00:12:34:56 */
bool ip_address_is_valid(const char *s);     /* 192.0.2.10, 2001:db8::10 */
/* An address with its prefix length: 192.0.2.10/24, 2001:db8::10/64. */
bool ip_prefix_is_valid(const char *s);
bool time_source_is_valid(const char *s); /* a host name or an IP address */
/* s as a message quotes it: control characters escaped ("\\n"), at most
 * 60 bytes and "...". Allocated. */
char *value_for_message(const char *s);
/* url is an http:// or https:// URL a webhook may POST to. */
bool webhook_endpoint_is_valid(const char *url);
