"""What ``/group simulate`` hands the simulator: the account's endpoints with every callflow
a next action can branch to named (a user's, a menu's, a group's), and the stored groups
the call may go on into, compiled as the PBX holds them."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.commands.people import SlackUsers
from bot.engine import simulator as sim
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments, PbxIds
from bot.errors import NotFound
from bot.services import Services


def endpoint_directory(directory: Directory) -> sim.EndpointDirectory:
    """The directory as the simulator sees it: each user answers on one phone."""
    users = [
        sim.DirectoryUser(
            id=user_id, name=user.name, devices=(sim.DirectoryDevice(f"{user_id}:phone", "phone"),)
        )
        for user_id, user in directory.users.items()
    ]
    devices = [
        sim.DirectoryDevice(device_id, name) for device_id, name in directory.devices.items()
    ]
    labels = {**directory.vmboxes, **directory.media, **directory.devices}
    labels.update({k: m.name for k, m in directory.menus.items()})
    labels.update({k: g.name for k, g in directory.groups.items()})
    return sim.EndpointDirectory.of(
        users, devices, labels=labels, callflow_targets=callflow_targets(directory)
    )


def callflow_targets(directory: Directory) -> dict[str, sim.CallflowTarget]:
    """Whose callflow each callflow id a next action can branch to is."""
    targets: dict[str, sim.CallflowTarget] = {}
    for user_id, user in directory.users.items():
        if user.main_callflow_id:
            targets[user.main_callflow_id] = sim.CallflowTarget("user", user.name, user_id)
    for menu in directory.menus.values():
        targets[menu.callflow_id] = sim.CallflowTarget("menu", menu.name)
    for group in directory.groups.values():
        targets[group.user_callflow_id] = sim.CallflowTarget("group", group.name)
    return targets


def group_call(name: str, ids: PbxIds, documents: GroupDocuments) -> sim.GroupCall:
    callflows = {
        ids.base_callflow_id: documents.base_callflow,
        ids.user_callflow_id: documents.user_callflow,
    }
    return sim.GroupCall(name, ids.user_callflow_id, documents.user_callflow, callflows)


def simulate_stored(
    services: Services,
    team: str,
    first: sim.GroupCall,
    directory: Directory,
    scenario: sim.Scenario,
) -> sim.ChainedCall:
    """The call into ``first``, on into every stored group a next action sends it to."""
    names = {g.user_callflow_id: g.name for g in directory.groups.values()}

    def next_group(callflow_id: str) -> sim.GroupCall | None:
        name = names.get(callflow_id)
        if name is None:
            return None
        try:
            shown = services.get_group(team, name)
            documents = services.compiled(team, name)
        except NotFound:  # deleted since the directory was read: the call ends there
            return None
        return group_call(shown.name, shown.pbx, documents)

    own = {first.user_callflow_id: sim.CallflowTarget("group", first.name)}
    endpoints = endpoint_directory(directory)
    endpoints = sim.EndpointDirectory.of(
        endpoints.users.values(),
        endpoints.devices.values(),
        labels=endpoints.labels,
        callflow_targets={**endpoints.callflow_targets, **own},
    )
    return sim.simulate_chain(first, next_group, endpoints, scenario)


def slack_user_of(
    services: Services,
    users: SlackUsers,
    client: WebClient,
    team: str,
    directory: Directory,
    pbx_user: str | None,
) -> dict[str, str]:
    """PBX user id → Slack user id for the user a call ends at: the Slack user linked to
    them, else the one with their email; empty when there is none (they are then named
    by their PBX name)."""
    fact = directory.users.get(pbx_user or "")
    if pbx_user is None or fact is None:
        return {}
    slack_id = services.linked_slack_user(team, pbx_user)
    if slack_id is None and fact.email:
        slack_id = users.by_email(client, team, fact.email)
    return {pbx_user: slack_id} if slack_id else {}
