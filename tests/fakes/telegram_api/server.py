"""The fake's HTTP side: /bot<token>/<method> requests decoded the way Telegram reads them (JSON,
form or multipart, with files) and handed to an endpoint, whose answer goes back as JSON."""

from __future__ import annotations

import json
import re
import select
import socket
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from .records import ApiError, UploadedFile, bad_request

# Form-encoded values are strings; these parameters carry JSON (PTB json.dumps them).
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
    }
)
_INT_PARAMS = frozenset({"chat_id", "message_id", "offset", "limit", "user_id"})
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "show_alert",
        "allow_paid_broadcast",
    }
)


@dataclass(frozen=True)
class Request:
    """One Bot API request as the server read it."""

    token: str
    method: str
    params: dict[str, Any]
    http_method: str
    client_gone: Callable[[], bool]  # whether the client hung up meanwhile


class Endpoint(Protocol):
    """What the HTTP server needs from the fake behind it."""

    def request_arrived(self) -> None:
        """Called first thing for every request, before anything can keep it waiting."""

    def answer(self, request: Request) -> tuple[int, dict[str, Any]]:
        """Run one Bot API method: (HTTP status, JSON body)."""
        ...

    def refuse(self, token: str, method: str, error: ApiError) -> None:
        """Record a request whose parameters could not be read."""

    def track_connection(self, conn: socket.socket, *, add: bool) -> None:
        """Keep open connections known, so stopping can close them."""


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Split multipart/form-data into text fields and file parts (exact bytes, no decoding)."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise bad_request("can't parse multipart/form-data: no boundary")
    delimiter = b"--" + m.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for raw_part in body.split(delimiter)[1:]:
        if raw_part.startswith(b"--"):
            break
        part = raw_part[2:] if raw_part.startswith(b"\r\n") else raw_part
        part = part[:-2] if part.endswith(b"\r\n") else part
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _disposition_param(disposition, "name")
        if name is None:
            continue
        filename = _disposition_param(disposition, "filename")
        if filename is None and "filename*" not in disposition:
            fields[name] = content.decode("utf-8", "replace")
        else:
            if filename is None:
                star = re.search(r"filename\*=([^']*)'[^']*'([^;]+)", disposition)
                filename = urllib.parse.unquote(star.group(2)) if star else None
            files[name] = UploadedFile(filename, content, headers.get("content-type"))
    return fields, files


def _disposition_param(disposition: str, key: str) -> str | None:
    m = re.search(rf'(?:^|;)\s*{key}="((?:[^"\\]|\\.)*)"', disposition)
    if m:
        value = m.group(1).replace('\\"', '"').replace("\\\\", "\\")
        return value.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
    m = re.search(rf"(?:^|;)\s*{key}=([^;\s]+)", disposition)
    return m.group(1) if m else None


def _coerced(key: str, value: str, files: dict[str, UploadedFile]) -> Any:
    """One form string as the type Telegram reads it as (JSON, int, float, bool or a file)."""
    if key in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            if key == "reply_markup":
                raise bad_request("can't parse reply keyboard markup JSON object") from None
            raise bad_request(f"can't parse {key} JSON object") from None
    if key in _INT_PARAMS and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if key in _FLOAT_PARAMS:
        try:
            return float(value)
        except ValueError:
            raise bad_request(f"invalid {key} specified") from None
    if key in _BOOL_PARAMS:
        return value.strip().lower() in ("true", "1")
    if value.startswith("attach://"):
        name = value[len("attach://") :]
        if name not in files:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return files[name]
    return value


def _params(raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Request parameters with form strings turned into the types Telegram reads them as."""
    params = {
        key: _coerced(key, value, files) if isinstance(value, str) else value
        for key, value in raw.items()
    }
    for name, upload in files.items():
        params.setdefault(name, upload)
    return params


class Server(ThreadingHTTPServer):
    """A threading HTTP server in front of one endpoint."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], endpoint: Endpoint) -> None:
        super().__init__(address, _Handler)
        self.endpoint = endpoint

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished (a bot process killed mid-poll) is normal here, not news."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Routes /bot<token>/<method> to the endpoint; every other path answers 404."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server: Server
    timeout = 120  # idle keep-alive connections go away eventually

    def setup(self) -> None:
        super().setup()
        self.server.endpoint.track_connection(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.endpoint.track_connection(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; ``FakeTelegram.calls`` records requests."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self, http_method: str) -> None:
        endpoint = self.server.endpoint
        endpoint.request_arrived()
        url = urllib.parse.urlsplit(self.path)
        body = self._read_body()
        api_match = re.fullmatch(r"/bot([^/]*)/([^/]+)", url.path)
        if not api_match:
            self._send_json(404, ApiError(404, "Not Found").body())
            return
        token, method = api_match.group(1), api_match.group(2)
        try:
            params = self._decode_params(url.query, body)
        except ApiError as exc:
            endpoint.refuse(token, method, exc)
            self._send_json(exc.error_code, exc.body())
            return
        request = Request(token, method, params, http_method, self._client_gone)
        status, payload = endpoint.answer(request)
        self._send_json(status, payload)

    def _client_gone(self) -> bool:
        """True if the client closed the connection (EOF is readable) while we were waiting."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _decode_params(self, query: str, body: bytes) -> dict[str, Any]:
        raw: dict[str, Any] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        content_type = self.headers.get("Content-Type", "")
        kind = content_type.split(";")[0].strip().lower()
        if body and kind == "application/json":
            try:
                decoded = json.loads(body)
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(decoded, dict):
                raise bad_request("JSON object expected")
            raw.update(decoded)
        elif body and kind == "multipart/form-data":
            fields, files = _parse_multipart(body, content_type)
            raw.update(fields)
        elif body:
            form = body.decode("utf-8", "replace")
            raw.update(urllib.parse.parse_qsl(form, keep_blank_values=True))
        return _params(raw, files)

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client went away (e.g. a cancelled long poll)
            self.close_connection = True
