"""Tandem's event bus from Python asyncio, through Tandem's TCP bridge.

Standard library only. Every frame is a 4-byte big-endian length, then that many bytes of
UTF-8 JSON::

    bus = await TandemBus.connect("127.0.0.1", 7000)          # token="..." where Tandem has auth.tokensFile
    reply = await bus.request("tandem.hello", {"name": "Ada"}, timeout=5)
    await bus.publish("tandem.tcp.broadcast", {"text": "hi all"})
    async for line in bus.subscribe("tandem.tcp.messages"):
        print(line["text"])
    async for request in bus.requests("my.service"):   # serve what the bus sends there
        await request.reply({"answer": 42})            # or: await request.fail(400, "no")
    await bus.close()

A failed request raises BusError, with the bus's failure type (RECIPIENT_FAILURE, NO_HANDLERS,
TIMEOUT, ACCESS_DENIED, ...) and code; so does a subscription the bridge refuses, and a connect
whose token the bridge does not know (AUTH_FAILED).
"""

import asyncio
import itertools
import json
import struct
import uuid

__all__ = ["TandemBus", "Subscription", "Request", "BusError"]

_LENGTH = struct.Struct(">I")


def _encode(frame):
    data = json.dumps(frame, separators=(",", ":")).encode("utf-8")
    return _LENGTH.pack(len(data)) + data


class BusError(Exception):
    """A request the bus failed, or a frame the bridge refused."""

    def __init__(self, failure_type, code, message):
        super().__init__(f"{failure_type} ({code}): {message}")
        self.failure_type = failure_type
        self.code = code
        self.message = message


class TandemBus:
    """One connection to the TCP bridge; use it from one event loop."""

    def __init__(self, reader, writer, ping_interval):
        self._reader = reader
        self._writer = writer
        self._pending = {}
        self._subscriptions = {}
        self._placed = {}
        self._replies = itertools.count(1)
        self._prefix = "py." + uuid.uuid4().hex + "."
        self.principal = None
        self._closed = None
        self._reading = asyncio.get_running_loop().create_task(self._read_frames())
        self._pinging = asyncio.get_running_loop().create_task(self._ping(ping_interval))

    @classmethod
    async def connect(cls, host="127.0.0.1", port=7000, *, token=None, ssl=None, ping_interval=10.0):
        """With a token, the first frame shows it; the bridge answers before anything else:
        ``authed`` (the principal's name is then ``bus.principal``), or an error and a close.
        ``ssl`` is an ``ssl.SSLContext`` for a bridge with ``bridge.tls`` (e.g.
        ``ssl.create_default_context(cafile="server.crt")``)."""
        reader, writer = await asyncio.open_connection(host, port, ssl=ssl)
        principal = None
        if token is not None:
            writer.write(_encode({"type": "auth", "token": token}))
            await writer.drain()
            try:
                (length,) = _LENGTH.unpack(await reader.readexactly(4))
                answer = json.loads(await reader.readexactly(length))
            except (asyncio.IncompleteReadError, ConnectionError) as e:
                writer.close()
                raise BusError("CLOSED", -1, f"the bridge closed the connection before answering the token: {e!r}")
            if answer.get("type") != "authed":
                writer.close()
                raise BusError(str(answer.get("message", "ERROR")).upper(), -1, answer.get("reason", ""))
            principal = answer.get("name")
        bus = cls(reader, writer, ping_interval)
        bus.principal = principal
        return bus

    async def request(self, address, body=None, *, headers=None, timeout=30.0):
        """Sends a request and returns the reply's body; raises BusError when it fails."""
        reply_address = self._prefix + str(next(self._replies))
        reply = asyncio.get_running_loop().create_future()
        self._pending[reply_address] = reply
        frame_headers = dict(headers or {})
        frame_headers["timeout"] = max(1, int(timeout * 1000))
        try:
            await self._send({"type": "send", "address": address, "replyAddress": reply_address,
                              "headers": frame_headers, "body": body})
            # the bus answers TIMEOUT itself; this only guards against a bridge gone quiet
            return await asyncio.wait_for(reply, timeout + 5)
        except asyncio.TimeoutError:
            raise BusError("TIMEOUT", -1, f"no answer from {address} within {timeout} s") from None
        finally:
            self._pending.pop(reply_address, None)

    async def send(self, address, body=None, *, headers=None):
        """Point-to-point, no reply wanted."""
        await self._send({"type": "send", "address": address, "headers": dict(headers or {}), "body": body})

    async def publish(self, address, body=None, *, headers=None):
        await self._send({"type": "publish", "address": address, "headers": dict(headers or {}), "body": body})

    def subscribe(self, address):
        """A Subscription, registered at once: iterate it (``async for``) for each message's body."""
        return Subscription(self, address)

    def requests(self, address):
        """A Subscription that yields each message as a Request, to answer with reply() or fail()."""
        return Subscription(self, address, Request)

    async def close(self):
        self._pinging.cancel()
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except ConnectionError:
            pass
        await asyncio.gather(self._reading, return_exceptions=True)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def _send(self, frame):
        self._write(frame)
        await self._writer.drain()

    def _write(self, frame):
        """Queues a frame after every frame written before it: the bridge handles them in order."""
        if self._closed is not None:
            raise self._closed
        self._writer.write(_encode(frame))

    def _add_queue(self, address, queue):
        queues = self._subscriptions.setdefault(address, [])
        queues.append(queue)
        if len(queues) == 1:
            # the bridge answers "registered" once the subscription is in place
            placed = asyncio.get_running_loop().create_future()
            # a refusal also reaches the subscription's iterator: no "exception never retrieved"
            placed.add_done_callback(lambda f: f.cancelled() or f.exception())
            self._placed[address] = placed
            self._write({"type": "register", "address": address, "ack": True})
        return self._placed[address]

    def _remove_queue(self, address, queue):
        queues = self._subscriptions.get(address, [])
        if queue in queues:
            queues.remove(queue)
            if not queues:
                del self._subscriptions[address]
                placed = self._placed.pop(address, None)
                if placed is not None and not placed.done():
                    placed.set_exception(BusError("CLOSED", -1, f"the subscription to {address} was closed"))
                if self._closed is None:
                    self._write({"type": "unregister", "address": address})

    async def _read_frames(self):
        try:
            while True:
                (length,) = _LENGTH.unpack(await self._reader.readexactly(4))
                self._dispatch(json.loads(await self._reader.readexactly(length)))
        except (asyncio.IncompleteReadError, ConnectionError) as e:
            self._closed = BusError("CLOSED", -1, f"the bridge connection closed: {e!r}")
        except asyncio.CancelledError:
            self._closed = BusError("CLOSED", -1, "the bridge connection was closed")
        for reply in self._pending.values():
            if not reply.done():
                reply.set_exception(self._closed)
        for queues in self._subscriptions.values():
            for queue in queues:
                queue.put_nowait(self._closed)
        for placed in self._placed.values():
            if not placed.done():
                placed.set_exception(self._closed)

    def _dispatch(self, frame):
        kind = frame.get("type")
        address = frame.get("address")
        if kind == "message":
            reply = self._pending.get(address)
            if reply is not None and not reply.done():
                reply.set_result(frame.get("body"))
            for queue in self._subscriptions.get(address, ()):
                queue.put_nowait(frame)
        elif kind == "registered":
            placed = self._placed.get(address)
            if placed is not None and not placed.done():
                placed.set_result(None)
        elif kind == "err":
            error = BusError(frame.get("failureType", frame.get("message", "ERROR").upper()), frame.get("failureCode", -1),
                             frame.get("reason") or frame.get("message", ""))
            reply = self._pending.get(address)
            if reply is not None and not reply.done():
                reply.set_exception(error)
            for queue in self._subscriptions.get(address, ()):
                queue.put_nowait(error)
            placed = self._placed.get(address)
            if placed is not None and not placed.done():
                placed.set_exception(error)

    async def _ping(self, interval):
        try:
            while True:
                await asyncio.sleep(interval)
                await self._send({"type": "ping"})
        except (BusError, ConnectionError, asyncio.CancelledError):
            pass


class Request:
    """A message received on a bus.requests() subscription: its body and headers, and the answer."""

    def __init__(self, bus, frame):
        self.body = frame.get("body")
        self.headers = frame.get("headers") or {}
        self.reply_address = frame.get("replyAddress")
        self._bus = bus

    async def reply(self, body=None, *, headers=None):
        """Answers the sender with body; a message answers once."""
        await self._bus._send({"type": "send", "address": self._answer_address(), "headers": dict(headers or {}), "body": body})

    async def fail(self, code, message):
        """Answers the sender with a failure: it gets RECIPIENT_FAILURE with this code and message."""
        await self._bus._send({"type": "send", "address": self._answer_address(), "failureCode": int(code), "message": str(message)})

    def _answer_address(self):
        if self.reply_address is None:
            raise BusError("NO_REPLY_ADDRESS", -1, "this message was published or sent without waiting for an answer")
        address, self.reply_address = self.reply_address, None
        return address


class Subscription:
    """Messages on one address, in arrival order; registered when made, unregistered by close()."""

    def __init__(self, bus, address, wrap=None):
        self.address = address
        self._bus = bus
        self._queue = asyncio.Queue()
        self._placed = bus._add_queue(address, self._queue)
        # each message's body, or with wrap=Request the message to answer
        self._wrap = (lambda frame: wrap(bus, frame)) if wrap else (lambda frame: frame.get("body"))

    async def ready(self):
        """Returns once the bridge has the subscription in place; raises BusError if it refused it."""
        await asyncio.shield(self._placed)

    def __aiter__(self):
        return self

    async def __anext__(self):
        item = await self._queue.get()
        if isinstance(item, BusError):
            raise item
        return self._wrap(item)

    async def close(self):
        self._bus._remove_queue(self.address, self._queue)
