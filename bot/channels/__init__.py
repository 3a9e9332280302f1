"""Channels: each turns its platform's payloads into ``conversations.messages.Incoming`` and
renders reply parts natively. Platform SDKs are imported only inside their own module."""
