#!/usr/bin/env python3
"""Drives Tandem's POST /fetch with curl, one batch a round: the driver of the fetch suite.

The batch is built and written to a file before the first round, and each answer is checked URL
by URL after its round: during a round the load core runs only curl, sending one request and
reading one answer, so the origin has that core to itself (a JVM driver's compiler and collector
threads shared it before). The round's time is curl's own: from the start of the transfer to the
last byte of the answer. Prints one JSON line a round, as Bench fetch-bare does.
With --every-ms, a round starts that long after the one before started (at once if that one took
longer): a steady rate of batches, as the soak suite wants, rather than one after the other.

    fetch_curl.py ENDPOINT URLS COUNT CONCURRENCY ROUNDS BYTES [--per-host N] [--retry-backoff MS] [--every-ms MS]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def main():
    a = argparse.ArgumentParser()
    a.add_argument("endpoint")
    a.add_argument("urls", help="one URL, or several separated by commas: URL i goes to the (i mod n)-th")
    a.add_argument("count", type=int)
    a.add_argument("concurrency", type=int)
    a.add_argument("rounds", type=int)
    a.add_argument("bytes", type=int)
    a.add_argument("--per-host", type=int, default=0)
    a.add_argument("--retry-backoff", type=int, default=-1)
    a.add_argument("--every-ms", type=int, default=0)
    args = a.parse_args()
    bases = args.urls.split(",")
    urls = []
    for i in range(args.count):
        base = bases[i % len(bases)]
        urls.append(base + ("&" if "?" in base else "?") + f"i={i}")  # distinct: nothing may answer from a cache
    # body "none": sizes come back, bodies are read and dropped, as the references do
    batch = {"urls": urls, "concurrency": args.concurrency, "body": "none"}
    if args.per_host > 0:
        batch["perHost"] = {"concurrency": args.per_host}
    if args.retry_backoff >= 0:
        batch["retry"] = {"attempts": 1, "on": [503], "backoffMs": args.retry_backoff, "maxBackoffMs": args.retry_backoff}
    with tempfile.TemporaryDirectory() as tmp:
        request, answer = os.path.join(tmp, "batch.json"), os.path.join(tmp, "answer.json")
        with open(request, "w") as f:
            json.dump(batch, f)
        started = time.monotonic()
        for round_ in range(args.rounds):
            if args.every_ms > 0:
                time.sleep(max(0.0, started + round_ * args.every_ms / 1000 - time.monotonic()))
            done = subprocess.run(["curl", "-sS", "-o", answer, "-w", "%{http_code} %{time_total}",
                                   "-H", "Content-Type: application/json", "--data-binary", "@" + request,
                                   args.endpoint], capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"curl failed ({done.returncode}): {done.stderr.strip()}")
            status, seconds = done.stdout.split()
            with open(answer) as f:
                text = f.read()
            if status != "200":
                sys.exit(f"POST /fetch answered {status}: {text[:500]}")
            results = json.loads(text)["results"]
            ok = [r for r in results if r.get("ok") and r.get("status") == 200]
            body = sum(r["bytes"] for r in ok)
            if len(ok) != args.count or body != args.count * args.bytes:
                sys.exit(f"round {round_}: {len(ok)} of {args.count} succeeded, {body} body bytes of {args.count * args.bytes}")
            micros = float(seconds) * 1e6
            print(json.dumps({"round": round_, "ms": micros / 1000, "urls": args.count,
                              "urlsPerSecond": args.count / (micros / 1e6), "mbPerSecond": body / micros}), flush=True)


if __name__ == "__main__":
    main()
