"""Where gateway plugins are found: each registers its class here when its module is imported
(`apps.PaymentsConfig.ready` imports the shipped ones)."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Gateway


class Registry:
    def __init__(self) -> None:
        self._gateways: dict[str, Gateway] = {}

    def register(self, cls: type[Gateway]) -> type[Gateway]:
        if cls.identifier in self._gateways:
            raise ValueError(f"A gateway {cls.identifier!r} is already registered.")
        self._gateways[cls.identifier] = cls()
        return cls

    def __getitem__(self, identifier: str) -> Gateway:
        return self._gateways[identifier]

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._gateways

    def __iter__(self) -> Iterator[Gateway]:
        return iter(self._gateways.values())

    def self_settling(self) -> list[Gateway]:
        """Gateways whose pending payments the periodic job asks about."""
        return [g for g in self if g.settles_itself]


registry = Registry()
register = registry.register
