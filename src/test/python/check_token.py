"""What e2e/PythonClientIT checks of a token: run against a Tandem whose auth.tokensFile has a
principal "ops" that may request tandem.hello and nothing else, its bridge behind TLS with the
certificate given. Prints one line per check."""

import asyncio
import ssl
import sys

from tandem_bus import BusError, TandemBus


async def main(port, token, cafile):
    context = ssl.create_default_context(cafile=cafile)
    try:
        await TandemBus.connect("127.0.0.1", port, token="not-" + token, ssl=context)
        print("a bad token was let in")
    except BusError as e:
        print("bad token raised:", e.failure_type)
    bus = await TandemBus.connect("127.0.0.1", port, token=token, ssl=context)
    print("over", bus._writer.get_extra_info("ssl_object").version())
    print("authed as", bus.principal)
    reply = await bus.request("tandem.hello", {"name": "Ada"}, timeout=10)
    print("hello:", reply["message"])
    try:
        await bus.request("tandem.echo", "x", timeout=10)
        print("tandem.echo answered a principal without it")
    except BusError as e:
        print("echo raised:", e.failure_type, e.message)
    await bus.close()
    print("all token checks passed")


asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
