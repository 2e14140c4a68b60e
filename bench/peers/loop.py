"""How every peer starts: plain asyncio, or uvloop with --uvloop; file limit raised for 10,000 sockets."""
import asyncio
import resource
import sys


def run(main):
    """Runs main(argv) (a coroutine function) on the chosen loop; argv has --uvloop removed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    argv = [a for a in sys.argv[1:] if a != "--uvloop"]
    if "--uvloop" in sys.argv:
        import uvloop
        uvloop.install()
    try:
        asyncio.run(main(argv))
    except KeyboardInterrupt:
        pass
