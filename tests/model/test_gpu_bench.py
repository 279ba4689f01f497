"""``benchmarks/gpu_bench.py``: its FLOP count matches torch's own count of the model's
matmuls, and it runs on the CPU (a smoke test; the GPU figures need a GPU)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

torch = pytest.importorskip("torch", reason="the text model needs torch")

from torch.utils.flop_counter import FlopCounterMode  # noqa: E402
from transformers import AutoModelForSequenceClassification  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu_bench.py"


@pytest.fixture(scope="module")
def gpu_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gpu_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gpu_bench"] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("rows", "width"), [(1, 8), (3, 16), (32, 32)])
def test_flops_match_torchs_count_of_the_forward_pass(gpu_bench: ModuleType,
                                                      tiny_model_dir: Path, rows: int,
                                                      width: int) -> None:
    # eager attention: torch's counter does not count the CPU's fused attention kernel
    model = AutoModelForSequenceClassification.from_pretrained(
        tiny_model_dir, attn_implementation="eager").eval()
    inputs = {"input_ids": torch.ones((rows, width), dtype=torch.long),
              "attention_mask": torch.ones((rows, width), dtype=torch.long)}
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        model(**inputs)
    assert gpu_bench.forward_flops(model.config, rows, width) == counter.get_total_flops()


def test_runs_on_the_cpu(gpu_bench: ModuleType, tiny_model_dir: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    assert gpu_bench.main(["--model", str(tiny_model_dir), "--device", "cpu", "--n", "40",
                           "--batch-size", "8", "--repeat", "1", "--threads", "1",
                           "--peak-tflops", "1", "--texts", "demo"]) == 0
    out = capsys.readouterr().out
    assert "texts/s: feeder" in out and "TFLOP/s" in out and "% of 1" in out
    assert "at batch 128|: 0.00e+00" in out  # bf16/fp32 on CPU: no batch dependence
