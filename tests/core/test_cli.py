"""The CLI: tables, JSON envelopes, broken plugins, doctor, plugin commands, new-plugin."""

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from huracan_core.cli import cli

BROKEN = """
from huracan_core import hookimpl

@hookimpl
def huracan_register_learners(register):
    raise RuntimeError("weights server down")
"""

GOOD = """
from huracan_testplugins._plugin import *  # noqa: F403 — re-export the test plugin's hooks
"""


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_models_list_json_envelope():
    result = run("models", "list", "--kind", "trainer", "--json", env={"HURACAN_LOAD_PLUGINS": ""})
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert data["schema_version"] == "1.0" and data["errors"] == []
    assert "local" in [c["name"] for c in data["components"]]
    assert all(c["kind"] == "trainer" for c in data["components"])


def test_models_list_rejects_unknown_regime_with_valid_values():
    result = CliRunner().invoke(cli, ["models", "list", "--regime", "bull"])
    assert result.exit_code == 2
    assert (
        "unknown market regime 'bull'; expected one of: trending_up, trending_down, ranging, volatile" in result.output
    )


def test_models_show_prints_model_info():
    result = run("models", "show", "rule_regime_detector")
    assert result.exit_code == 0
    assert "task:                 regime_detection" in result.output
    data = json.loads(run("models", "show", "rule_regime_detector", "--json").output)
    assert data["components"][0]["model_info"]["output_schema"]["kind"] == "regime"


def test_core_alone_says_no_plugins_found():
    result = run("plugins", "list", env={"HURACAN_LOAD_PLUGINS": ""})
    assert "huracan-core" in result.output
    assert "No plugins found" in result.output and "huracan new-plugin" in result.output


def test_broken_plugin_is_listed_models_still_work_doctor_fails(make_distribution):
    make_distribution("huracan-broken", {"broken_plugin": BROKEN}, {"broken": "broken_plugin"}, version="0.9")
    make_distribution("huracan-testplugins", {"testplugins_ep": GOOD}, {"tp": "testplugins_ep"})
    listing = run("plugins", "list")
    assert "huracan-broken" in listing.output and "broken" in listing.output
    assert "weights server down" in listing.output
    plugins = json.loads(run("plugins", "list", "--json").output)
    broken = next(p for p in plugins["plugins"] if p["name"] == "huracan-broken")
    assert broken["status"] == "broken" and broken["version"] == "0.9"
    models = CliRunner().invoke(cli, ["models", "list", "--kind", "learner"])
    assert models.exit_code == 0 and "test_trend_learner" in models.output
    assert "plugin problem(s) in huracan-broken" in models.output
    doctor = CliRunner().invoke(cli, ["doctor"])
    assert doctor.exit_code == 1 and "weights server down" in doctor.output
    strict = subprocess.run(
        [sys.executable, "-m", "huracan_core.cli", "models", "list"],
        env={**os.environ, "HURACAN_STRICT_PLUGINS": "1"},
        capture_output=True,
        text=True,
    )
    assert strict.returncode != 0 and "HURACAN_STRICT_PLUGINS=1" in strict.stderr


def test_doctor_is_clean_without_broken_plugins():
    result = CliRunner().invoke(cli, ["doctor"], env={"HURACAN_LOAD_PLUGINS": ""})
    assert result.exit_code == 0 and "no problems found" in result.output


def test_plugin_commands_are_collected_only_when_needed(make_distribution):
    make_distribution("huracan-testplugins", {"testplugins_ep": GOOD}, {"tp": "testplugins_ep"})
    result = run("hello-test", "grace")
    assert result.output == "hello grace from huracan-testplugins\n"
    assert "hello-test" in run("--help").output


def test_datasets_list(make_distribution):
    make_distribution("huracan-testplugins", {"testplugins_ep": GOOD}, {"tp": "testplugins_ep"})
    data = json.loads(run("datasets", "list", "--json").output)
    dataset = next(d for d in data["datasets"] if d["name"] == "test_random_walk")
    assert dataset["license"] == "CC0-1.0" and dataset["plugin"] == "huracan-testplugins"
    assert "test_random_walk" in run("datasets", "list").output


def test_new_plugin_installs_is_discovered_and_its_tests_pass(tmp_path):
    result = run("new-plugin", "My Momentum!", "--directory", str(tmp_path))
    assert result.exit_code == 0
    plugin = tmp_path / "huracan-my-momentum"
    assert (plugin / "huracan_my_momentum" / "_plugin.py").exists()
    site = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(plugin),
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(plugin / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    shown = subprocess.run(
        [sys.executable, "-m", "huracan_core.cli", "models", "show", "my_momentum_ridge", "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert json.loads(shown.stdout)["components"][0]["plugin"] == "huracan-my-momentum"


def test_new_plugin_refuses_existing_folder(tmp_path):
    run("new-plugin", "twice", "--directory", str(tmp_path))
    result = CliRunner().invoke(cli, ["new-plugin", "twice", "--directory", str(tmp_path)])
    assert result.exit_code == 1 and "already exists" in result.output
