# shellcheck shell=bash
# The one nginx configuration of the tests and benchmarks that serve
# files over HTTP (tests/e2e/test-pxe-fleet.sh, bench/bench-pxe-server.sh,
# bench/bench-network.sh): a static file server as on a mirror (sendfile,
# keep-alive, byte ranges), everything it writes under one directory.
#
#   nginx_conf DIR LISTEN ROOT [WORKERS]
#
# writes DIR/nginx.conf (LISTEN: ADDRESS:PORT; ROOT: the files served;
# WORKERS: worker processes, default 2); run it as
# `nginx -c DIR/nginx.conf -p DIR/nginx`. It writes DIR/nginx.pid,
# DIR/nginx-error.log, its temporary directories under DIR/nginx, and
# DIR/access.log, a line per request, unbuffered:
#   CLIENT TIME "METHOD PATH PROTOCOL" STATUS BYTES CONNECTION
# (awk: $1 client, $4 path, $6 status, $7 body bytes, $8 the connection's
# serial number, the same for every request kept alive on it).
nginx_conf() {
	local dir=$1 listen=$2 root=$3 workers=${4:-2}
	mkdir -p "$dir/nginx"
	cat >"$dir/nginx.conf" <<CONF
user root;
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 4096; }
http {
	log_format azl '\$remote_addr \$msec "\$request" \$status \$body_bytes_sent \$connection';
	access_log $dir/access.log azl;
	client_body_temp_path $dir/nginx/body;
	proxy_temp_path $dir/nginx/proxy;
	fastcgi_temp_path $dir/nginx/fastcgi;
	uwsgi_temp_path $dir/nginx/uwsgi;
	scgi_temp_path $dir/nginx/scgi;
	default_type application/octet-stream;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 300s;
	server {
		listen $listen;
		root $root;
	}
}
CONF
}
