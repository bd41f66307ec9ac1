"""kombu's filesystem transport (the `make run` broker), safe for a reader racing a writer.

kombu 5.7 writes a message by opening `<queue>.msg` in the queue folder and
then writing it, while a worker polling the folder moves and reads any
`*.msg` it lists: a worker that lists the file between the open and the
write reads an empty message, fails to decode it, and dies. Here a message
is written under a hidden name that no reader takes (`.<name>.part`) and
renamed into place, which is atomic on one filesystem, so a reader sees
the whole message or nothing. A message that still cannot be decoded (left
by an older writer, or damaged on disk) is logged and skipped instead of
killing the worker; whatever task it held is lost, as the filesystem
transport loses a task its worker was killed holding, and the beat sweepers
(`requeue_stalled_email`, `resume_stalled_deliveries`) send it again.

Settings select it for `filesystem://` with `CELERY_BROKER_TRANSPORT`.
"""

import contextlib
import logging
import os
import uuid
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)

# Undecodable messages skipped in one poll before giving the loop back.
MAX_SKIPPED_PER_POLL = 100


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Write the message to a hidden file, then rename it into the queue in one step."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        """The next message of `queue`; one that cannot be decoded is logged and skipped."""
        for _ in range(MAX_SKIPPED_PER_POLL):
            try:
                return super()._get(queue)
            except ValueError as exc:  # empty or damaged: kombu has already taken the file
                logger.error("Skipped an unreadable message of queue %r: %s", queue, exc)
        raise Empty()


class Transport(filesystem.Transport):
    Channel = Channel
