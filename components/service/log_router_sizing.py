"""Buffer sizes for the FireLens log router, derived from its memory reservation (a pure function).

The router container has a memory *reservation* (soft limit), not a hard limit: it may grow past it when
the task has memory to spare, but the reservation is what ECS keeps free for it. Everything the router
buffers must therefore fit inside that reservation together with Fluent Bit's own footprint, or a
destination outage turns into memory pressure on the whole task.

Rules (all sizes in MiB of the reservation R):
- What the router holds for Firehose is not sized here: every record waits in the input FireLens generates,
  in memory (about 0.8 KiB per record not yet delivered), and that input takes no limit on Fargate (see
  fluentbit/extra.conf and docs/log-router.md). Fluent Bit needs roughly 20-30 MiB for itself
  (engine, TLS, coroutines, the AWS outputs' request buffers), and a chunk being flushed is briefly held more
  than once (the buffered chunk plus each output's serialized payload).
- `FLB_MEM_BUF_LIMIT` = R / 4: the in-memory share of the CloudWatch copies (stderr and 5xx records) waiting
  in their emitter; beyond it they wait on the filesystem. A quarter of R keeps a CloudWatch outage from
  taking the memory the Firehose path needs.
- `FLB_STORAGE_LIMIT` = 4 x R, clamped to [256, 2048] MiB: the filesystem buffer of the CloudWatch output,
  which rides out a CloudWatch outage; a router sized for more traffic gets proportionally more disk. At
  most 2 GiB of the 20 GiB ephemeral storage a Fargate task gets by default.
- `log-driver-buffer-limit` (the app container's awsfirelens option): the container runtime's fluentd
  driver holds records the router has not accepted yet. Despite the option's name the runtime counts
  *records*, not bytes (AWS: "the number of log lines buffered in memory", default 1048576; the shim
  logger passes it to fluent-logger-golang as the capacity of its pending queue). That memory is charged to
  the task, not to a container, so it gets a fixed small slice: R / 8 worth of records at an assumed 1 KiB
  per record (httpd access and error lines are a few hundred bytes). The default of 1048576 records could
  hold ~1 GiB and exhaust a small task if the router stalls.
"""

from __future__ import annotations

from dataclasses import dataclass

from configuration.limits import LOG_ROUTER_MIN_RESERVATION_MIB

MEM_BUF_FRACTION = 4  # FLB_MEM_BUF_LIMIT = reservation / 4
STORAGE_PER_RESERVATION = 4  # FLB_STORAGE_LIMIT = 4 x reservation, clamped below
STORAGE_MIN_MIB = 256
STORAGE_MAX_MIB = 2048
DRIVER_BUFFER_FRACTION = 8  # the runtime's log-driver buffer gets reservation / 8
ASSUMED_RECORD_BYTES = 1024  # generous average size of one httpd log line with its metadata
MIB = 1024 * 1024


@dataclass(frozen=True)
class LogRouterBuffers:
    mem_buf_limit_mib: int
    storage_limit_mib: int
    log_driver_buffer_limit: int  # records the runtime's fluentd driver may hold
    log_driver_buffer_mib: int  # the memory that many records take at ASSUMED_RECORD_BYTES each

    @property
    def mem_buf_limit(self) -> str:
        """`FLB_MEM_BUF_LIMIT` in Fluent Bit's size syntax, e.g. "32MB" (Fluent Bit reads MB as 10^6 bytes,
        so the cap is slightly under the MiB figure: the safe side)."""
        return f"{self.mem_buf_limit_mib}MB"

    @property
    def storage_limit(self) -> str:
        """`FLB_STORAGE_LIMIT` in Fluent Bit's size syntax, e.g. "512M"."""
        return f"{self.storage_limit_mib}M"


def log_router_buffers(reservation_mib: int) -> LogRouterBuffers:
    """The router's and the log driver's buffer sizes for a router memory reservation of `reservation_mib`."""
    if reservation_mib < LOG_ROUTER_MIN_RESERVATION_MIB:
        floor = LOG_ROUTER_MIN_RESERVATION_MIB
        raise ValueError(f"log router reservation {reservation_mib} MiB is below the minimum {floor}")
    storage = min(STORAGE_MAX_MIB, max(STORAGE_MIN_MIB, STORAGE_PER_RESERVATION * reservation_mib))
    driver_mib = reservation_mib // DRIVER_BUFFER_FRACTION
    return LogRouterBuffers(
        mem_buf_limit_mib=reservation_mib // MEM_BUF_FRACTION,
        storage_limit_mib=storage,
        log_driver_buffer_limit=driver_mib * MIB // ASSUMED_RECORD_BYTES,
        log_driver_buffer_mib=driver_mib,
    )
