"""``storylens serve --workers N``: N server processes, each with a listening socket of its own.

uvicorn's own ``--workers`` shares one listening socket between its processes, and asyncio
accepts up to a hundred waiting connections at a time: a burst of new connections all lands in
whichever process wakes first, and the others idle (measured: one of two workers did all the
work of 16 clients). Here each worker binds the address with ``SO_REUSEPORT``, and the kernel
spreads the connections over the workers' sockets evenly. The parent only starts the workers,
passes them the resolved settings, and stops them (SIGINT or SIGTERM) when it is stopped.
"""

from __future__ import annotations

import json
import multiprocessing
import signal
import socket
from types import FrameType

from storylens.config import Settings
from storylens.errors import StorylensError


def listen(host: str, port: int, *, share: bool) -> socket.socket:
    """A listening socket on ``host:port``; ``share`` lets the other workers bind it too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if share:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise StorylensError(
            f"cannot listen on {host}:{port} ({exc.strerror})",
            hint="Another server may be using that port: stop it, or pass --port.",
        ) from None
    sock.listen(2048)
    return sock


def _worker(settings_json: str, host: str, port: int) -> None:
    import uvicorn

    from storylens.web.app import create_app

    data = json.loads(settings_json)
    app = create_app(Settings(values=data["values"], outlet_domains=data["outlet_domains"]))
    sock = listen(host, port, share=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """Run ``workers`` server processes until this process is interrupted or terminated."""
    listen(host, port, share=False).close()  # the port is free: not even another storylens
    data = json.dumps({"values": settings.values, "outlet_domains": settings.outlet_domains})
    spawn = multiprocessing.get_context("spawn")
    procs = [spawn.Process(target=_worker, args=(data, host, port)) for _ in range(workers)]
    for proc in procs:
        proc.start()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        for proc in procs:
            proc.join()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for proc in procs:
            if proc.is_alive():
                proc.terminate()  # uvicorn ends its requests and stops
        for proc in procs:
            proc.join(15)
            if proc.is_alive():
                proc.kill()
