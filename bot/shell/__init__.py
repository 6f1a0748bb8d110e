"""``groupbot shell``: the real Bolt app in a terminal, against the built-in Slack emulator.

- ``main``: the emulated workspace and its members, and ``run``;
- ``session``: the loop reading lines and printing replies;
- ``modal``: a modal filled in as a form, submitted through the app;
- ``forms``: a modal as questions, answers as the ``view.state`` Slack's client sends;
- ``workspace``: the people and channels a form or a command can name;
- ``render``: Block Kit as terminal text, buttons as numbered choices;
- ``text``: mrkdwn and rich text as terminal text;
- ``replies``: what one interaction produced, and what counts as an error in it;
- ``chat``: the Slack side (signed requests to the app, what it sent, read back);
- ``observe``: waiting for the app's work after ``ack()``, and seeing its errors;
- ``terminal``: where lines come from, and what reached the PBX folder.
"""
