"""The allocator settings a long run relies on to keep its memory flat (edgar8k/memory.py)."""

import os
import subprocess
import sys

import pytest

from edgar8k import memory

pytestmark = pytest.mark.skipif(memory._libc() is None or not hasattr(memory._libc(), "mallinfo2"),
                                reason="needs glibc 2.33+ (mallopt, malloc_trim, mallinfo2)")

PROBE = """
import ctypes
from edgar8k.memory import tune_allocator
print(tune_allocator())
class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                               "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
first = bytes(3_000_000)  # a filing's text: mmapped either way; freeing it is what raises glibc's threshold
del first
before = libc.mallinfo2().hblkhd
second = bytes(3_000_000)
print(libc.mallinfo2().hblkhd - before)  # bytes of the second block that live in their own mapping
"""


def _untuned_env() -> dict[str, str]:
    # glibc's own settings from the environment would decide the untuned case (dask's nanny, imported
    # by earlier tests, puts MALLOC_TRIM_THRESHOLD_ in os.environ, which fixes the threshold)
    return {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))}


def _probe(env: dict[str, str]) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", PROBE], env={**_untuned_env(), **env}, capture_output=True,
                         text=True, check=True).stdout.split()
    return out[0], int(out[1])


def test_large_blocks_stay_mmapped_after_one_is_freed_and_the_switch_turns_it_off():
    tuned, mapped = _probe({})
    off, mapped_off = _probe({"EDGAR8K_MALLOC_TUNING": "0"})
    assert tuned == "True" and off == "False"
    # tuned, a 3 MB buffer is always its own mapping, returned to the OS when freed; untuned, freeing the
    # first raised the mmap threshold and the second came from an arena, where freed memory fragments
    assert mapped >= 3_000_000 and mapped_off < 3_000_000, (mapped, mapped_off)


def test_arrow_allocates_from_the_tuned_malloc():
    out = subprocess.run([sys.executable, "-c", "import pyarrow as pa; from edgar8k.memory import tune_allocator; "
                          "tune_allocator(); print(pa.default_memory_pool().backend_name)"],
                         env={k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"},
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "system"


def test_the_cli_makes_arrow_cpp_allocate_from_malloc_too(tmp_path):
    # pa.set_memory_pool reaches only pyarrow's Python-level conversions; Parquet reads allocate from
    # Arrow C++'s default, fixed when pyarrow loads, so the CLI has to choose it before that
    script = ("import sys; from edgar8k.cli import main; main(['config', '--json']); "
              "import pyarrow as pa, pyarrow.parquet as pq; "
              "pq.write_table(pa.table({'a': [f'acc-{i:08d}' for i in range(100_000)]}), sys.argv[1]); "
              "pq.read_table(sys.argv[1]); "
              "print(pa.mimalloc_memory_pool().max_memory(), pa.system_memory_pool().max_memory(), file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    r = subprocess.run([sys.executable, "-c", script, str(tmp_path / "t.parquet")], env=env, cwd=tmp_path,
                       capture_output=True, text=True, check=True)
    mimalloc, system = map(int, r.stderr.split()[-2:])
    assert mimalloc == 0 and system > 1_000_000, r.stderr


ARENAS_COUNT = """
import ctypes, threading
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.malloc.restype = ctypes.c_void_p
started = threading.Barrier(9)
def work():
    libc.free(ctypes.c_void_p(libc.malloc(1000)))  # a thread's first malloc picks its arena
    started.wait()  # all alive at once: none can inherit a finished thread's arena
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
started.wait()
for t in threads:
    t.join()
fp = libc.fopen(b"malloc.xml", b"w")  # in the test's tmp_path, the working directory
libc.malloc_info(0, ctypes.c_void_p(fp))
libc.fclose(ctypes.c_void_p(fp))
arenas = open("malloc.xml").read().count("<heap nr=")
"""
ARENAS_PROBE = f"""
import subprocess, sys
from edgar8k.cli import main
main(["config", "--json"])
exec({ARENAS_COUNT!r})
child = subprocess.run([sys.executable, "-c", {ARENAS_COUNT + "print(arenas)"!r}], capture_output=True, text=True,
                       check=True).stdout
print(arenas, child, file=sys.stderr)
"""


def test_the_cli_caps_mallocs_arenas_before_any_thread_starts_and_for_its_child_processes(tmp_path):
    # each thread's first malloc makes a new arena (up to 8 per core) and a cap set later removes none,
    # so the CLI has to set it before Prefect or a fetch pool starts a thread; processes it starts
    # (a served deployment's flow runs) get the cap from the environment, read by glibc at their start
    r = subprocess.run([sys.executable, "-c", ARENAS_PROBE], env=_untuned_env(), cwd=tmp_path, capture_output=True,
                       text=True, check=True)
    arenas, child = map(int, r.stderr.split()[-2:])
    assert arenas <= memory.ARENAS and child <= memory.ARENAS, r.stderr
