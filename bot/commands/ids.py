"""Every identifier Slack sends back to us: the slash command, callback_ids, block_ids and
action_ids. The builders in ``bot.commands.views``, the state readers and the handlers
all take them from here, so a renamed id cannot leave a listener behind.

Buttons that act on one group repeat once per group in a list (``/group list``, App
Home), and Slack wants action_ids unique within a message or view. Those buttons carry
``<action>:<group id>`` (see ``group_action_id``); ``routes.Routes`` sends the bare id
and every suffixed one to the same listener.

Inputs whose block_id must change to reset what Slack keeps typed (member rows after
Distribute, the next-action target after its kind changes) carry a suffix as well
(``member_start:<generation>:<member key>``, ``next_target:<kind>``); their action_id
stays the bare constant.
"""

from __future__ import annotations

from enum import StrEnum

SEPARATOR = ":"


class Command(StrEnum):
    GROUP = "/group"


class Callback(StrEnum):
    """Modal callback_ids; also the ``view_kind`` of ``views.errors_for_view``."""

    CREATE = "group_create"
    SETTINGS = "group_settings"
    MEMBERS = "group_members"
    FEATURES = "group_features"
    DELETE = "group_delete"
    SETUP = "workspace_setup"


class Block(StrEnum):
    # Create and Settings modals
    NAME = "name"
    EXTENSION = "extension"
    NUMBERS = "numbers"  # Create: extra extensions and DIDs in one field; Settings: DIDs
    EXTRA_EXTENSIONS = "extra_extensions"  # Settings
    REPEATS = "repeats"
    MEMBERS = "members"  # the multi_users_select (Create and Members)
    # Members modal
    MEMBER_LABEL = "member_label"  # section naming a member row, + ":<generation>:<key>"
    MEMBER_START = "member_start"  # + ":<generation>:<key>"
    MEMBER_END = "member_end"  # + ":<generation>:<key>"
    WINDOW = "distribute_window"
    DISTRIBUTE = "distribute"  # actions block holding the Distribute button
    TIMELINE = "timeline"
    SIMULATION = "simulation"
    # Features modal
    RECORDING = "recording"
    RECORDING_FORMAT = "recording_format"
    RECORDING_LIMIT = "recording_limit"
    RECORDING_URL = "recording_url"
    RINGBACK = "ringback"
    NEXT_KIND = "next_kind"
    NEXT_TARGET = "next_target"  # + ":<kind>"
    FORWARD = "forward"
    PREPEND = "prepend"
    PREPEND_NAME = "prepend_name"
    PREPEND_NUMBER = "prepend_number"
    # Delete modal
    DELETE_CONFIRM = "delete_confirm"
    # Setup modal
    ACCOUNT_ID = "account_id"
    API_KEY = "pbx_api_key"
    STORAGE_LIMIT = "storage_limit"
    ALERT_CHANNEL = "alert_channel"
    TIME_ZONE = "time_zone"
    WARN = "threshold_warn"
    CRITICAL = "threshold_critical"
    FULL = "threshold_full"
    # messages and App Home
    HEADER = "header"
    DETAILS = "details"
    FEATURES = "features"
    GROUP = "group"  # + ":<group id>" for one group of a list
    GROUP_ACTIONS = "group_actions"  # + ":<group id>" in lists
    HOME_ACTIONS = "home_actions"
    STORAGE = "storage"  # App Home's gauge
    # the storage report and alerts
    STORAGE_USAGE = "storage_usage"
    STORAGE_TREND = "storage_trend"
    STORAGE_GROUPS = "storage_groups"
    STORAGE_NOTE = "storage_note"
    STORAGE_ALERT = "storage_alert"
    # /group drift: + ":<n>" per drifted or adoptable group
    DRIFT = "drift"
    ADOPTABLE = "adoptable"
    # Setup modal's rotate button; Features modal's "send recordings to groupbot" choice
    RECORDING_SECRET = "recording_secret"
    RECORDING_TO_GROUPBOT = "recording_to_groupbot"
    MORE = "more"
    LOADING = "loading"
    # The section of every error reply (a UserError, a usage line, a refusal, a bug's
    # reference) and of a modal that only refuses: how a client (the shell, a test) tells
    # "this failed" from "this is the answer" without reading the words. Fixed, never suffixed.
    ERROR = "error"
    # presence: the last-member warning, App Home's "My groups" (+ ":<group id>")
    PAUSE_WARNING = "pause_warning"
    PAUSE_CONFIRM = "pause_confirm"
    MY_GROUPS = "my_groups"
    MY_GROUP = "my_group"
    MY_GROUP_ACTIONS = "my_group_actions"


class Action(StrEnum):
    # group buttons (messages and App Home); suffixed with ":<group id>" in lists
    SHOW = "group_show"
    EDIT = "group_edit"
    MEMBERS = "group_members"
    FEATURES = "group_features"
    SIMULATE = "group_simulate"
    DELETE = "group_delete"  # carries a confirm dialog: pressing it means "yes, delete"
    CREATE = "group_create"  # App Home: opens the Create modal
    # Create / Settings inputs
    NAME = "name"
    EXTENSION = "extension"
    NUMBERS = "numbers"
    EXTRA_EXTENSIONS = "extra_extensions"
    REPEATS = "repeats"
    # Members modal
    MEMBERS_SELECT = "members_select"  # dispatches: rebuild the rows for the new selection
    MEMBER_START = "member_start"
    MEMBER_END = "member_end"
    WINDOW = "distribute_window"
    DISTRIBUTE = "distribute"
    # Features modal (the toggles and the next-action kind dispatch)
    RECORDING_TOGGLE = "recording_toggle"
    RECORDING_FORMAT = "recording_format"
    RECORDING_LIMIT = "recording_limit"
    RECORDING_URL = "recording_url"
    RINGBACK = "ringback"
    NEXT_KIND = "next_kind"
    NEXT_TARGET = "next_target"
    FORWARD_TOGGLE = "forward_toggle"
    PREPEND_TOGGLE = "prepend_toggle"
    PREPEND_NAME = "prepend_name"
    PREPEND_NUMBER = "prepend_number"
    # Delete modal
    DELETE_CONFIRM = "delete_confirm"
    # Setup modal
    ACCOUNT_ID = "account_id"
    API_KEY = "pbx_api_key"
    STORAGE_LIMIT = "storage_limit"
    ALERT_CHANNEL = "alert_channel"
    TIME_ZONE = "time_zone"
    WARN = "threshold_warn"
    CRITICAL = "threshold_critical"
    FULL = "threshold_full"
    ROTATE_SECRET = "rotate_recording_secret"
    RECORDING_TO_GROUPBOT = "recording_to_groupbot"
    # /group drift buttons, suffixed ":<n>" (value: the group's name)
    DRIFT_PUSH = "drift_push_ours"
    DRIFT_TAKE = "drift_take_pbx"
    DRIFT_ADOPT = "drift_adopt"
    # presence: Confirm under the last-member warning (value: what to pause, as asked)
    PAUSE_CONFIRM = "pause_confirm"
    # App Home's "My groups", suffixed ":<group id>" (value: the group id)
    HOME_PAUSE_HOUR = "home_pause_hour"
    HOME_PAUSE_TOMORROW = "home_pause_tomorrow"
    HOME_RESUME = "home_resume"


# The toggles and selects whose change rebuilds the Features modal (views.update).
FEATURE_DISPATCH = (
    Action.RECORDING_TOGGLE,
    Action.NEXT_KIND,
    Action.PREPEND_TOGGLE,
)

# Buttons that act on one group and may repeat in a list.
GROUP_BUTTONS = (
    Action.SHOW,
    Action.EDIT,
    Action.MEMBERS,
    Action.FEATURES,
    Action.SIMULATE,
    Action.DELETE,
)


def suffixed(base: str, *parts: object) -> str:
    """``base:part1:part2``, the shape of every per-group or per-row id."""
    return SEPARATOR.join([base, *(str(part) for part in parts)])


def group_action_id(action: Action, group_id: int) -> str:
    return suffixed(action, group_id)


def base_of(identifier: str) -> str:
    """The constant part of a suffixed id: ``group_show:12`` → ``group_show``."""
    return identifier.split(SEPARATOR, 1)[0]
