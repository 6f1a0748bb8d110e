"""``groupbot serve`` while clients stall: latency of ``/healthz`` and of a signed
``/group help`` with 0, 50 (and more) connections that send a request's head and part
of its body, then nothing. Run by hand, not in the tests.

The server is ``groupbot serve --host 127.0.0.1`` as a subprocess (``--root`` runs the
one of another checkout, to compare), with the Slack emulator standing in for Slack. For
each count of stalled clients, a thread keeps that many stalled connections open (each
sends a head with ``Content-Length: 1000`` and 10 bytes, or with ``--mid-head`` half a
head, and reopens when the server drops it) while a probe pair (``/healthz``, then
``/group help``) runs every 0.1 s for ``--seconds``, long enough to see stalled clients
dropped. Every loop is bounded in count and time; the server is stopped at the end.

    .venv/bin/python benchmarks/bench_slow_clients.py [--stalled 0 50 200]
        [--seconds 12] [--workers 2] [--mid-head] [--root PATH]
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from slackemu.driver import Driver
from slackemu.server import SlackEmulator

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
USER = "U0ALICE"
CHANNEL = "C0GENERAL"
PROBE_TIMEOUT = 10.0  # a probe slower than this counts as timed out
PHASE_SECONDS = 60.0  # the most one count of stalled clients may take


class Stallers:
    """Keeps ``count`` stalled connections open until stopped; counts the drops."""

    def __init__(self, port: int, count: int, mid_head: bool) -> None:
        self.port, self.count, self.mid_head = port, count, mid_head
        self.open: list[tuple[socket.socket, float]] = []
        self.dropped: list[float] = []  # seconds from open to the server's close
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        head = (
            "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n"
        )
        raw.sendall(head.encode() if self.mid_head else head.encode() + b"\r\n" + b"x" * 10)
        raw.setblocking(False)
        self.open.append((raw, time.monotonic()))

    def _run(self) -> None:
        deadline = time.monotonic() + PHASE_SECONDS
        while not self.stop.is_set() and time.monotonic() < deadline:
            while len(self.open) < self.count:
                self._connect()
            still: list[tuple[socket.socket, float]] = []
            for raw, opened in self.open:
                try:
                    data = raw.recv(4096)
                except BlockingIOError:
                    still.append((raw, opened))
                    continue
                except OSError:
                    data = b""
                if data:  # the server's answer (a 408): the close follows
                    still.append((raw, opened))
                    continue
                self.dropped.append(time.monotonic() - opened)
                raw.close()
            self.open = still
            self.stop.wait(0.05)
        for raw, _ in self.open:
            raw.close()

    def __enter__(self) -> Stallers:
        self.thread.start()
        deadline = time.monotonic() + 10
        while len(self.open) < self.count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)


def probe(port: int, method: str, path: str, body: bytes, headers: dict[str, str]) -> float | None:
    """Seconds to the whole answer, or None past PROBE_TIMEOUT or on an error status."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            return None
        return time.perf_counter() - started
    except OSError:
        return None
    finally:
        connection.close()


def summary(name: str, times: list[float | None]) -> str:
    done = sorted(t for t in times if t is not None)
    missed = len(times) - len(done)
    if not done:
        return f"  {name:8} all {missed} timed out or failed"
    p50 = statistics.median(done) * 1000
    worst = done[-1] * 1000
    return f"  {name:8} median {p50:6.1f} ms   max {worst:7.1f} ms   failed {missed}/{len(times)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stalled", type=int, nargs="+", default=[0, 50, 200])
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mid-head", action="store_true", help="stall in the head instead")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()

    with SlackEmulator(tokens=[TOKEN]) as emu, tempfile.TemporaryDirectory() as folder:
        emu.add_user(USER, "alice", "alice@example.com", is_admin=True)
        emu.add_channel(CHANNEL, "general")
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": emu.base_url,
            "PBX_EXPORT_DIR": str(Path(folder) / "callflows"),
            "PORT": str(port),
            "WEB_CONCURRENCY": str(args.workers),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
            cwd=args.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while probe(port, "GET", "/healthz", b"", {}) is None:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("groupbot serve did not become healthy")
                time.sleep(0.2)
            driver = Driver(emu, SECRET)
            stall = "mid-head" if args.mid_head else "mid-body"
            print(f"groupbot serve ({args.root}), {args.workers} workers, clients stall {stall}")
            for count in args.stalled:
                with Stallers(port, count, args.mid_head) as stallers:
                    health: list[float | None] = []
                    helps: list[float | None] = []
                    until = time.monotonic() + min(args.seconds, PHASE_SECONDS - 15)
                    for _ in range(int(args.seconds * 10)):
                        if time.monotonic() > until:
                            break
                        health.append(probe(port, "GET", "/healthz", b"", {}))
                        request = driver.slash_command("help", user_id=USER, channel_id=CHANNEL)
                        body = request.body.encode()
                        helps.append(probe(port, "POST", "/slack/events", body, request.headers))
                        time.sleep(0.1)
                    held = len(stallers.open)
                print(f"{count} stalled ({held} open at the end):")
                print(summary("healthz", health))
                print(summary("help", helps))
                if stallers.dropped:
                    drops = sorted(stallers.dropped)
                    print(
                        f"  dropped  {len(drops)} stalled connections,"
                        f" after {drops[0]:.1f}–{drops[-1]:.1f} s"
                    )
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
