"""Fakes of what the assistant talks to: a chat-completions server."""
