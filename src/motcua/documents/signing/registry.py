"""Where signing-key plugins are found: each registers its class here when its module is imported
(`documents.signing` imports the shipped ones)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Signer


class Registry:
    def __init__(self) -> None:
        self._plugins: dict[str, type[Signer]] = {}

    def register(self, cls: type[Signer]) -> type[Signer]:
        if cls.identifier in self._plugins:
            raise ValueError(f"A signing plugin {cls.identifier!r} is already registered.")
        self._plugins[cls.identifier] = cls
        return cls

    def create(self, identifier: str, config: Mapping[str, Any]) -> Signer:
        return self._plugins[identifier](config)

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._plugins

    def choices(self) -> list[tuple[str, str]]:
        return [(key, cls.label) for key, cls in self._plugins.items()]


registry = Registry()
register = registry.register
