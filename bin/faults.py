"""`make faults`: resident walks through database and server faults; nothing may be lost.

It starts its own PostgreSQL cluster (initdb from /usr/lib/postgresql/15/bin, port
FAULTS_PG_PORT 5439, data under FAULTS_DIR /tmp/faults-pg; run as root, the data directory is
a small tmpfs so that its disk can be filled, and PostgreSQL runs as the `postgres` user),
loads the demo and serves the app with gunicorn (two workers, DEBUG off, port FAULTS_PORT
8310, Redis at FAULTS_REDIS_URL redis://127.0.0.1:6379/2 when one answers). FAULTS_RESIDENTS
(4) residents walk the demo survey without pause, each walk a new resident who, when a page
fails (5xx or a dropped connection), waits a moment (Retry-After, else 2 s) and sends the
same form again, up to five times, then gives up. Meanwhile /healthz is asked four times a
second. The faults, in turn:

  fast restart      pg_ctl restart -m fast
  kill -9           SIGKILL of the postmaster, started again 3 s later
  stall 5 s         SIGSTOP of every PostgreSQL process for 5 s, then SIGCONT
  stall 40 s        the same for 40 s
  full disk 10 s    the data disk filled to the last byte for 10 s (root only: tmpfs)
  worker kill -9    SIGKILL of one gunicorn worker every 10 s, three times

Then two app servers behind a load balancer, on the same cluster and Redis: two gunicorn
instances (two workers each, ports FAULTS_APP_PORTS 8320,8321) behind HAProxy (port
FAULTS_LB_PORT 8322) run with deploy/haproxy.cfg itself. One resident alone shows the round
robin (which server answered each request: HAProxy's X-Served-By), one address asks for more
pages than its rate limit allows (the request after the limit is refused although each server
answered half: the counter is shared in Redis), then the residents (each from an address of
its own, 127.1.x.y) walk through:

  two app servers: round robin                  both up
  two app servers: app1 stopped (SIGTERM)       started again 10 s later
  two app servers: app2 killed (kill -9)        master and workers; started again 10 s later

with, besides the figures below, the share of requests each server answered, 5xx by status
and by who answered, when HAProxy took the stopped server out of its pool and put it back
(its stats socket) and how many walks it had served finished on the other.

FAULTS_ONLY="stall,full disk" runs the faults whose names contain one of these words
("two app servers": the second part alone, as `make faults-lb`).

For each: walks done (thank-you page seen), lost (thank-you seen but no row), duplicated
(rows no walk's response id accounts for), 5xx, 4xx and dropped connections seen, residents
who gave up, seconds from the end of the fault until a submission succeeded again, the
longest time without a successful submission, and what /healthz said (first non-200 after
the fault began, first 200 after it ended). The last line is a JSON object.
"""

import errno
import grp
import http.client
import http.cookiejar
import itertools
import json
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bin"))

import bench  # noqa: E402  (the resident walks' helpers)

PG_BIN = Path(os.environ.get("FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))
RUN_DIR = Path(os.environ.get("FAULTS_DIR", "/tmp/faults-pg"))
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "5439"))
WEB_PORT = int(os.environ.get("FAULTS_PORT", "8310"))
BASE = f"http://127.0.0.1:{WEB_PORT}"
RESIDENTS = int(os.environ.get("FAULTS_RESIDENTS", "4"))
REDIS_URL = os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379/2")
TMPFS_MB = int(os.environ.get("FAULTS_TMPFS_MB", "320"))
AS_ROOT = os.geteuid() == 0
DATABASE = "engagement_faults"
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}"
# A key of each run's own: the rate limits' counters in Redis (keyed with it) start afresh.
SECRET_KEY = "faults-only-secret-key-" + secrets.token_hex(20)
ATTEMPTS = 5  # a person presses the button again, up to five times
WARMUP_S = 4  # walks before each fault
AFTER_S = 12  # walks after each fault ends
ENV = {
    **bench.ENV,
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": SECRET_KEY,
    # The site as it is (the bench serves its own URLconf), with production's threads: a free
    # thread answers /healthz while others wait on a stalled database.
    "DJANGO_SETTINGS_MODULE": "engagement.settings",
    "PYTHONPATH": str(ROOT),
}
for name in ("REDIS_URL", "GUNICORN_THREADS"):
    ENV.pop(name, None)


def say(text):
    print(text, flush=True)


def children(pid):
    """Process ids whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Cluster:
    """A PostgreSQL cluster of our own: its data directory on a disk we may fill."""

    def __init__(self):
        self.disk = RUN_DIR / "disk"
        self.data = self.disk / "data"
        self.log = RUN_DIR / "postgres.log"
        self.tmpfs = False

    def run(self, *args, check=True):
        command = [str(PG_BIN / args[0]), *args[1:]]
        if AS_ROOT:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def create(self):
        self.destroy()
        self.disk.mkdir(parents=True)
        if AS_ROOT:
            mounted = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m", "tmpfs", str(self.disk)],
                capture_output=True,
                text=True,
            )
            self.tmpfs = mounted.returncode == 0
            if not self.tmpfs:
                say(f"Could not mount a tmpfs ({mounted.stderr.strip()}).")
            shutil.chown(RUN_DIR, "postgres")
            shutil.chown(self.disk, "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()

    def start(self):
        options = (
            f"-p {PG_PORT} -k {RUN_DIR} -c listen_addresses=127.0.0.1 "
            "-c max_wal_size=64MB -c min_wal_size=32MB -c max_connections=50"
        )
        for _ in range(20):  # after a kill -9, orphaned backends may still hold shared memory
            started = self.run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
                "-o", options, "start", check=False,
            )  # fmt: skip
            if started.returncode == 0:
                return True
            time.sleep(0.5)
        say(f"PostgreSQL did not start: {started.stdout}{started.stderr}")
        return False

    def running(self):
        return self.run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def postmaster(self):
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def destroy(self, keep_logs=False):
        if self.data.exists() and self.running():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        if self.disk.exists() and os.path.ismount(self.disk):
            subprocess.run(["umount", str(self.disk)], check=False)
        shutil.rmtree(self.disk if keep_logs else RUN_DIR, ignore_errors=True)

    # The faults. Each returns when the fault is over (the server was told to go on).
    def fast_restart(self):
        # -l: without it the new server would keep our pipe open, and we would wait for ever.
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart")

    def kill_and_restart(self):
        os.kill(self.postmaster(), signal.SIGKILL)
        time.sleep(3)
        self.start()

    def stall(self, seconds):
        postmaster = self.postmaster()
        os.kill(postmaster, signal.SIGSTOP)  # first, so that it forks no one new
        stopped = children(postmaster)
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        time.sleep(seconds)
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
        os.kill(postmaster, signal.SIGCONT)

    def fill_disk(self, seconds):
        """Fill the data disk to the last byte, keep it full, free it. True if PostgreSQL
        stopped on its own and had to be started again."""
        filler = self.disk / "filler"
        free = shutil.disk_usage(self.disk).free
        say(f"  filling the data disk: {free / 2**20:.0f} MB free of {TMPFS_MB} MB")
        handle = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (1 << 20, 4096, 1):  # to the last byte
                try:
                    while True:
                        os.write(handle, b"\0" * size)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
        finally:
            os.close(handle)
        time.sleep(seconds)
        filler.unlink()
        if not self.running():
            self.start()
            return True
        return False


class Server:
    """gunicorn with two workers, as in production."""

    def __init__(self, port=WEB_PORT, name="gunicorn", env=None):
        self.port = port
        self.name = name
        self.env = env
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "engagement/gunicorn.conf.py",
                "engagement.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env or SERVER_ENV,
            stderr=open(RUN_DIR / f"{self.name}.log", "a"),  # noqa: SIM115
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz; see {RUN_DIR / self.name}.log")

    def kill_a_worker(self):
        workers = children(self.process.pid)
        if workers:
            os.kill(random.choice(workers), signal.SIGKILL)

    def kill_workers(self, times=3, every=10):
        for number in range(times):
            self.kill_a_worker()
            if number + 1 < times:
                time.sleep(every)

    def kill(self):
        """kill -9 of the whole server, the master and its workers, as a machine that dies."""
        workers = children(self.process.pid)
        self.process.kill()  # first, so that it starts no new worker
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class Health:
    """/healthz four times a second: (when the answer came, status or None for no answer
    within 3 s)."""

    def __init__(self):
        self.samples = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self):
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(BASE + "/healthz", timeout=3) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except (OSError, http.client.HTTPException):
                status = None
            self.samples.append((time.monotonic(), status))
            self.stopping.wait(max(0, 0.25 - (time.monotonic() - started)))

    def first(self, after, healthy):
        for at, status in self.samples:
            if at >= after and (status == 200) == healthy:
                return at, status
        return None, None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = dict.fromkeys(
            ["walks", "5xx", "503", "4xx", "start_over", "dropped", "gave_up", "sent_to_start"],
            0,
        )
        self.posted = set()  # response ids of every final POST sent
        self.thanked = set()  # response ids whose thank-you page was seen
        self.submitted_at = []  # when a final POST was answered with the thank-you redirect
        self.residents = []  # through the load balancer: each walk's browser, which servers

    def count(self, name):
        with self.lock:
            self.counts[name] += 1


def response_id(signed):
    from django.core import signing

    payload = signing.loads(signed, key=SECRET_KEY, salt="surveys.response-id", fallback_keys=[])
    return payload[0]


def send(resident, stats, path, data=None):
    """One page as a person asks for it: when it fails, the same again after a moment, up
    to five times. (status, headers, html), or None when they give up or are told to start
    over."""
    for _attempt in range(ATTEMPTS):
        pause = 2
        try:
            status, headers, html = resident.request(path, data)
        except (OSError, http.client.HTTPException):
            stats.count("dropped")
        else:
            if status < 400:
                return status, headers, html
            if status < 500:
                stats.count("4xx")
                if "start over" in html.lower():
                    stats.count("start_over")
                return None
            stats.count("5xx")
            if status == 503:
                stats.count("503")
            pause = min(10, int(headers.get("Retry-After") or 2))
        time.sleep(pause)
    stats.count("gave_up")
    return None


def patient_walk(stats, link_path, resident=None):
    """Start, consent, every step, thank-you, as one new resident who tries again. True when
    the thank-you page was seen."""
    resident = resident or bench.Resident([], base=BASE)
    if not send(resident, stats, link_path):
        return
    consent = link_path + "consent/"
    page = send(resident, stats, consent)
    if not page:
        return
    page = send(resident, stats, consent, {**bench.tokens(page[2]), "decision": "agree"})
    if not page:
        return
    step = page[1]["Location"]
    for _ in range(20):
        page = send(resident, stats, step)
        if not page:
            return
        if page[0] != 200:
            stats.count("sent_to_start")
            return
        fields = bench.tokens(page[2])
        data = {**fields, **bench.step_answers(step, page[2]), "action": "next"}
        rid = response_id(fields["rid"])
        with stats.lock:
            stats.posted.add(rid)
        page = send(resident, stats, step, data)
        if not page:
            return
        location = page[1].get("Location", "")
        if page[0] != 302:
            return
        if "/thanks/" in location:
            with stats.lock:
                stats.submitted_at.append(time.monotonic())
            if send(resident, stats, location):
                with stats.lock:
                    stats.thanked.add(rid)
                    stats.counts["walks"] += 1
                return True
            return
        if "/step/" not in location:
            stats.count("sent_to_start")
            return
        step = location


class Load:
    """RESIDENTS residents walking one after another until stopped. `resident(stats)`: a
    new resident's browser (the two-server scenarios' come through the load balancer)."""

    def __init__(self, stats, link_paths, resident=None):
        self.stats = stats
        self.link_paths = link_paths
        self.resident = resident
        self.stopping = threading.Event()
        # Daemons: Ctrl+C must not wait for residents retrying against stopped servers.
        self.threads = [
            threading.Thread(target=self.walk, args=(i,), daemon=True) for i in range(RESIDENTS)
        ]

    def walk(self, index):
        number = index
        while not self.stopping.is_set():
            path = self.link_paths[number % len(self.link_paths)]
            if self.resident:
                resident = self.resident(self.stats)
                resident.finished = patient_walk(self.stats, path, resident)
                with self.stats.lock:
                    self.stats.residents.append(resident)
            else:
                patient_walk(self.stats, path)
            number += RESIDENTS

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def database():
    import psycopg

    return psycopg.connect(DATABASE_URL, autocommit=True, connect_timeout=5)


def stored(ids):
    with database() as conn:
        total = conn.execute("SELECT count(*) FROM surveys_response").fetchone()[0]
        found = {
            row[0].hex
            for row in conn.execute(
                "SELECT id FROM surveys_response WHERE id = ANY(%s::uuid[])", [list(ids)]
            )
        }
    return total, found


def outcome(stats, before, began, ended):
    """What the residents of one fault saw, and what PostgreSQL kept."""
    for _ in range(20):  # PostgreSQL may still be coming back when counting
        try:
            after, found = stored(stats.posted)
            break
        except Exception:
            time.sleep(1)
    successes = sorted(stats.submitted_at)
    back = next((t - ended for t in successes if t >= ended), None)
    marks = [began] + [t for t in successes if t >= began] + [time.monotonic()]
    gap = max(b - a for a, b in zip(marks, marks[1:], strict=False))
    return {
        **stats.counts,
        "lost": len(stats.thanked - found),
        "duplicated": (after - before) - len(found),
        "stored_without_thanks": len(found - stats.thanked),
        "back_s": None if back is None else round(back, 1),
        "longest_gap_s": round(gap, 1),
    }


def phase(name, fault, health, link_paths):
    stats = Stats()
    before, _ = stored(set())
    load = Load(stats, link_paths)
    load.start()
    time.sleep(WARMUP_S)
    began = time.monotonic()
    restarted = fault()
    ended = time.monotonic()
    time.sleep(AFTER_S)
    load.stop()
    result = outcome(stats, before, began, ended)
    lost, duplicated = result["lost"], result["duplicated"]
    down_at, down_status = health.first(began, healthy=False)
    up_at, _ = health.first(max(ended, down_at or ended), healthy=True) if down_at else (None, None)
    result = {
        **result,
        "healthz_down_after_s": None if down_at is None else round(down_at - began, 1),
        "healthz_down_status": down_status if down_at else None,
        "healthz_up_after_s": None if up_at is None else round(up_at - ended, 1),
        "fault_s": round(ended - began, 1),
    }
    if restarted:
        result["postgres_restarted_by_test"] = True
    health_text = (
        "stayed 200"
        if down_at is None
        else f"{down_status or 'no answer'} {result['healthz_down_after_s']} s after the fault "
        f"began, 200 again {result['healthz_up_after_s']} s after it ended"
    )
    say(
        f"{name}: {result['walks']} walks done, {lost} lost, {duplicated} duplicated, "
        f"{result['5xx']} 5xx ({result['503']} of them 503), {result['4xx']} 4xx ({result['start_over']} start over), "
        f"{result['dropped']} dropped connections, {result['gave_up']} gave up; submissions "
        f"back {result['back_s']} s after the fault ended (longest gap {result['longest_gap_s']}"
        f" s); /healthz {health_text}"
        + ("; PostgreSQL stopped itself and was started again" if restarted else "")
    )
    return result


SERVER_ENV = dict(ENV)


def prepare():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        SERVER_ENV["REDIS_URL"] = REDIS_URL
        say(f"Cache: Redis at {REDIS_URL}.")
    except (redis.RedisError, OSError):
        say("Cache: no Redis answers; each worker counts rate limits in its memory.")
    subprocess.run(
        [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
         DATABASE],
        check=True,
    )  # fmt: skip
    for args in (
        ["migrate", "--no-input"],
        ["load_demo", "--force", "--quiet-logins"],
        ["collectstatic", "--no-input"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    with database() as conn:
        tokens = [
            row[0]
            for row in conn.execute(
                "SELECT token FROM surveys_collectionlink WHERE kind = 'web' ORDER BY id"
            )
        ]
    return [f"/{language}/s/{token}/" for language in ("en", "es", "zh-hans") for token in tokens]


# --- Two app servers behind a load balancer ---------------------------------------------
# Two gunicorn instances (two workers each) behind HAProxy, run with deploy/haproxy.cfg itself,
# sharing the cluster and Redis. Each walk comes from an address of its own (127.1.x.y: any
# 127.x.y.z is this machine), as residents' phones do, so the servers count rate limits as in
# production: per address, the one HAProxy saw (TRUSTED_PROXY_HOPS=1).

APP_PORTS = [int(p) for p in os.environ.get("FAULTS_APP_PORTS", "8320,8321").split(",")]
LB_PORT = int(os.environ.get("FAULTS_LB_PORT", "8322"))
LB_BASE = f"http://127.0.0.1:{LB_PORT}"
LB_PAGES_LIMIT = 100  # resident pages per address and window, on both servers
LB_WINDOW_S = 600
LB_DOWN_S = 10  # a stopped server is started again this long after it stopped
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
LB_SOCKET = RUN_DIR / "haproxy.sock"
TWO_SERVERS = "two app servers"
_addresses = itertools.count(1)


class FromAddress(urllib.request.HTTPHandler):
    """Connections from one source address."""

    def __init__(self, address):
        super().__init__()
        self.address = address

    def http_open(self, req):
        return self.do_open(http.client.HTTPConnection, req, source_address=(self.address, 0))


class Visitor(bench.Resident):
    """A resident's browser that comes through the load balancer from an address of its own
    and notes which server answered each request (HAProxy's X-Served-By) and when."""

    def __init__(self, stats=None):
        super().__init__([], base=LB_BASE)
        number = next(_addresses)
        self.address = f"127.1.{number // 250 % 250}.{number % 250 + 1}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            bench.NoRedirect,
            FromAddress(self.address),
        )
        self.served = []  # (when, server, status); None, None for no answer
        self.finished = None

    def request(self, path, data=None):
        try:
            status, headers, html = super().request(path, data)
        except (OSError, http.client.HTTPException):
            self.served.append((time.monotonic(), None, None))
            raise
        self.served.append((time.monotonic(), headers.get("X-Served-By"), status))
        return status, headers, html


class Balancer:
    """HAProxy in front of the servers; its view of them (UP, DOWN) sampled four times a
    second from its stats socket."""

    def __init__(self, servers):
        self.servers = servers
        self.process = None
        self.samples = []  # (when, {server: status})
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def start(self):
        env = {
            **os.environ,
            "LB_BIND": f"127.0.0.1:{LB_PORT}",
            "LB_STATS_SOCKET": str(LB_SOCKET),
            "SITE_HOST": "localhost",
            **{f"APP{i}": f"127.0.0.1:{s.port}" for i, s in enumerate(self.servers, 1)},
        }
        if not AS_ROOT:  # haproxy can only become its own user as root: stay who we are
            env["LB_USER"] = pwd.getpwuid(os.getuid()).pw_name
            env["LB_GROUP"] = grp.getgrgid(os.getgid()).gr_name
        self.process = subprocess.Popen(
            ["haproxy", "-db", "-f", str(HAPROXY_CFG)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(RUN_DIR / "haproxy.log", "w"),  # noqa: SIM115
        )
        for _ in range(60):
            if all(self.in_pool(s.name) for s in self.servers):
                self.thread.start()
                return
            time.sleep(0.25)
        raise SystemExit(f"HAProxy did not take both servers; see {RUN_DIR / 'haproxy.log'}")

    def states(self):
        """{server: status} from `show stat`: UP, DOWN, or on the way ("UP 1/2")."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(1)
            sock.connect(str(LB_SOCKET))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "app"}

    def in_pool(self, name):
        try:
            return self.states().get(name, "").startswith("UP")
        except OSError:
            return False

    def watch(self):
        while not self.stopping.wait(0.25):
            try:
                self.samples.append((time.monotonic(), self.states()))
            except OSError:
                pass

    def first(self, after, name, in_pool):
        """When HAProxy first had `name` in (or out of) its pool after `after`."""
        for at, states in self.samples:
            if at >= after and states.get(name, "").startswith("UP") == in_pool:
                return at
        return None

    def stop(self):
        self.stopping.set()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def alternation_check(link_path):
    """One resident alone walks the survey: which server answered each request, in order."""
    visitor = Visitor()
    finished = patient_walk(Stats(), link_path, visitor)
    order = [server for _, server, _ in visitor.served]
    return {
        "walk_finished": bool(finished),
        "requests": len(order),
        "order": "".join((server or "-")[-1] for server in order),
        "alternates": all(a != b for a, b in zip(order, order[1:], strict=False)),
    }


def rate_limit_check(link_path):
    """One address asks for the start page LB_PAGES_LIMIT + 5 times through the balancer,
    which hands the requests to both servers in turn: the limit holds for the two together
    when the request after the limit is refused, not only after twice the limit."""
    visitor = Visitor()
    answers = []
    # Counters start again at each window's boundary: not in the middle of the check.
    left = LB_WINDOW_S - time.time() % LB_WINDOW_S
    if left < 10:
        time.sleep(left + 0.1)
    for _ in range(LB_PAGES_LIMIT + 5):
        status, headers, _ = visitor.request(link_path)
        answers.append((status, headers.get("X-Served-By")))
    refused = [number for number, (status, _) in enumerate(answers, 1) if status == 429]
    before = Counter(server for status, server in answers[:LB_PAGES_LIMIT] if status == 200)
    return {
        "limit": LB_PAGES_LIMIT,
        "first_refused": refused[0] if refused else None,
        "served_before_it": dict(sorted(before.items())),
        "holds_across_servers": refused == list(range(LB_PAGES_LIMIT + 1, len(answers) + 1))
        and len(before) == 2,
    }


def stop_and_start(server, balancer, kill):
    """Stop one server (SIGTERM, as a deploy does; or kill -9 of master and workers, as a
    machine that dies), start it again LB_DOWN_S later; over when HAProxy has it back."""
    stopped_at = time.monotonic()
    server.kill() if kill else server.stop()
    time.sleep(max(0, stopped_at + LB_DOWN_S - time.monotonic()))
    started_at = time.monotonic()
    server.start()
    answering_at = time.monotonic()
    for _ in range(60):
        if balancer.in_pool(server.name):
            break
        time.sleep(0.25)
    return {
        "server": server.name,
        "stopped_at": stopped_at,
        "started_at": started_at,
        "answering_at": answering_at,
    }


def lb_phase(name, fault, balancer, link_paths):
    stats = Stats()
    before, _ = stored(set())
    load = Load(stats, link_paths, resident=Visitor)
    load.start()
    time.sleep(WARMUP_S)
    began = time.monotonic()
    event = fault()
    ended = time.monotonic()
    time.sleep(AFTER_S)
    load.stop()
    # Submissions "back": from the moment the server stopped, since the other goes on.
    result = outcome(stats, before, began, began)
    names = [server.name for server in balancer.servers]
    served = Counter(server for r in stats.residents for _, server, _ in r.served if server)
    # 5xx by status and by who answered (a server's name, or none: HAProxy's own page).
    errors = Counter(
        f"{status} {server or 'haproxy'}"
        for r in stats.residents
        for _, server, status in r.served
        if status and status >= 500
    )
    total = sum(served.values()) or 1
    finished = [r for r in stats.residents if r.finished]
    result.update(
        served={n: served[n] for n in names},
        share={n: round(served[n] / total, 2) for n in names},
        walks_on_every_server=sum(
            1 for r in finished if {s for _, s, _ in r.served if s} >= set(names)
        ),
        errors=dict(sorted(errors.items())),
        fault_s=round(ended - began, 1),
    )
    text = ""
    if event:
        gone, stopped_at, started_at = event["server"], event["stopped_at"], event["started_at"]
        out_at = balancer.first(stopped_at, gone, in_pool=False)
        in_at = balancer.first(started_at, gone, in_pool=True)
        again = min(
            (t for r in stats.residents for t, s, _ in r.served if s == gone and t >= started_at),
            default=None,
        )
        # Walks it had served before it stopped that went on, on the other, to the thank-you
        # page: their sessions (drafts) were in Redis, not in the server.
        across = [
            r for r in finished if any(s == gone and t < stopped_at for t, s, _ in r.served)
            and r.served[-1][0] > stopped_at
        ]  # fmt: skip
        result.update(
            server=gone,
            down_s=round(started_at - stopped_at, 1),
            answering_after_s=round(event["answering_at"] - started_at, 1),
            out_of_pool_after_s=None if out_at is None else round(out_at - stopped_at, 1),
            back_in_pool_after_s=None if in_at is None else round(in_at - started_at, 1),
            served_again_after_s=None if again is None else round(again - started_at, 1),
            walks_across_the_stop=len(across),
        )
        text = (
            f"; {gone} out of the pool {result['out_of_pool_after_s']} s after it stopped, "
            f"started again {result['down_s']} s after it stopped: answering "
            f"{result['answering_after_s']} s later, back in the pool "
            f"{result['back_in_pool_after_s']} s later, serving residents "
            f"{result['served_again_after_s']} s later; {len(across)} walks it had served "
            "before it stopped finished on the other"
        )
    errors_text = "(" + (", ".join(f"{n} {e}" for e, n in result["errors"].items()) or "none") + ")"
    shares = ", ".join(f"{n} {result['share'][n]:.0%}" for n in names)
    say(
        f"{name}: {result['walks']} walks done, {result['lost']} lost, "
        f"{result['duplicated']} duplicated, {result['5xx']} 5xx {errors_text}, {result['4xx']} 4xx "
        f"({result['start_over']} start over), {result['sent_to_start']} sent back to the start, "
        f"{result['dropped']} dropped connections, {result['gave_up']} gave up; requests served: "
        f"{shares} ({result['walks_on_every_server']} of {len(finished)} walks on both)"
        f"{text}; submissions back {result['back_s']} s after the fault began (longest gap "
        f"{result['longest_gap_s']} s)"
    )
    return result


def two_servers(link_paths, wanted):
    """The two-server scenarios that `wanted(name)` selects: (results, checks)."""
    names = [
        f"{TWO_SERVERS}: round robin",
        f"{TWO_SERVERS}: app1 stopped (SIGTERM), started {LB_DOWN_S} s later",
        f"{TWO_SERVERS}: app2 killed (kill -9), started {LB_DOWN_S} s later",
    ]
    wanted_names = [name for name in names if wanted(name)]
    if not wanted_names:
        return {}, {}
    if not shutil.which("haproxy"):
        say(f"{TWO_SERVERS}: skipped (no haproxy; `apt-get install haproxy` as root).")
        return {name: {"skipped": True} for name in wanted_names}, {}
    env = {
        **SERVER_ENV,
        "TRUSTED_PROXY_HOPS": "1",
        "RATE_LIMIT_PAGES": str(LB_PAGES_LIMIT),
        "RATE_LIMIT_WINDOW": str(LB_WINDOW_S),
    }
    servers = [Server(port, f"app{n}", env) for n, port in enumerate(APP_PORTS, 1)]
    balancer = Balancer(servers)
    results = {}
    try:
        for server in servers:
            server.start()
        balancer.start()
        say(
            f"Two app servers (ports {', '.join(map(str, APP_PORTS))}) behind HAProxy "
            f"({LB_BASE}, {HAPROXY_CFG.relative_to(ROOT)}), sharing PostgreSQL and "
            + ("Redis." if "REDIS_URL" in env else "no Redis: rate limits are not shared.")
        )
        checks = {
            "alternation": alternation_check(link_paths[0]),
            "rate_limit": rate_limit_check(link_paths[0]),
        }
        walk, limit = checks["alternation"], checks["rate_limit"]
        say(
            f"  one resident alone: {walk['requests']} requests answered by app{walk['order']} "
            f"({'strictly alternating' if walk['alternates'] else 'NOT alternating'}), "
            f"{'thank-you page seen' if walk['walk_finished'] else 'NOT finished'}"
        )
        say(
            f"  rate limit of {limit['limit']} pages per address: request "
            f"{limit['first_refused']} refused with 429 after "
            + " and ".join(f"{n} by {s}" for s, n in limit["served_before_it"].items())
            + (
                ": counted across both servers"
                if limit["holds_across_servers"]
                else ": NOT counted across both servers"
            )
        )
        faults = {
            names[0]: lambda: time.sleep(LB_DOWN_S),
            names[1]: lambda: stop_and_start(servers[0], balancer, kill=False),
            names[2]: lambda: stop_and_start(servers[1], balancer, kill=True),
        }
        for name in wanted_names:
            results[name] = lb_phase(name, faults[name], balancer, link_paths)
    finally:
        balancer.stop()
        for server in servers:
            server.stop()
    return results, checks


def main():
    # Ctrl+C or a kill still stops the server and the cluster and unmounts the disk.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    started = time.monotonic()
    cluster, server, health = Cluster(), Server(), Health()
    say(f"Starting PostgreSQL on port {PG_PORT} with its data in {cluster.data}...")
    cluster.create()
    if not cluster.tmpfs:
        say("Not root (or no tmpfs): the full-disk fault will be skipped.")
    results, checks = {}, {}
    only = os.environ.get("FAULTS_ONLY")

    def wanted(name):
        return not only or any(part.strip() in name for part in only.split(","))

    faults = [
        ("fast restart", cluster.fast_restart),
        ("kill -9 postmaster, restart after 3 s", cluster.kill_and_restart),
        ("stall 5 s", lambda: cluster.stall(5)),
        ("stall 40 s", lambda: cluster.stall(40)),
        ("full disk 10 s", lambda: cluster.fill_disk(10)),
        ("worker kill -9 every 10 s", server.kill_workers),
    ]
    faults = [(name, fault) for name, fault in faults if wanted(name)]
    try:
        link_paths = prepare()
        if faults:
            server.start()
            health.thread.start()
            say(
                f"{RESIDENTS} residents walk without pause (rate limits raised, no minimum "
                "time); each fault in turn:"
            )
        for name, fault in faults:
            if name.startswith("full disk") and not cluster.tmpfs:
                say(f"{name}: skipped (needs root to mount a small tmpfs for the data).")
                results[name] = {"skipped": True}
                continue
            results[name] = phase(name, fault, health, link_paths)
        health.stopping.set()
        server.stop()
        lb_results, checks = two_servers(link_paths, wanted)
        results.update(lb_results)
    finally:
        health.stopping.set()
        server.stop()
        cluster.destroy(keep_logs=True)
        say(f"Logs in {RUN_DIR}: postgres.log, gunicorn.log, app1.log, app2.log, haproxy.log")
    ran = [r for r in results.values() if not r.get("skipped")]
    summary = {
        "lost": sum(r["lost"] for r in ran),
        "duplicated": sum(r["duplicated"] for r in ran),
        "start_over": sum(r["start_over"] for r in ran),
        "seconds": round(time.monotonic() - started),
        "faults": results,
    }
    if checks:
        summary["two_servers"] = checks
    say(
        f"All faults: {summary['lost']} lost, {summary['duplicated']} duplicated, "
        f"{summary['start_over']} start-over pages, in {summary['seconds']} s."
    )
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
