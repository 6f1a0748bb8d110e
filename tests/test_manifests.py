"""manifests/*.yaml are valid Slack app manifests and describe the same app."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from bot.app import BOT_SCOPES
from slackemu import DEFAULT_BOT_SCOPES
from tests.shared_files import require_shared

MANIFESTS = Path(__file__).resolve().parent.parent / "manifests"
# Where the top-level schema $refs the versioned files (see shared/slack/SOURCE.md).
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def load(name: str) -> dict[str, Any]:
    manifest: dict[str, Any] = yaml.safe_load((MANIFESTS / name).read_text(encoding="utf-8"))
    return manifest


def v1_validator() -> jsonschema.Draft7Validator:
    path = require_shared("slack", "manifest-schemas", "manifest.schema.1.0.0.json")
    return jsonschema.Draft7Validator(json.loads(path.read_text(encoding="utf-8")))


def errors(validator: jsonschema.Draft7Validator, manifest: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]


@pytest.mark.parametrize("name", ["http.yaml", "socket.yaml"])
def test_manifest_is_valid(name: str) -> None:
    assert errors(v1_validator(), load(name)) == []


@pytest.mark.parametrize("name", ["http.yaml", "socket.yaml"])
def test_manifest_passes_the_version_dispatching_schema(name: str) -> None:
    """What Slack's tooling checks first: the top-level schema picks 1.0.0 for us."""
    top = json.loads(require_shared("slack", "manifest.schema.json").read_text(encoding="utf-8"))
    registry: Registry = Registry()
    for version in ("1.0.0", "2.0.0"):
        path = require_shared("slack", "manifest-schemas", f"manifest.schema.{version}.json")
        schema = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(
            f"{REMOTE}manifest.schema.{version}.json", Resource.from_contents(schema)
        )
    assert list(jsonschema.Draft7Validator(top, registry=registry).iter_errors(load(name))) == []


def test_slash_command_without_slash_is_rejected() -> None:
    manifest = copy.deepcopy(load("http.yaml"))
    manifest["features"]["slash_commands"][0]["command"] = "group"
    found = errors(v1_validator(), manifest)
    assert found == [
        "['features', 'slash_commands', 0, 'command']: 'group' does not match '^\\\\/'"
    ]


def test_both_modes_describe_the_same_app() -> None:
    http, socket = load("http.yaml"), load("socket.yaml")
    assert http["settings"]["socket_mode_enabled"] is False
    assert socket["settings"]["socket_mode_enabled"] is True
    # Socket Mode carries no URLs at all; strip them from the HTTP one and compare.
    assert "url" not in socket["features"]["slash_commands"][0]
    assert "request_url" not in socket["settings"]["interactivity"]
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    stripped = copy.deepcopy(http)
    del stripped["features"]["slash_commands"][0]["url"]
    del stripped["oauth_config"]["redirect_urls"]
    for section in ("interactivity", "event_subscriptions"):
        for key in ("request_url", "message_menu_options_url"):
            stripped["settings"][section].pop(key, None)
    stripped["settings"]["socket_mode_enabled"] = True
    assert stripped == socket


def test_group_command_and_home_tab() -> None:
    manifest = load("http.yaml")
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/group"
    assert command["should_escape"] is True  # mentions arrive as <@U123|name>
    assert command["usage_hint"].startswith("[help|list|show|create|members|features|simulate|")
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    # the app DMs what cannot be ephemeral (the simulate picture); users only read there
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "subteam_members_changed",  # /group mirror follows a user group as it changes
    ]


def test_emulator_grants_what_the_manifest_asks() -> None:
    """The emulator refuses calls the real app could not make; keep the scope lists equal."""
    for name in ("http.yaml", "socket.yaml"):
        assert sorted(load(name)["oauth_config"]["scopes"]["bot"]) == sorted(DEFAULT_BOT_SCOPES)


def test_an_oauth_install_asks_for_what_the_manifest_asks() -> None:
    for name in ("http.yaml", "socket.yaml"):
        assert sorted(load(name)["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


# The scope Slack requires before it delivers each event (its event reference pages).
EVENT_SCOPES = {"app_home_opened": None, "subteam_members_changed": "usergroups:read"}


@pytest.mark.parametrize("name", ["http.yaml", "socket.yaml"])
def test_every_event_has_the_scope_slack_requires(name: str) -> None:
    manifest = load(name)
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert event in EVENT_SCOPES, f"say which scope {event} needs"
        needed = EVENT_SCOPES[event]
        assert needed is None or needed in granted, f"{event} needs {needed}"


def test_every_scope_and_event_says_why() -> None:
    """Each scope and event line carries its reason as a comment."""
    for name in ("http.yaml", "socket.yaml"):
        lines = (MANIFESTS / name).read_text(encoding="utf-8").splitlines()
        manifest = load(name)
        named = [*manifest["oauth_config"]["scopes"]["bot"]]
        named += manifest["settings"]["event_subscriptions"]["bot_events"]
        for item in named:
            (line,) = [x for x in lines if x.split("#")[0].strip() == f"- {item}"]
            assert "#" in line, f"{name}: {item} says no reason"
