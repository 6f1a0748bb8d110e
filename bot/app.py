"""The one place that wires things: settings, database, PBX adapter, services, Bolt, scheduler.

Each ``cli_<command>`` function is what ``groupbot <command>`` runs (see ``bot.cli``).
"""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.errors import FieldErrors, UserError
from bot.pbx import Pbx
from bot.services import Clock, Services

# ---- storage, PBX and services ---------------------------------------------------------


def default_account_id(settings: Settings) -> str:
    """The PBX account of a workspace not yet set up: KAZOO_ACCOUNT_ID, else a local one."""
    import uuid

    if settings.kazoo_account_id:
        return settings.kazoo_account_id
    return uuid.uuid5(uuid.NAMESPACE_URL, "groupbot:local-pbx-account").hex


def prepare_database(settings: Settings) -> None:
    """Upgrade an SQLite database on start; other databases are upgraded by `db upgrade`."""
    from bot.storage.migrate import is_sqlite, upgrade

    if is_sqlite(settings.database_url):
        upgrade(settings.database_url)


def build_pbx(settings: Settings) -> Pbx:
    from bot.pbx.local import LocalPbx

    if settings.pbx_backend != "file":
        raise SystemExit("groupbot: PBX_BACKEND=kazoo is not available yet; use PBX_BACKEND=file")
    return LocalPbx(settings.pbx_export_dir)


def build_services(
    settings: Settings, *, pbx: Pbx | None = None, clock: Clock | None = None
) -> Services:
    """Services over DATABASE_URL (SQLite upgraded first) and the PBX of PBX_BACKEND."""
    from datetime import UTC, datetime

    from bot.services import ServiceOptions
    from bot.storage.db import make_engine, make_session_factory
    from bot.storage.unit_of_work import unit_of_work_factory

    prepare_database(settings)
    engine = make_engine(settings.database_url)
    return Services(
        unit_of_work_factory(make_session_factory(engine)),
        pbx if pbx is not None else build_pbx(settings),
        clock or (lambda: datetime.now(UTC)),
        ServiceOptions(default_account_id=default_account_id(settings)),
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


def _read_file(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        print(f"groupbot: cannot read {path}: {error.strerror}", file=sys.stderr)
        return None


def _print_user_error(command: str, error: UserError) -> int:
    lines = error.errors.values() if isinstance(error, FieldErrors) else [error.message]
    print(f"groupbot {command}: nothing was imported", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    return 1


def cli_directory_import(args: argparse.Namespace) -> int:
    """`groupbot directory import <file.yaml> [--workspace T…]`: all of it or nothing."""
    text = _read_file(args.file)
    if text is None:
        return 1
    services = build_services(Settings())
    try:
        result = services.import_directory(args.workspace, text)
    except UserError as error:
        return _print_user_error("directory import", error)
    print(
        f"Imported {result.users} users, {result.devices} devices, "
        f"{result.voicemail_boxes} voicemail boxes, {result.menus} menus and "
        f"{result.media} media into PBX account {result.account_id}."
    )
    for warning in result.warnings:
        print(f"  warning: {warning}")
    return 0


CLI_TEAM = "T0CLI"  # the team the CLI acts in when no workspace is named
CLI_ACTOR = "UCLI"  # recorded as the author of CLI imports


def cli_export(args: argparse.Namespace) -> int:
    """`groupbot export`: every group as portable YAML on stdout."""
    services = build_services(Settings())
    team = getattr(args, "workspace", None) or CLI_TEAM
    sys.stdout.write(services.export_groups(team))
    return 0


def cli_import(args: argparse.Namespace) -> int:
    """`groupbot import <file.yaml>`: create or replace the groups the file holds."""
    from bot.services import Actor

    text = _read_file(args.file)
    if text is None:
        return 1
    services = build_services(Settings())
    team = getattr(args, "workspace", None) or CLI_TEAM
    try:
        results = services.import_groups(Actor(team, CLI_ACTOR, is_admin=True), text)
    except UserError as error:
        return _print_user_error("import", error)
    for result in results:
        print(f"{result.view.group.name}: saved (version {result.view.version})")
        for warning in result.warnings:
            print(f"  warning: {warning}")
    return 0
