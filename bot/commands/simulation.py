"""The call simulator for the Slack surface: ``/group simulate`` (and its button), and the
simulated call of a draft in the Members modal.

Both walk compiled Kazoo documents with ``bot.engine.simulator``: the stored ones for
``/group simulate``, the ones the draft would compile to for the Members modal. The text
reply is ephemeral, so the picture goes where only the user sees it too: their direct
messages with the app (a file cannot be ephemeral), and the reply says so.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.commands import chained_call, people, tell, views
from bot.commands.grammar.commands import UserRef
from bot.commands.roles import Deps
from bot.commands.views import Message, call_picture, call_text
from bot.commands.views.common import escape_name
from bot.engine import simulator as sim
from bot.engine.compiler import CompileError, compile_group
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.model import Group
from bot.engine.presence import to_gregorian
from bot.services import Actor

if TYPE_CHECKING:  # the command's family calls this module: imported for its type only
    from bot.commands.subcommands.simulate import Simulate

log = logging.getLogger(__name__)

PICTURE_WHERE = "The timeline picture is in your direct messages with groupbot."


def simulation(
    command: Simulate, who: Actor, wired: Deps, client: WebClient
) -> tuple[Message, bytes]:
    """The simulated call of a stored group as a message (text timeline) and as a PNG."""
    services = wired.services
    team = who.team_id
    shown = services.get_group(team, command.group)
    documents = services.compiled(team, command.group)
    directory = services.directory(team)

    def pbx(users: tuple[UserRef, ...]) -> list[str]:
        return people.pbx_users_named(services, wired.users, client, team, users)

    busy = pbx(command.busy) if command.busy else []
    answers: tuple[sim.Answer, ...] = ()
    if command.answer is not None:
        (answerer,) = pbx((command.answer.user,))
        answers = (sim.Answer(who=answerer, at=command.answer.at),)
    first = chained_call.group_call(shown.group.name, shown.pbx, documents)
    # members paused at the moment of the call drop out, as on the PBX
    now = to_gregorian(datetime.now(UTC))
    tz = wired.users.get(client, team, who.user_id).tz  # users.info, cached
    scenario = sim.Scenario(busy=frozenset(busy), answers=answers, now=now, time_zone=tz)
    call = chained_call.simulate_stored(services, team, first, directory, scenario)
    destination = call.outcome.destination
    slack = chained_call.slack_user_of(
        services, wired.users, client, team, directory, destination.user_id if destination else None
    )
    message = views.simulate_message(
        shown.group.name,
        call_text.render_chain_text(call),
        outcome=call_text.chain_outcome_mrkdwn(call, slack),
        picture=PICTURE_WHERE,
    )
    return message, call_picture.render_chain_png(call)


def draft_timeline(group: Group, ids: PbxIds, directory: Directory) -> str:
    """The text timeline of a call nobody answers, for ``group`` as it would be saved.

    ``CompileError`` or ``sim.SimulationError`` when the draft cannot be walked."""
    documents = compile_group(group, ids, directory)
    return call_text.render_text(call_trace(documents, ids, directory))


DRAFT_ERRORS = (CompileError, sim.SimulationError)


def call_trace(
    documents: GroupDocuments,
    ids: PbxIds,
    directory: Directory,
    scenario: sim.Scenario | None = None,
) -> sim.CallTrace:
    callflows = {
        ids.base_callflow_id: documents.base_callflow,
        ids.user_callflow_id: documents.user_callflow,
    }
    return sim.simulate(
        documents.user_callflow, callflows, _endpoints(directory), scenario or sim.Scenario()
    )


def _endpoints(directory: Directory) -> sim.EndpointDirectory:
    return chained_call.endpoint_directory(directory)


def send_picture(client: WebClient, user_id: str, picture: bytes, name: str) -> None:
    """The timeline picture in the user's direct messages with the app."""
    said = views.done_message(f"🖼 Simulated call to {escape_name(name)}, as a picture:")
    filename = f"simulation-{name}.png".replace(" ", "-")
    tell.send_picture(client, user_id, said, picture, filename, f"Simulated call to {name}")
