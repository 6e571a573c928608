"""The per-process memory ceiling: an allocation past it fails inside the task, and the reason says so."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shared.process_limits import MEMORY_REASON
from shared.settings import Settings
from shared.stage import settle

pytestmark = pytest.mark.unit


def test_an_allocation_past_the_ceiling_is_a_memory_error_not_a_dead_machine():
    code = (
        "from shared.process_limits import apply_memory_ceiling\n"
        "apply_memory_ceiling(1024)\n"
        "try:\n"
        "    block = bytearray(2 * 1024**3)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
        "small = bytearray(64 * 1024**2)\n"  # the process goes on afterwards
        "print('alive')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["refused", "alive"], result.stderr


def test_running_out_of_memory_dead_letters_with_a_sentence_naming_the_ceiling():
    class _Runtime:
        settings = Settings()

    delay, reason = settle(_Runtime(), MemoryError(), retries=0)
    assert delay is None  # permanent: the same input would fail the same way
    assert reason == MEMORY_REASON and "MAX_MEMORY_MB" in reason
