"""groupbot's recording endpoint over real HTTP: the front ``groupbot serve`` runs, served
by uvicorn in a thread (tests/slack/live.py), uploads sent as Kazoo sends them."""

from __future__ import annotations

import http.client
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.app import asgi_app, build_services, create_app
from bot.config import Settings
from bot.engine.model import CallRecording, Features, Group, Member
from bot.errors import Forbidden, UserError
from bot.jobs import run_job
from bot.recording_endpoint import RecordingEndpoint
from bot.services import Actor, Services, WorkspaceSettings
from bot.storage.directory_file import demo_directory_text
from bot.web import SlackFront
from tests.slack import live

TEAM = "T0RECORD"
ADMIN = Actor(TEAM, "UADMIN", is_admin=True)
MEMBER = Actor(TEAM, "UMEMBER", is_admin=False)
ACCOUNT = "d" * 32
PUBLIC = "https://groupbot.example.com"
MB = 1_000_000
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40  # 10,250 bytes
MP3_FRAMES = b"\xff\xfb\x90\x64" + b"\x00" * 2000  # no ID3 tag: an MPEG frame sync
WAV = b"RIFF\x24\x08\x00\x00WAVEfmt " + b"\x00" * 3000


@dataclass
class Site:
    services: Services
    settings: Settings
    base: str  # where the served front listens
    sales: str  # Sales' PBX group id

    def url_of(self, group: str = "Sales") -> str:
        """The group's recording URL, made for the served front."""
        return self.served(self.services.recording_url_for(TEAM, group))

    def served(self, public_url: str) -> str:
        return self.base + urlsplit(public_url).path

    def used(self) -> tuple[int, int]:
        report = self.services.storage_report(TEAM)
        return report.used_bytes, report.recordings

    def files(self) -> list[str]:
        root = self.settings.recordings_dir
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _settings(tmp_path: Path, public: str | None = PUBLIC) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
        slack_bot_token="xoxb-recordings",
        slack_signing_secret="recordings-signing-secret",
        slack_api_url="http://127.0.0.1:9",  # never called
        pbx_export_dir=tmp_path / "callflows",
        recordings_dir=tmp_path / "recordings",
        groupbot_public_url=public,
    )


def _world(settings: Settings) -> tuple[Services, str]:
    services = build_services(settings)
    services.setup_workspace(ADMIN, WorkspaceSettings(TEAM, ACCOUNT, storage_limit_bytes=100 * MB))
    services.import_directory(TEAM, demo_directory_text())
    alice = services.pbx_user_for(TEAM, "U-nobody", "alice@example.com")
    for name, extension in (("Sales", "201"), ("Support", "202")):
        group = Group(name=name, extension=extension, members=(Member(user_id=alice),))
        created = services.create_group(ADMIN, group)
    sales = services.get_group(TEAM, "Sales").pbx.group_id
    assert created
    return services, sales


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    settings = _settings(tmp_path)
    services, sales = _world(settings)
    front = asgi_app(create_app(settings, services), settings, services)
    with live.serve(front) as base:
        yield Site(services, settings, base, sales)


def send(
    url: str,
    body: bytes,
    *,
    method: str = "PUT",
    content_type: str = "audio/mpeg",
    tail: str = "/call_recording_c1.mp3?from=201&to=555&call_id=c1&duration_ms=4200",
) -> tuple[int, str]:
    """One upload, as kz_att_http sends it: the file name and query appended to the URL."""
    parts = urlsplit(url + tail)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers={"Content-Type": content_type})
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def raw(url: str, head: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10)
    sock.sendall(head.encode("latin-1"))
    return sock


def answer_of(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a close with our
    bytes still unread is a reset, which may come before the answer is read)."""
    got = b""
    try:
        while chunk := sock.recv(65536):
            got += chunk
    except ConnectionResetError:
        pass
    return got


# -- good uploads ------------------------------------------------------------------------


def test_put_and_post_of_mp3_and_wav_are_kept_in_the_layout_and_counted(site: Site) -> None:
    url = site.url_of("Sales")
    assert url.startswith(site.base + "/recordings/")
    assert url.endswith(f"/{site.sales}")

    assert send(url, MP3)[0] == 201  # PUT, Kazoo's default
    tail = "/call_recording_c2.wav?call_id=c2"
    assert send(url, WAV, method="POST", content_type="audio/x-wav", tail=tail)[0] == 201
    tail = "/x.mp3?recording_id=rec-3&call_id=c3"
    assert send(url, MP3_FRAMES, method="POST", content_type="audio/mpeg", tail=tail)[0] == 201

    group = f"{TEAM}/{site.sales}"
    assert site.files() == [
        f"{group}/call_recording_c1.mp3",
        f"{group}/call_recording_c2.wav",
        f"{group}/rec-3.mp3",
    ]
    root = site.settings.recordings_dir
    assert (root / group / "call_recording_c1.mp3").read_bytes() == MP3
    assert (root / group / "call_recording_c2.wav").read_bytes() == WAV
    # counted at once, under Sales, in the usage the report reads
    report = site.services.storage_report(TEAM)
    assert (report.used_bytes, report.recordings) == (len(MP3) + len(WAV) + len(MP3_FRAMES), 3)
    assert [(g.name, g.count) for g in report.top_groups] == [("Sales", 3)]
    # and the file backend's recordings-sync finds them known: counted once
    assert run_job("recordings-sync", site.services, report.at).startswith(
        "counted 0 new recording files"
    )


def test_the_same_recording_delivered_twice_is_kept_and_counted_once(site: Site) -> None:
    url = site.url_of("Sales")
    assert send(url, MP3) == (201, "stored\n")
    assert send(url, MP3 + b"retry") == (200, "already stored\n")
    assert site.used() == (len(MP3), 1)
    assert site.files() == [f"{TEAM}/{site.sales}/call_recording_c1.mp3"]


# -- refusals -----------------------------------------------------------------------------


def test_an_oversize_upload_is_refused_before_its_body_is_read(site: Site) -> None:
    url = site.url_of("Sales")
    path = urlsplit(url).path + "/call_recording_big.mp3?call_id=big"
    sock = raw(
        url,
        f"PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: audio/mpeg\r\n"
        f"Content-Length: {6 * MB}\r\n\r\n",
    )
    sock.sendall(b"ID3\x04\x00\x00")  # a few bytes of the 6 MB announced
    started = time.monotonic()
    got = answer_of(sock)  # the server closes the connection after its answer
    sock.close()
    assert got.startswith(b"HTTP/1.1 413 ")
    assert time.monotonic() - started < 2  # answered at once, not after waiting for 6 MB
    assert site.used() == (0, 0)
    assert site.files() == []


def test_a_chunked_upload_over_5_mb_is_cut_off_while_streaming(site: Site) -> None:
    url = site.url_of("Sales")
    path = urlsplit(url).path + "/call_recording_chunked.mp3"
    sock = raw(
        url,
        f"PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: audio/mpeg\r\n"
        "Transfer-Encoding: chunked\r\n\r\n",
    )
    chunk = b"ID3" + b"\x00" * (256 * 1024 - 3)
    sent = 0
    try:
        while sent <= 6 * MB:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed while we were still sending
    got = answer_of(sock)
    sock.close()
    # the server stopped reading at 5 MB: a 413, or the connection reset under it
    assert got.startswith(b"HTTP/1.1 413 ") or got == b""
    assert sent < 6 * MB or got  # it did not take the whole body
    assert site.used() == (0, 0)
    assert site.files() == []


def test_a_wrong_secret_or_group_is_not_found(site: Site) -> None:
    url = site.url_of("Sales")
    secret = urlsplit(url).path.split("/")[2]
    wrong = url.replace(secret, secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    assert send(wrong, MP3)[0] == 404
    assert send(url.replace(site.sales, "f" * 32), MP3)[0] == 404
    assert send(site.base + "/recordings/", MP3, tail="")[0] == 404
    assert site.used() == (0, 0)
    assert site.files() == []


def test_a_text_body_is_refused_by_type_and_by_its_bytes(site: Site) -> None:
    url = site.url_of("Sales")
    assert send(url, b"hello, this is text", content_type="text/plain")[0] == 415
    # says mp3, is text
    assert send(url, b"hello, this is text", content_type="audio/mpeg")[0] == 415
    # says wav, is mp3
    assert send(url, MP3, content_type="audio/wav")[0] == 415
    assert site.used() == (0, 0)
    assert site.files() == []


def test_a_client_hanging_up_midway_leaves_no_file_and_counts_nothing(site: Site) -> None:
    url = site.url_of("Sales")
    path = urlsplit(url).path + "/call_recording_cut.mp3?call_id=cut"
    sock = raw(
        url,
        f"PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: audio/mpeg\r\n"
        f"Content-Length: {MB}\r\n\r\n",
    )
    sock.sendall(MP3)  # 10 kB of the 1 MB announced, then the PBX goes away
    folder = site.settings.recordings_dir / TEAM / site.sales
    deadline = time.monotonic() + 10
    while not any(folder.glob(".*.part")):  # the upload has started streaming
        assert time.monotonic() < deadline, "the upload never started"
        time.sleep(0.01)
    sock.close()
    while any(folder.glob(".*.part")):  # the server has seen the hang-up
        assert time.monotonic() < deadline, "the cut upload's file stayed"
        time.sleep(0.01)
    assert site.files() == []
    assert site.used() == (0, 0)
    # the same recording delivered again in full is kept
    assert send(url, MP3, tail="/call_recording_cut.mp3?call_id=cut")[0] == 201
    assert site.used() == (len(MP3), 1)


def test_an_upload_slower_than_the_body_deadline_is_dropped(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    services, _sales = _world(settings)
    endpoint = RecordingEndpoint(services, settings.recordings_dir, body_seconds=0.5)
    front = SlackFront(create_app(settings, services), "secret", recordings=endpoint)
    with live.serve(front) as base:
        url = base + urlsplit(services.recording_url_for(TEAM, "Sales")).path
        path = urlsplit(url).path + "/call_recording_slow.mp3"
        sock = raw(
            url,
            f"PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: audio/mpeg\r\n"
            f"Content-Length: {len(MP3)}\r\n\r\n",
        )
        sock.sendall(MP3[:100])  # and nothing more
        got = answer_of(sock)
        sock.close()
    assert got.startswith(b"HTTP/1.1 408 ")
    files = [p for p in settings.recordings_dir.rglob("*") if p.is_file()]
    assert files == []
    assert services.storage_report(TEAM).recordings == 0


# -- without GROUPBOT_PUBLIC_URL; the secret's rotation ----------------------------------------


def test_without_groupbot_public_url_the_endpoint_is_off_and_the_url_refused(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, public=None)
    services, sales = _world(settings)
    with pytest.raises(UserError, match="GROUPBOT_PUBLIC_URL"):
        services.recording_url_for(TEAM, "Sales")
    with pytest.raises(UserError, match="GROUPBOT_PUBLIC_URL"):
        services.rotate_recording_secret(ADMIN)
    front = asgi_app(create_app(settings, services), settings, services)
    with live.serve(front) as base:
        assert send(f"{base}/recordings/{'a' * 32}/{sales}", MP3)[0] == 404


def _record_to(site: Site, group: str, url: str) -> None:
    def on(g: Group, _d: object) -> Group:
        recording = CallRecording(enabled=True, url=url)
        return g.model_copy(update={"features": Features(call_recording=recording)})

    site.services.change_group(ADMIN, group, on)


def _compiled_url(site: Site, group: str) -> str:
    node = site.services.compiled(TEAM, group).user_callflow["flow"]
    assert node["module"] == "record_call"
    return str(node["data"]["url"])


def test_rotating_the_secret_rewrites_every_group_recording_to_groupbot(site: Site) -> None:
    sales_url = site.services.recording_url_for(TEAM, "Sales")
    support_url = site.services.recording_url_for(TEAM, "Support")
    _record_to(site, "Sales", sales_url)
    _record_to(site, "Support", support_url)
    assert _compiled_url(site, "Sales") == sales_url
    with pytest.raises(Forbidden):
        site.services.rotate_recording_secret(MEMBER)

    rotated = site.services.rotate_recording_secret(ADMIN)

    assert sorted(rotated.rewritten) == ["Sales", "Support"]
    assert rotated.failed == ()
    new_sales = site.services.recording_url_for(TEAM, "Sales")
    assert new_sales != sales_url
    assert new_sales.startswith(PUBLIC + "/recordings/")
    assert _compiled_url(site, "Sales") == new_sales
    assert _compiled_url(site, "Support") == site.services.recording_url_for(TEAM, "Support")
    # each rewrite went through the change path: a revision says what changed
    history = site.services.history(TEAM, "Sales", 5)
    assert "recording URL" in history[0].summary
    # the old URL no longer takes uploads; the new one does
    assert send(site.served(sales_url), MP3)[0] == 404
    assert send(site.served(new_sales), MP3)[0] == 201


def test_uploads_a_killed_process_left_are_removed_when_the_endpoint_starts(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    services, sales = _world(settings)
    folder = settings.recordings_dir / TEAM / sales
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / ".call_recording_abc.mp3.ad288e63.part"
    under_way = folder / ".call_recording_def.mp3.0badcafe.part"
    kept = folder / "call_recording_ghi.mp3"
    for path in (left, under_way, kept):
        path.write_bytes(MP3)
    old = time.time() - 3600
    os.utime(left, (old, old))

    RecordingEndpoint(services, settings.recordings_dir).close()

    assert not left.exists()  # an hour old: its upload is long dead
    assert under_way.exists()  # may be another worker's upload in progress
    assert kept.read_bytes() == MP3
