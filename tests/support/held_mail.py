"""A mail backend for the worker process that writes each message, then holds the task.

Django's file-based backend, which after writing a message waits (up to a minute) until the
file named by $HELD_MAIL_RELEASE exists: a test can then do something while the worker is
between the provider's answer and marking the message sent (stop PostgreSQL, say).
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBasedBackend


class EmailBackend(FileBasedBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        release = Path(os.environ["HELD_MAIL_RELEASE"])
        deadline = time.monotonic() + 60
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return sent
