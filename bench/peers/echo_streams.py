"""The tutorial's TCP echo server: asyncio streams, read / write / drain.

usage: echo_streams.py PORT [--uvloop]
"""
import asyncio

import loop


async def echo(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main(argv):
    server = await asyncio.start_server(echo, "127.0.0.1", int(argv[0]))
    print("echo_streams ready", flush=True)
    async with server:
        await server.serve_forever()


loop.run(main)
