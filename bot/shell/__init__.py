"""``groupbot shell``: the real Bolt app in a terminal, against the built-in Slack emulator."""
