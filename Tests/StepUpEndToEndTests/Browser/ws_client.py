#!/usr/bin/env python3
"""Talks to the WebSocket echo application through StepUp's gateway.

Usage: ws_client.py STEPUP_PORT APP_HOST TOKEN
Prints one JSON object: the replies to a text, a 1 MiB binary message and "whoami" with the token, and the HTTP
status of the same upgrade without a token (it must be refused).
"""
import asyncio
import json
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus


async def main():
    port, host, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    uri = f"ws://{host}/echo"
    result = {}
    async with connect(uri, host="127.0.0.1", port=port, max_size=1 << 24,
                       additional_headers={"Authorization": f"Bearer {token}"}) as socket:
        await socket.send("hello through the gateway")
        result["text"] = await socket.recv()
        blob = bytes(range(256)) * 4096
        await socket.send(blob)
        result["binary_ok"] = (await socket.recv()) == blob
        await socket.send("whoami")
        result["whoami"] = await socket.recv()
    try:
        async with connect(uri, host="127.0.0.1", port=port) as socket:
            result["anonymous"] = "upgraded"
    except InvalidStatus as refused:
        result["anonymous"] = refused.response.status_code
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
