"""A local HTTP server that replays recorded CBS OData responses.

Recorded bodies name ``https://opendata.cbs.nl``; the server rewrites that to its own address,
as a recording proxy would, so paging links point back at it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

CBS = "https://opendata.cbs.nl"


def _sleutel(pad_en_query: str) -> str:
    pad, _, query = unquote(pad_en_query).partition("?")
    return pad.rstrip("/").lower() + ("?" + query if query else "")


class Replay:
    def __init__(self, routes: dict[str, Path]) -> None:
        self.routes = {_sleutel(k): v for k, v in routes.items()}
        self.verzoeken: list[str] = []
        self.url = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                replay.verzoeken.append(self.path)
                bestand = replay.routes.get(_sleutel(self.path))
                if bestand is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = bestand.read_text(encoding="utf-8").replace(CBS, replay.url).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@contextmanager
def replay_server(routes: dict[str, Path]) -> Iterator[Replay]:
    replay = Replay(routes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), replay.handler())
    replay.url = f"http://127.0.0.1:{server.server_address[1]}"
    draad = threading.Thread(target=server.serve_forever, daemon=True)
    draad.start()
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
