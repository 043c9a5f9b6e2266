#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Ironic's anaconda deploy, as far as the kickstart goes, for tests.

render PKGROOT OUT IMAGE_URL API_URL NODE TOKEN [--config-drive] [--source-is-path]
    Renders PKGROOT's ironic/drivers/modules/ks.cfg.template (Debian's
    python3-ironic unpacked with dpkg -x) with Ironic's own code: its
    render_template() (ironic/common/utils.py) and, for the config drive,
    its prepare_config_drive() (ironic/common/kickstart_utils.py), both
    taken from the package's files as they are; the ks_options are what
    build_kickstart_config_options() (ironic/common/pxe_utils.py) puts
    together: liveimg_url, agent_token, heartbeat_url, config_drive, and
    is_source_a_path when the node's image_source is a package
    repository (--source-is-path: the template's `url --url` form).

ipxe PKGROOT HTTPROOT MAC KERNEL_URL RAMDISK_URL KS_URL STAGE2_URL APPEND [--repo-url URL]
    What Ironic's iPXE boot writes into its HTTP root for a node that the
    anaconda deploy installs: boot.ipxe (the package's boot script,
    rendered as create_ipxe_boot_script() does: it chains
    pxelinux.cfg/${mac:hexhyp}) and pxelinux.cfg/MAC-WITH-DASHES (the
    package's ipxe_config.template rendered as create_pxe_config() does,
    then switched to its boot_anaconda entry by Ironic's own
    _replace_boot_line(), as the anaconda deploy's prepare_instance()
    does). APPEND is [pxe]kernel_append_params. --repo-url: a node whose
    image_source is a package repository (is_source_a_path) and that names
    no stage2: build_pxe_config_options() sets repo_url to the
    image_source, and the template's kernel line then says inst.repo=URL
    instead of inst.stage2= (STAGE2_URL is then unused).

serve DIR LOG PORTFILE TOKEN [ADDRESS]
    Serves DIR over HTTP on ADDRESS (default 127.0.0.1; GET) and records the heartbeats
    Ironic's API receives (POST /v1/heartbeat/NODE) one JSON object a line
    in LOG: the method, path, the headers that matter, the body and
    whether it is what Ironic accepts. Writes its port into PORTFILE.
"""
import ast
import base64
import http.server
import json
import logging
import os
import sys
import types

IRONIC = "usr/lib/python3/dist-packages/ironic"


def ironic_function(pkgroot, relpath, name, namespace):
    """The function `name` of the package's file, defined in namespace."""
    path = os.path.join(pkgroot, IRONIC, relpath)
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            module = ast.Module(body=[node], type_ignores=[])
            exec(compile(module, path, "exec"), namespace)
            return namespace[name]
    raise SystemExit(f"{path}: no function {name}")


def render(pkgroot, out, image_url, api_url, node, token, config_drive,
           source_is_path=False):
    import jinja2
    import jinja2.sandbox

    render_template = ironic_function(
        pkgroot, "common/utils.py", "render_template",
        {"os": os, "jinja2": jinja2, "jinja2sandbox": jinja2.sandbox})
    ns = {"base64": base64, "os": os, "LOG": logging.getLogger("ironic"),
          "ironic_utils": types.SimpleNamespace(
              is_http_url=lambda u: str(u).startswith(("http://", "https://")))}
    ironic_function(pkgroot, "common/kickstart_utils.py",
                    "_write_config_drive_content", ns)
    prepare_config_drive = ironic_function(
        pkgroot, "common/kickstart_utils.py", "prepare_config_drive", ns)
    instance_info = {"image_url": image_url}
    if config_drive:
        # What Nova or a user hands Ironic as a dict config drive.
        instance_info["configdrive"] = {
            "openstack/latest/meta_data.json": json.dumps(
                {"uuid": node, "hostname": "ironic-node"}),
            "openstack/latest/user_data": "#cloud-config\nhostname: ironic-node\n",
        }
    task = types.SimpleNamespace(node=types.SimpleNamespace(
        uuid=node, instance_info=instance_info))
    # build_kickstart_config_options(), without its database and CONF.
    params = {
        "liveimg_url": instance_info["image_url"],
        "agent_token": token,
        "heartbeat_url": "%s/v1/heartbeat/%s" % (api_url.rstrip("/"), node),
        "config_drive": prepare_config_drive(task),
    }
    if source_is_path:
        params["is_source_a_path"] = "true"
    template = os.path.join(pkgroot, IRONIC, "drivers/modules/ks.cfg.template")
    text = render_template(template, {"ks_options": params})
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


def ipxe(pkgroot, httproot, mac, kernel, ramdisk, ks_url, stage2, append,
         repo_url=None):
    import re
    import jinja2
    import jinja2.sandbox

    render_template = ironic_function(
        pkgroot, "common/utils.py", "render_template",
        {"os": os, "jinja2": jinja2, "jinja2sandbox": jinja2.sandbox})
    ns = {"re": re}
    ironic_function(pkgroot, "drivers/modules/deploy_utils.py",
                    "_replace_lines_in_file", ns)
    replace_boot_line = ironic_function(
        pkgroot, "drivers/modules/deploy_utils.py", "_replace_boot_line", ns)
    modules = os.path.join(pkgroot, IRONIC, "drivers/modules")
    # create_ipxe_boot_script(): PXE_CFG_DIR_NAME + '/', no fallback.
    script = render_template(os.path.join(modules, "boot.ipxe"),
                             {"ipxe_for_mac_uri": "pxelinux.cfg/",
                              "ipxe_fallback_script": None})
    with open(os.path.join(httproot, "boot.ipxe"), "w") as f:
        f.write(script)
    # build_pxe_config_options() for an iPXE node the anaconda deploy
    # installs: the deploy ramdisk's paths are unused by boot_anaconda.
    options = {
        "deployment_aki_path": kernel, "deployment_ari_path": ramdisk,
        "aki_path": kernel, "ari_path": ramdisk,
        "ks_cfg_url": ks_url, "stage2_url": stage2,
        "pxe_append_params": append, "ipxe_timeout": 0,
        "initrd_filename": "deploy_ramdisk",
    }
    if repo_url:
        options["repo_url"] = repo_url
        del options["stage2_url"]
    config = render_template(os.path.join(modules, "ipxe_config.template"),
                             {"pxe_options": options, "ROOT": "{{ ROOT }}",
                              "DISK_IDENTIFIER": "{{ DISK_IDENTIFIER }}"})
    os.makedirs(os.path.join(httproot, "pxelinux.cfg"), exist_ok=True)
    path = os.path.join(httproot, "pxelinux.cfg", mac.lower().replace(":", "-"))
    with open(path, "w") as f:
        f.write(config)
    replace_boot_line(path, "bios", False, ipxe_enabled=True, anaconda_boot=True)


def serve(directory, log, portfile, token, address="127.0.0.1"):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=directory, **kw)

        def log_message(self, fmt, *args):
            pass

        def heartbeat(self):
            n = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(n)
            rec = {"method": self.command, "path": self.path,
                   "client": self.client_address[0],
                   "content_type": self.headers.get("Content-Type"),
                   "api_version": self.headers.get(
                       "X-OpenStack-Ironic-API-Version"),
                   "token_header": self.headers.get(
                       "X-OpenStack-Ironic-Agent-Token")}
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            rec["body"] = body
            # Ironic's heartbeat API: the token in the body or the
            # header, a JSON body, API version 1.72 for agent_status.
            good_token = (isinstance(body, dict) and
                          body.get("agent_token") == token) or \
                rec["token_header"] == token
            rec["accepted"] = bool(
                self.path.startswith("/v1/heartbeat/") and good_token and
                rec["content_type"] == "application/json" and
                rec["api_version"] == "1.72")
            rec["status"] = body.get("agent_status") if isinstance(body, dict) else None
            with open(log, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec) + "\n")
            self.send_response(202 if rec["accepted"] else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = heartbeat
        do_PUT = heartbeat

    srv = http.server.ThreadingHTTPServer((address, 0), Handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) >= 8 and sys.argv[1] == "render":
        render(*sys.argv[2:8], config_drive="--config-drive" in sys.argv[8:],
               source_is_path="--source-is-path" in sys.argv[8:])
    elif len(sys.argv) == 10 and sys.argv[1] == "ipxe":
        ipxe(*sys.argv[2:10])
    elif len(sys.argv) == 12 and sys.argv[1] == "ipxe" and sys.argv[10] == "--repo-url":
        ipxe(*sys.argv[2:10], repo_url=sys.argv[11])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "serve":
        serve(*sys.argv[2:])
    else:
        sys.exit(__doc__)
