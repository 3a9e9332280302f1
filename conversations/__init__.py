"""Platform-neutral conversations: message types, the dialog engine, the dialogs, language understanding.

Map:
- ``messages``: the incoming message and the reply parts every channel renders.
- ``clock``: the injected clock (``MENTORBOT_NOW`` / ``--now`` fix it).
- ``dates``: dates, times and durations understood from English text.
- ``intents``: what a free-text message or a button press asks for.
- ``engine``: one turn: resolve, de-duplicate, run the dialog, save state and outbox together.
- ``dialogs``: the journeys, each a small state machine.
- ``scheme_config``: the TOML scheme format and its loader.

Nothing here imports a chat platform SDK or aiohttp.
"""
