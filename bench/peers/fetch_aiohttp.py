"""The tutorial's fetcher: aiohttp, asyncio.gather over every URL, a Semaphore for concurrency.

usage: fetch_aiohttp.py URL COUNT CONCURRENCY ROUNDS BYTES [--uvloop] [--per-host N] [--retry-backoff MS]
URL may be several, separated by commas (one per host): URL i goes to the (i mod n)-th.
--per-host N: also a Semaphore(N) per host:port, as aiohttp users write it (TCPConnector's
limit_per_host would only queue inside the pool). --retry-backoff MS: a 503 is fetched once more
after random(0, MS) ms, still holding its places, as Tandem's retry does.
Prints one JSON line per round, like the Java drivers; exits 1 if any URL failed.
"""
import asyncio
import contextlib
import json
import random
import sys
import time
import urllib.parse

import aiohttp

import loop


async def get(session, url):
    async with session.get(url) as response:
        body = await response.read()
        return response.status, len(body)


async def fetch(session, semaphore, url, host=None, backoff_ms=None):
    # the host's place first: a task waiting for its host holds none of the batch's places
    async with (host if host is not None else contextlib.nullcontext()):
        async with semaphore:
            status, size = await get(session, url)
            if status == 503 and backoff_ms is not None:
                await asyncio.sleep(random.uniform(0, backoff_ms) / 1000)
                status, size = await get(session, url)
            return status, size


async def main(argv):
    bases, count, concurrency, rounds, size = argv[0].split(","), int(argv[1]), int(argv[2]), int(argv[3]), int(argv[4])
    per_host = int(argv[argv.index("--per-host") + 1]) if "--per-host" in argv else 0
    backoff_ms = int(argv[argv.index("--retry-backoff") + 1]) if "--retry-backoff" in argv else None
    urls = []
    for i in range(count):
        base = bases[i % len(bases)]
        urls.append(f"{base}{'&' if '?' in base else '?'}i={i}")
    hosts = [urllib.parse.urlsplit(u).netloc for u in urls]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        for round_ in range(rounds):
            semaphore = asyncio.Semaphore(concurrency)
            per = {h: asyncio.Semaphore(per_host) for h in set(hosts)} if per_host else {}
            start = time.perf_counter()
            results = await asyncio.gather(*(fetch(session, semaphore, u, per.get(h), backoff_ms)
                                             for u, h in zip(urls, hosts)), return_exceptions=True)
            elapsed = time.perf_counter() - start
            ok = [r for r in results if not isinstance(r, BaseException) and r[0] == 200]
            body = sum(r[1] for r in ok)
            if len(ok) != count or body != count * size:
                print(f"FAILED: round {round_}: {len(ok)} of {count} succeeded, {body} body bytes", file=sys.stderr)
                sys.exit(1)
            print(json.dumps({"round": round_, "ms": elapsed * 1000, "urls": count,
                              "urlsPerSecond": count / elapsed, "mbPerSecond": body / elapsed / 1e6}), flush=True)


loop.run(main)
