"""The tutorial's HTTP hello on raw asyncio streams, with keep-alive and ?delay=ms.

usage: hello_streams.py PORT [--uvloop]
"""
import asyncio
from urllib.parse import parse_qs, urlsplit

import loop

HELLO = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
         b"Content-Length: 13\r\n\r\nHello, world!")


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ", 2)[1].decode("latin-1")
            delay = parse_qs(urlsplit(target).query).get("delay")
            if delay:
                await asyncio.sleep(int(delay[0]) / 1000)
            writer.write(HELLO)
            await writer.drain()
            if b"\r\nconnection: close" in head.lower():
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, IndexError, ValueError):
        pass
    finally:
        writer.close()


async def main(argv):
    server = await asyncio.start_server(serve, "127.0.0.1", int(argv[0]))
    print("hello_streams ready", flush=True)
    async with server:
        await server.serve_forever()


loop.run(main)
