"""The tutorial's fetcher: aiohttp, asyncio.gather over every URL, a Semaphore for concurrency.

usage: fetch_aiohttp.py URL COUNT CONCURRENCY ROUNDS BYTES [--uvloop]
Prints one JSON line per round, like the Java drivers; exits 1 if any URL failed.
"""
import asyncio
import json
import sys
import time

import aiohttp

import loop


async def fetch(session, semaphore, url):
    async with semaphore:
        async with session.get(url) as response:
            body = await response.read()
            return response.status, len(body)


async def main(argv):
    base, count, concurrency, rounds, size = argv[0], int(argv[1]), int(argv[2]), int(argv[3]), int(argv[4])
    sep = "&" if "?" in base else "?"
    urls = [f"{base}{sep}i={i}" for i in range(count)]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        for round_ in range(rounds):
            semaphore = asyncio.Semaphore(concurrency)
            start = time.perf_counter()
            results = await asyncio.gather(*(fetch(session, semaphore, u) for u in urls), return_exceptions=True)
            elapsed = time.perf_counter() - start
            ok = [r for r in results if not isinstance(r, BaseException) and r[0] == 200]
            body = sum(r[1] for r in ok)
            if len(ok) != count or body != count * size:
                print(f"FAILED: round {round_}: {len(ok)} of {count} succeeded, {body} body bytes", file=sys.stderr)
                sys.exit(1)
            print(json.dumps({"round": round_, "ms": elapsed * 1000, "urls": count,
                              "urlsPerSecond": count / elapsed, "mbPerSecond": body / elapsed / 1e6}), flush=True)


loop.run(main)
