"""Where channel plugins are found: each registers its class here when its module is imported
(`apps.NotificationsConfig.ready` imports the shipped ones)."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Channel


class Registry:
    def __init__(self) -> None:
        self._channels: dict[str, Channel] = {}

    def register(self, cls: type[Channel]) -> type[Channel]:
        if cls.identifier in self._channels:
            raise ValueError(f"A channel {cls.identifier!r} is already registered.")
        self._channels[cls.identifier] = cls()
        return cls

    def __getitem__(self, identifier: str) -> Channel:
        return self._channels[identifier]

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._channels

    def __iter__(self) -> Iterator[Channel]:
        return iter(self._channels.values())


registry = Registry()
register = registry.register
