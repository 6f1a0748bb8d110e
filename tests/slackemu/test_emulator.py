"""The emulator answers slack_sdk the way Slack does: auth, views, messages, users,
response_urls, uploads, OAuth, and injected failures."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from slackemu import Identity, ManualClock, SlackEmulator
from slackemu.views import TRIGGER_TTL

TOKEN = "xoxb-test-token"


def modal(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    view = {
        "type": "modal",
        "callback_id": "create_group",
        "title": {"type": "plain_text", "text": "Create group"},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": list(blocks) or [section("Fill me in")],
    }
    return {**view, **extra}


def section(text: str, block_id: str = "intro") -> dict[str, Any]:
    return {"type": "section", "block_id": block_id, "text": {"type": "mrkdwn", "text": text}}


def name_input(block_id: str = "name") -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": "Name"},
        "element": {"type": "plain_text_input", "action_id": "value"},
    }


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emu(clock: ManualClock) -> Iterator[SlackEmulator]:
    with SlackEmulator([TOKEN], clock=clock) as emulator:
        emulator.add_user("U0ALICE", "alice", "alice@example.com", is_admin=True, tz="Europe/Paris")
        emulator.add_user("U0BOB", "bob", "bob@example.com")
        emulator.add_channel("C0ALERTS", "alerts")
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(base_url=emu.base_url, token=TOKEN)


def error_of(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    data: dict[str, Any] = raised.value.response.data
    return data


# -- auth -------------------------------------------------------------------------------


def test_base_url_is_usable_by_web_client(emu: SlackEmulator, client: WebClient) -> None:
    assert emu.base_url.endswith("/api/")
    assert client.auth_test()["user_id"] == emu.identity.bot_user_id


def test_unknown_and_missing_tokens_are_refused(emu: SlackEmulator) -> None:
    stranger = WebClient(base_url=emu.base_url, token="xoxb-someone-else")
    assert error_of(stranger.auth_test)["error"] == "invalid_auth"
    anonymous = WebClient(base_url=emu.base_url)
    assert error_of(anonymous.auth_test)["error"] == "not_authed"


def test_auth_test_reports_scopes_in_header(client: WebClient) -> None:
    scopes = client.auth_test().headers["x-oauth-scopes"].split(",")
    assert "chat:write" in scopes


def test_unknown_method(client: WebClient) -> None:
    assert error_of(client.api_call, "ringgroups.teleport")["error"] == "unknown_method"


def test_method_needs_its_scope(emu: SlackEmulator) -> None:
    emu.add_token("xoxb-narrow", scopes=["commands"])
    narrow = WebClient(base_url=emu.base_url, token="xoxb-narrow")
    error = error_of(narrow.users_info, user="U0ALICE")
    assert (error["error"], error["needed"]) == ("missing_scope", "users:read")


# -- triggers and views -----------------------------------------------------------------


def test_trigger_id_is_good_for_three_seconds(
    emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    fresh = emu.issue_trigger_id("U0ALICE")
    stale = emu.issue_trigger_id("U0ALICE")
    clock.advance(TRIGGER_TTL - 0.1)
    assert client.views_open(trigger_id=fresh, view=modal())["ok"]
    clock.advance(0.2)
    assert error_of(client.views_open, trigger_id=stale, view=modal())["error"] == (
        "expired_trigger_id"
    )


def test_trigger_id_is_single_use(emu: SlackEmulator, client: WebClient) -> None:
    trigger = emu.issue_trigger_id("U0ALICE")
    client.views_open(trigger_id=trigger, view=modal())
    error = error_of(client.views_open, trigger_id=trigger, view=modal())
    assert error["error"] == "exchanged_trigger_id"
    assert error_of(client.views_open, trigger_id="123.456.abc", view=modal())["error"] == (
        "invalid_trigger_id"
    )


def test_views_open_answers_with_a_view_object(emu: SlackEmulator, client: WebClient) -> None:
    sent = modal(name_input(), private_metadata="group=7")
    view = client.views_open(trigger_id=emu.issue_trigger_id("U0ALICE"), view=sent)["view"]
    assert view["id"].startswith("V")
    assert view["root_view_id"] == view["id"]
    assert view["previous_view_id"] is None
    assert view["state"] == {"values": {}}
    assert (view["callback_id"], view["private_metadata"]) == ("create_group", "group=7")
    assert view["blocks"] == sent["blocks"]
    assert emu.open_views("U0ALICE")[0]["hash"] == view["hash"]


def test_omitted_ids_are_filled_in_like_slack(emu: SlackEmulator, client: WebClient) -> None:
    bare = {"type": "input", "label": {"type": "plain_text", "text": "Name"}}
    bare["element"] = {"type": "plain_text_input"}
    view = client.views_open(trigger_id=emu.issue_trigger_id("U0ALICE"), view=modal(bare))
    block = view["view"]["blocks"][0]
    assert block["block_id"]
    assert block["element"]["action_id"]


def test_stale_hash_is_a_conflict(emu: SlackEmulator, client: WebClient) -> None:
    opened = client.views_open(trigger_id=emu.issue_trigger_id("U0ALICE"), view=modal())["view"]
    first = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())["view"]
    assert first["hash"] != opened["hash"]
    assert first["id"] == opened["id"]
    error = error_of(client.views_update, view_id=opened["id"], hash=opened["hash"], view=modal())
    assert error["error"] == "hash_conflict"
    # Without a hash the update is unconditional.
    assert client.views_update(view_id=opened["id"], view=modal())["ok"]


def test_update_of_unknown_view_is_not_found(client: WebClient) -> None:
    assert error_of(client.views_update, view_id="V0NOPE", view=modal())["error"] == "not_found"


def test_external_id_is_unique_and_addresses_updates(emu: SlackEmulator, client: WebClient) -> None:
    sent = modal(external_id="group-7-settings")
    opened = client.views_open(trigger_id=emu.issue_trigger_id("U0ALICE"), view=sent)["view"]
    again = error_of(client.views_open, trigger_id=emu.issue_trigger_id("U0BOB"), view=sent)
    assert again["error"] == "duplicate_external_id"
    changed = modal(section("Updated"), external_id="group-7-settings")
    updated = client.views_update(external_id="group-7-settings", view=changed)["view"]
    assert updated["id"] == opened["id"]


def test_modal_stack_holds_three_views(emu: SlackEmulator, client: WebClient) -> None:
    root = client.views_open(trigger_id=emu.issue_trigger_id("U0ALICE"), view=modal())["view"]
    top = root
    for _ in range(2):
        trigger = emu.issue_trigger_id("U0ALICE", view_id=top["id"])
        top = client.views_push(trigger_id=trigger, view=modal())["view"]
        assert top["root_view_id"] == root["id"]
    trigger = emu.issue_trigger_id("U0ALICE", view_id=top["id"])
    assert error_of(client.views_push, trigger_id=trigger, view=modal())["error"] == (
        "push_limit_reached"
    )
    assert len(emu.open_views("U0ALICE")) == 3


def test_invalid_view_is_refused_with_a_pointer(emu: SlackEmulator, client: WebClient) -> None:
    trigger = emu.issue_trigger_id("U0ALICE")
    view = modal(section("ok"), section("x" * 3001, block_id="long"))
    error = error_of(client.views_open, trigger_id=trigger, view=view)
    assert error["error"] == "invalid_arguments"
    assert error["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 characters [json-pointer:/view/blocks/1/text/text]"
    ]
    # The refused call did not spend the trigger.
    assert client.views_open(trigger_id=trigger, view=modal())["ok"]


def test_home_view_is_kept_per_user(emu: SlackEmulator, client: WebClient) -> None:
    home = {"type": "home", "blocks": [section("Your groups")]}
    first = client.views_publish(user_id="U0ALICE", view=home)["view"]
    second = client.views_publish(user_id="U0ALICE", view=home, hash=first["hash"])["view"]
    assert (second["id"], second["type"]) == (first["id"], "home")
    assert second["hash"] != first["hash"]
    stale = error_of(client.views_publish, user_id="U0ALICE", view=home, hash=first["hash"])
    assert stale["error"] == "hash_conflict"
    assert emu.home_view("U0BOB") is None
    assert error_of(client.views_publish, user_id="U0NOBODY", view=home)["error"] == (
        "user_not_found"
    )


def test_home_tab_disabled(emu: SlackEmulator) -> None:
    with SlackEmulator(home_tab_enabled=False) as off:
        off.add_user("U0ALICE", "alice", "alice@example.com")
        client = WebClient(base_url=off.base_url, token="xoxb-any")
        home = {"type": "home", "blocks": [section("Hi")]}
        assert error_of(client.views_publish, user_id="U0ALICE", view=home)["error"] == (
            "not_enabled"
        )


def test_submission_answers_are_applied(emu: SlackEmulator, client: WebClient) -> None:
    view = modal(name_input(), section("Members", block_id="members"))
    opened = client.views_open(trigger_id=emu.issue_trigger_id("U0ALICE"), view=view)["view"]

    shown = emu.resolve_submission(
        opened["id"], '{"response_action": "errors", "errors": {"name": "Taken"}}'
    )
    assert (shown.action, shown.errors, shown.problems) == ("errors", {"name": "Taken"}, [])

    stray = emu.resolve_submission(
        opened["id"], {"response_action": "errors", "errors": {"members": "x"}}
    )
    assert stray.problems == ["errors key 'members' is not an input block_id"]

    pushed = emu.resolve_submission(opened["id"], {"response_action": "push", "view": modal()})
    assert pushed.view is not None
    assert pushed.view["previous_view_id"] == opened["id"]

    assert emu.resolve_submission(opened["id"], {"response_action": "clear"}).action == "clear"
    assert emu.open_views("U0ALICE") == []


def test_plain_ack_closes_only_the_submitted_view(emu: SlackEmulator, client: WebClient) -> None:
    root = client.views_open(trigger_id=emu.issue_trigger_id("U0ALICE"), view=modal())["view"]
    trigger = emu.issue_trigger_id("U0ALICE", view_id=root["id"])
    pushed = client.views_push(trigger_id=trigger, view=modal())["view"]
    outcome = emu.resolve_submission(pushed["id"], "")
    assert outcome.action == "close"
    assert outcome.view is not None
    assert outcome.view["id"] == root["id"]


# -- messages ---------------------------------------------------------------------------


def test_messages_post_update_delete(emu: SlackEmulator, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0ALERTS", text="80 % used")
    assert posted["message"]["user"] == emu.identity.bot_user_id
    client.chat_update(channel="C0ALERTS", ts=posted["ts"], text="81 % used")
    assert [m["text"] for m in emu.messages_to("C0ALERTS")] == ["81 % used"]
    client.chat_delete(channel="C0ALERTS", ts=posted["ts"])
    assert emu.messages_to("C0ALERTS") == []
    assert error_of(client.chat_delete, channel="C0ALERTS", ts=posted["ts"])["error"] == (
        "message_not_found"
    )


def test_message_blocks_are_validated(client: WebClient) -> None:
    blocks = [section(f"line {i}", block_id=f"b{i}") for i in range(51)]
    error = error_of(client.chat_postMessage, channel="C0ALERTS", text="t", blocks=blocks)
    assert error["error"] == "invalid_blocks"
    assert error["response_metadata"]["messages"] == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]


def test_bot_must_be_in_a_public_channel_to_post(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_channel("C0OUTSIDE", "elsewhere", bot_is_member=False)
    assert error_of(client.chat_postMessage, channel="C0OUTSIDE", text="hi")["error"] == (
        "not_in_channel"
    )
    emu.add_token("xoxb-public", scopes=["chat:write", "chat:write.public"])
    public = WebClient(base_url=emu.base_url, token="xoxb-public")
    assert public.chat_postMessage(channel="C0OUTSIDE", text="hi")["ok"]
    assert error_of(client.chat_postMessage, channel="C0NOWHERE", text="hi")["error"] == (
        "channel_not_found"
    )


def test_ephemeral_message_needs_a_member(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_channel("C0SMALL", "small", members=["U0ALICE"])
    sent = client.chat_postEphemeral(channel="C0SMALL", user="U0ALICE", text="only you")
    assert emu.messages_to("C0SMALL")[0]["ephemeral_to"] == "U0ALICE"
    assert sent["message_ts"] == emu.messages_to("C0SMALL")[0]["ts"]
    error = error_of(client.chat_postEphemeral, channel="C0SMALL", user="U0BOB", text="x")
    assert error["error"] == "user_not_in_channel"


def test_conversations_info_needs_channels_read(emu: SlackEmulator, client: WebClient) -> None:
    assert error_of(client.conversations_info, channel="C0ALERTS")["needed"] == "channels:read"
    emu.add_token("xoxb-reader", scopes=["channels:read"])
    reader = WebClient(base_url=emu.base_url, token="xoxb-reader")
    assert reader.conversations_info(channel="C0ALERTS")["channel"]["name"] == "alerts"


# -- users ------------------------------------------------------------------------------


def test_users_info_has_slack_user_shape(client: WebClient) -> None:
    user = client.users_info(user="U0ALICE")["user"]
    assert user["profile"]["email"] == "alice@example.com"
    assert (user["is_admin"], user["is_owner"], user["tz"]) == (True, False, "Europe/Paris")
    assert isinstance(user["tz_offset"], int)
    assert user["real_name"] == "alice"
    assert error_of(client.users_info, user="U0NOBODY")["error"] == "user_not_found"


def test_email_is_hidden_without_users_read_email(emu: SlackEmulator) -> None:
    emu.add_token("xoxb-no-email", scopes=["users:read"])
    client = WebClient(base_url=emu.base_url, token="xoxb-no-email")
    assert "email" not in client.users_info(user="U0ALICE")["user"]["profile"]


def test_lookup_by_email(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="Bob@Example.com")["user"]["id"] == "U0BOB"
    error = error_of(client.users_lookupByEmail, email="carol@example.com")
    assert error["error"] == "users_not_found"


def test_users_list_paginates(client: WebClient) -> None:
    # slack_sdk follows response_metadata.next_cursor; each page is read as it comes.
    pages = [[member["id"] for member in page["members"]] for page in client.users_list(limit=2)]
    assert [len(page) for page in pages] == [2, 1]
    assert {user for page in pages for user in page} == {"U0GROUPBOT", "U0ALICE", "U0BOB"}


# -- response_url -----------------------------------------------------------------------


def test_response_url_takes_five_posts(emu: SlackEmulator) -> None:
    url = emu.issue_response_url("C0ALERTS", "U0ALICE")
    webhook = WebhookClient(url)
    statuses = [webhook.send(text=f"reply {n}").status_code for n in range(6)]
    assert statuses == [200] * 5 + [404]
    assert emu.last("response_url").response == {"ok": False, "error": "used_url"}
    assert len(emu.webhook_posts(url)) == 5
    assert emu.messages_to("C0ALERTS")[0]["ephemeral_to"] == "U0ALICE"


def test_response_url_expires_after_thirty_minutes(emu: SlackEmulator, clock: ManualClock) -> None:
    url = emu.issue_response_url("C0ALERTS", "U0ALICE")
    clock.advance(30 * 60 + 1)
    assert WebhookClient(url).send(text="late").status_code == 404


def test_response_url_replaces_the_original_message(emu: SlackEmulator, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0ALERTS", text="Delete group Sales?")
    url = emu.issue_response_url("C0ALERTS", "U0ALICE", message_ts=posted["ts"])
    WebhookClient(url).send(text="Deleted.", replace_original=True)
    assert [m["text"] for m in emu.messages_to("C0ALERTS")] == ["Deleted."]


# -- files ------------------------------------------------------------------------------


def test_files_upload_v2_shares_into_the_channel(emu: SlackEmulator, client: WebClient) -> None:
    result = client.files_upload_v2(
        channel="C0ALERTS", content=b"\x89PNG chart", filename="storage.png", title="Storage"
    )
    assert result["file"]["name"] == "storage.png"
    assert [f.data for f in emu.files()] == [b"\x89PNG chart"]
    assert emu.messages_to("C0ALERTS")[0]["files"][0]["id"] == result["file"]["id"]


def test_upload_must_match_the_announced_length(emu: SlackEmulator, client: WebClient) -> None:
    announced = client.files_getUploadURLExternal(filename="a.png", length=10)
    request = urllib.request.Request(announced["upload_url"], data=b"short", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    refused.value.close()
    assert refused.value.code == 400
    files = [{"id": announced["file_id"], "title": "a"}]
    error = error_of(client.files_completeUploadExternal, files=files, channel_id="C0ALERTS")
    assert error["error"] == "file_not_found"


# -- OAuth ------------------------------------------------------------------------------


def test_oauth_code_exchange(emu: SlackEmulator) -> None:
    code = emu.issue_oauth_code("U0ALICE", redirect_uri="https://groupbot.example.com/r")
    anonymous = WebClient(base_url=emu.base_url)
    secret = emu.workspace.client_secret
    installed = anonymous.oauth_v2_access(
        client_id=emu.workspace.client_id,
        client_secret=secret,
        code=code,
        redirect_uri="https://groupbot.example.com/r",
    )
    assert installed["authed_user"] == {"id": "U0ALICE"}
    assert WebClient(base_url=emu.base_url, token=installed["access_token"]).auth_test()["ok"]
    again = error_of(
        anonymous.oauth_v2_access,
        client_id=emu.workspace.client_id,
        client_secret=secret,
        code=code,
        redirect_uri="https://groupbot.example.com/r",
    )
    assert again["error"] == "code_already_used"
    wrong = error_of(
        anonymous.oauth_v2_access, client_id=emu.workspace.client_id, client_secret="no", code=code
    )
    assert wrong["error"] == "bad_client_secret"


def test_a_second_team_has_its_own_users_and_tokens(emu: SlackEmulator) -> None:
    """One app installed in two workspaces: each install's token reaches its own team."""
    beta = emu.add_team(Identity(team_id="T0BETA", team_name="beta"))
    beta.add_user("U0BEA", "bea", "bea@beta.example", is_admin=True)
    anonymous = WebClient(base_url=emu.base_url)
    client_id, secret = emu.workspace.client_id, emu.workspace.client_secret
    installed = anonymous.oauth_v2_access(
        client_id=client_id, client_secret=secret, code=beta.issue_oauth_code("U0BEA")
    )
    assert installed["team"]["id"] == "T0BETA"
    theirs = WebClient(base_url=emu.base_url, token=installed["access_token"])
    assert theirs.auth_test()["team_id"] == "T0BETA"
    assert theirs.users_info(user="U0BEA")["user"]["team_id"] == "T0BETA"
    assert error_of(theirs.users_info, user="U0ALICE")["error"] == "user_not_found"
    ours = WebClient(base_url=emu.base_url, token=TOKEN)
    assert error_of(ours.users_info, user="U0BEA")["error"] == "user_not_found"
    # its response_urls post into its own channels
    beta.add_channel("C0BETA", "beta-general")
    url = beta.issue_response_url("C0BETA", "U0BEA")
    assert WebhookClient(url).send(text="hello beta").status_code == 200
    assert [m["text"] for m in beta.messages_to("C0BETA")] == ["hello beta"]
    assert emu.messages_to("C0BETA") == []


def test_an_external_member_is_of_their_own_team(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_user("U0XENA", "xena", "xena@partner.example", is_admin=True, home_team="T0PARTNER")
    user = client.users_info(user="U0XENA")["user"]
    assert (user["team_id"], user["is_admin"]) == ("T0PARTNER", True)


# -- faults and recording ---------------------------------------------------------------


def test_rate_limit_then_retry_succeeds(
    emu: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=slept.append))
    emu.fail_next("chat.postMessage", "ratelimited", retry_after=2)
    client = WebClient(
        base_url=emu.base_url,
        token=TOKEN,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert client.chat_postMessage(channel="C0ALERTS", text="report")["ok"]
    assert [c.status for c in emu.calls("chat.postMessage")] == [429, 200]
    assert len(slept) == 1
    assert slept[0] >= 2
    assert len(emu.messages_to("C0ALERTS")) == 1


def test_rate_limit_without_retry_handler_surfaces(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("chat.postMessage", "ratelimited")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0ALERTS", text="report")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"


def test_server_error_for_the_given_number_of_calls(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("users.info", times=2)
    for _ in range(2):
        assert error_of(client.users_info, user="U0ALICE")["error"] == "internal_error"
    assert client.users_info(user="U0ALICE")["ok"]
    assert [c.status for c in emu.calls("users.info")] == [500, 500, 200]


def test_dropped_connection_is_retried(emu: SlackEmulator) -> None:
    emu.drop_next("auth.test")
    retry = ConnectionErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0))
    client = WebClient(base_url=emu.base_url, token=TOKEN, retry_handlers=[retry])
    assert client.auth_test()["ok"]
    assert [c.status for c in emu.calls("auth.test")] == [0, 200]


def test_calls_are_recorded_decoded(emu: SlackEmulator, client: WebClient) -> None:
    client.users_info(user="U0ALICE")  # sent as a form
    client.chat_postMessage(channel="C0ALERTS", text="t", blocks=[section("hi")])  # JSON
    assert emu.last("users.info").args == {"user": "U0ALICE"}
    post = emu.last("chat.postMessage")
    assert post.args["blocks"] == [section("hi")]
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    emu.reset()
    assert emu.calls() == []
    with pytest.raises(LookupError):
        emu.last("chat.postMessage")


def test_wait_for_gives_up_with_a_message(emu: SlackEmulator) -> None:
    with pytest.raises(AssertionError, match=r"expected 1 views\.open"):
        emu.wait_for("views.open", timeout=0.05)
