import json
import os
import shutil
import subprocess
import sys

import pytest
from distributed import Client, LocalCluster

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)  # integrations/dask
REPOSITORY = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
FIXTURES = os.path.join(REPOSITORY, "fixtures")


@pytest.fixture(scope="session")
def client():
    """Two worker processes, as a small real cluster: tasks and their data cross processes."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0") as cluster:
        with Client(cluster) as client:
            yield client


@pytest.fixture(scope="session")
def real_roamcap():
    """The roamcap under test ($ROAMCAP_BIN, as `make test` sets it). Not an oracle: without
    it the tests that need it fail."""
    path = os.environ.get("ROAMCAP_BIN") or shutil.which("roamcap")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("no roamcap binary: set ROAMCAP_BIN (make -C integrations/dask test does)")
    return os.path.abspath(path)


class Fake:
    """A fake roamcap in its own directory (see fake_roamcap.py) and what it was asked to do."""

    def __init__(self, directory, **config):
        self.directory = str(directory)
        self.path = os.path.join(self.directory, "roamcap")
        self.log = os.path.join(self.directory, "invocations.ndjson")
        with open(os.path.join(HERE, "fake_roamcap.py")) as source:
            body = source.read()
        with open(self.path, "w") as file:
            file.write(f"#!{sys.executable}\n{body}")
        os.chmod(self.path, 0o755)
        with open(os.path.join(self.directory, "fake.json"), "w") as file:
            json.dump(dict(config, log=self.log), file)

    def invocations(self):
        """Each run's arguments, in the order they started."""
        if not os.path.exists(self.log):
            return []
        with open(self.log) as file:
            return [json.loads(line)["argv"] for line in file]

    def runs_of(self, command, shard=None):
        return [argv for argv in self.invocations()
                if argv[0] == command and (shard is None or shard in argv)]


@pytest.fixture
def make_fake(tmp_path):
    def make(**config):
        directory = tmp_path / "fake"
        directory.mkdir()
        return Fake(directory, **config)

    return make


def single_run(roamcap, command, inputs, topology, options=()):
    """The oracle: the same command in one process, --format json, parsed."""
    argv = [roamcap, command, *inputs, "--topology", topology, *options, "--format", "json"]
    completed = subprocess.run(argv, capture_output=True, check=False)
    assert completed.returncode == 0, f"{' '.join(argv)}: {completed.stderr.decode()}"
    return json.loads(completed.stdout)
