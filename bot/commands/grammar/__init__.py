"""The ``/group`` grammar: command dataclasses (``commands``), tokens and typed values
(``args``), one reader per subcommand (``rules``) and the two errors (``errors``).

``bot.commands.parser.parse`` is the entry point; the dataclasses it returns are imported
from ``bot.commands.grammar.commands``.
"""
