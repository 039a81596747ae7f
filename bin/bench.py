"""`make bench`: resident walks against gunicorn on PostgreSQL, and a ceiling to compare with.

It builds its own database (engagement_bench), loads the demo, serves the app with gunicorn
(DEBUG off) and drives complete resident walks (start, consent, every step, thank-you) at 1, 8
and 32 concurrent residents. Rate limits are raised and the minimum time to fill is zero, since
one machine plays every resident. Beside that it measures a ceiling: a minimal endpoint behind
the same middleware that accepts a POST of 20 answers and inserts one row.

Then the findings phase loads BENCH_RESPONSES (100,000) responses of the demo survey with
their answers (bin/bench_data.py, INSERT ... SELECT in PostgreSQL) and times, as the signed-in
facilitator, the median of 5 requests of the results page and of the organization by community
area cross-tab; then, on the same responses, it downloads every response as CSV, XLSX and
SPSS through gunicorn (default 30 s timeout): csv_s, xlsx_s, sav_s (null when the request did
not finish) and csv_rss_mb, the largest peak resident memory (VmHWM) of the workers after the
CSV. BENCH_PHASES=walks or =results runs one phase alone.

The last line printed is a JSON object with the figures.
"""

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
SECONDS = float(os.environ.get("BENCH_SECONDS", "12"))
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
    # The ceiling endpoint lives in the bench's own URLconf, beside this script.
    "ROOT_URLCONF": "bench_urls",
    "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT / "bin"), str(ROOT), os.environ.get("PYTHONPATH", "")])
    ),
    "LOG_LEVEL": "WARNING",
}
ENV.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
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
    return dict(re.findall(r'name="(csrfmiddlewaretoken|rid)" value="([^"]*)"', html))


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
    number = step.rstrip("/").rsplit("/", 1)[-1]
    if number not in _answers_by_step:
        _answers_by_step[number] = answers_for(html, PLAN)
    return _answers_by_step[number]


def walk(resident, link_path):
    """Start, consent, every step, thank-you. True when it ends on the thank-you page."""
    status, _, _ = resident.request(link_path)
    consent = link_path + "consent/"
    status, _, html = resident.request(consent)
    status, headers, _ = resident.request(consent, {**tokens(html), "decision": "agree"})
    step = headers["Location"]
    for _ in range(20):
        status, _, html = resident.request(step)
        if status != 200:
            return False
        status, headers, _ = resident.request(
            step, {**tokens(html), **step_answers(step, html), "action": "next"}
        )
        if status != 302:
            return False
        step = headers["Location"]
        if "/thanks/" in step:
            status, _, _ = resident.request(step)
            return status == 200
    return False


def run_walks(concurrency, link_paths):
    latencies, done, failed = [], [0], [0]
    cpu = time.process_time()
    stop = time.perf_counter() + SECONDS
    lock = threading.Lock()

    def worker(index):
        while time.perf_counter() < stop:
            # Every walk is a new resident: a fresh cookie jar.
            ok = walk(Resident(latencies), link_paths[index % len(link_paths)])
            with lock:
                done[0] += ok
                failed[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "concurrency": concurrency,
        "surveys": done[0],
        "failed": failed[0],
        "surveys_per_s": done[0] / elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
        "client_cpu_s": time.process_time() - cpu,
        "seconds": elapsed,
    }


def run_ceiling(concurrency):
    latencies = []
    stop = time.perf_counter() + SECONDS
    payload = {f"q{i}": "agree" for i in range(20)}

    def worker():
        resident = Resident(latencies)
        while time.perf_counter() < stop:
            resident.request("/bench/ceiling", payload)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started)


def page_weight_and_queries():
    """Heaviest step page, first visit: compressed bytes of HTML+CSS+JS and SQL queries;
    queries of the request that stores a response. Measured in process, autocommit."""
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "engagement.settings"
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
        "results_ms": median_ms(facilitator, "/staff/results/"),
        "crosstab_ms": median_ms(
            facilitator, "/staff/results/crosstab/?rows=organization&cols=area"
        ),
        "themes_ms": median_ms(facilitator, "/staff/themes/?by=organization"),
        # The response list: newest first, a search that matches most text answers, one
        # that matches none, and a community area.
        "responses_ms": median_ms(facilitator, "/staff/responses/"),
        "responses_search_ms": median_ms(facilitator, "/staff/responses/?q=street+and+people"),
        "responses_search_none_ms": median_ms(facilitator, "/staff/responses/?q=zzqx"),
        "responses_area_ms": median_ms(facilitator, "/staff/responses/?area=" + area_id()),
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


def start_server():
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
            os.environ.get("BENCH_WORKERS", "4"),
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


def stored_responses():
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute("SELECT count(*) FROM surveys_response").fetchone()[0]


def walks_phase():
    server = start_server()
    try:
        import psycopg

        with psycopg.connect(DATABASE_URL) as conn:
            tokens_ = [
                row[0]
                for row in conn.execute(
                    "SELECT token FROM surveys_collectionlink WHERE kind = 'web' ORDER BY id"
                )
            ]
        link_paths = [f"/en/s/{token}/" for token in tokens_]
        link_paths += [f"/es/s/{token}/" for token in tokens_] + [
            f"/zh-hans/s/{token}/" for token in tokens_
        ]
        before = stored_responses()
        results = {}
        for concurrency in (1, 8, 32):
            result = run_walks(concurrency, link_paths)
            results[concurrency] = result
            say(
                f"{concurrency:>2} residents: {result['surveys']} surveys "
                f"({result['surveys_per_s']:.1f}/s), {result['requests_per_s']:.0f} requests/s, "
                f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
                f"{result['failed']} failed walks; the load generator itself used "
                f"{100 * result['client_cpu_s'] / result['seconds']:.0f}% of one core"
            )
        completed = sum(r["surveys"] for r in results.values())
        stored = stored_responses() - before
        ceiling = run_ceiling(8)
        say(f"Ceiling (minimal POST of 20 answers inserting one row, 8 clients): {ceiling:.0f}/s")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    page_kb, page_queries, submit_queries, heaviest = page_weight_and_queries()
    say(
        f"Heaviest step page ({heaviest}): {page_kb:.1f} KB compressed with its CSS and JS, "
        f"{page_queries} queries; storing request: {submit_queries} queries"
    )
    at8 = results[8]
    summary = {
        "surveys_per_s": round(at8["surveys_per_s"], 2),
        "requests_per_s": round(at8["requests_per_s"], 1),
        "ceiling_per_s": round(ceiling, 1),
        "ratio": round(at8["requests_per_s"] / ceiling, 3),
        "p50_ms": round(at8["p50_ms"], 1),
        "p95_ms": round(at8["p95_ms"], 1),
        "page_kb": round(page_kb, 1),
        "page_queries": page_queries,
        "submit_queries": submit_queries,
        "completed": completed,
        "stored": stored,
        "lost": max(0, completed - stored),
        "duplicated": max(0, stored - completed),
        "by_concurrency": {
            str(c): {k: round(v, 2) for k, v in r.items() if k != "concurrency"}
            for c, r in results.items()
        },
    }
    return summary


def main():
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
        server = start_server()
        try:
            summary.update(findings_phase(server))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
