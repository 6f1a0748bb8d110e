"""slack_sdk's SQLAlchemy stores work in our migrated database, with no create_tables()."""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Installation

from bot.app import build_slack_stores
from bot.storage.db import make_engine


def test_installations_and_states_live_in_our_database(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    try:
        installations, states = build_slack_stores(engine, client_id="111.222")
        installations.save(
            Installation(
                app_id="A1",
                team_id="T1",
                user_id="U1",
                bot_token="xoxb-1",
                bot_id="B1",
                bot_user_id="UB1",
            )
        )
        bot = installations.find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None
        assert bot.bot_token == "xoxb-1"

        state = states.issue()
        assert states.consume(state)
        assert not states.consume(state)  # single use
    finally:
        engine.dispose()
