"""The domain: ring groups, their rules, the Kazoo compiler and decompiler, the simulator.

Imports nothing from Slack, SQLAlchemy or HTTP libraries; keeps no state; does no I/O.
"""
