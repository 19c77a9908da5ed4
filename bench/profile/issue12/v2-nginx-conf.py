# nginx for v2-calls.mjs: `python3 v2-nginx-conf.py <repo> <prefix>` writes <prefix>/nginx.conf,
# answering API v2 conceal and reveal with the answers a real v0.26.6 recorded (transcript
# v0.26.6-api-v1-v2, exchanges 31 and 37); start it with
# `nginx -p <prefix> -c <prefix>/nginx.conf -e <prefix>/error.log` (mkdir <prefix>/tmp first).
import json
import sys

repo, prefix = sys.argv[1], sys.argv[2]
text = open(repo + '/__test__/fixtures/ots-observed/v0.26.6-api-v1-v2.md').read()


def answer(title):
    i = text.index(title)
    j = text.index('```', i)
    k = text.index('\n```\n', j + 3)
    body = [line for line in text[j:k].split('\n') if line.startswith('{')][-1]
    json.loads(body)
    assert "'" not in body and '$' not in body
    return body


conceal = answer('##### 31. POST /api/v2/secret/conceal (auth, passphrase)')
reveal = answer('##### 37. POST /api/v2/secret/SK2/reveal right passphrase')
open(prefix + '/nginx.conf', 'w').write(f'''daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/tmp;
  proxy_temp_path {prefix}/tmp;
  fastcgi_temp_path {prefix}/tmp;
  uwsgi_temp_path {prefix}/tmp;
  scgi_temp_path {prefix}/tmp;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  default_type "application/json; charset=utf-8";
  server {{
    listen 127.0.0.1:18977;
    location = /api/v2/secret/conceal {{ return 200 '{conceal}'; }}
    location ~ ^/api/v2/secret/[a-z0-9]+/reveal$ {{ return 200 '{reveal}'; }}
    location / {{ return 404 '{{"message":"Not Found"}}'; }}
  }}
}}
''')
