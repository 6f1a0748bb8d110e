"""The ``/group`` grammar: command dataclasses, tokens and argument readers.

``bot.commands.parser`` is the entry point; import from there.
"""
