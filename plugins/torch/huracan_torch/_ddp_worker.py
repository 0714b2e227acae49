"""Worker entry point for ``torch_ddp`` launches: ``torchrun ... -m huracan_torch._ddp_worker JOB_DIR``.

``JOB_DIR`` holds ``job.json`` (learner class and parameters, trainer
parameters) and the data as plain ``.npz`` files (read with
``allow_pickle=False``). Every rank trains; rank 0 saves the fitted learner to
``JOB_DIR/model`` (safetensors + JSON) and writes ``report.json`` with each
rank's weight hash. For multi-node runs the job directory must be readable on
every node (shared storage or a copy at the same path).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from huracan_core._spec import resolve_factory


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: torchrun ... -m huracan_torch._ddp_worker JOB_DIR\n")
        return 2
    from huracan_torch.trainers import TorchDDPTrainer, _read_frame

    job = Path(args[0])
    spec = json.loads((job / "job.json").read_text())
    learner = resolve_factory(spec["learner_class"])(**spec["learner_params"])
    trainer = TorchDDPTrainer(**spec["trainer_params"])
    data = {name: _read_frame(job, name, meta) for name, meta in spec["data"].items()}
    trainer.train(learner, data["X"], data["y"], X_val=data["X_val"], y_val=data["y_val"])
    if int(os.environ.get("RANK", "0")) == 0:
        learner.save(job / "model")
        report = {**trainer.report_, "history": learner.history_}
        (job / "report.json").write_text(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
