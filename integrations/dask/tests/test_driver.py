"""The driver's orchestration on a LocalCluster, with a fake roamcap (tests/fake_roamcap.py):
what runs where, in which order, with which bytes, and what happens when a pass fails."""

import hashlib
import io
import json
import os

import pytest

from roamcap_dask import RoamcapDaskError, ShardFailed, run_sharded


def test_pass1_then_every_shard_with_the_timeline_bytes_then_combine_in_shard_order(client, make_fake, tmp_path):
    fake = make_fake()
    progress = io.StringIO()
    run = run_sharded(client, "simulate", ["in.pcapng", "/data/b.pcap"], topology="t.yaml", shards=3,
                      options=["--policy", "flood"], roamcap=fake.path, progress=progress)

    result = json.loads(run.output)
    assert result["combined"] == ["1/3", "2/3", "3/3"]
    # Every shard got pass 1's bytes (written in its own directory), not a path to them.
    sha = hashlib.sha256(run.timeline).hexdigest()
    assert [part["timeline_sha256"] for part in result["parts"]] == [sha] * 3
    assert json.loads(run.timeline)["format"] == "roamcap-timeline"
    # Relative paths are made absolute on the client: workers run elsewhere.
    cwd = os.getcwd()
    assert fake.runs_of("timeline") == [
        ["timeline", f"{cwd}/in.pcapng", "/data/b.pcap", "--topology", f"{cwd}/t.yaml", "--shards", "3",
         "-o", "output.json"]]
    for k in (1, 2, 3):
        assert fake.runs_of("simulate", f"{k}/3") == [
            ["simulate", f"{cwd}/in.pcapng", "/data/b.pcap", "--topology", f"{cwd}/t.yaml", "--policy", "flood",
             "--timeline", "timeline.json", "--shard", f"{k}/3", "-o", "output.json"]]
    assert fake.runs_of("combine") == [
        ["combine", "part-1.json", "part-2.json", "part-3.json", "--format", "json", "-o", "output.json"]]
    assert len(fake.invocations()) == 5
    assert len(run.shard_seconds) == 3
    lines = progress.getvalue().splitlines()
    assert lines[0].startswith("roamcap-dask: pass 1 (timeline) done in ")
    assert sorted(line.split(" done")[0] for line in lines[1:4]) == [
        "roamcap-dask: shard 1/3", "roamcap-dask: shard 2/3", "roamcap-dask: shard 3/3"]
    assert [line.rsplit("(", 1)[1] for line in lines[1:4]] == ["1/3)", "2/3)", "3/3)"]
    assert lines[4].startswith("roamcap-dask: combine done in ")


def test_fabric_settings_read_filter_control_plane_and_vxlan_ports_go_to_pass1_too(client, make_fake):
    fake = make_fake()
    options = ["--policy", "flood", "--aging", "30s", "--advertise-delay=C=3.5s", "-f", "not arp",
               "--read-filter", "not udp port 53", "--keep-going", "--unknown-unicast", "drop",
               "--control-plane", "captured", "--bgp-port", "1179", "--bmp-port=1019", "--vxlan-port", "8472"]
    run_sharded(client, "simulate", ["/x.pcap"], shards=2, options=options, roamcap=fake.path, progress=False)
    assert fake.runs_of("timeline") == [
        ["timeline", "/x.pcap", "--aging", "30s", "--advertise-delay=C=3.5s", "--read-filter", "not udp port 53",
         "--keep-going", "--unknown-unicast", "drop", "--control-plane", "captured", "--bgp-port", "1179",
         "--bmp-port=1019", "--vxlan-port", "8472", "--shards", "2", "-o", "output.json"]]
    assert fake.runs_of("simulate", "1/2")[0][2:2 + len(options)] == options


def test_without_shards_the_plan_of_pass1_decides(client, make_fake):
    fake = make_fake(shards=4)
    run = run_sharded(client, "tables", ["/x.pcap"], roamcap=fake.path, progress=False)
    assert json.loads(run.output)["combined"] == ["1/4", "2/4", "3/4", "4/4"]
    assert "--shards" not in fake.runs_of("timeline")[0]
    assert "--topology" not in fake.runs_of("tables")[0]


def test_a_shard_that_fails_once_is_retried_and_the_run_succeeds(client, make_fake):
    fake = make_fake(fail_shard=2, fail_times=1)
    progress = io.StringIO()
    run = run_sharded(client, "flows", ["/x.pcap"], shards=3, roamcap=fake.path, progress=progress)

    assert json.loads(run.output)["combined"] == ["1/3", "2/3", "3/3"]
    assert len(fake.runs_of("flows", "2/3")) == 2
    assert len(fake.runs_of("flows", "1/3")) == len(fake.runs_of("flows", "3/3")) == 1
    text = progress.getvalue()
    assert "shard 2/3 failed" in text and "injected failure 1 of shard 2/3" in text and "retrying" in text
    assert "shard 2/3 done" in text


def test_a_shard_that_always_fails_is_named_and_nothing_is_combined(client, make_fake):
    fake = make_fake(fail_shard=2, fail_exit=1)
    with pytest.raises(ShardFailed) as raised:
        run_sharded(client, "simulate", ["/x.pcap"], shards=3, roamcap=fake.path, progress=False)

    error = raised.value
    assert (error.shard, error.shards, error.returncode) == (2, 3, 1)
    assert error.argv[0] == fake.path and "--shard" in error.argv and "2/3" in error.argv
    assert error.stderr == "roamcap: error: injected failure 2 of shard 2/3"  # the last line
    message = str(error)
    assert message.startswith("shard 2/3 failed 2 times")
    assert "--shard 2/3" in message and "exit status 1" in message and "injected failure 2" in message
    assert "\n" not in message
    assert error.exit_code == 3
    assert len(fake.runs_of("simulate", "2/3")) == 2
    assert fake.runs_of("combine") == []


def test_a_shard_rejecting_its_input_exits_2(client, make_fake):
    fake = make_fake(fail_shard=1, fail_exit=2)
    with pytest.raises(ShardFailed) as raised:
        run_sharded(client, "tables", ["/x.pcap"], shards=2, roamcap=fake.path, progress=False)
    assert raised.value.exit_code == 2 and raised.value.shard == 1
    assert fake.runs_of("combine") == []


def test_a_failed_pass1_is_named_and_no_shard_runs(client, make_fake):
    fake = make_fake(fail_command="timeline", fail_exit=2)
    with pytest.raises(RoamcapDaskError) as raised:
        run_sharded(client, "tables", ["/x.pcap"], shards=2, roamcap=fake.path, progress=False)
    assert str(raised.value).startswith("pass 1 (timeline) failed on ")
    assert "exit status 2: roamcap: error: injected failure of timeline" in str(raised.value)
    assert raised.value.exit_code == 2
    assert [argv[0] for argv in fake.invocations()] == ["timeline"]


def test_a_failed_combine_is_named(client, make_fake):
    fake = make_fake(fail_command="combine")
    with pytest.raises(RoamcapDaskError) as raised:
        run_sharded(client, "tables", ["/x.pcap"], shards=2, roamcap=fake.path, progress=False)
    assert str(raised.value).startswith("combine failed on ")
    assert "`" + fake.path + " combine part-1.json part-2.json --format json -o output.json`" in str(raised.value)


def test_a_plan_of_another_size_than_asked_is_refused(client, make_fake):
    fake = make_fake(plan=3)
    with pytest.raises(RoamcapDaskError, match="pass 1 planned 3 shards, 2 were asked for"):
        run_sharded(client, "tables", ["/x.pcap"], shards=2, roamcap=fake.path, progress=False)
    assert fake.runs_of("tables") == []


def test_a_missing_binary_is_named(client):
    with pytest.raises(RoamcapDaskError, match="cannot run /nonexistent/roamcap"):
        run_sharded(client, "tables", ["/x.pcap"], shards=2, roamcap="/nonexistent/roamcap", progress=False)


@pytest.mark.parametrize("command, inputs, shards, message", [
    ("rewrite", ["/x.pcap"], 2, "unknown command 'rewrite'"),
    ("tables", [], 2, "no input"),
    ("tables", ["-"], 2, "standard input cannot be sharded"),
    ("tables", ["/x.pcap"], 0, "--shards must be at least 1"),
])
def test_bad_arguments_are_refused_before_anything_runs(client, make_fake, command, inputs, shards, message):
    fake = make_fake()
    with pytest.raises(RoamcapDaskError, match=message) as raised:
        run_sharded(client, command, inputs, shards=shards, roamcap=fake.path, progress=False)
    assert raised.value.exit_code == 2
    assert fake.invocations() == []


def test_a_shard_whose_worker_dies_is_retried_then_named(make_fake):
    # A worker killed under a task (out of memory, say): the scheduler gives up on the task
    # after distributed.scheduler.allowed-failures deaths (0 here: at once) with KilledWorker;
    # the driver retries it once like any failed shard, then names it.
    import dask
    from distributed import Client, LocalCluster

    fake = make_fake(kill_worker=2)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0") as cluster:
            with Client(cluster) as client:
                with pytest.raises(ShardFailed) as raised:
                    run_sharded(client, "tables", ["/x.pcap"], shards=3, roamcap=fake.path, progress=False)

    error = raised.value
    assert (error.shard, error.returncode) == (2, None)
    assert error.argv == [fake.path, "tables", "/x.pcap", "--timeline", "timeline.json", "--shard", "2/3",
                          "-o", "output.json"]
    assert error.stderr.startswith("KilledWorker: ")
    assert "did not finish: KilledWorker" in str(error) and error.exit_code == 3
    assert len(fake.runs_of("tables", "2/3")) == 2
    assert fake.runs_of("combine") == []
