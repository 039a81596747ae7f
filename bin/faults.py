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

FAULTS_ONLY="stall,full disk" runs the faults whose names contain one of these words.

For each: walks done (thank-you page seen), lost (thank-you seen but no row), duplicated
(rows no walk's response id accounts for), 5xx, 4xx and dropped connections seen, residents
who gave up, seconds from the end of the fault until a submission succeeded again, the
longest time without a successful submission, and what /healthz said (first non-200 after
the fault began, first 200 after it ended). The last line is a JSON object.
"""

import errno
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
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
SECRET_KEY = "faults-only-secret-key-" + "x" * 40
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

    def __init__(self):
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
                f"127.0.0.1:{WEB_PORT}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=SERVER_ENV,
            stderr=open(RUN_DIR / "gunicorn.log", "w"),  # noqa: SIM115
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /healthz; see " + str(RUN_DIR / "gunicorn.log"))

    def kill_a_worker(self):
        workers = children(self.process.pid)
        if workers:
            os.kill(random.choice(workers), signal.SIGKILL)

    def kill_workers(self, times=3, every=10):
        for number in range(times):
            self.kill_a_worker()
            if number + 1 < times:
                time.sleep(every)

    def stop(self):
        if self.process:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)


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


def patient_walk(stats, link_path):
    """Start, consent, every step, thank-you, as one new resident who tries again."""
    resident = bench.Resident([], base=BASE)
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
            return
        if "/step/" not in location:
            stats.count("sent_to_start")
            return
        step = location


class Load:
    """RESIDENTS residents walking one after another until stopped."""

    def __init__(self, stats, link_paths):
        self.stats = stats
        self.link_paths = link_paths
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.walk, args=(i,)) for i in range(RESIDENTS)]

    def walk(self, index):
        number = index
        while not self.stopping.is_set():
            patient_walk(self.stats, self.link_paths[number % len(self.link_paths)])
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
    for _ in range(20):  # PostgreSQL may still be coming back when counting
        try:
            after, found = stored(stats.posted)
            break
        except Exception:
            time.sleep(1)
    lost = len(stats.thanked - found)
    duplicated = (after - before) - len(found)
    successes = sorted(stats.submitted_at)
    back = next((t - ended for t in successes if t >= ended), None)
    marks = [began] + [t for t in successes if t >= began] + [time.monotonic()]
    gap = max(b - a for a, b in zip(marks, marks[1:], strict=False))
    down_at, down_status = health.first(began, healthy=False)
    up_at, _ = health.first(max(ended, down_at or ended), healthy=True) if down_at else (None, None)
    result = {
        **stats.counts,
        "lost": lost,
        "duplicated": duplicated,
        "stored_without_thanks": len(found - stats.thanked),
        "back_s": None if back is None else round(back, 1),
        "longest_gap_s": round(gap, 1),
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


def main():
    # Ctrl+C or a kill still stops the server and the cluster and unmounts the disk.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    started = time.monotonic()
    cluster, server, health = Cluster(), Server(), Health()
    say(f"Starting PostgreSQL on port {PG_PORT} with its data in {cluster.data}...")
    cluster.create()
    if not cluster.tmpfs:
        say("Not root (or no tmpfs): the full-disk fault will be skipped.")
    results = {}
    try:
        link_paths = prepare()
        server.start()
        health.thread.start()
        say(
            f"{RESIDENTS} residents walk without pause (rate limits raised, no minimum time); "
            "each fault in turn:"
        )
        faults = [
            ("fast restart", cluster.fast_restart),
            ("kill -9 postmaster, restart after 3 s", cluster.kill_and_restart),
            ("stall 5 s", lambda: cluster.stall(5)),
            ("stall 40 s", lambda: cluster.stall(40)),
            ("full disk 10 s", lambda: cluster.fill_disk(10)),
            ("worker kill -9 every 10 s", server.kill_workers),
        ]
        only = os.environ.get("FAULTS_ONLY")
        for name, fault in faults:
            if only and not any(part.strip() in name for part in only.split(",")):
                continue
            if name.startswith("full disk") and not cluster.tmpfs:
                say(f"{name}: skipped (needs root to mount a small tmpfs for the data).")
                results[name] = {"skipped": True}
                continue
            results[name] = phase(name, fault, health, link_paths)
    finally:
        health.stopping.set()
        server.stop()
        cluster.destroy(keep_logs=True)
        say(f"Logs: {cluster.log}, {RUN_DIR / 'gunicorn.log'}")
    ran = [r for r in results.values() if not r.get("skipped")]
    summary = {
        "lost": sum(r["lost"] for r in ran),
        "duplicated": sum(r["duplicated"] for r in ran),
        "start_over": sum(r["start_over"] for r in ran),
        "seconds": round(time.monotonic() - started),
        "faults": results,
    }
    say(
        f"All faults: {summary['lost']} lost, {summary['duplicated']} duplicated, "
        f"{summary['start_over']} start-over pages, in {summary['seconds']} s."
    )
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
