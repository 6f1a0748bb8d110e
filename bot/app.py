"""The one place that wires things: settings, database, PBX adapter, services, Bolt, scheduler.

Each ``cli_<command>`` function is what ``groupbot <command>`` runs (see ``bot.cli``).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING, NoReturn, cast

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import commands
from bot.commands.errors import after_ack as after_ack_errors
from bot.commands.people import SlackUsers
from bot.commands.roles import DEPS_KEY, Deps
from bot.commands.shape import ShapeCheck
from bot.commands.two_steps import AfterAck
from bot.config import Settings
from bot.errors import FieldErrors, UserError
from bot.pbx import AccountBinder, Pbx
from bot.services import Clock, DirectoryImport, Services

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy import Engine

    from bot.shell.observe import Watch
    from bot.web import SlackFront

# ---- Slack ---------------------------------------------------------------------------

log = logging.getLogger("groupbot")

# The pool running the work after each ack (Bolt's default is 5 threads). Acks never wait
# for it. The work is mostly CPU under one GIL: with 16 threads per process, a burst of
# /group list kept the request threads from the GIL and the p99 ack went from 0.4 s to
# 1.6 s (benchmarks/bench_slack.py); beyond a few threads, more only queue less visibly.
LISTENER_THREADS = int(os.environ.get("GROUPBOT_LISTENER_THREADS", "4"))
# what an OAuth install asks for: the manifests' list (tests/test_manifests.py keeps them equal)
BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "users:read.email",
    "files:write",
    "usergroups:read",
)


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient that retries 429s (after Retry-After), connection errors and 5xx."""
    base_url = settings.slack_api_url or WebClient.BASE_URL
    return WebClient(
        token=token,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def _oauth_settings(settings: Settings) -> OAuthSettings:
    """Multi-workspace install: installations and OAuth states live in our database, in
    the tables our migrations make (``build_services`` upgrades SQLite first; other
    databases are upgraded by `groupbot db upgrade`, the Procfile's release step)."""
    from bot.storage.db import make_engine

    assert settings.slack_client_id
    assert settings.slack_client_secret
    installations, states = build_slack_stores(
        make_engine(settings.database_url), settings.slack_client_id
    )
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        state_store=states,
    )


def create_app(
    settings: Settings,
    services: Services,
    client: WebClient | None = None,
    *,
    after_ack: Executor | None = None,
    witness: Callable[[Exception], None] | None = None,
) -> App:
    """The Bolt app: every listener of ``bot.commands``, wired to ``services``.

    The work after each acknowledgement runs on ``after_ack`` (a pool of
    ``LISTENER_THREADS`` when not given), and ``witness`` hears of every error the app's
    error handler answers: the shell gives both, to wait for that work and see what failed.
    """
    oauth = _oauth_settings(settings) if settings.oauth_enabled else None
    token = None if oauth else settings.slack_bot_token
    executor = after_ack or ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener")
    app = App(
        name="groupbot",
        signing_secret=settings.slack_signing_secret or "",
        # the client carries the single-workspace token (Bolt takes it from there)
        client=client or make_web_client(settings, token),
        oauth_settings=oauth,
        # no auth.test at start-up: single-workspace authorization does it on the first request
        token_verification_enabled=False,
        # True: each listener acknowledges on the request thread and the answer goes out
        # as soon as it returns (~65 µs of Bolt, slack-platform.md §8); the work after it
        # goes to our executor (commands.two_steps). With the default (False) every
        # ack waits for a free pool thread and a 10 ms poll: under a burst the queue of
        # post-ack work delays the acks themselves past Slack's 3 s, which we measured
        # (benchmarks/bench_slack.py). Our acknowledgements stay short: parse, open a
        # Loading modal (one views.open), or a modal's validate-and-save, whose errors
        # must be in the acknowledgement anyway.
        process_before_response=True,
        # Bolt's own pool would run only lazy listeners, which we have none of: one pool
        listener_executor=executor,
        # payloads of a shape Slack never sends stop here, before Bolt's authorization
        # reads them (bot.commands.shape)
        before_authorize=ShapeCheck(),
    )
    on_error = commands.error_handler(witness)
    wired = Deps(
        services=services,
        settings=settings,
        users=SlackUsers(),
        after_ack=AfterAck(executor, after_ack_errors(on_error)),
    )
    app.use(Provide(wired))
    commands.register(app, on_error)
    return app


class Provide(Middleware):
    """Puts ``Deps`` on every request's context (a ``Middleware`` object: Bolt builds a
    function middleware's arguments anew on every request, before the ack)."""

    def __init__(self, wired: Deps) -> None:
        self.wired = wired

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context[DEPS_KEY] = self.wired
        return next()


def asgi_app(app: App, settings: Settings, services: Services | None = None) -> SlackFront:
    """What ``groupbot serve`` serves: ``bot.web``'s front (health, body deadline and size
    bound, signature check) before ``app``, and with ``services`` and GROUPBOT_PUBLIC_URL
    set, groupbot's recording endpoint (``bot.recording_endpoint``)."""
    from bot.recording_endpoint import RecordingEndpoint
    from bot.web import SlackFront

    assert settings.slack_signing_secret
    endpoint = None
    if services is not None and settings.groupbot_public_url:
        endpoint = RecordingEndpoint(services, settings.recordings_dir)
    return SlackFront(app, settings.slack_signing_secret, recordings=endpoint)


def freeze_startup_heap() -> None:
    """Move what start-up built (modules, app, services) out of the cyclic GC's reach.

    Those objects live as long as the process, yet every full collection walks them all
    again: with 1,000 groups that was about 40 of the 121 ms of a ``list_groups``
    (docs/performance.md, "Services" and "Slack"). Called once the app is built, before serving;
    collecting first keeps start-up's garbage out of the frozen set.
    """
    gc.collect()
    gc.freeze()


def cli_serve(args: argparse.Namespace) -> int:
    """HTTP mode (``bot.web``): /slack/events, /slack/install, /slack/oauth_redirect, /healthz."""
    from bot.web import serve

    settings = Settings()
    if not settings.slack_signing_secret:
        print("groupbot serve: SLACK_SIGNING_SECRET is not set", file=sys.stderr)
        return 2
    # before the workers fork: one process upgrades a new SQLite file; workers that each
    # did raced to add the same column, and one that lost failed to boot the server
    prepare_database(settings)
    directory_at_start(settings)  # before the workers fork: one reader, a clear start error

    def build() -> SlackFront:
        # runs in each worker after the fork, so no DB connection crosses processes
        services = build_services(settings)
        front = asgi_app(create_app(settings, services), settings, services)
        freeze_startup_heap()  # the worker serves next: keep full GCs off start-up
        return front

    serve(settings, args.host, build)
    return 0


def build_socket_handler(
    settings: Settings, services: Services, client: WebClient | None = None
) -> SocketModeHandler:
    """The Socket Mode handler over the app; ``connect()`` it, or ``start()`` to block."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert settings.slack_app_token
    return SocketModeHandler(create_app(settings, services, client), settings.slack_app_token)


def cli_socket(args: argparse.Namespace) -> int:
    """Socket Mode: no public URL; the app token opens the WebSocket."""
    settings = Settings()
    if not settings.slack_app_token:
        print("groupbot socket: SLACK_APP_TOKEN is not set", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO)
    services = build_services(settings)
    directory_at_start(settings, services)
    handler = build_socket_handler(settings, services)
    freeze_startup_heap()  # serving next: keep full GCs off start-up's objects
    handler.start()  # type: ignore[no-untyped-call]
    return 0


def cli_shell(args: argparse.Namespace) -> int:
    """`groupbot shell`: this app in a terminal, against the built-in Slack emulator, with
    DATABASE_URL and the PBX of PBX_BACKEND: the local folder (PBX_EXPORT_DIR) and the
    demo directory, or Kazoo and its directory."""
    from bot.jobs import bound_jobs
    from bot.shell.main import run, shell_settings

    settings = shell_settings(Settings())
    services = build_services(settings)
    directory_at_start(settings, services, required=True)

    def make_app(emulated: Settings, watch: Watch) -> App:
        wire_storage_notifier(services, emulated)  # reports go to the shell's emulator
        wire_usergroups(services, emulated)
        return create_app(emulated, services, after_ack=watch.executor, witness=watch.witness)

    return run(
        settings,
        services,
        make_app,
        as_user=args.as_user,
        jobs=bound_jobs(services),
    )


# ---- storage, PBX and services ---------------------------------------------------------


def default_account_id(settings: Settings) -> str | None:
    """The PBX account of a one-workspace install (until an admin names another in
    /group setup): KAZOO_ACCOUNT_ID, else a local one. None in a multi-workspace (OAuth)
    install, which shares no account: each workspace is bound to its own."""
    import uuid

    if settings.oauth_enabled:
        return None
    if settings.kazoo_account_id:
        return settings.kazoo_account_id
    return uuid.uuid5(uuid.NAMESPACE_URL, "groupbot:local-pbx-account").hex


def prepare_database(settings: Settings) -> None:
    """Upgrade an SQLite database on start; other databases are upgraded by `db upgrade`."""
    from bot.storage.migrate import is_sqlite, upgrade

    if is_sqlite(settings.database_url):
        upgrade(settings.database_url)


def build_pbx(settings: Settings) -> Pbx:
    """The PBX adapter of PBX_BACKEND. For ``kazoo``, a missing or wrong KAZOO_URL,
    KAZOO_API_KEY or KAZOO_ACCOUNT_ID stops the process (exit 2) with one line naming
    the variable: the key is tried once against the PBX here, at start."""
    if settings.pbx_backend == "kazoo":
        return _kazoo_pbx(settings)
    from bot.pbx.local import LocalPbx

    return LocalPbx(settings.pbx_export_dir)


def account_binder(
    settings: Settings, pbx: Pbx, binder: AccountBinder | None = None
) -> AccountBinder | None:
    """Who confirms a workspace's PBX account in a multi-workspace install over Kazoo:
    ``binder``, else the PBX adapter itself when it can (``confirm_account``). None
    elsewhere: a one-workspace install names its account, and over the local PBX each
    workspace gets a new one."""
    if not settings.oauth_enabled or settings.pbx_backend == "file":
        return None
    if binder is not None:
        return binder
    if settings.pbx_backend == "kazoo" and settings.kazoo_url:
        from bot.pbx.kazoo import KazooAccountBinder

        return KazooAccountBinder(settings.kazoo_url)
    if callable(getattr(pbx, "confirm_account", None)):
        return cast("AccountBinder", pbx)
    raise SystemExit(
        "groupbot: a multi-workspace install needs a PBX that confirms API keys "
        f"(PBX_BACKEND={settings.pbx_backend} does not)"
    )


_KAZOO_NEEDS = {
    "KAZOO_URL": "the PBX's crossbar address, like https://pbx.example.com:8443",
    "KAZOO_API_KEY": "the API key of the PBX account",
    "KAZOO_ACCOUNT_ID": "the id of the PBX account whose groups groupbot manages",
}


def _kazoo_pbx(settings: Settings) -> Pbx:
    """A ``KazooPbx`` for KAZOO_ACCOUNT_ID, its API key accepted by the PBX.

    KAZOO_ACCOUNT_ID must be the account the key belongs to, or an account below it
    that crossbar lets the key act on (a reseller's key and a client's account):
    crossbar answers 403 for any other (docs/kazoo.md, "Error shapes"), so one
    request to the account tells."""
    import re
    from urllib.parse import urlsplit

    from bot.pbx import PbxUnreachable
    from bot.pbx.kazoo import CrossbarClient, KazooAuthFailed, KazooPbx, KazooRejected

    given = {
        "KAZOO_URL": (settings.kazoo_url or "").strip(),
        "KAZOO_API_KEY": (settings.kazoo_api_key or "").strip(),
        "KAZOO_ACCOUNT_ID": (settings.kazoo_account_id or "").strip(),
    }
    for name, value in given.items():
        if not value:
            _stop(f"PBX_BACKEND=kazoo needs {name} ({_KAZOO_NEEDS[name]}); it is not set")
    url, key, account = given.values()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        _stop(f"KAZOO_URL must be {_KAZOO_NEEDS['KAZOO_URL']}, not {url!r}")
    if url.rstrip("/").endswith("/v2"):
        _stop(f"KAZOO_URL is the address without /v2, which groupbot adds: not {url!r}")
    if not re.fullmatch(r"[0-9a-f]{32}", account):
        _stop(f"KAZOO_ACCOUNT_ID must be a Kazoo account id (32 lowercase hex), not {account!r}")
    client, own = CrossbarClient(url, key), "?"
    try:
        own = client.authenticate()
        if account != own:
            client.request("GET", f"/accounts/{account}/callflows", params={"page_size": "1"})
    except KazooAuthFailed:
        _stop(f"KAZOO_API_KEY was not accepted by the PBX at KAZOO_URL ({url})")
    except KazooRejected as refused:
        if refused.status == 404:
            _stop(f"KAZOO_ACCOUNT_ID {account}: the PBX at {url} has no such account")
        _stop(
            f"KAZOO_ACCOUNT_ID {account} is neither the account of KAZOO_API_KEY ({own}) "
            "nor an account below it that the key may act on"
        )
    except PbxUnreachable as error:
        _stop(f"KAZOO_URL ({url}) does not answer as a Kazoo crossbar API: {error}")
    return KazooPbx(client, account)


def _stop(line: str) -> NoReturn:
    """A configuration that cannot work: one line, exit status 2, before anything runs."""
    print(f"groupbot: {line}", file=sys.stderr)
    raise SystemExit(2)


def directory_at_start(
    settings: Settings, services: Services | None = None, *, required: bool = False
) -> None:
    """With PBX_BACKEND=kazoo, read the PBX's directory when groupbot has none yet (at
    the start of serve, socket and shell). A directory that cannot be read is said in
    one line; then serve and socket go on (the directory-sync job tries again), and
    what ``required`` it (the shell) stops with exit status 2."""
    if settings.pbx_backend != "kazoo":
        return
    services = services or build_services(settings)
    try:
        if services.ensure_directory():
            log.info("read the PBX directory (the directory was empty)")
    except UserError as error:
        lines = error.errors.values() if isinstance(error, FieldErrors) else [error.message]
        for line in lines:
            print(f"groupbot: the PBX directory was not read: {line}", file=sys.stderr)
        if required:
            raise SystemExit(2) from None


def kazoo_connector(settings: Settings) -> Callable[[str, str], Pbx] | None:
    """Over Kazoo: the adapter of a workspace's own account, from the API key its admin
    connected it with in /group setup (a multi-workspace install's other accounts)."""
    if settings.pbx_backend != "kazoo" or not settings.kazoo_url:
        return None
    url = settings.kazoo_url

    def connect(account: str, api_key: str) -> Pbx:
        from bot.pbx.kazoo import CrossbarClient, KazooPbx

        return KazooPbx(CrossbarClient(url, api_key), account)

    return connect


def build_services(
    settings: Settings,
    *,
    pbx: Pbx | None = None,
    clock: Clock | None = None,
    binder: AccountBinder | None = None,
) -> Services:
    """Services over DATABASE_URL (SQLite upgraded first) and the PBX of PBX_BACKEND;
    ``binder`` stands for the PBX's confirmation of API keys (see ``account_binder``)."""
    from datetime import UTC, datetime

    from bot.services import ServiceOptions
    from bot.storage.db import make_engine, make_session_factory
    from bot.storage.unit_of_work import unit_of_work_factory

    prepare_database(settings)
    engine = make_engine(settings.database_url)
    adapter = pbx if pbx is not None else build_pbx(settings)
    options = ServiceOptions(
        default_account_id=default_account_id(settings),
        binder=account_binder(settings, adapter, binder),
        # the file backend's recordings are the files there (Kazoo's: its API)
        recordings_dir=settings.recordings_dir if settings.pbx_backend == "file" else None,
        public_url=settings.groupbot_public_url or None,
        connect_account=kazoo_connector(settings),
    )
    services = Services(
        unit_of_work_factory(make_session_factory(engine)),
        adapter,
        clock or (lambda: datetime.now(UTC)),
        options,
    )
    wire_storage_notifier(services, settings)
    wire_usergroups(services, settings)
    return services


def build_slack_stores(
    engine: Engine, client_id: str, state_expiration_seconds: int = 600
) -> tuple[SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore]:
    """slack_sdk's installation and OAuth-state stores in our database. Their tables are
    made by our migrations (`groupbot db upgrade`, or on start for SQLite), so there is
    no ``create_tables()`` to call."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    return (
        SQLAlchemyInstallationStore(client_id=client_id, engine=engine),
        SQLAlchemyOAuthStateStore(expiration_seconds=state_expiration_seconds, engine=engine),
    )


def cli_db_upgrade(args: argparse.Namespace) -> int:
    from bot.storage.migrate import upgrade

    settings = Settings()
    upgrade(settings.database_url)
    print(f"groupbot db upgrade: {_safe_url(settings.database_url)} is up to date")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


MAX_FILE_BYTES = 5_000_000


def _read_file(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(MAX_FILE_BYTES + 1)  # never the whole of a huge file
    except OSError as error:
        print(f"groupbot: cannot read {path}: {error.strerror}", file=sys.stderr)
        return None
    except UnicodeDecodeError:
        print(f"groupbot: cannot read {path}: it is not UTF-8 text", file=sys.stderr)
        return None
    if len(text) > MAX_FILE_BYTES:
        print(f"groupbot: cannot read {path}: it is larger than 5 MB", file=sys.stderr)
        return None
    return text


def _print_user_error(command: str, error: UserError, nothing: str = "imported") -> int:
    lines = list(error.errors.values()) if isinstance(error, FieldErrors) else [error.message]
    if len(lines) == 1:
        print(f"groupbot {command}: {lines[0]} (nothing was {nothing})", file=sys.stderr)
        return 1
    print(f"groupbot {command}: nothing was {nothing}", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    return 1


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def cli_directory_import(args: argparse.Namespace) -> int:
    """`groupbot directory import <file.yaml> [--workspace T…]`: all of it or nothing."""
    text = _read_file(args.file)
    if text is None:
        return 1
    from bot.storage.directory_file import load_directory_yaml

    try:
        parsed = load_directory_yaml(text, source=args.file)
        services = build_services(Settings())
        result = services.import_directory(args.workspace, parsed)
    except UserError as error:
        return _print_user_error("directory import", error)
    print(f"Imported {_directory_counts(result)} into PBX account {result.account_id}.")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    return 0


def _directory_counts(result: DirectoryImport) -> str:
    counts = ", ".join(
        [
            _count(result.users, "user", "users"),
            _count(result.devices, "device", "devices"),
            _count(result.voicemail_boxes, "voicemail box", "voicemail boxes"),
            _count(result.menus, "menu", "menus"),
        ]
    )
    return f"{counts} and {_count(result.media, 'media file', 'media files')}"


def cli_directory_sync(args: argparse.Namespace) -> int:
    """`groupbot directory sync [--workspace T…]`: the PBX's directory replaces groupbot's;
    refused, naming each group and what it uses, when the PBX no longer has it."""
    settings = Settings()
    if settings.pbx_backend != "kazoo":
        print(
            "groupbot directory sync: the local PBX backend (PBX_BACKEND=file) has no "
            "directory to read; load one with groupbot directory import <file.yaml>",
            file=sys.stderr,
        )
        return 2
    services = build_services(settings)
    try:
        result = services.sync_directory(args.workspace)
    except UserError as error:
        return _print_user_error("directory sync", error, nothing="changed")
    read = f"Read {_directory_counts(result)} from PBX account {result.account_id}"
    print(f"{read}." if result.changed else f"{read}: no change.")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    return 0


def cli_sync(args: argparse.Namespace) -> int:
    """`groupbot sync [--dry-run]`: push what is pending now, every account's, and say what
    happened; 0 only when the PBX has every change. ``--dry-run`` lists what it would send."""
    from bot.services.outbox import describe_pending, describe_push

    services = build_services(Settings())
    if args.dry_run:
        for line in describe_pending(services.pending_documents()):
            print(line)
        return 0
    result = services.push_pending()
    for line in describe_push(result):
        print(line, file=sys.stderr if line.startswith("The PBX") else sys.stdout)
    return 1 if result.failed else 0


CLI_TEAM = "T0CLI"  # the team the CLI acts in when no workspace is named
CLI_ACTOR = "groupbot import"  # the author of CLI imports: no Slack user, no one's lead


def cli_export(args: argparse.Namespace) -> int:
    """`groupbot export`: every group as portable YAML on stdout."""
    services = build_services(Settings())
    sys.stdout.write(services.export_groups(args.workspace or CLI_TEAM))
    return 0


def cli_import(args: argparse.Namespace) -> int:
    """`groupbot import <file.yaml>`: create the file's groups, or replace those of the
    same name, all of them or (naming every group that cannot be saved) none."""
    from bot.services import Actor

    text = _read_file(args.file)
    if text is None:
        return 1
    services = build_services(Settings())
    actor = Actor(args.workspace or CLI_TEAM, CLI_ACTOR, is_admin=True)
    try:
        imported = services.import_groups(actor, text, source=args.file)
    except UserError as error:
        code = _print_user_error("import", error)
        if "no PBX user has the email" in str(
            error.errors if isinstance(error, FieldErrors) else ""
        ):
            print(
                "  Members are matched by email with the PBX's users: import the directory first"
                " (groupbot directory import <file.yaml>; the demo's is "
                "bot/storage/demo_directory.yaml), or connect the PBX (KAZOO_*), then again.",
                file=sys.stderr,
            )
        return code
    not_taken = dict(services.push_after_save().failed)
    for group in imported:
        view = group.result.view
        name = view.group.name
        if group.outcome == "unchanged":
            print(f"{name}: unchanged (version {view.version}), the same as in the file")
        else:
            print(f"{name}: {group.outcome} (version {view.version})")
        for warning in group.result.warnings:
            print(f"  warning: {warning}")
        if name in not_taken:
            print(
                f"  warning: the PBX has not taken the change yet ({not_taken[name]}); "
                "it is queued: groupbot sync, or the pbx-outbox job, sends it"
            )
    if not imported:
        print(f"{args.file} holds no groups: nothing was imported")
    return 0


# ---- the scheduler -----------------------------------------------------------------------


def slack_client_for(settings: Settings) -> Callable[[str], WebClient]:
    """A team's WebClient with its own bot token: the OAuth installation store's bot
    for that team, or SLACK_BOT_TOKEN in a single-workspace install."""
    from bot.services import NotDelivered

    if settings.oauth_enabled:
        import functools

        from bot.storage.db import make_engine

        assert settings.slack_client_id
        client_id = settings.slack_client_id

        # made on the first report or alert: the web processes, which build the same
        # services, never post either
        @functools.cache
        def store() -> SQLAlchemyInstallationStore:
            return build_slack_stores(make_engine(settings.database_url), client_id)[0]

        def installed(team_id: str) -> WebClient:
            bot = store().find_bot(enterprise_id=None, team_id=team_id)
            if bot is None or not bot.bot_token:
                raise NotDelivered(f"groupbot is not installed in workspace {team_id}")
            return make_web_client(settings, bot.bot_token)

        return installed
    token = settings.slack_bot_token
    single = make_web_client(settings, token) if token else None

    def the_one(team_id: str) -> WebClient:
        if single is None:
            raise NotDelivered("SLACK_BOT_TOKEN is not set")
        return single

    return the_one


def wire_storage_notifier(services: Services, settings: Settings) -> None:
    """Reports and alerts go to Slack with each workspace's bot token."""
    from bot.commands.storage import SlackStorageNotifier

    services.notifier = SlackStorageNotifier(slack_client_for(settings))


def wire_usergroups(services: Services, settings: Settings) -> None:
    """The usergroup-mirror job reads Slack user groups with each workspace's bot token."""
    from bot.commands.mirror import SlackUserGroups

    services.usergroups = SlackUserGroups(slack_client_for(settings), SlackUsers())


def cli_clock(args: argparse.Namespace) -> int:
    """`groupbot clock`: the scheduler process (the Procfile's `clock`; a second one stands
    by on PostgreSQL), running the jobs of ``bot.jobs`` until SIGTERM or Ctrl-C."""
    import signal
    import threading

    from bot.clock import Clock
    from bot.storage.db import make_engine

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per run
    settings = Settings()
    services = build_services(settings)
    engine = make_engine(settings.database_url)
    clock = Clock(services, engine)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    if not clock.election.postgres:
        log.info("clock: SQLite has no lock to elect a clock with: run only one")
    try:
        clock.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
    return 0


def cli_jobs_run(args: argparse.Namespace) -> int:
    """`groupbot jobs run <job> [--workspace <team id>]`: run a scheduled job once now."""
    from datetime import UTC, datetime

    from bot.jobs import JOBS, JobFailed, run_job

    if args.job not in JOBS:
        known = ", ".join(sorted(JOBS))
        print(f"groupbot jobs run: no job {args.job!r}; the jobs are: {known}", file=sys.stderr)
        return 2
    services = build_services(Settings())
    try:
        said = run_job(args.job, services, datetime.now(UTC), args.workspace)
    except JobFailed as failed:
        print(f"groupbot jobs run {args.job}: {failed}", file=sys.stderr)
        return 1
    print(f"{args.job}: {said}")
    return 0
