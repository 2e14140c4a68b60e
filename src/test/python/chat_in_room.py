"""A bridge client in the chat's #general, for e2e/BrowserUiIT: listens to the room's events, says a
line there with tandem.chat.send, then prints each message it hears ("nick: text") until one says
UNTIL.

    PYTHONPATH=clients/python python3 src/test/python/chat_in_room.py BRIDGE_PORT NICK TEXT UNTIL
"""

import asyncio
import sys

from tandem_bus import TandemBus


async def main(port, nick, text, until):
    async with await TandemBus.connect("127.0.0.1", port) as bus:
        events = bus.subscribe("tandem.chat.room.general")
        await asyncio.wait_for(events.ready(), 10)  # listening first: nothing said from now on is missed
        print("listening", flush=True)
        reply = await bus.request("tandem.chat.send", {"room": "#general", "from": nick, "text": text}, timeout=10)
        print("said", reply["id"], flush=True)
        async for event in events:
            if event["type"] == "message":
                print(f"{event['from']}: {event['text']}", flush=True)
                if event["text"] == until:
                    return


asyncio.run(asyncio.wait_for(main(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]), 30))
