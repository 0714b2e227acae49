"""Discovery imports no heavy library — checked in a fresh interpreter, with every installed plugin."""

import json
import subprocess
import sys

import pytest

HEAVY = ["torch", "jax", "xgboost", "sklearn", "optuna", "pandas", "numpy", "talib", "scipy", "matplotlib"]

PROBE = """
import json, sys
from huracan_core.cli import main
try:
    main({args!r})
except SystemExit as exit:
    code = exit.code
print("\\n" + json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["plugins", "list"], ["models", "list", "--json"], ["datasets", "list"], ["--help"]])
def test_discovery_commands_import_nothing_heavy(args):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)], capture_output=True, text=True
    )
    imported = json.loads(result.stderr.strip().splitlines()[-1])
    assert imported == [], f"'huracan {' '.join(args)}' imported {imported}"
    assert result.stdout.strip()


def test_importing_the_facade_is_light():
    code = "import sys, huracan_core; print(sorted(m for m in ('numpy', 'pandas') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"
