from __future__ import annotations

import json

from django.core.management.base import CommandError


def usage_error(message: str) -> CommandError:
    """A usage or configuration error: exit status 2."""
    return CommandError(message, returncode=2)


def work_failed(message: str) -> CommandError:
    """The work itself failed: exit status 1."""
    return CommandError(message, returncode=1)


def json_dump(command, data) -> None:
    command.stdout.write(json.dumps(data, indent=2, sort_keys=True, default=str))


def validation_message(error, names: dict[str, str] | None = None) -> str:
    """One line from a Django ValidationError ("--option: message; ..."), fields renamed by
    ``names`` to what the user typed."""
    names = names or {}
    if hasattr(error, "message_dict"):
        parts = [
            f"{names.get(field, field)}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        ]
        return "; ".join(parts)
    return " ".join(error.messages)
