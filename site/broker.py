"""kombu's transports as the site runs them: filesystem (`make run`) and Redis (production).

The filesystem transport (`Transport`) is safe for a reader racing a writer.

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

The Redis transport (`RedisTransport`, selected for `redis://`) survives a
Redis that drops while the worker holds an unacknowledged message (a
countdown task always is one). In kombu 5.7.0 the worker, told the
connection is lost, first `collect()`s the connection, which detaches the
transport from it (`transport.client = None`), then closes it; closing the
channel tries once more to give the held messages back to Redis, builds a
new connection pool from `transport.client.hostname`, and raises
AttributeError. Celery ignores only connection errors there, so the worker
logged "Unrecoverable error: AttributeError("'NoneType' object has no
attribute 'hostname'")" and exited for good (the same failure as
celery/kombu#582 and #970, on another path). Here a channel whose transport
is detached raises redis's ConnectionError instead, which Celery ignores
before it reconnects. Redis was unreachable anyway, so nothing could be
given back at that moment: the messages stay in kombu's unacked index in
Redis, and the first worker to sweep it once `visibility_timeout` has passed
puts them back in their queue (tasks are idempotent, so one that ran after
all is not sent twice). If Redis lost its data, beat's sweepers send again
what was lost.
"""

import contextlib
import logging
import os
import uuid
from queue import Empty
from time import monotonic

import redis
from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.transport import redis as redis_transport
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


class RedisChannel(redis_transport.Channel):
    def _connparams(self, asynchronous=False):
        """kombu's connection parameters, or ConnectionError once the connection was collected."""
        if self.connection.client is None:
            raise redis.exceptions.ConnectionError(
                "The broker connection was closed: unacknowledged messages stay in Redis"
                " until visibility_timeout puts them back in their queue."
            )
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(redis_transport.Transport):
    Channel = RedisChannel
