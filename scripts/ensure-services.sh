#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting them if not.
# The tests use these real servers; point TEST_POSTGRES_ADMIN_DSN / TEST_REDIS_URL elsewhere to
# use others.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! command -v pg_isready >/dev/null || ! command -v redis-cli >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
  else
    echo "PostgreSQL and Redis client tools are missing: install postgresql and redis-server" >&2
    exit 1
  fi
fi

if ! pg_up; then
  echo "starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
if ! redis_up; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

for _ in $(seq 1 30); do
  if pg_up && redis_up; then
    # The tests connect as `postgres` with trust auth on loopback.
    echo "PostgreSQL and Redis answer on loopback"
    exit 0
  fi
  sleep 1
done
pg_up || echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2
redis_up || echo "Redis does not answer on 127.0.0.1:6379" >&2
exit 1
