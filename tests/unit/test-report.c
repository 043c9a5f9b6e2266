/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status reporting (report.h, remote-log.h): the event JSON that webhooks
 * receive, with reasons that hold quotes, backslashes, line breaks and
 * other control characters escaped (a receiver's JSON parser must read
 * every event); the machine's identity from BOOTIF= and SMBIOS files; the
 * syslog line and the inst.syslog= value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>

#include <cmocka.h>

#include "remote-log.h"
#include "report.h"
#include "util.h"

static void test_finish_fail_escaped(void **state)
{
	(void)state;
	azl_machine_id id = {.mac = "52:54:00:12:34:56", .serial = NULL, .uuid = "u\"1"};
	azl_report_event e = {
		.event_type = "finish",
		.name = "azl-installer",
		.description = "a \"quoted\" \\ reason\nline two\t\x01 end",
		.sec = 1764653409,
		.usec = 42,
		.result = "FAIL",
		.percent = -1,
		.phase = "packages",
		.reason = "package \"nope\" is in no repository\r\n",
		.error = -2,
		.exit_code = 3,
		.machine = &id,
	};
	_cleanup_free_ char *j = report_event_to_json(&e);
	assert_string_equal(
		j,
		"{\"event_type\":\"finish\",\"name\":\"azl-installer\",\"description\":\"a \\\"quoted\\\" \\\\ reason\\nline two\\t\\u0001 end\",\"origin\":\"azl-installer\",\"timestamp\":1764653409.000042,\"result\":\"FAIL\",\"phase\":\"packages\",\"reason\":\"package \\\"nope\\\" is in no repository\\r\\n\",\"errno\":2,\"exit_code\":3,\"machine\":{\"mac\":\"52:54:00:12:34:56\",\"serial\":null,\"uuid\":\"u\\\"1\"}}");
}

static void test_progress_and_start(void **state)
{
	(void)state;
	azl_report_event e = {
		.event_type = "progress",
		.name = "azl-installer/packages",
		.description = "bash (3/20)",
		.sec = 5,
		.usec = 999999,
		.percent = 42,
		.exit_code = -1,
	};
	_cleanup_free_ char *j = report_event_to_json(&e);
	assert_string_equal(
		j,
		"{\"event_type\":\"progress\",\"name\":\"azl-installer/packages\",\"description\":\"bash (3/20)\",\"origin\":\"azl-installer\",\"timestamp\":5.999999,\"percent\":42}");
	/* No description: an empty string, never null (cloud-init's
	 * consumers read it as text). */
	azl_report_event s = {
		.event_type = "start", .name = "azl-installer/pre", .percent = -1, .exit_code = -1};
	_cleanup_free_ char *k = report_event_to_json(&s);
	assert_non_null(strstr(k, "\"description\":\"\""));
	assert_null(strstr(k, "result"));
}

static void put(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_machine_id(void **state)
{
	(void)state;
	char dir[] = "/tmp/test-report.XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *dmi = xasprintf("%s/dmi", dir);
	_cleanup_free_ char *net = xasprintf("%s/net", dir);
	_cleanup_free_ char *lo = xasprintf("%s/net/lo", dir);
	_cleanup_free_ char *b = xasprintf("%s/net/enp2s0", dir);
	_cleanup_free_ char *a = xasprintf("%s/net/enp1s0", dir);
	assert_int_equal(mkdir(dmi, 0755), 0);
	assert_int_equal(mkdir(net, 0755), 0);
	assert_int_equal(mkdir(lo, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);
	assert_int_equal(mkdir(a, 0755), 0);
	put(dmi, "product_serial", "  ABC-123 \n");
	put(dmi, "product_uuid", "4c4c4544-0000\n");
	put(lo, "type", "772\n");
	put(lo, "address", "00:00:00:00:00:00\n");
	put(a, "type", "1\n");
	put(a, "address", "52:54:00:00:00:01\n");
	put(b, "type", "1\n");
	put(b, "address", "52:54:00:00:00:02\n");
	setenv("AZL_SYSFS_DMI", dmi, 1);
	setenv("AZL_SYSFS_NET", net, 1);
	azl_machine_id id;
	/* BOOTIF= names the boot interface. */
	machine_id_read(&id, "ro BOOTIF=01-52-54-00-AA-BB-CC quiet");
	assert_string_equal(id.mac, "52:54:00:aa:bb:cc");
	assert_string_equal(id.serial, "ABC-123");
	assert_string_equal(id.uuid, "4c4c4544-0000");
	machine_id_done(&id);
	/* Without it: the first ethernet interface by name. */
	machine_id_read(&id, "ro quiet");
	assert_string_equal(id.mac, "52:54:00:00:00:01");
	machine_id_done(&id);
	/* An empty serial (a VM without one) is unknown, not "". */
	put(dmi, "product_serial", " \n");
	machine_id_read(&id, NULL);
	assert_null(id.serial);
	machine_id_done(&id);
	unsetenv("AZL_SYSFS_DMI");
	unsetenv("AZL_SYSFS_NET");
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_syslog_value_and_line(void **state)
{
	(void)state;
	char *h = NULL, *p = NULL;
	assert_int_equal(remote_log_parse("192.0.2.5", &h, &p), 0);
	assert_string_equal(h, "192.0.2.5");
	assert_string_equal(p, "514");
	free(h), free(p);
	assert_int_equal(remote_log_parse("logs.example:1514", &h, &p), 0);
	assert_string_equal(h, "logs.example");
	assert_string_equal(p, "1514");
	free(h), free(p);
	assert_int_equal(remote_log_parse("[2001:db8::1]:601", &h, &p), 0);
	assert_string_equal(h, "2001:db8::1");
	assert_string_equal(p, "601");
	free(h), free(p);
	assert_int_equal(remote_log_parse("host:0", &h, &p), -EINVAL);
	assert_int_equal(remote_log_parse("host:99999", &h, &p), -EINVAL);
	assert_int_equal(remote_log_parse("a b", &h, &p), -EINVAL);
	assert_int_equal(remote_log_parse("", &h, &p), -EINVAL);

	_cleanup_free_ char *l = remote_log_format(3, "node 1", 77, 1764653409, 5, "bad\nthing");
	assert_string_equal(
		l, "<11>1 2025-12-02T05:30:09.000005Z node1 azl-installer 77 - - bad thing");
	_cleanup_free_ char *m = remote_log_format(1, NULL, 1, 0, 0, "x");
	assert_string_equal(m, "<14>1 1970-01-01T00:00:00.000000Z - azl-installer 1 - - x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finish_fail_escaped),
		cmocka_unit_test(test_progress_and_start),
		cmocka_unit_test(test_machine_id),
		cmocka_unit_test(test_syslog_value_and_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
