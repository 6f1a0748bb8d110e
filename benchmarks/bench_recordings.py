"""groupbot's recording endpoint under load: 1 MB uploads from 20 concurrent clients.

The front ``groupbot serve`` runs (``bot.app.asgi_app``, uvicorn with
``bot.web.uvicorn_options()``) serves in a child process, as one gunicorn worker would;
20 client threads each PUT a 1 MB mp3 again and again on a keep-alive connection, as
Kazoo uploads it (``/call_recording_<id>.mp3?call_id=…``), for 30 s. Reported: uploads
a second (each streamed to RECORDINGS_DIR, renamed into place and counted in the
database), latency, and the server process's RSS sampled every 0.5 s (VmRSS), to show
its memory stays flat while it streams: a body is never held whole.

    .venv/bin/python benchmarks/bench_recordings.py                  # SQLite
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/bench_recordings.py              # and PostgreSQL
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlsplit

from common import on_sqlite_and_postgres

TEAM = "TBENCHREC"
MB = 1_000_000
BODY = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x55" * (MB - 10)


def serve_child(url: str, root: str, listener: socket.socket, pipe: Connection) -> None:
    """The server process: a workspace with one group, the front served on ``listener``."""
    import uvicorn

    from bot.app import asgi_app, build_services, create_app
    from bot.config import Settings
    from bot.engine.model import Group, Member
    from bot.services import Actor, WorkspaceSettings
    from bot.storage.directory_file import demo_directory_text
    from bot.storage.migrate import upgrade
    from bot.web import uvicorn_options

    upgrade(url)
    settings = Settings(
        database_url=url,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench",
        slack_api_url="http://127.0.0.1:9",
        pbx_export_dir=Path(root) / "callflows",
        recordings_dir=Path(root) / "recordings",
        groupbot_public_url="https://groupbot.example.com",
    )
    services = build_services(settings)
    admin = Actor(TEAM, "UADMIN", is_admin=True)
    services.setup_workspace(admin, WorkspaceSettings(TEAM, "e" * 32))
    services.import_directory(TEAM, demo_directory_text())
    alice = services.pbx_user_for(TEAM, "U-alice", "alice@example.com")
    group = Group(name="Sales", extension="201", members=(Member(user_id=alice),))
    services.create_group(admin, group)
    pipe.send(urlsplit(services.recording_url_for(TEAM, "Sales")).path)
    front = asgi_app(create_app(settings, services), settings, services)
    config = uvicorn.Config(front, log_level="warning", access_log=False, **uvicorn_options())
    uvicorn.Server(config).run(sockets=[listener])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1000
    return 0.0


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as root:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        ours, theirs = multiprocessing.Pipe()
        child = multiprocessing.get_context("fork").Process(
            target=serve_child, args=(url, root, listener, theirs), daemon=True
        )
        child.start()
        path = ours.recv()
        time.sleep(1.0)  # uvicorn starts listening
        assert child.pid is not None
        stop = time.monotonic() + args.seconds
        latencies: list[float] = []
        refused: list[int] = []
        lock = threading.Lock()

        def client(number: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            sent = 0
            while time.monotonic() < stop:
                sent += 1
                target = f"{path}/call_recording_{number}_{sent}.mp3?call_id={number}_{sent}"
                began = time.perf_counter()
                connection.request("PUT", target, body=BODY, headers={"Content-Type": "audio/mpeg"})
                answer = connection.getresponse()
                answer.read()
                with lock:
                    if answer.status == 201:
                        latencies.append(time.perf_counter() - began)
                    else:
                        refused.append(answer.status)
            connection.close()

        rss: list[float] = [rss_mb(child.pid)]
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            time.sleep(0.5)
            rss.append(rss_mb(child.pid))
        took = time.monotonic() - began
        child.kill()
        child.join()
        files = sum(1 for p in Path(root, "recordings").rglob("*.mp3"))
    third = max(len(rss) // 3, 1)
    print(
        f"{name}: {len(latencies)} uploads of 1 MB in {took:.1f} s from {args.clients} clients"
        f" = {len(latencies) / took:.1f} uploads/s ({len(latencies) / took:.1f} MB/s);"
        f" {files} files kept; refused {len(refused)}"
    )
    if latencies:
        ordered = sorted(latencies)
        print(
            f"  latency median {statistics.median(ordered) * 1000:.0f} ms,"
            f" p95 {ordered[int(len(ordered) * 0.95)] * 1000:.0f} ms"
        )
    print(
        f"  server RSS (MB): before {rss[0]:.0f}, first third max {max(rss[1 : third + 1]):.0f},"
        f" last third max {max(rss[-third:]):.0f}, overall max {max(rss):.0f}"
        f" ({len(rss)} samples)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    on_sqlite_and_postgres(lambda name, url: bench(name, url, args), args.postgres)


if __name__ == "__main__":
    main()
