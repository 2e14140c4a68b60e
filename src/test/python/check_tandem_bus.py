"""Checks clients/python/tandem_bus.py against a running Tandem; run by e2e/PythonClientIT.

    python3 src/test/python/check_tandem_bus.py BRIDGE_PORT TCP_ECHO_PORT HTTP_PORT

Prints one line per check and exits 0 when all pass; an assertion error exits 1.
"""

import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "clients", "python"))

from tandem_bus import BusError, TandemBus  # noqa: E402


async def expect_failure(awaitable, failure_type):
    try:
        await awaitable
    except BusError as e:
        assert e.failure_type == failure_type, f"expected {failure_type}, got {e}"
        return e
    raise AssertionError(f"expected a BusError {failure_type}, got an answer")


async def main(bridge_port, tcp_port, http_port):
    async with await TandemBus.connect("127.0.0.1", bridge_port, ping_interval=0.2) as bus:
        reply = await bus.request("tandem.hello", {"name": "Ada"}, timeout=5)
        assert reply == {"message": "Hello, Ada!"}, reply
        print("request/reply:", reply)

        lines = bus.subscribe("tandem.tcp.messages")
        await asyncio.wait_for(lines.ready(), 10)
        reader, writer = await asyncio.open_connection("127.0.0.1", tcp_port)
        writer.write("typed in a TCP client\n".encode())
        await writer.drain()
        assert await reader.readline() == b"typed in a TCP client\n"
        line = await asyncio.wait_for(lines.__anext__(), 10)
        assert line["text"] == "typed in a TCP client", line
        print("subscription got what a TCP client typed:", line["text"], "from", line["connection"])
        writer.close()
        await lines.close()

        refused = await expect_failure(bus.request("tandem.fetch.cancel", {"id": "x"}, timeout=5), "ACCESS_DENIED")
        print("refused request raised:", refused)
        denied = bus.subscribe("tandem.fetch.url")
        refused = await expect_failure(asyncio.wait_for(denied.__anext__(), 10), "ACCESS_DENIED")
        print("refused subscription raised:", refused)
        await expect_failure(asyncio.wait_for(denied.ready(), 10), "ACCESS_DENIED")

        slow = {"urls": [f"http://127.0.0.1:{http_port}/?delay=3000"]}
        timeout = await expect_failure(bus.request("tandem.fetch", slow, timeout=0.5), "TIMEOUT")
        print("timeout raised:", timeout)

        # pings went out all along (every 0.2 s): the connection is still answered
        assert await bus.request("tandem.echo", [1, 2, 3], timeout=5) == [1, 2, 3]
        print("all checks passed")


if __name__ == "__main__":
    asyncio.run(main(*(int(arg) for arg in sys.argv[1:4])))
