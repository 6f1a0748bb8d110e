"""``groupbot shell``: the real Bolt app in a terminal, against the built-in Slack emulator.

- ``render``: Block Kit as terminal text, buttons as numbered choices;
- ``forms``: a modal as questions, answers as the ``view.state`` Slack's client sends;
- ``session``: the loop reading lines and printing replies;
- ``chat``: the Slack side (signed requests to the app, what it sent, read back);
- ``main``: the emulated workspace and its members, and ``run``.
"""
