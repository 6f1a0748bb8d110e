"""The one place that wires things: settings, database, PBX adapter, services, Bolt, scheduler.

Each ``cli_<command>`` function is what ``groupbot <command>`` runs (see ``bot.cli``).
"""

from __future__ import annotations
