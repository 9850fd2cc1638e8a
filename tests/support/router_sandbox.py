"""Start Fluent Bit in a root of its own, as a FireLens task's log router container sees its filesystem.

    unshare --mount --net --propagation private PYTHON tests/support/router_sandbox.py ROOT FD ADDRESS PORT [WRAPPER...]

Run by tests/support/router_harness.py, never by hand, already inside a private mount and network namespace (so
nothing here is visible to, or collides with, anything else on the machine). ROOT is a directory the harness
prepared with the container's layout (`fluent-bit/etc`, `etc`, `var/run`, `var/fluent-bit/state`) and a
file `mounts` listing `SOURCE TARGET` pairs to bind read-only into it (our files at their image paths, the
binary at /fluent-bit/bin/fluent-bit). This script binds the host's /usr (libraries), /dev and /proc into
ROOT, opens the listening TCP socket for the fake AWS endpoints at ADDRESS:PORT inside the new network
namespace and hands it to the harness over the unix socket FD (the harness serves it; the router reaches it
through its /etc/hosts), then chroots into ROOT and replaces itself with Fluent Bit, which therefore keeps
this process id and receives signals directly. WRAPPER, when given, is a command Fluent Bit runs under
(scripts/benchmark.py counts instructions with `valgrind --tool=callgrind`). Standard library only: it runs
before the test's imports.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

HOST_DIRS = ("usr", "dev", "proc")  # libraries and the loader, /dev/null and /dev/urandom, /proc/self
HOST_FILES = ("etc/ld.so.cache",)  # the loader's cache: Debian keeps its libraries in multiarch paths
FLUENT_BIT = "/fluent-bit/bin/fluent-bit"
CONFIG = "/fluent-bit/etc/fluent-bit.conf"


def bind(source: str, target: Path, read_only: bool) -> None:
    if Path(source).is_dir():
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(exist_ok=True)
    subprocess.run(["mount", "--rbind", source, str(target)], check=True)
    if read_only:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], check=True)


def prepare_root(root: Path) -> None:
    for name in HOST_DIRS:
        bind(f"/{name}", root / name, read_only=False)
    for name in ("bin", "lib", "lib64", "sbin"):  # merged-/usr symlinks, as on the host
        host = Path("/") / name
        if host.is_symlink() and not (root / name).exists():
            (root / name).symlink_to(os.readlink(host))
    for name in HOST_FILES:
        if Path("/", name).exists():
            bind(f"/{name}", root / name, read_only=True)
    for line in (root / "mounts").read_text().splitlines():
        source, target = line.split(" ", 1)
        bind(source, root / target.lstrip("/"), read_only=True)


def hand_over_listener(channel_fd: int, address: str, port: int) -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, port))
    listener.listen(128)
    with socket.socket(fileno=channel_fd) as channel:
        socket.send_fds(channel, [b"listener"], [listener.fileno()])
    listener.close()


def main() -> None:
    root, channel_fd, address, port = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    command = [*sys.argv[5:], FLUENT_BIT, "-c", CONFIG]
    prepare_root(root)
    hand_over_listener(channel_fd, address, port)
    os.chroot(root)
    os.chdir("/")
    os.makedirs("/tmp", exist_ok=True)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
