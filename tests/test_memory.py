"""The allocator settings a long run relies on to keep its memory flat (edgar8k/memory.py)."""

import os
import subprocess
import sys

import pytest

from edgar8k import memory

pytestmark = pytest.mark.skipif(memory._libc() is None or not hasattr(memory._libc(), "mallinfo2"),
                                reason="needs glibc 2.33+ (mallopt, malloc_trim, mallinfo2)")

PROBE = """
import ctypes, sys, threading
from edgar8k.memory import tune_allocator, release_free_memory
print(tune_allocator())
kept = []
def work():
    for _ in range(50):
        b = []
        for _ in range(20):  # large transient blocks (a filing's text) between small lasting ones (rows)
            b.append(bytes(300_000))
            kept.append(bytes(600))
        del b
ts = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
release_free_memory()
class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                               "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
print(libc.mallinfo2().fordblks)  # free bytes still held by malloc
"""


def _probe(env: dict[str, str]) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", PROBE], env={**os.environ, **env}, capture_output=True,
                         text=True, check=True).stdout.split()
    return out[0], int(out[1])


def test_tuned_threads_hand_freed_memory_back_and_the_switch_turns_it_off():
    tuned, held = _probe({})
    off, held_off = _probe({"EDGAR8K_MALLOC_TUNING": "0"})
    assert tuned == "True" and off == "False"
    # 8 threads freed 8 x 50 x 20 x 300 KB; tuned, those blocks were mmapped and returned; untuned, the
    # raised mmap threshold put them in per-thread arenas, where the small lasting rows pin the holes
    assert held < 2**20 and held_off > 8 * 2**20, (held, held_off)


def test_arrow_allocates_from_the_tuned_malloc():
    out = subprocess.run([sys.executable, "-c", "import pyarrow as pa; from edgar8k.memory import tune_allocator; "
                          "tune_allocator(); print(pa.default_memory_pool().backend_name)"],
                         env={k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"},
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "system"
