"""Production supervision (site/systemd/): web, worker and beat restarted whenever they exit."""

import configparser
import shlex
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[2] / "site" / "systemd"
COMMANDS = {
    "northstar-web.service": ["gunicorn", "northstar.wsgi"],
    "northstar-worker.service": ["celery", "-A", "northstar", "worker"],
    "northstar-beat.service": ["celery", "-A", "northstar", "beat"],
}


def read_unit(name):
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read(UNITS / name)
    return unit


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_unit_runs_its_command_and_is_restarted_whenever_it_exits(name):
    unit = read_unit(name)
    command = shlex.split(unit["Service"]["ExecStart"])
    assert Path(command[0]).name == COMMANDS[name][0]
    assert command[1 : len(COMMANDS[name])] == COMMANDS[name][1:]
    assert unit["Service"]["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert unit["Service"]["EnvironmentFile"] == "/etc/northstar.env"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_web_unit_binds_a_private_address_and_logs_with_the_sites_format():
    command = shlex.split(read_unit("northstar-web.service")["Service"]["ExecStart"])
    bind = command[command.index("--bind") + 1]
    assert not bind.startswith(("0.0.0.0", "[::]", ":"))  # noqa: S104 (the check itself)
    assert command[command.index("-c") + 1] == "site/gunicorn.conf.py"
