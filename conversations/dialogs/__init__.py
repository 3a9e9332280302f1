"""The journeys, each a small state machine or a one-turn answer (see ``registry``)."""
