#!/usr/bin/env python3
"""A WebSocket echo application (the `websockets` package) for the gateway tests.

Usage: ws_upstream.py PORT_FILE — listens on a free loopback port, writes it to PORT_FILE, serves until killed.
Every message comes back as it was; the text "whoami" is answered with the Remote-User header the upgrade carried.
"""
import asyncio
import sys

from websockets.asyncio.server import serve


async def echo(connection):
    user = connection.request.headers.get("Remote-User", "")
    async for message in connection:
        await connection.send(f"user={user}" if message == "whoami" else message)


async def main():
    async with serve(echo, "127.0.0.1", 0, max_size=1 << 24) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        with open(sys.argv[1], "w") as handle:
            handle.write(str(port))
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
