"""`make run`: find or start PostgreSQL, prepare the database, load the demo, then serve.

PostgreSQL at DATABASE_URL (default: 127.0.0.1:5432, user postgres) is used when it answers.
When DATABASE_URL is not set and nothing answers there, an embedded development server
(the `pgserver` package) starts with its data in .devdb/ inside the project.

The cache (rate-limit counters) is Redis at REDIS_URL, or at 127.0.0.1:6379 when REDIS_URL is
not set and a Redis answers there; else each process's own memory.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")

import psycopg  # noqa: E402
import psycopg.sql  # noqa: E402

from engagement.database import describe_connection_error  # noqa: E402
from engagement.settings import DEFAULT_DATABASE_URL  # noqa: E402


def answers(url):
    try:
        psycopg.connect(url, connect_timeout=3).close()
        return True, None
    except psycopg.OperationalError as error:
        return False, error


def maintenance_url(url):
    """The same server (host, port or socket, user), its `postgres` database."""
    return psycopg.conninfo.make_conninfo(url, dbname="postgres")


def ensure_database(url):
    ok, error = answers(url)
    if ok:
        return
    if "does not exist" not in str(error):
        fail(error)
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(maintenance_url(url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
    print(f"Created the database {name}.")


def fail(error):
    import django

    django.setup()
    sys.stderr.write(describe_connection_error(error) + "\n")
    sys.exit(1)


def embedded_url():
    import pgserver

    data = ROOT / ".devdb"
    server = pgserver.get_server(str(data), cleanup_mode=None)
    print(
        f"No PostgreSQL answered at 127.0.0.1:5432: started an embedded one with its data in {data}/."
    )
    base = server.get_uri()  # postgresql://postgres:@/postgres?host=<socket dir>
    return base.replace("/postgres?", "/engagement?", 1)


LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_answers(url):
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def use_local_redis():
    """Point REDIS_URL at a Redis answering on this machine, unless one is set already."""
    if os.environ.get("REDIS_URL"):
        print(f"Cache: Redis at REDIS_URL ({os.environ['REDIS_URL']}).")
    elif redis_answers(LOCAL_REDIS_URL):
        os.environ["REDIS_URL"] = LOCAL_REDIS_URL
        print(f"Cache: Redis at {LOCAL_REDIS_URL} (rate limits shared by every process).")
    else:
        print("Cache: no Redis at 127.0.0.1:6379, using memory (rate limits per process).")


def manage(*args):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def main():
    port = port_from_environment()
    url = os.environ.get("DATABASE_URL")
    if not url:
        default_ok, error = answers(maintenance_url(DEFAULT_DATABASE_URL))
        if default_ok:
            url = DEFAULT_DATABASE_URL
        elif (
            "refused" in str(error).lower()
            or "timeout" in str(error).lower()
            or "connect" in str(error).lower()
        ):
            url = embedded_url()
        else:
            fail(error)
        os.environ["DATABASE_URL"] = url
    ensure_database(url)
    use_local_redis()
    try:
        manage("migrate", "--no-input", "-v", "0")
        manage("load_demo", "--base-url", f"http://127.0.0.1:{port}")
        manage("load_demo_codebook")
        manage("load_demo_reports", "--base-url", f"http://127.0.0.1:{port}")
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
    start_worker()
    print(f"\nServing on http://127.0.0.1:{port} (Ctrl+C stops it).\n", flush=True)
    os.execv(
        sys.executable,
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}"],
    )


def start_worker():
    """The task queue's worker (large downloads are prepared there), alongside the server;
    it stops with it (Ctrl+C reaches both; the kernel ends it if the server dies)."""

    def end_with_parent():
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "-v", "0"],
        cwd=ROOT,
        preexec_fn=end_with_parent,  # noqa: PLW1509 (no threads yet)
    )
    print("Background worker started (large downloads are prepared there).", flush=True)


def port_from_environment():
    """`PORT=8001 make run`: the port to serve on (8000 unless set)."""
    value = os.environ.get("PORT", "8000").strip() or "8000"
    if not value.isdigit() or not 0 < int(value) < 65536:
        sys.stderr.write(f"PORT must be a number from 1 to 65535, not {value!r}.\n")
        sys.exit(2)
    return int(value)


if __name__ == "__main__":
    main()
