"""What the ``/group`` grammar shares: tokens and typed values (``args``), the base of
every command and how it names people (``commands``) and the two errors (``errors``).

``bot.commands.parser.parse`` is the entry point; each subcommand's dataclasses and
reader are in its family, under ``bot.commands.subcommands``.
"""
