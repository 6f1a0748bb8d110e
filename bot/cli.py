"""``groupbot``: the command line. Parses the subcommand and hands over; builds nothing itself."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]

DESCRIPTION = (
    "Manage the ring groups of a Kazoo-based PBX (the SmartPBX Groups tab) from Slack: "
    "serve Slack, run the scheduler, try it in a terminal, or look after its data."
)


IMPORT_DESCRIPTION = (
    "Load the groups of a file written by groupbot export (members by email, next actions "
    "and ringback media by name). A group with the name of a group of the workspace "
    "replaces it; the others are created; a group the same as in the file is left "
    "unchanged, so importing a file twice changes nothing the second time. A next action "
    "may name any group of the file or of the workspace. All or nothing: when any group of "
    "the file cannot be saved, nothing is imported and every problem is listed, with the "
    "group's position and name."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="groupbot", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    shell = sub.add_parser("shell", help="try the bot in a terminal, no Slack workspace needed")
    shell.add_argument("--as", dest="as_user", metavar="@NAME", help="act as another user")
    serve = sub.add_parser("serve", help="serve Slack over HTTP (/slack/events, /healthz)")
    serve.add_argument(
        "--host", default="0.0.0.0", help="address to listen on, port from PORT (default: all)"
    )
    sub.add_parser("socket", help="connect to Slack over Socket Mode")
    sub.add_parser("clock", help="run the scheduler (one per deployment)")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply migrations")

    jobs = sub.add_parser("jobs", help="scheduled jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    run = jobs_sub.add_parser("run", help="run a scheduled job once now")
    run.add_argument("job")
    run.add_argument("--workspace", metavar="TEAM_ID")

    sync = sub.add_parser("sync", help="push pending changes to the PBX")
    sync.add_argument("--dry-run", action="store_true")

    directory = sub.add_parser("directory", help="the PBX directory: users, devices, …")
    dir_sub = directory.add_subparsers(dest="directory_command", required=True, metavar="ACTION")
    dir_import = dir_sub.add_parser("import", help="load users, devices, boxes, menus, media")
    dir_import.add_argument("file")
    dir_import.add_argument("--workspace", metavar="TEAM_ID")
    dir_sync = dir_sub.add_parser("sync", help="read them from the PBX (PBX_BACKEND=kazoo)")
    dir_sync.add_argument("--workspace", metavar="TEAM_ID")

    export = sub.add_parser("export", help="print every group as portable YAML")
    export.add_argument("--workspace", metavar="TEAM_ID")
    group_import = sub.add_parser(
        "import",
        help="load groups from portable YAML (as groupbot export writes it)",
        description=IMPORT_DESCRIPTION,
    )
    group_import.add_argument("file")
    group_import.add_argument("--workspace", metavar="TEAM_ID")
    return parser


SUBCOMMANDS = ("db_command", "jobs_command", "directory_command")


def _words(args: argparse.Namespace) -> list[str]:
    """The command as typed: ["db", "upgrade"], ["export"]."""
    return [args.command, *(getattr(args, a) for a in SUBCOMMANDS if getattr(args, a, None))]


def _handler(args: argparse.Namespace) -> Handler:
    # Imported here so `groupbot --help` stays fast and a broken extra cannot stop the CLI.
    from bot import app

    handler: Handler | None = getattr(app, "cli_" + "_".join(_words(args)), None)
    if handler is None:
        return _not_available
    return handler


def _not_available(args: argparse.Namespace) -> int:
    print(f"groupbot {args.command}: not available yet", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = _handler(args)
    try:
        return handler(args)
    except Exception as error:
        # A setting or a database that cannot be used as configured is one line each,
        # naming what to fix, not a traceback.
        settings = _settings_problems(error)
        if settings:
            for line in settings:
                print(f"groupbot {' '.join(_words(args))}: {line}", file=sys.stderr)
            return 2
        problem = _database_problem(error)
        if problem is None:
            raise
        print(f"groupbot {' '.join(_words(args))}: {problem}", file=sys.stderr)
        return 1


def _settings_problems(error: Exception) -> list[str]:
    """``Settings()`` refusing the environment: one line per variable, in its own name."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError) or error.title != "Settings":
        return []
    return [
        f"{'_'.join(str(part) for part in problem['loc'][:1]).upper()} "
        f"is not usable: {problem['msg']} (got {str(problem.get('input'))[:80]!r})"
        for problem in error.errors()
    ]


def _database_problem(error: Exception) -> str | None:
    from bot.config import Settings
    from bot.storage.db_errors import database_problem

    try:
        url = Settings().database_url
    except Exception:
        return None
    return database_problem(error, url)
