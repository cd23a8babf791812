# Sourced by the benchmarks that crawl a generated site: start_site WORK PORT PAGES generates a
# job board of PAGES pages (the crawl-peers generator) in WORK/site and serves it with nginx on
# 127.0.0.1:PORT, appending nginx's pid to the caller's `pids` array. Exits with nginx's log when
# the site does not answer (a leftover server on the port, a root its workers cannot read).
start_site() {
  local work=$1 port=$2 pages=$3
  command -v nginx >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  chmod 755 "$work"  # nginx's workers run as nobody and must read the site
  SITE_BASE=http://127.0.0.1:$port /usr/bin/python3 ../shared/bench/crawl-peers/gen_site.py \
    "$work/site" "$pages" 42 >/dev/null
  mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
  cat >"$work/nginx/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http { types { text/html html; text/plain txt; application/xml xml; } access_log off;
  client_body_temp_path $work/nginx/tmp/b; proxy_temp_path $work/nginx/tmp/p; fastcgi_temp_path $work/nginx/tmp/f;
  uwsgi_temp_path $work/nginx/tmp/u; scgi_temp_path $work/nginx/tmp/s;
  server { listen 127.0.0.1:$port; root $work/site; index index.html; } }
CONF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
  pids+=($!)
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/index.html" && break; sleep 0.1; done
  if ! kill -0 "${pids[-1]}" 2>/dev/null || ! curl -sf -o /dev/null "http://127.0.0.1:$port/index.html"; then
    echo "$(basename "$0"): nginx does not serve the site:" >&2; cat "$work/nginx/logs/error.log" >&2; exit 1
  fi
}
