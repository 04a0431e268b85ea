"""A tiny web site of fixed pages on 127.0.0.1, for testing the harness itself (the browser,
the screenshots, axe) without the console."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kiosk.assets import font_path


@contextmanager
def serving(pages: dict[str, str]) -> Iterator[str]:
    """The base URL of a server answering `pages` (path -> HTML) and /font.ttf (the kiosk's
    bundled Sarabun), until the block ends."""
    font = font_path("regular").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/font.ttf":
                body, kind = font, "font/ttf"
            elif self.path in pages:
                body, kind = pages[self.path].encode(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
