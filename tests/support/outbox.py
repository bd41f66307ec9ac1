"""Reading the mail that the worker process sent to files (Django's file-based backend)."""

import email
from email import policy
from pathlib import Path

from .waiting import wait_until

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class Outbox:
    def __init__(self, directory):
        self.directory = Path(directory)

    def messages(self):
        found = []
        for path in sorted(self.directory.glob("*.log")):
            for chunk in path.read_bytes().split(SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk, policy=policy.default))
        return found

    def to(self, address):
        return [m for m in self.messages() if address in str(m["To"])]

    def wait_for(self, address, count=1, timeout=30.0):
        """The messages sent to `address`, once there are at least `count` of them."""
        return wait_until(
            lambda: (found := self.to(address)) and len(found) >= count and found,
            timeout=timeout,
            message=f"{count} email(s) to {address}",
        )


def text_body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_body(message):
    return message.get_body(preferencelist=("html",)).get_content()
