"""`python -m roamcap_dask` as a user runs it: a LocalCluster of its own, or a scheduler and
workers started apart (as on an SSH cluster), with a fake roamcap (tests/fake_roamcap.py)."""

import importlib.util
import json
import os
import subprocess
import sys
import time

import pytest

from conftest import PACKAGE_ROOT


def cli(*args, env=None, cwd=None):
    """Runs the CLI in a new process; the package is found through PYTHONPATH only."""
    environment = dict(os.environ if env is None else env, PYTHONPATH=PACKAGE_ROOT)
    return subprocess.run([sys.executable, "-m", "roamcap_dask", *args], capture_output=True, text=True,
                          env=environment, cwd=cwd, timeout=240)


def without(name):
    return {key: value for key, value in os.environ.items() if key != name}


def test_usage_errors_are_one_line_and_exit_2(tmp_path):
    for args, message in [
        (["simulate", "/x.pcap"], "one of the arguments --scheduler --local-workers is required"),
        (["rewrite", "/x.pcap", "--local-workers", "2"], "argument COMMAND: invalid choice: 'rewrite'"),
        (["tables", "/x.pcap", "--local-workers", "2", "-o", "a", "--", "-o", "b"], "-o given twice"),
        (["tables", "/x.pcap", "--local-workers", "2", "--", "--policy", "flood", "-o"], "-o needs a file name"),
        (["tables", "/x.pcap", "--local-workers", "0"], "--local-workers must be at least 1"),
    ]:
        completed = cli(*args, cwd=tmp_path)
        assert completed.returncode == 2, (args, completed.stderr)
        assert completed.stderr.splitlines() == [completed.stderr.strip()], completed.stderr
        assert completed.stderr.startswith("roamcap-dask: error: ") and message in completed.stderr
        assert completed.stdout == ""


def test_local_cluster_roamcap_from_the_workers_environment_and_options_after_the_dashes(make_fake, tmp_path):
    fake = make_fake()
    result = tmp_path / "result.json"
    completed = cli("simulate", "in.pcapng", "--shards", "2", "--local-workers", "2",
                    "--", "--policy", "flood", "-o", str(result),
                    env=dict(os.environ, ROAMCAP_BIN=fake.path), cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == ""
    assert json.loads(result.read_text())["combined"] == ["1/2", "2/2"]
    assert fake.runs_of("simulate", "1/2")[0] == [
        "simulate", f"{tmp_path}/in.pcapng", "--policy", "flood", "--timeline", "timeline.json",
        "--shard", "1/2", "-o", "output.json"]
    lines = completed.stderr.splitlines()
    assert [line.split(" done")[0] for line in lines if " done " in line][0] == "roamcap-dask: pass 1 (timeline)"
    assert sum(line.startswith("roamcap-dask: shard ") for line in lines) == 2


def test_result_on_standard_output_without_o(make_fake, tmp_path):
    fake = make_fake()
    completed = cli("tables", "/x.pcap", "--shards", "2", "--local-workers", "1", "--roamcap", fake.path,
                    "--quiet", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["combined"] == ["1/2", "2/2"]
    assert "roamcap-dask:" not in completed.stderr


def test_a_failing_shard_exits_3_naming_it_and_writes_no_result(make_fake, tmp_path):
    fake = make_fake(fail_shard=2)
    result = tmp_path / "result.json"
    completed = cli("flows", "/x.pcap", "--shards", "3", "--local-workers", "2", "--roamcap", fake.path,
                    "-o", str(result), cwd=tmp_path)

    assert completed.returncode == 3, completed.stderr
    last = completed.stderr.strip().splitlines()[-1]
    assert last.startswith("roamcap-dask: error: shard 2/3 failed 2 times")
    assert "--shard 2/3" in last and "exit status 1" in last and "injected failure 2 of shard 2/3" in last
    assert "roamcap-dask: shard 2/3 failed" in completed.stderr and "retrying" in completed.stderr
    assert not result.exists() and os.listdir(tmp_path) == ["fake"]
    assert fake.runs_of("combine") == []


def _address_in(scheduler_file):
    """The scheduler's address, once its file is there and whole (it is not written atomically)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.2)
    raise AssertionError("the scheduler wrote no scheduler file in 60 s")


@pytest.fixture
def separate_cluster(tmp_path, make_fake):
    """A scheduler and a worker started as commands, as `dask ssh` or a batch job would: the
    workers run elsewhere (cwd), without PYTHONPATH, with roamcap named only in their own
    environment."""
    installed = subprocess.run([sys.executable, "-c", "import roamcap_dask"], cwd=tmp_path,
                               env=without("PYTHONPATH"), capture_output=True).returncode == 0
    if installed:
        pytest.skip("roamcap_dask is installed in this Python: cannot show that workers do without it")
    fake = make_fake()
    scheduler_file = tmp_path / "scheduler.json"
    worker_directory = tmp_path / "worker"
    worker_directory.mkdir()
    base = without("PYTHONPATH")
    processes = [subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--scheduler-file", str(scheduler_file),
         "--host", "127.0.0.1", "--port", "0", "--no-dashboard"],
        cwd=worker_directory, env=base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        address = _address_in(scheduler_file)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "2", "--nthreads", "1",
             "--host", "127.0.0.1", "--no-dashboard", "--local-directory", str(worker_directory)],
            cwd=worker_directory, env=dict(base, ROAMCAP_BIN=fake.path),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address, fake
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_scheduler_address_with_workers_that_lack_this_package(separate_cluster, tmp_path):
    address, fake = separate_cluster
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
        assert set(client.run(importlib.util.find_spec, "roamcap_dask").values()) == {None}

    client_directory = tmp_path / "client"
    client_directory.mkdir()
    completed = cli("tables", "/traces/x.pcap", "--shards", "3", "--scheduler", address, "-o", "out.json",
                    env=without("ROAMCAP_BIN"), cwd=client_directory)
    assert completed.returncode == 0, completed.stderr
    assert json.loads((client_directory / "out.json").read_text())["combined"] == ["1/3", "2/3", "3/3"]
    assert len(fake.runs_of("tables")) == 3
