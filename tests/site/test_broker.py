"""The filesystem broker of `make run` (northstar.broker): a bad message file never kills a worker.

kombu's own transport creates a message file empty and then writes it, so a
worker polling at that moment read an empty message and died.
"""

import os
from unittest import mock

import pytest
from kombu import Connection
from kombu.exceptions import ChannelError

from northstar.broker import Transport


@pytest.fixture
def broker(tmp_path):
    queue_dir = tmp_path / "queue"
    queue_dir.mkdir()
    Transport.global_state.clear()  # bindings this process remembers from other folders
    options = {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "control_folder": str(tmp_path / "control"),
        "polling_interval": 0.01,
    }
    with Connection(
        "filesystem://", transport="northstar.broker:Transport", transport_options=options
    ) as connection:
        yield connection, queue_dir


def test_an_empty_message_file_is_skipped_and_the_next_message_delivered(broker):
    connection, queue_dir = broker
    queue = connection.SimpleQueue("tasks")
    (queue_dir / "0000_half-written.tasks.msg").write_bytes(b"")  # sorts first
    queue.put({"task": "send", "id": 7})

    message = queue.get(timeout=2)

    assert message.payload == {"task": "send", "id": 7}
    message.ack()
    assert os.listdir(queue_dir) == []


def test_a_damaged_message_file_is_skipped(broker):
    connection, queue_dir = broker
    queue = connection.SimpleQueue("tasks")
    (queue_dir / "0000_damaged.tasks.msg").write_bytes(b'{"body": "tru')
    queue.put({"id": 8})
    assert queue.get(timeout=2).payload == {"id": 8}


def test_a_message_appears_in_the_queue_only_once_written_whole(broker):
    connection, queue_dir = broker
    queue = connection.SimpleQueue("tasks")
    seen_before_rename = []

    def watch_rename(source, target):
        seen_before_rename.extend(name for name in os.listdir(queue_dir) if name.endswith(".msg"))
        with open(source, "rb") as written:
            assert written.read()  # complete before it gets its queue name
        return os.rename(source, target)

    with mock.patch("northstar.broker.os.replace", watch_rename):
        queue.put({"id": 9})

    assert seen_before_rename == []
    assert queue.get(timeout=2).payload == {"id": 9}


def test_a_write_that_fails_leaves_nothing_for_a_worker_to_read(broker):
    connection, queue_dir = broker
    queue = connection.SimpleQueue("tasks")
    with (
        mock.patch("northstar.broker.os.replace", side_effect=OSError("disk full")),
        pytest.raises(ChannelError),
    ):
        queue.put({"id": 10})
    assert os.listdir(queue_dir) == []
