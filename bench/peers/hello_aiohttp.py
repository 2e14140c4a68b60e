"""The tutorial's aiohttp "Hello, world!" with ?delay=ms.

usage: hello_aiohttp.py PORT [--uvloop]
"""
import asyncio

from aiohttp import web

import loop


async def hello(request):
    delay = request.query.get("delay")
    if delay:
        await asyncio.sleep(int(delay) / 1000)
    return web.Response(text="Hello, world!")


async def main(argv):
    app = web.Application()
    app.add_routes([web.get("/", hello)])
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(argv[0])).start()
    print("hello_aiohttp ready", flush=True)
    await asyncio.Event().wait()


loop.run(main)
