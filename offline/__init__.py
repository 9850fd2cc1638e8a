"""Offline evaluation of the Pulumi program: AWS-realistic mocks, the shared harness and the CLI."""

import gc

# An evaluation, and the lazy imports of the provider's modules it triggers, allocate hundreds of thousands of small
# objects that live until the process ends; with Python's default young-generation threshold (700) the collector
# rescans them over and over. At 50,000 a cold preview takes about a sixth less time (scripts/benchmark.py).
GC_YOUNG_THRESHOLD = 50_000


def collect_less_often() -> None:
    """Let the young generation grow to GC_YOUNG_THRESHOLD objects before a collection (the older generations'
    thresholds unchanged)."""
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def skip_the_last_collection() -> None:
    """Freeze every object out of the collector's view before the process exits: Python's last collection at
    shutdown walks every tracked object, which after an evaluation (the provider's modules, the recorded resources)
    takes most of a second."""
    gc.freeze()
