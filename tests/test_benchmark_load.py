"""The load benchmark reads wrk's report right (manage.py benchmark_load)."""

import pytest

from resources.management.commands.benchmark_load import milliseconds, parse_wrk

REPORT = """Running 15s test @ http://127.0.0.1:8765
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.61ms   40.46ms    1.46s    93.89%
    Req/Sec   227.97     76.56   313.00     78.33%
  Latency Distribution
     50%  734.00us
     75%   35.00ms
     90%   56.19ms
     99%    1.46s
  6640 requests in 15.01s, 32.71MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:    442.37
Transfer/sec:      2.18MB
"""


def test_a_report_gives_rate_latency_and_every_error():
    assert parse_wrk(REPORT) == {
        "rate": 442.37,
        "requests": 6640,
        "p50": 0.734,
        "p99": 1460.0,
        "errors": 9,
    }


def test_a_clean_report_has_no_error():
    clean = REPORT.replace(
        "  Socket errors: connect 0, read 2, write 0, timeout 3\n", ""
    )
    assert (
        parse_wrk(clean.replace("  Non-2xx or 3xx responses: 4\n", ""))["errors"] == 0
    )


@pytest.mark.parametrize(
    ("text", "ms"), [("812us", 0.812), ("3.5ms", 3.5), ("2s", 2000)]
)
def test_units(text, ms):
    assert milliseconds(text) == pytest.approx(ms)
