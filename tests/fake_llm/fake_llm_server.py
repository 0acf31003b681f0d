#!/usr/bin/env python3
"""A scripted OpenAI-compatible chat-completions server for llmcc's tests.

Binds 127.0.0.1 on a free port and prints the port as the first line of stdout.
Each request to any path takes the next entry of the script (a JSON list); once
the script is used up, the last entry repeats. An entry is an object with:

  status      HTTP status (default 200)
  content     reply text, wrapped in a chat.completion object with "usage"
  usage       {"prompt_tokens": n, "completion_tokens": m} for "content" (default 100/50)
  body        any JSON value, sent as the body as it is
  raw         a string, sent as the body byte for byte
  huge_bytes  a chat.completion whose content is this many bytes of filler
  delay_sec   wait this long before answering
  headers     extra response headers, e.g. {"Retry-After": "1"}
  drop        true: close the connection without answering

Every request is appended to the log file as one JSON line (method, path, headers,
body) before the reply is sent, so tests can assert on the prompt and the
Authorization header even when the reply is slow.

--kind mimics what a kind of server accepts in the request (docs/llm.md):

  openai          (default) any response_format: OpenAI, vLLM, llama.cpp's server
  no-json-schema  400 to response_format {"type": "json_schema"}, like servers
                  without schema support; json_object and plain requests are served
  text-only       400 to any response_format
  ollama          Ollama's native POST /api/chat: "format" may be a JSON schema or
                  "json"; replies in Ollama's shape (message, prompt_eval_count,
                  eval_count); 404 on other paths

A refused request is logged like any other but takes no script entry.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def ollama_reply(content, usage=None):
    usage = usage or {"prompt_tokens": 100, "completion_tokens": 50}
    return {
        "model": "fake-model",
        "created_at": "2026-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": content},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": usage.get("prompt_tokens", 0),
        "eval_count": usage.get("completion_tokens", 0),
    }


def refusal(kind, path, body):
    """(status, message) when a server of this kind refuses the request, else None."""
    try:
        req = json.loads(body) if body else {}
    except ValueError:
        return (400, "request body is not JSON")
    if not isinstance(req, dict):
        return (400, "request body is not an object")
    if kind == "ollama":
        if path != "/api/chat":
            return (404, "404 page not found")
        fmt = req.get("format")
        if fmt is not None and fmt != "json" and not isinstance(fmt, dict):
            return (400, "invalid format")
        if "response_format" in req:
            return (400, "unknown field response_format")
        return None
    rf = req.get("response_format")
    if rf is None:
        return None
    if kind == "text-only":
        return (400, "response_format is not supported")
    if kind == "no-json-schema" and isinstance(rf, dict) and rf.get("type") == "json_schema":
        return (400, "response_format type json_schema is not supported")
    return None


def completion(content, usage=None):
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}],
        "usage": usage or {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }


class State:
    def __init__(self, script, log_path, kind="openai"):
        self.kind = kind
        self.script = script
        self.log_path = log_path
        self.index = 0
        self.lock = threading.Lock()

    def next_entry(self):
        with self.lock:
            if not self.script:
                return {"status": 500, "raw": "no script"}
            entry = self.script[min(self.index, len(self.script) - 1)]
            self.index += 1
            return entry

    def log(self, record):
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        self.state.log({"method": self.command, "path": self.path,
                        "headers": {k: v for k, v in self.headers.items()}, "body": body})
        refused = refusal(self.state.kind, self.path, body)
        if refused:
            entry = {"status": refused[0], "body": {"error": {"message": refused[1], "type": "invalid_request_error"}}}
        else:
            entry = self.state.next_entry()
        if entry.get("delay_sec"):
            time.sleep(float(entry["delay_sec"]))
        if entry.get("drop"):
            self.close_connection = True
            return
        if "raw" in entry:
            data = entry["raw"].encode("utf-8")
        elif "body" in entry:
            data = json.dumps(entry["body"]).encode("utf-8")
        elif "huge_bytes" in entry:
            data = json.dumps(completion("x" * int(entry["huge_bytes"]))).encode("utf-8")
        elif self.state.kind == "ollama":
            data = json.dumps(ollama_reply(entry.get("content", ""), entry.get("usage"))).encode("utf-8")
        else:
            data = json.dumps(completion(entry.get("content", ""), entry.get("usage"))).encode("utf-8")
        try:
            self.send_response(int(entry.get("status", 200)))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            for k, v in (entry.get("headers") or {}).items():
                self.send_header(k, str(v))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout or size cap): expected in tests
        self.close_connection = True

    do_POST = handle_any
    do_GET = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--kind", default="openai", choices=["openai", "no-json-schema", "text-only", "ollama"])
    ap.add_argument("--lifetime", type=float, default=600,
                    help="exit after this many seconds even if nobody stops us")
    args = ap.parse_args()
    with open(args.script, encoding="utf-8") as f:
        script = json.load(f)
    Handler.state = State(script, args.log, args.kind)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    timer = threading.Timer(args.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
