"""Checks the Python client, installed from clients/python, against a running Tandem whose
bridge lets clients send to and subscribe to test.questions; run by e2e/PythonClientIT.

    pip install ./clients/python
    python3 src/test/python/check_tandem_bus.py BRIDGE_PORT TCP_ECHO_PORT HTTP_PORT

Prints one line per check and exits 0 when all pass; an assertion error exits 1.
"""

import asyncio
import sys

from tandem_bus import BusError, TandemBus


async def expect_failure(awaitable, failure_type):
    try:
        await awaitable
    except BusError as e:
        assert e.failure_type == failure_type, f"expected {failure_type}, got {e}"
        return e
    raise AssertionError(f"expected a BusError {failure_type}, got an answer")


async def serve(bus, bridge_port):
    """This client serves test.questions; another one asks, so the bridge's verticle sends the requests."""
    questions = bus.requests("test.questions")
    await asyncio.wait_for(questions.ready(), 10)
    async with await TandemBus.connect("127.0.0.1", bridge_port) as asker:
        asked = asyncio.ensure_future(asker.request("test.questions", {"q": "ready?"}, timeout=5))
        request = await asyncio.wait_for(questions.__anext__(), 10)
        assert request.body == {"q": "ready?"}, request.body
        await request.reply({"a": "yes"}, headers={"x-served-by": "python"})
        assert await asked == {"a": "yes"}
        print("served a request:", request.body, "->", {"a": "yes"})

        failing = asyncio.ensure_future(asker.request("test.questions", "may I?", timeout=5))
        request = await asyncio.wait_for(questions.__anext__(), 10)
        await request.fail(418, "no, I am a teapot")
        failed = await expect_failure(failing, "RECIPIENT_FAILURE")
        assert (failed.code, failed.message) == (418, "no, I am a teapot"), failed
        print("failed a request:", failed)

        # an answered request cannot be answered again: the client knows before the bridge would refuse
        try:
            await request.reply("twice")
            raise AssertionError("a second answer was sent")
        except BusError as e:
            assert e.failure_type == "NO_REPLY_ADDRESS", e
    await questions.close()


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

        await serve(bus, bridge_port)

        # pings went out all along (every 0.2 s): the connection is still answered
        assert await bus.request("tandem.echo", [1, 2, 3], timeout=5) == [1, 2, 3]
        print("all checks passed")


if __name__ == "__main__":
    asyncio.run(main(*(int(arg) for arg in sys.argv[1:4])))
