"""Hub reference: curl downloading the same 200 MB file from the same kind of loopback server
that the Swift side (Benchmarks/Swift/HubBenchmarks.swift) downloads it from with Ember.

Also the server itself: `python3 hub_reference.py --serve DIR` serves DIR on 127.0.0.1 with
sendfile (so the server costs little and the client's speed is what is measured), prints its
port on the first line, and exits when its parent process goes away.
"""
import atexit
import http.server
import os
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

NAME = "hub download 200MB loopback"
SIZE = 200 * 1024 * 1024


class SendfileHandler(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile):
        self.wfile.flush()
        self.connection.sendfile(source)

    def log_message(self, *args):
        pass


def serve(directory):
    parent = os.getppid()

    def watch():  # the server stops itself when whoever started it is gone
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    handler = lambda *a, **k: SendfileHandler(*a, directory=directory, **k)  # noqa: E731
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


def start_server(directory):
    """Starts the server script on `directory`; returns (process, port)."""
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve", directory], stdout=subprocess.PIPE, text=True
    )
    port = int(process.stdout.readline())
    return process, port


def make_payload(directory):
    path = os.path.join(directory, "payload.bin")
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as f:
        for _ in range(SIZE // len(block)):
            f.write(block)
    return path


def prepare_curl():
    if shutil.which("curl") is None:
        raise RuntimeError("curl not installed")
    work = tempfile.mkdtemp(prefix="ember-hub-bench-")
    served = os.path.join(work, "served")
    os.mkdir(served)
    make_payload(served)
    process, port = start_server(served)
    dest = os.path.join(work, "download.bin")

    def cleanup():
        process.kill()
        shutil.rmtree(work, ignore_errors=True)

    atexit.register(cleanup)
    url = f"http://127.0.0.1:{port}/payload.bin"

    def body():
        subprocess.run(["curl", "-s", "-f", "-o", dest, url], check=True)
        if os.path.getsize(dest) != SIZE:
            raise RuntimeError("short download")
        os.unlink(dest)

    return body


def workloads(threads):
    return [(NAME, prepare_curl)]


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--serve":
    serve(sys.argv[2])
