"""A stand-in for SendGrid's v3 mail API on loopback, de-duplicating by idempotency key.

Anymail's SendGrid backend posts JSON to `<SENDGRID_API_URL>mail/send`; point
`SENDGRID_API_URL` at `FakeSendGrid.api_url` and the real backend talks to
this server instead. Every request is recorded as it arrived (`requests`).
A message is accepted once per `X-Delivery-Key` header (`accepted`), as an ESP
honouring an idempotency key would: a second request with a key already
accepted is recorded but sends nothing. A request is accepted as soon as its
body has arrived, before the answer, and `delay` holds the answer back, so a
client killed while waiting leaves a message accepted that it never saw
acknowledged: the provider-call window.
"""

import base64
import csv
import io
import json
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEND_PATH = "/v3/mail/send"
KEY_HEADER = "X-Delivery-Key"


@dataclass
class Attachment:
    filename: str
    mimetype: str
    content: bytes

    def csv_rows(self):
        """The rows of a CSV attachment as dicts keyed by its header row."""
        return list(csv.DictReader(io.StringIO(self.content.decode("utf-8-sig"))))


@dataclass
class SentRequest:
    """One POST to /v3/mail/send, as received."""

    received_at: float  # time.time(), comparable across processes on this machine
    body: bytes
    payload: dict = field(repr=False)

    @property
    def headers(self):
        return self.payload.get("headers") or {}

    @property
    def key(self):
        return self.headers.get(KEY_HEADER)

    @property
    def message_id(self):
        return self.headers.get("Message-ID")

    @property
    def recipients(self):
        return [
            to["email"]
            for personalization in self.payload.get("personalizations", [])
            for to in personalization.get("to", [])
        ]

    @property
    def attachments(self):
        return [
            Attachment(
                filename=item.get("filename", ""),
                mimetype=item.get("type", ""),
                content=base64.b64decode(item.get("content", "")),
            )
            for item in self.payload.get("attachments", [])
        ]

    def csv_rows(self):
        """Every row of every CSV attachment: the signatures this message carries."""
        return [
            row
            for item in self.payload.get("attachments", [])
            if item.get("filename", "").endswith(".csv")
            for row in Attachment(
                item["filename"], "text/csv", base64.b64decode(item["content"])
            ).csv_rows()
        ]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client killed mid-request is expected here; anything else is printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeSendGrid:
    """`with FakeSendGrid(delay=(0.02, 0.08)) as esp:` ... `esp.api_url`, `esp.accepted`.

    `delay` is a (low, high) range of seconds to wait before answering each
    request. With `keep_bodies=False` (benchmarks) only counts and sizes are
    kept, and accepted messages are remembered by key alone.
    """

    def __init__(self, delay=(0.0, 0.0), keep_bodies=True, status=202):
        self.delay = delay
        self.keep_bodies = keep_bodies
        self.status = status
        self.lock = threading.Lock()
        self.requests = []  # every SentRequest, in arrival order
        self.accepted = {}  # key -> the first SentRequest carrying it
        self.request_count = 0
        self.duplicate_count = 0  # requests whose key had already been accepted
        self.bytes_received = 0
        self.csv_rows_accepted = 0  # signatures carried by accepted messages' CSV attachments
        self.server = None
        self.thread = None

    @property
    def api_url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v3/"

    def start(self):
        self.server = QuietServer(("127.0.0.1", 0), self.handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def duplicates(self):
        """Requests whose key had already been accepted: what the ESP threw away."""
        with self.lock:
            return [
                request
                for request in self.requests
                if request.key and self.accepted.get(request.key) is not request
            ]

    def record(self, body):
        """Record one request; True if it was accepted (first of its key)."""
        payload = json.loads(body)
        request = SentRequest(received_at=time.time(), body=body, payload=payload)
        rows = len(request.csv_rows())
        if not self.keep_bodies:
            request = SentRequest(request.received_at, b"", {"headers": request.headers})
        with self.lock:
            self.request_count += 1
            self.bytes_received += len(body)
            if self.keep_bodies:
                self.requests.append(request)
            key = request.key
            if key is not None and key in self.accepted:
                self.duplicate_count += 1
                return False
            self.accepted[key or f"no-key-{self.request_count}"] = request
            self.csv_rows_accepted += rows
            return True

    def handler_class(self):
        esp = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != SEND_PATH:
                    return self.answer(404, b'{"errors": [{"message": "not found"}]}')
                if not self.headers.get("Authorization", "").startswith("Bearer "):
                    return self.answer(401, b'{"errors": [{"message": "unauthorized"}]}')
                try:
                    esp.record(body)
                except ValueError:
                    return self.answer(400, b'{"errors": [{"message": "bad JSON"}]}')
                low, high = esp.delay
                if high > 0:
                    time.sleep(random.uniform(low, high))
                return self.answer(esp.status, b"")

            def answer(self, status, body):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client was killed while waiting: it never saw the answer

            def log_message(self, format, *args):
                pass

        return Handler
