"""Fault drill: the site under load while its database restarts and locks.

    .venv/bin/python scripts/fault_drill.py [--seconds 10] [--workers 2]

Starts a throw-away PostgreSQL cluster on another port (initdb, as the
`postgres` user when run as root), loads the demo directory into it, runs
gunicorn with the production settings (`gunicorn.conf.py`, DEBUG off)
against it, and drives a mix of reads (home, search, a service, the API)
and writes (the public "report a problem" form) from several threads while
it, phase by phase:

1. runs steadily;
2. restarts PostgreSQL (`pg_ctl restart -m fast`) under load;
3. locks the service table (ACCESS EXCLUSIVE, from another session) for
   a while, as a stuck migration or job would;
4. runs steadily again.

It prints, per phase, the answers seen (200, 302, 503, other statuses,
connection errors), latencies, and at the end the writes the site
acknowledged against the rows the database holds: rows lost. Everything it
starts is stopped and removed at the end. Needs the PostgreSQL server
binaries (Debian's postgresql package) and the runtime requirements.
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    if path := shutil.which(name):
        return path
    sys.exit(f"PostgreSQL's {name} was not found (install Debian's postgresql).")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of our own, in a temporary folder."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.data = folder / "data"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def run(self, *command, check=True):
        if self.as_postgres:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        self.run(
            pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )
        self.pg_ctl("start", "-w")
        subprocess.run([*self.client("createdb"), "directory"], check=True)

    def client(self, tool: str) -> list[str]:
        """A client program's command, connected to this cluster."""
        return [pg_bin(tool), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]

    def pg_ctl(self, action: str, *extra) -> float:
        started = time.monotonic()
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            # As the README's production section says: no typed words in logs.
            "-c log_min_error_statement=panic -c log_statement=none"
        )
        self.run(
            pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            *extra,
            action,
        )
        return time.monotonic() - started

    def stop(self) -> None:
        self.run(
            pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "immediate",
            "stop",
            check=False,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/directory"

    def psql(self, sql: str) -> str:
        return subprocess.run(
            [*self.client("psql"), "-d", "directory", "-tAc", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()


class Load:
    """Reader and writer threads; each answer is counted in the current phase."""

    def __init__(self, base: str, service_ids: list[str], readers: int, writers: int):
        self.base = base
        self.service_ids = service_ids
        self.phase = "start"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: dict[str, Counter] = {}
        self.latencies: dict[str, list[float]] = {}
        self.acknowledged: list[str] = []  # the marker of each report the site took
        self.threads = [
            threading.Thread(target=self.read, args=(n,), daemon=True)
            for n in range(readers)
        ] + [
            threading.Thread(target=self.write, args=(n,), daemon=True)
            for n in range(writers)
        ]

    def record(self, answer: str, seconds: float) -> None:
        with self.lock:
            self.answers.setdefault(self.phase, Counter())[answer] += 1
            self.latencies.setdefault(self.phase, []).append(seconds)

    def fetch(self, opener, url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, headers=headers or {})
        started = time.monotonic()
        try:
            with opener.open(request, timeout=60) as response:
                body = response.read()
                answer = str(response.status)
        except urllib.error.HTTPError as error:
            body, answer = error.read(), str(error.code)
        except (urllib.error.URLError, OSError) as error:
            body, answer = b"", f"connection error ({type(error).__name__})"
        self.record(answer, time.monotonic() - started)
        return answer, body

    def read(self, n: int) -> None:
        opener = urllib.request.build_opener()
        paths = [
            "/",
            "/services/?q=food",
            "/services/?q=where+can+I+sleep+tonight&open_now=on",
            "/es/services/?q=comida",
            "/api/services?per_page=5",
        ] + [f"/services/{pk}/" for pk in self.service_ids[:5]]
        turn = n
        while not self.stop.is_set():
            self.fetch(opener, self.base + paths[turn % len(paths)])
            turn += 1

    def write(self, n: int) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar),
            _NoRedirects(),
        )
        count = 0
        while not self.stop.is_set():
            count += 1
            marker = f"drill-{n}-{count}"
            pk = self.service_ids[count % len(self.service_ids)]
            url = f"{self.base}/services/{pk}/report/"
            # Each report from its own client, as through a trusted proxy.
            client = {"X-Forwarded-For": f"198.51.{n}.{count % 250 + 1}"}
            answer, page = self.fetch(opener, url, headers=client)
            found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if answer != "200" or not found:
                time.sleep(0.2)
                continue
            form = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": found.group(1).decode(),
                    "problem": "phone",
                    "message": f"The number rings out ({marker}).",
                }
            ).encode()
            answer, _body = self.fetch(
                opener, url, data=form, headers=client | {"Referer": url}
            )
            if answer == "302":
                with self.lock:
                    self.acknowledged.append(marker)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, request, response, code, message, headers):
        return response


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5):
            return
        time.sleep(0.5)
    sys.exit(f"{url} did not answer within {seconds} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="per phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--writers", type=int, default=2)
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="fault-drill-"))
    folder.chmod(0o755)  # the postgres user must reach its cluster inside
    cluster = Cluster(folder / "pg", free_port())
    port = free_port()
    environment = os.environ | {
        "DATABASE_URL": cluster.url,
        "DJANGO_SECRET_KEY": "fault-drill-" + os.urandom(16).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_DEBUG": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(options.workers),
        "DIRECTORY_JOB_DIR": str(folder / "jobs"),
        "DIRECTORY_PUBLIC_EXPORT_DIR": str(folder / "export"),
    }
    gunicorn = None
    try:
        print(f"PostgreSQL cluster on port {cluster.port} ({folder})")
        cluster.start()

        def manage(*arguments):
            subprocess.run(
                [PYTHON, "manage.py", *arguments],
                cwd=ROOT,
                env=environment,
                check=True,
                capture_output=True,
            )

        manage("migrate", "--no-input")
        manage("load_demo_data")
        manage("rebuild_indexes")
        manage("collectstatic", "--no-input")
        service_ids = cluster.psql(
            "SELECT string_agg(id::text, ',') FROM resources_service "
            "WHERE publication_status = 'published'"
        ).split(",")
        before = int(cluster.psql("SELECT count(*) FROM resources_changerequest"))

        gunicorn = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "directory.wsgi",
                "-c",
                "gunicorn.conf.py",
                "--access-logfile",
                os.devnull,
            ],
            cwd=ROOT,
            env=environment,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/")
        print(
            f"gunicorn, {options.workers} workers, at {base}; "
            f"{len(service_ids)} published services\n"
        )

        load = Load(base, service_ids, options.readers, options.writers)
        for thread in load.threads:
            thread.start()
        events = []

        load.phase = "1 steady"
        time.sleep(options.seconds)

        load.phase = "2 PostgreSQL restarts"
        took = cluster.pg_ctl("restart", "-m", "fast", "-w")
        events.append(f"restart took {took:.2f} s")
        time.sleep(options.seconds)

        load.phase = "3 service table locked"
        cluster.psql(
            "BEGIN; LOCK TABLE resources_service IN ACCESS EXCLUSIVE MODE; "
            f"SELECT pg_sleep({options.seconds}); COMMIT;"
        )
        events.append(f"lock held {options.seconds:.0f} s")

        load.phase = "4 steady again"
        time.sleep(options.seconds)
        load.stop.set()
        for thread in load.threads:
            thread.join(timeout=70)

        stored = set(
            re.findall(
                r"drill-\d+-\d+",
                cluster.psql(
                    "SELECT string_agg(message, ' ') FROM resources_changerequest"
                ),
            )
        )
        after = int(cluster.psql("SELECT count(*) FROM resources_changerequest"))
        lost = [marker for marker in load.acknowledged if marker not in stored]
        half_written = after - before - len(stored)

        print(f"{'phase':<26} {'answers':<58} {'p50':>7} {'p99':>7} {'max':>7}")
        for phase, answers in load.answers.items():
            times = sorted(load.latencies[phase])
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            shown = ", ".join(f"{n} × {answer}" for answer, n in answers.most_common())
            print(
                f"{phase:<26} {shown:<58} {statistics.median(times) * 1000:>5.0f}ms"
                f" {p99 * 1000:>5.0f}ms {times[-1] * 1000:>5.0f}ms"
            )
        print()
        print("; ".join(events))
        print(
            f"writes acknowledged: {len(load.acknowledged)}, stored: {len(stored)}, "
            f"lost: {len(lost)}, stored without acknowledgement: "
            f"{len(stored) - len(load.acknowledged) + len(lost)}, "
            f"other new rows: {half_written}"
        )
        gunicorn.terminate()
        _out, errors = gunicorn.communicate(timeout=30)
        kills = errors.count("WORKER TIMEOUT")
        addresses = re.findall(r"\b(?:\d{1,3}\.){3}\d{1,3}\b(?!:\d)", errors)
        print(
            f"gunicorn worker timeouts: {kills}; client addresses in its error "
            f"log: {len([a for a in addresses if not a.startswith('127.')])}"
        )
        log = (cluster.folder / "log").read_text(errors="replace")
        print(
            f"typed words in PostgreSQL's log: "
            f"{'yes' if re.search(r'comida|sleep tonight|rings out', log) else 'none'}"
        )
        summary = {"lost": len(lost), "acknowledged": len(load.acknowledged)}
        print(json.dumps(summary))
        if lost:
            sys.exit(1)
    finally:
        if gunicorn and gunicorn.poll() is None:
            gunicorn.kill()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
