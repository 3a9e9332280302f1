"""Fakes that speak the wire format: local aiohttp servers standing in for the platforms."""
