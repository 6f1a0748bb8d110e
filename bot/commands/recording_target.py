"""The Features form's "Send recordings to groupbot" box: groupbot's recording URL for
the group, asked of the services before the save. Without GROUPBOT_PUBLIC_URL the
refusal (naming the variable) shows under the recording URL input."""

from __future__ import annotations

from bot.commands import views
from bot.commands.views import ModalMeta
from bot.commands.views import state as st
from bot.errors import FieldErrors, UserError
from bot.services import Actor, Services

URL_FIELD = "features.call_recording.url"


def form_url(services: Services, who: Actor, meta: ModalMeta, state: st.StateValues) -> str | None:
    """The URL to save when the box is ticked, else None (the form's URL stands)."""
    if not views.features_to_groupbot(state):
        return None
    try:
        return services.recording_url_for(who.team_id, meta.opened().extension)
    except UserError as refused:
        raise FieldErrors({URL_FIELD: str(refused)}) from None
