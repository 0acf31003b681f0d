#!/usr/bin/env python3
"""An HTTP object store that misbehaves on purpose, for llmcc's remote-store tests.

Binds 127.0.0.1 on a free port and prints the port as the first line of stdout.
--mode:
  status   every request gets --status (e.g. 500) and a short body
  garbage  GET answers 200 with bytes that are not a bundle; PUT is accepted
  hang     accepts connections and never answers
"""
import argparse
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["status", "garbage", "hang"], required=True)
    ap.add_argument("--status", type=int, default=500)
    args = ap.parse_args()

    if args.mode == "hang":
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        print(s.getsockname()[1], flush=True)
        held = []
        while True:
            conn, _ = s.accept()
            held.append(conn)  # never read, never answered, never closed

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, status, body):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(n)
            if args.mode == "status":
                self.reply(args.status, b"injected failure\n")
            elif self.command == "GET":
                self.reply(200, b"LLMCCBND\x01\x00\x00\x00garbage garbage garbage")
            else:
                self.reply(201, b"")

        do_GET = do_PUT = do_DELETE = do_HEAD = handle_any

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
