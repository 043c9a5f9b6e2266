/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: reads a keyfile with libnm's own keyfile reader (the code
 * NetworkManager runs on /etc/NetworkManager/system-connections), checks
 * the connection as NetworkManager would load it, and prints what it
 * understood, one key=value a line:
 *
 *   nm-keyfile-read FILE
 *
 * Exit 1 when libnm refuses the file.
 */
#include <NetworkManager.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: nm-keyfile-read FILE\n", stderr);
		return 2;
	}
	GError *err = NULL;
	GKeyFile *kf = g_key_file_new();
	NMConnection *c = NULL;
	if (g_key_file_load_from_file(kf, argv[1], G_KEY_FILE_NONE, &err))
		c = nm_keyfile_read(kf, "/etc/NetworkManager/system-connections",
				    NM_KEYFILE_HANDLER_FLAGS_NONE, NULL, NULL, &err);
	if (c && !nm_connection_normalize(c, NULL, NULL, &err))
		g_clear_object(&c);
	g_key_file_unref(kf);
	if (!c) {
		fprintf(stderr, "nm-keyfile-read: %s: %s\n", argv[1], err ? err->message : "?");
		g_clear_error(&err);
		return 1;
	}
	printf("type=%s\n", nm_connection_get_connection_type(c));
	printf("interface=%s\n", nm_connection_get_interface_name(c));
	NMSettingIPConfig *ip4 = nm_connection_get_setting_ip4_config(c);
	printf("ipv4.method=%s\n", nm_setting_ip_config_get_method(ip4));
	for (guint i = 0; i < nm_setting_ip_config_get_num_addresses(ip4); i++) {
		NMIPAddress *a = nm_setting_ip_config_get_address(ip4, i);
		printf("ipv4.address=%s/%u\n", nm_ip_address_get_address(a),
		       nm_ip_address_get_prefix(a));
	}
	const char *gw = nm_setting_ip_config_get_gateway(ip4);
	printf("ipv4.gateway=%s\n", gw ? gw : "");
	for (guint i = 0; i < nm_setting_ip_config_get_num_dns(ip4); i++)
		printf("ipv4.dns=%s\n", nm_setting_ip_config_get_dns(ip4, i));
	g_object_unref(c);
	return 0;
}
