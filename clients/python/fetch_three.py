"""Fetches three URLs through Tandem's bus and prints each result the moment it completes.

    python3 clients/python/fetch_three.py [--bridge-port 7000] URL URL URL
"""

import argparse
import asyncio
import uuid

from tandem_bus import TandemBus


async def main(port, urls):
    async with await TandemBus.connect("127.0.0.1", port) as bus:
        # a progress address of this client's own, in place before the request that names it
        results = bus.subscribe("tandem.fetch.progress." + uuid.uuid4().hex)
        await results.ready()
        batch = asyncio.ensure_future(bus.request("tandem.fetch", {"urls": urls, "progressAddress": results.address}, timeout=60))
        arrived = 0
        async for result in results:
            outcome = result.get("status") if result["ok"] else result.get("error", {}).get("kind", result.get("status"))
            print(f"{result['index']}: {result['url']} -> {outcome} in {result['elapsedMs']} ms", flush=True)
            arrived += 1
            if arrived == len(urls):
                break
        summary = await batch
        print(f"done: {summary['succeeded']} ok, {summary['failed']} failed, {summary['elapsedMs']} ms")
        await results.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bridge-port", type=int, default=7000)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    asyncio.run(main(args.bridge_port, args.urls))
