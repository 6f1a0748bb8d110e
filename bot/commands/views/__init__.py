"""Block Kit builders (pure: data in, dicts out) and the readers of modal state.

One module per surface; everything a handler needs is re-exported here.
"""

from bot.commands.views.common import GroupRef, Message, ModalMeta, View
from bot.commands.views.create import CreateForm, create_modal, read_create, split_numbers
from bot.commands.views.delete import delete_modal, read_delete
from bot.commands.views.errors import block_errors, block_for, errors_for_view
from bot.commands.views.features import draft_of, features_modal, read_features
from bot.commands.views.features import to_groupbot as features_to_groupbot
from bot.commands.views.history import history_message
from bot.commands.views.home import home_view
from bot.commands.views.members import (
    MemberRow,
    MembersForm,
    distributed_rows,
    member_rows,
    members_modal,
    read_members,
)
from bot.commands.views.messages import (
    callflow_message,
    delete_prompt,
    group_buttons,
    help_message,
    list_message,
    show_message,
    simulate_message,
)
from bot.commands.views.settings import read_settings, settings_modal
from bot.commands.views.setup import read_api_key, read_setup, setup_modal
from bot.commands.views.status import (
    done_message,
    error_message,
    loading_modal,
    notice_modal,
    refusal_modal,
    saved_message,
)
from bot.commands.views.storage import alert_message as storage_alert_message
from bot.commands.views.storage import home_gauge as storage_gauge
from bot.commands.views.storage import report_message as storage_report_message
from bot.commands.views.storage import setup_saved as setup_saved_message

__all__ = [
    "CreateForm",
    "GroupRef",
    "MemberRow",
    "MembersForm",
    "Message",
    "ModalMeta",
    "View",
    "block_errors",
    "block_for",
    "callflow_message",
    "create_modal",
    "delete_modal",
    "delete_prompt",
    "distributed_rows",
    "done_message",
    "draft_of",
    "error_message",
    "errors_for_view",
    "features_modal",
    "features_to_groupbot",
    "group_buttons",
    "help_message",
    "history_message",
    "home_view",
    "list_message",
    "loading_modal",
    "member_rows",
    "members_modal",
    "notice_modal",
    "read_api_key",
    "read_create",
    "read_delete",
    "read_features",
    "read_members",
    "read_settings",
    "read_setup",
    "refusal_modal",
    "saved_message",
    "settings_modal",
    "setup_modal",
    "setup_saved_message",
    "show_message",
    "simulate_message",
    "split_numbers",
    "storage_alert_message",
    "storage_gauge",
    "storage_report_message",
]
