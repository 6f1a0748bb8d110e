"""Replacing an account's directory with a parsed directory file, ids kept stable.

An entry without an id keeps the id of the row it matches (users by email, the rest by
name), or else gets one derived from what it names, so importing the same file twice
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.directory_file import (
    DirectoryData,
    DirectoryFileError,
    UserEntry,
    derived_id,
)
from bot.storage.models import PbxDevice, PbxMedia, PbxMenu, PbxUser, PbxVoicemailBox
from bot.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ImportCounts:
    users: int
    devices: int
    voicemail_boxes: int
    menus: int
    media: int


def _user_key(user: UserEntry) -> str:
    return user.email or user.name


def replace_directory(
    uow: UnitOfWork, account_id: str, data: DirectoryData, *, stand_ins: bool = True
) -> ImportCounts:
    """Make the account's directory exactly ``data``; groups are left as they are.

    ``DirectoryFileError`` when a user's extension is already a group's number. A
    device's ``owner`` is a user's email or id. ``stand_ins``: a user or menu without
    its callflow keeps the one it had, else gets a stable made-up id (the local PBX
    has no callflows of its own); False for a directory read from the PBX, which names
    every callflow there is.
    """
    directory = uow.directory
    errors: dict[str, str] = {}
    for index, user in enumerate(data.users):
        if user.extension is None:
            continue
        holder = uow.groups.holder_of(account_id, user.extension)
        if holder is not None and holder.group_name is not None:
            path = f"users[{index}].extension"
            errors[path] = f"{path}: {user.extension} is already used by {holder}"
    if errors:
        raise DirectoryFileError(errors)

    old_users = {(u.email or u.name).casefold(): u for u in directory.users(account_id)}
    old_ids = {
        kind: {row.name.casefold(): row.pbx_id for row in rows}
        for kind, rows in (
            ("device", directory.devices(account_id)),
            ("vmbox", directory.vmboxes(account_id)),
            ("menu", directory.menus(account_id)),
            ("media", directory.media(account_id)),
        )
    }
    old_menu_flows = {m.pbx_id: m.callflow_id for m in directory.menus(account_id)}
    old_user_rows = [(key, u.pbx_id, u.main_callflow_id) for key, u in old_users.items()]
    directory.clear(account_id)
    user_flows = {key: (pbx_id, flow) for key, pbx_id, flow in old_user_rows}

    owners: dict[str, int] = {}  # a user's email or PBX id -> its row
    for user in data.users:
        key = _user_key(user).casefold()
        old_id, old_flow = user_flows.get(key, (None, None))
        pbx_id = user.id or old_id or derived_id(account_id, "user", key)
        main_callflow_id = user.main_callflow_id
        if main_callflow_id is None and stand_ins:
            # SmartPBX gives every user a mainUserCallflow; the local PBX gets a stand-in
            main_callflow_id = old_flow or derived_id(account_id, "user-callflow", pbx_id)
        row = PbxUser(
            account_id=account_id,
            pbx_id=pbx_id,
            name=user.name,
            email=user.email,
            slack_user=user.slack_user,
            main_callflow_id=main_callflow_id,
        )
        directory.add_user(account_id, row, user.extension)
        owners[pbx_id] = row.id
        if user.email:
            owners[user.email] = row.id

    def pbx_id_for(kind: str, given: str | None, name: str) -> str:
        return given or old_ids[kind].get(name.casefold()) or derived_id(account_id, kind, name)

    for device in data.devices:
        directory.add(
            PbxDevice(
                account_id=account_id,
                pbx_id=pbx_id_for("device", device.id, device.name),
                name=device.name,
                owner_id=owners.get(device.owner) if device.owner else None,
                enabled=device.enabled,
                do_not_disturb=device.do_not_disturb,
            )
        )
    for box in data.voicemail_boxes:
        directory.add(
            PbxVoicemailBox(
                account_id=account_id,
                pbx_id=pbx_id_for("vmbox", box.id, box.name),
                name=box.name,
                mailbox=box.mailbox,
            )
        )
    for menu in data.menus:
        menu_id = pbx_id_for("menu", menu.id, menu.name)
        flow = menu.callflow_id
        if flow is None and stand_ins:
            flow = old_menu_flows.get(menu_id) or derived_id(account_id, "menu-callflow", menu_id)
        if flow is None:
            continue  # not reachable as a next action without its callflow
        directory.add(
            PbxMenu(account_id=account_id, pbx_id=menu_id, name=menu.name, callflow_id=flow)
        )
    for media in data.media:
        directory.add(
            PbxMedia(
                account_id=account_id,
                pbx_id=pbx_id_for("media", media.id, media.name),
                name=media.name,
            )
        )
    uow.session.flush()
    return ImportCounts(
        users=len(data.users),
        devices=len(data.devices),
        voicemail_boxes=len(data.voicemail_boxes),
        menus=len(data.menus),
        media=len(data.media),
    )
