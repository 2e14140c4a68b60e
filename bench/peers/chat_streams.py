"""A chat on asyncio streams, as the tutorials write one, speaking the part of Tandem's chat that
the chat benchmark uses, in the same lines: /nick (the first one joins #general), /join (the room's
last 20 messages, then "* end of history"), /part, and any other line said in the room one talks in,
to every member, the sender too. Each room keeps its last 200 messages, as Tandem's shipped config.
No limits (line length, rate, unread output): Tandem's cost those, this one's do not exist.

usage: chat_streams.py PORT [--uvloop]
"""
import asyncio
import collections
import re

import loop

NICK = re.compile(r"[A-Za-z0-9_-]{1,32}")
ROOM = re.compile(r"#[a-z0-9_-]{1,32}")
HISTORY, REPLAY = 200, 20

members = collections.defaultdict(dict)  # room -> {Client: None}, a set in joining order
history = collections.defaultdict(lambda: collections.deque(maxlen=HISTORY))
nicks = {}  # nickname in lower case -> Client


class Client:
    def __init__(self, writer):
        self.writer = writer
        self.nick = None
        self.rooms = {}  # room -> None, in joining order
        self.current = None

    def send(self, line):
        self.writer.write(line.encode() + b"\n")


def tell_room(room, line):
    """One encoded line written to every member of the room (one whose connection is closing is
    removed by its own task: uvloop refuses a write to it)."""
    data = line.encode() + b"\n"
    for member in members[room]:
        if not member.writer.is_closing():
            member.writer.write(data)


def nick(me, wanted):
    if not NICK.fullmatch(wanted):
        return me.send("ERR bad-nick a nickname is 1..32 of A-Z, a-z, 0-9, _ and -")
    if wanted == me.nick:
        return me.send(f"* you are {wanted}")
    holder = nicks.get(wanted.lower())
    if holder is not None and holder is not me:
        return me.send(f"ERR nick-in-use {wanted} is taken")
    first = me.nick is None
    if not first:
        del nicks[me.nick.lower()]
    nicks[wanted.lower()] = me
    was, me.nick = me.nick, wanted
    me.send(f"* you are {wanted}")
    if first:
        join(me, "#general")
    else:
        for room in me.rooms:
            tell_room(room, f"* {was} is now known as {wanted} in {room}")


def join(me, room):
    if me.nick is None:
        return me.send("ERR no-nick choose a nickname first: /nick NAME")
    if not ROOM.fullmatch(room):
        return me.send("ERR bad-room a room is # and 1..32 of a-z, 0-9, _ and -")
    me.current = room
    if room in me.rooms:
        return me.send(f"* you talk in {room}")
    me.rooms[room] = None
    for line in list(history[room])[-REPLAY:]:
        me.send(line)
    me.send("* end of history")
    members[room][me] = None
    tell_room(room, f"* {me.nick} joined {room}")


def part(me, named):
    room = named or me.current
    if room is None or room not in me.rooms:
        return me.send("ERR not-in-room " + (f"you are not in {room}" if room else "you are in no room"))
    leave(me, room)
    me.send(f"* you left {room}" + (f"; you talk in {me.current}" if me.current else ""))


def leave(me, room):
    del me.rooms[room]
    del members[room][me]
    if not members[room]:
        del members[room]
    if room == me.current:
        me.current = next(reversed(me.rooms), None)
    tell_room(room, f"* {me.nick} left {room}")


def say(me, text):
    if me.nick is None:
        return me.send("ERR no-nick choose a nickname first: /nick NAME")
    if me.current is None:
        return me.send("ERR no-room join a room first: /join #room")
    line = f"[{me.current}] {me.nick}: {text}"
    history[me.current].append(line)
    tell_room(me.current, line)


def handle(me, line):
    if not line.startswith("/") or line.startswith("//"):
        return say(me, line[1:] if line.startswith("//") else line)
    command, _, rest = line.partition(" ")
    rest = rest.strip()
    if command == "/nick":
        nick(me, rest)
    elif command == "/join":
        join(me, rest)
    elif command == "/part":
        part(me, rest)
    else:
        me.send(f"ERR unknown-command {command[:40]}")


async def serve(reader, writer):
    me = Client(writer)
    me.send("* welcome to the chat; choose a nickname: /nick NAME")
    try:
        while (data := await reader.readline()).endswith(b"\n"):
            try:
                handle(me, data.rstrip(b"\r\n").decode())
            except UnicodeDecodeError:
                me.send("ERR not-utf8 lines must be UTF-8")
            await writer.drain()
    except (ConnectionError, ValueError):  # ValueError: a line over the stream's 64 KiB limit
        pass
    finally:
        for room in list(me.rooms):
            leave(me, room)
        if me.nick is not None:
            del nicks[me.nick.lower()]
        writer.close()


async def main(argv):
    server = await asyncio.start_server(serve, "127.0.0.1", int(argv[0]))
    print("chat_streams ready", flush=True)
    async with server:
        await server.serve_forever()


loop.run(main)
