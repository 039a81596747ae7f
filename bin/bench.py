"""`make bench`: resident walks against gunicorn on PostgreSQL, and a ceiling to compare with.

It builds its own database (engagement_bench), loads the demo and a one-page survey of 20
rating questions (bench_data.create_onepage_survey), serves the app with gunicorn (DEBUG off,
2 sync workers, bench_settings) and drives complete surveys (start, consent, every step,
thank-you) of both at 1, 8 and 32 concurrent residents, and the ceiling's survey (the same
job with nothing of ours: bench_urls), a warm-up then three runs of each in turn, medians:
surveys per second, the workers' CPU per survey, a whole survey's p50 and p95, write
transactions per survey, and response ids lost or duplicated. Rate limits are raised and the
minimum time to fill is zero, since one machine plays every resident.

Then the findings phase loads BENCH_RESPONSES (100,000) responses of the demo survey with
their answers (bin/bench_data.py, INSERT ... SELECT in PostgreSQL) and times, as the signed-in
facilitator, the median of 5 requests of the results page and of the organization by community
area cross-tab; then, on the same responses, it downloads every response as CSV, XLSX and
SPSS through gunicorn (default 30 s timeout): csv_s, xlsx_s, sav_s (null when the request did
not finish) and csv_rss_mb, the largest peak resident memory (VmHWM) of the workers after the
CSV. BENCH_PHASES=walks or =results runs one phase alone.

The last line printed is a JSON object with the figures.
"""

import base64
import gzip
import http.client
import http.cookiejar
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP_SECONDS", "3"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CONCURRENCY = [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,8,32").split(",")]
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# BENCH_DATABASE lets two checkouts on one machine bench side by side.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "engagement_bench")
DATABASE_URL = SERVER_URL.rsplit("/", 1)[0] + "/" + BENCH_DATABASE
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "RATE_LIMIT_SUBMISSIONS": "1000000",
    "RATE_LIMIT_PAGES": "1000000",
    "MIN_SECONDS_TO_COMPLETE": "0",
    # The findings phase signs the facilitator in with the password alone.
    "MFA_REQUIRED": "false",
    # The ceiling's pages: the site's settings with the bench's URLconf, beside this script.
    "DJANGO_SETTINGS_MODULE": "bench_settings",
    "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT / "bin"), str(ROOT), os.environ.get("PYTHONPATH", "")])
    ),
    "LOG_LEVEL": "WARNING",
    # Sync workers, one request at a time each, as the speed issue measures (production runs
    # 4 threads per worker so /healthz answers while requests wait on a stalled database).
    "GUNICORN_THREADS": "1",
}
ENV.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
# Sessions (the residents' drafts) in Redis, as in production: REDIS_URL when set, else a
# redis-server of the bench's own (start_redis).
REDIS_PORT = PORT + 10000
PHASES = os.environ.get("BENCH_PHASES", "walks,results").split(",")
RESPONSES = int(os.environ.get("BENCH_RESPONSES", "100000"))
CODINGS = int(os.environ.get("BENCH_CODINGS", "50000"))
FACILITATOR = ("facilitator@demo.example.org", "demo-pass-2026")
sys.path.insert(0, str(ROOT))


def say(text):
    print(text, flush=True)


def manage(*args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_database():
    import psycopg

    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    manage("migrate", "--no-input")
    manage("load_demo", "--force", "--quiet-logins")
    manage("collectstatic", "--no-input", "--clear")
    manage("shell", "-c", "import bench_data; bench_data.create_onepage_survey()")
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, payload jsonb)")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Resident:
    """One resident's browser: its own cookies, no redirects followed. `base`: another
    server than the bench's (bin/faults.py)."""

    def __init__(self, latencies, base=None):
        self.base = base or BASE
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )
        self.latencies = latencies
        self.requests = 0

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.perf_counter()
        try:
            request = urllib.request.Request(self.base + path, data=body)
            with self.opener.open(request, timeout=60) as r:
                status, headers, html = r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as error:
            status, headers, html = error.code, error.headers, error.read().decode()
        self.latencies.append(time.perf_counter() - started)
        self.requests += 1
        return status, headers, html


def tokens(html):
    return dict(re.findall(r'name="(csrfmiddlewaretoken|rid|started)" value="([^"]*)"', html))


def answers_for(html, plan):
    """Answer every question shown on a step page: the planned value, else the first option."""
    data = {}
    for name in dict.fromkeys(re.findall(r'name="(q-[a-z0-9_-]+)"', html)):
        if name.endswith("-other"):
            continue
        if name in plan:
            data[name] = plan[name]
            continue
        values = re.findall(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
        values = [v for v in values if v]
        if values:
            data[name] = values[0]
        elif f'<select name="{name}"' in html:
            options = re.findall(
                rf'<select name="{re.escape(name)}".*?</select>', html, flags=re.S
            )[0]
            data[name] = re.findall(r'<option value="(\d+)"', options)[0]
        elif f'<textarea name="{name}"' in html:
            data[name] = "More light on the street and people who know us."
        else:
            data[name] = "3" if "decimal" in html.split(f'name="{name}"')[1][:80] else "60608"
    return data


PLAN = {
    "q-age_18_plus": "yes",
    "q-live_work_chicago": "live",
    "q-police_contact_12m": "yes",
    "q-zip_code": "60608",
    "q-household_size": "3",
}


_answers_by_step = {}


def step_answers(step, html):
    """Every resident gives the same answers on a step: work them out once per step."""
    key = (step.rstrip("/").rsplit("/", 1)[-1], *sorted(set(re.findall(r'name="(q-[^"]+)"', html))))
    if key not in _answers_by_step:
        _answers_by_step[key] = answers_for(html, PLAN)
    return _answers_by_step[key]


def response_id(thanks_path):
    """The response id inside the signed value of a thank-you URL (its JSON payload)."""
    signed = thanks_path.rstrip("/").rsplit("/", 1)[-1]
    payload = signed.split(":", 1)[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))[0]


def walk(resident, link_path):
    """Start, consent, every step, thank-you: the response id when it ends on the thank-you
    page, else None. Consent is given on the start page when the start page offers it, with
    the answers when the start page shows the questions (a survey on one page)."""
    status, _, html = resident.request(link_path)
    consent = link_path + "consent/"
    if 'name="decision" value="agree"' not in html:
        status, _, html = resident.request(consent)
    answers = step_answers(link_path, html) if 'name="q-' in html else {}
    status, headers, _ = resident.request(consent, {**tokens(html), **answers, "decision": "agree"})
    if status != 302:
        return None
    step = headers["Location"]
    for _ in range(20):
        if "/thanks/" in step:
            status, _, _ = resident.request(step)
            return response_id(step) if status == 200 else None
        status, _, html = resident.request(step)
        if status != 200:
            return None
        status, headers, _ = resident.request(
            step, {**tokens(html), **step_answers(step, html), "action": "next"}
        )
        if status != 302:
            return None
        step = headers["Location"]
    return None


CEILING_ANSWERS = {f"q{n:02d}": "4" for n in range(1, 21)}


def ceiling_walk(resident, _path):
    """The ceiling's survey: GET the form, POST it, GET the thank-you page."""
    status, _, html = resident.request("/bench/ceiling/")
    status, headers, _ = resident.request("/bench/ceiling/", {**tokens(html), **CEILING_ANSWERS})
    if status != 302:
        return None
    status, _, _ = resident.request(headers["Location"])
    return headers["Location"] if status == 200 else None


def worker_cpu_seconds(server):
    """CPU time (user and system) that gunicorn's worker processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, ...; utime and stime are fields 14 and 15.
        if fields[1] == str(server.pid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def database_counters():
    """Committed transactions of the bench database (pg_stat_database: reads included) and
    committed write transactions (xids noted by the bench's triggers, see note_writes)."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        # Statistics are flushed by each backend at most once a second.
        time.sleep(1.1)
        conn.execute("SELECT pg_stat_clear_snapshot()")
        xacts = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]
        writes = conn.execute("SELECT count(*) FROM bench_writes").fetchone()[0]
    return xacts, writes


def note_writes():
    """Triggers that note the id of every transaction that writes to a table of the app, so
    the bench counts write transactions of this database alone (pg_stat_database counts the
    reads too, and the cluster's transaction ids move with other databases' work)."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_writes (xid xid8 PRIMARY KEY)")
        conn.execute(
            """
            CREATE FUNCTION bench_note_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO bench_writes VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
                RETURN NULL;
            END $$
            """
        )
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'bench_writes'"
            )
        ]
        for table in tables:
            conn.execute(
                f'CREATE TRIGGER bench_note_write AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION bench_note_write()"
            )


def run_walks(server, concurrency, paths, walker, seconds):
    """`concurrency` residents doing complete surveys for `seconds`: surveys per second, the
    workers' CPU per survey, a whole survey's time, transactions per survey, response ids."""
    latencies, survey_times, ids, failed = [], [], [], [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker(index):
        n = index
        while time.perf_counter() < stop:
            # Every walk is a new resident: a fresh cookie jar.
            started = time.perf_counter()
            done = walker(Resident(latencies), paths[n % len(paths)])
            n += concurrency
            with lock:
                if done is None:
                    failed[0] += 1
                else:
                    ids.append(done)
                    survey_times.append(time.perf_counter() - started)

    xacts, writes = database_counters()
    cpu = worker_cpu_seconds(server)
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = worker_cpu_seconds(server) - cpu
    xacts_after, writes_after = database_counters()
    surveys = len(ids)
    ordered = sorted(survey_times) or [0]
    return {
        "surveys": surveys,
        "failed": failed[0],
        "surveys_per_s": surveys / elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "cpu_ms_per_survey": 1000 * cpu / max(surveys, 1),
        "survey_p50_ms": 1000 * statistics.median(ordered),
        "survey_p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
        "commits_per_survey": (writes_after - writes) / max(surveys, 1),
        "xacts_per_survey": (xacts_after - xacts) / max(surveys, 1),
        "ids": ids,
    }


def stored_ids():
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        return {row[0].hex for row in conn.execute("SELECT id FROM surveys_response")}


def lost_and_duplicated(ids, before):
    """Response ids the residents saw a thank-you page for, against the responses stored
    since `before`: lost (thanked, not stored) and duplicated (thanked twice, or stored
    without a thank-you)."""
    stored = stored_ids() - before
    thanked = set(ids)
    return len(thanked - stored), (len(ids) - len(thanked)) + len(stored - thanked)


def page_weight_and_queries():
    """Heaviest step page, first visit: compressed bytes of HTML+CSS+JS and SQL queries;
    queries of the request that stores a response. Measured in process, autocommit."""
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "engagement.settings"
    # Counted as before: sessions in PostgreSQL and this process's own cache (cleared below
    # without touching anyone's Redis).
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from surveys.models import CollectionLink

    link = CollectionLink.objects.filter(kind="web").order_by("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    path = link.get_absolute_url()
    html = client.get(path + "consent/").content.decode()
    step = client.post(path + "consent/", {**tokens(html), "decision": "agree"})["Location"]
    heaviest = (0, 0, "")
    submit_queries = 0
    for _ in range(20):
        cache.clear()  # first visit: nothing cached in this process
        with CaptureQueriesContext(connection) as queries:
            page = client.get(step)
        html = page.content.decode()
        assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
        size = len(gzip.compress(page.content, 6))
        for asset in assets:
            # What whitenoise serves: the collected file's compressed copy.
            size += len(gzip.compress((Path(settings.STATIC_ROOT) / asset).read_bytes(), 9))
        if size > heaviest[0]:
            heaviest = (size, len(queries), step)
        data = {**tokens(html), **answers_for(html, PLAN), "action": "next"}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(step, data)
        step = response["Location"]
        if "/thanks/" in step:
            submit_queries = len(queries)
            break
    return heaviest[0] / 1024, heaviest[1], submit_queries, heaviest[2]


def signed_in(email, password):
    """An HTTP client signed in through the sign-in form, as a person would be."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
    )
    html = opener.open(BASE + "/accounts/login/", timeout=30).read().decode()
    token = tokens(html)["csrfmiddlewaretoken"]
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": password}
    ).encode()
    try:
        opener.open(urllib.request.Request(BASE + "/accounts/login/", data=body), timeout=30)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
    return opener


def median_ms(opener, path, runs=5):
    """The median time of `runs` requests of a page after one warm-up request."""
    opener.open(BASE + path, timeout=120).read()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with opener.open(BASE + path, timeout=120) as response:
            response.read()
            assert response.status == 200, (path, response.status)
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def area_id():
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        return str(
            conn.execute(
                "SELECT area_id FROM surveys_response WHERE area_id IS NOT NULL LIMIT 1"
            ).fetchone()[0]
        )


def findings_phase(server):
    """100,000 responses, then the facilitator's results pages, timed."""
    import psycopg

    sys.path.insert(0, str(ROOT / "bin"))
    from bench_data import load_codings, load_responses

    say(f"Loading {RESPONSES:,} responses of the demo survey into {BENCH_DATABASE}...")
    started = time.perf_counter()
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        load_responses(conn, RESPONSES)
        conn.execute("VACUUM ANALYZE surveys_response")
        conn.execute("VACUUM ANALYZE surveys_answer")
        responses, answers = conn.execute(
            "SELECT (SELECT count(*) FROM surveys_response), (SELECT count(*) FROM surveys_answer)"
        ).fetchone()
    say(f"  {responses:,} responses, {answers:,} answers in {time.perf_counter() - started:.0f} s")
    manage("load_demo_codebook", "--force", "--themes-only")
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        load_codings(conn, CODINGS)
        conn.execute("VACUUM ANALYZE findings_coding")
        codings = conn.execute("SELECT count(*) FROM findings_coding").fetchone()[0]
    say(f"  {codings:,} codings")
    facilitator = signed_in(*FACILITATOR)
    figures = {
        # The demo survey by name: the walks' one-page survey is newer and would be the
        # pages' default.
        "results_ms": median_ms(facilitator, "/staff/results/?instrument=community-safety-2026"),
        "crosstab_ms": median_ms(
            facilitator,
            "/staff/results/crosstab/?instrument=community-safety-2026&rows=organization&cols=area",
        ),
        "themes_ms": median_ms(facilitator, "/staff/themes/?by=organization"),
        # The response list: newest first, a search that matches most text answers, one
        # that matches none, and a community area.
        "responses_ms": median_ms(facilitator, "/staff/responses/"),
        "responses_search_ms": median_ms(facilitator, "/staff/responses/?q=street+and+people"),
        "responses_search_none_ms": median_ms(facilitator, "/staff/responses/?q=zzqx"),
        "responses_area_ms": median_ms(facilitator, "/staff/responses/?area=" + area_id()),
        # The staff and the admin response lists, unfiltered, first page: counts and sorting
        # over every row.
        "staff_list_ms": median_ms(facilitator, "/staff/responses/"),
        "admin_list_ms": median_ms(facilitator, "/admin/surveys/response/"),
    }
    say(
        f"Results page {figures['results_ms']:.0f} ms, organization by community area "
        f"cross-tab {figures['crosstab_ms']:.0f} ms, themes by organization "
        f"{figures['themes_ms']:.0f} ms (median of 5, {responses:,} responses, "
        f"{codings:,} codings)"
    )
    say(
        f"Response list {figures['responses_ms']:.0f} ms, searched "
        f"{figures['responses_search_ms']:.0f} ms (most match) and "
        f"{figures['responses_search_none_ms']:.0f} ms (none match), one community area "
        f"{figures['responses_area_ms']:.0f} ms"
    )
    say(
        f"Staff response list {figures['staff_list_ms']:.0f} ms, admin response list "
        f"{figures['admin_list_ms']:.0f} ms (unfiltered, first page, median of 5)"
    )
    figures = {key: round(value, 1) for key, value in figures.items()}
    return figures | downloads_figures(facilitator, server) | {"findings_responses": responses}


def peak_mb(pids):
    """The largest peak resident memory (VmHWM) of these processes."""
    peaks = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks) if peaks else None


def children(pid):
    return [
        path.parent.name
        for path in Path("/proc").glob("[0-9]*/stat")
        if _parent_of(path) == str(pid)
    ]


def _parent_of(stat):
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[1]
    except (OSError, IndexError):
        return None


def worker_peak_mb(server):
    """The largest peak resident memory of gunicorn's worker processes."""
    return peak_mb(children(server.pid))


def timed_download(opener, path):
    """Seconds to download `path` whole through gunicorn, and its size; None when the
    worker was killed (gunicorn's 30 s timeout) or the request failed. A file prepared in
    the background (a redirect to its progress page) counts until it is downloaded."""
    started = time.perf_counter()
    size = 0
    try:
        try:
            response = opener.open(BASE + path, timeout=120)
        except urllib.error.HTTPError as error:
            if error.code != 302:
                raise
            status_path = error.headers["Location"]
            while True:
                with opener.open(BASE + status_path + "?json", timeout=30) as answer:
                    status = json.loads(answer.read())
                if status["status"] == "ready":
                    break
                if status["status"] == "failed" or time.perf_counter() - started > 600:
                    say(f"  {path}: preparing failed ({status['status']})")
                    return None, size
                time.sleep(0.5)
            response = opener.open(BASE + status["file_url"], timeout=120)
        with response:
            while piece := response.read(1 << 20):
                size += len(piece)
    except (OSError, http.client.HTTPException) as error:
        say(f"  {path}: failed after {time.perf_counter() - started:.1f} s ({error})")
        return None, size
    return time.perf_counter() - started, size


def downloads_figures(facilitator, server):
    """Every response (included and excluded, free text in, multiple choice both ways) as
    CSV, XLSX and SPSS through gunicorn with its default 30 s timeout. Files too large for
    a request are prepared by the task queue's worker (started here as `make run` does):
    their time runs from the click to the end of the download, and their memory is the
    worker's."""
    query = "?instrument=community-safety-2026&scope=all&free_text=on&multiple=both&labels=en"
    figures = {}
    for name in ("csv", "xlsx", "sav"):
        worker = None
        if name != "csv":
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "-v", "0"],
                cwd=ROOT,
                env=ENV,
            )
        try:
            seconds, size = timed_download(facilitator, f"/staff/downloads/responses.{name}{query}")
            if name == "csv":
                figures["csv_rss_mb"] = round(worker_peak_mb(server) or 0, 1)
            else:
                figures[f"{name}_rss_mb"] = round(peak_mb([worker.pid]) or 0, 1)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(30)
        figures[f"{name}_s"] = None if seconds is None else round(seconds, 1)
        if seconds is not None:
            say(f"  responses.{name}: {seconds:.1f} s, {size / 1e6:.0f} MB")
    say(
        f"Downloads: CSV {figures['csv_s']} s (worker peak {figures['csv_rss_mb']} MB), "
        f"XLSX {figures['xlsx_s']} s ({figures['xlsx_rss_mb']} MB), SPSS {figures['sav_s']} s "
        f"({figures['sav_rss_mb']} MB), the last two prepared in the background (None: not "
        "finished)"
    )
    return figures


def start_redis():
    """REDIS_URL as given, or Debian's redis-server on a port of the bench's own, without
    persistence; returns the process to stop, if any."""
    if os.environ.get("REDIS_URL"):
        return None
    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    ENV["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
    for _ in range(50):
        if (
            subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True
            ).stdout.strip()
            == b"PONG"
        ):
            break
        time.sleep(0.1)
    return redis


def start_server(workers):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "engagement/gunicorn.conf.py",
            "engagement.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return server


def link_paths(conn, instrument_code):
    """The instrument's web links in English, Spanish and Chinese, residents taking turns."""
    tokens_ = [
        row[0]
        for row in conn.execute(
            "SELECT l.token FROM surveys_collectionlink l "
            "JOIN surveys_instrument i ON i.id = l.instrument_id "
            "WHERE l.kind = 'web' AND i.code = %s ORDER BY l.id",
            [instrument_code],
        )
    ]
    return [f"/{lang}/s/{token}/" for lang in ("en", "es", "zh-hans") for token in tokens_]


def median_of(runs, key):
    return statistics.median(run[key] for run in runs)


def walks_phase():
    """Completed surveys per second, ours (the demo survey and the one-page survey) and the
    ceiling's, at 1, 8 and 32 concurrent residents: a warm-up, then three runs of each in
    turn (so that other work on the machine weighs on all three alike), medians."""
    import psycopg

    sys.path.insert(0, str(ROOT / "bin"))
    from bench_data import ONEPAGE_CODE

    note_writes()
    # Residents' figures with 2 sync workers, as the ceiling's.
    server = start_server(os.environ.get("BENCH_WORKERS", "2"))
    try:
        with psycopg.connect(DATABASE_URL) as conn:
            surveys = {
                "demo": link_paths(conn, "community-safety-2026"),
                "onepage": link_paths(conn, ONEPAGE_CODE),
            }
        before = stored_ids()
        jobs = {name: (paths, walk) for name, paths in surveys.items()}
        jobs["ceiling"] = ([""], ceiling_walk)
        by_survey = {name: {} for name in surveys}
        all_ids = []
        for concurrency in CONCURRENCY:
            runs = {name: [] for name in jobs}
            for name, (paths, walker) in jobs.items():
                warmup = run_walks(server, concurrency, paths, walker, WARMUP_SECONDS)
                if name != "ceiling":
                    all_ids += warmup["ids"]
            for _ in range(RUNS):
                for name, (paths, walker) in jobs.items():
                    result = run_walks(server, concurrency, paths, walker, SECONDS)
                    if name != "ceiling":
                        all_ids += result["ids"]
                    runs[name].append(result)
            ceiling = {
                key: median_of(runs["ceiling"], key)
                for key in ("surveys_per_s", "cpu_ms_per_survey")
            }
            for name in surveys:
                figures = {
                    key: median_of(runs[name], key)
                    for key in (
                        "surveys_per_s",
                        "requests_per_s",
                        "cpu_ms_per_survey",
                        "survey_p50_ms",
                        "survey_p95_ms",
                        "commits_per_survey",
                        "xacts_per_survey",
                    )
                }
                figures["ceiling_surveys_per_s"] = ceiling["surveys_per_s"]
                figures["ceiling_cpu_ms_per_survey"] = ceiling["cpu_ms_per_survey"]
                figures["ratio"] = figures["surveys_per_s"] / ceiling["surveys_per_s"]
                figures["failed"] = sum(run["failed"] for run in runs[name])
                figures["runs_surveys_per_s"] = [run["surveys_per_s"] for run in runs[name]]
                figures = {
                    key: [round(v, 2) for v in value]
                    if isinstance(value, list)
                    else round(value, 3 if key == "ratio" else 2)
                    for key, value in figures.items()
                }
                by_survey[name][str(concurrency)] = figures
                say(
                    f"{name:>7}, {concurrency:>2} residents: {figures['surveys_per_s']:.1f} "
                    f"surveys/s (ceiling {figures['ceiling_surveys_per_s']:.1f}, ratio "
                    f"{figures['ratio']:.3f}), {figures['cpu_ms_per_survey']:.1f} ms CPU per "
                    f"survey (ceiling {figures['ceiling_cpu_ms_per_survey']:.1f}), survey p50 "
                    f"{figures['survey_p50_ms']:.0f} ms p95 {figures['survey_p95_ms']:.0f} ms, "
                    f"{figures['commits_per_survey']:.2f} write transactions per survey "
                    f"({figures['xacts_per_survey']:.1f} in all), {figures['failed']} failed"
                )
        lost, duplicated = lost_and_duplicated(all_ids, before)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    say(f"{len(all_ids)} surveys completed: {lost} lost, {duplicated} duplicated")
    page_kb, page_queries, submit_queries, heaviest = page_weight_and_queries()
    say(
        f"Heaviest step page ({heaviest}): {page_kb:.1f} KB compressed with its CSS and JS, "
        f"{page_queries} queries; storing request: {submit_queries} queries"
    )
    top = by_survey["onepage"]["8"]
    return {
        key: top[key]
        for key in (
            "surveys_per_s",
            "ceiling_surveys_per_s",
            "ratio",
            "cpu_ms_per_survey",
            "ceiling_cpu_ms_per_survey",
            "survey_p50_ms",
            "survey_p95_ms",
            "commits_per_survey",
            "requests_per_s",
        )
    } | {
        "completed": len(all_ids),
        "lost": lost,
        "duplicated": duplicated,
        "page_kb": round(page_kb, 1),
        "page_queries": page_queries,
        "submit_queries": submit_queries,
        "by_survey": by_survey,
    }


def main():
    redis = start_redis()
    try:
        run_phases()
    finally:
        if redis:
            redis.terminate()
            redis.wait(10)


def run_phases():
    say(f"Preparing the bench database ({BENCH_DATABASE}) with the demo data...")
    prepare_database()
    say(
        "Rate limits raised and the minimum time to fill set to 0 for this run: one machine "
        "plays every resident."
    )
    summary = {}
    if "walks" in PHASES:
        summary.update(walks_phase())
    if "results" in PHASES:
        server = start_server(os.environ.get("BENCH_RESULTS_WORKERS", "4"))
        try:
            summary.update(findings_phase(server))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
