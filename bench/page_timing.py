"""Timing of pages through the whole Django stack, shared by the page benchmarks."""

from __future__ import annotations

import statistics
import time


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def timed_get(client, url: str, runs: int, params_fn=None) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, last status) of ``runs`` GETs after one warm-up; a streamed body is
    read to the end; building the parameters is not timed."""
    times = []
    status = 0
    client.get(url, params_fn() if params_fn else None)  # warm-up
    for _ in range(runs):
        params = params_fn() if params_fn else None
        t0 = time.perf_counter()
        response = client.get(url, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - t0) * 1000)
        status = response.status_code
    return statistics.median(times), pct(times, 95), status
