"""The edges: channels (console now; Slack and Teams next), the CLI, settings.

Map:
- ``cli``: the ``mentorbot`` command (chat, inbox, scheme load, export).
- ``settings``: configuration from the environment.
- ``channels.console``: the terminal channel (plain text, numbered choices, one field at a time).

Platform SDKs are imported only inside their channel module, and only when configured.
"""
