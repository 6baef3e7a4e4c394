"""The client side: pass 1, the shards, combine (SPEC §9), each a Dask task running roamcap.

Only bytes travel: the timeline from pass 1 to every shard, each part from its shard to
combine, the result to the client. Inputs and the topology are paths that every worker reads
at the same place (a shared filesystem); nothing else is assumed about where tasks run.
"""

import dataclasses
import json
import os
import sys
import uuid

import cloudpickle
from distributed import as_completed

from . import tasks

# The scheduler and the workers need dask, distributed and roamcap, not this package: the task
# functions travel as code. cloudpickle does so for a module registered by value, but
# distributed pickles a whole task with plain pickle (a function by its module's name) and
# only the function's own pickle below turns into cloudpickle's.
cloudpickle.register_pickle_by_value(tasks)


class _ByValue:
    """A task function that pickles as cloudpickle.loads(its code): unpickled, it is the
    function itself, and cloudpickle is importable wherever distributed is."""

    def __init__(self, function):
        self.function = function

    def __call__(self, *args):
        return self.function(*args)

    def __reduce__(self):
        return cloudpickle.loads, (cloudpickle.dumps(self.function),)


_run_roamcap = _ByValue(tasks.run_roamcap)
_run_shard = _ByValue(tasks.run_shard)
_run_combine = _ByValue(tasks.run_combine)

COMMANDS = ("simulate", "flows", "tables")

# A shard is run at most this many times: once, then one retry.
ATTEMPTS = 2

# The options of pass 2 that pass 1 must be given too (those `roamcap timeline` takes): a
# shard refuses a timeline made with other fabric settings, another read filter, another
# control plane or other VXLAN ports. Each with the number of values it takes.
TIMELINE_OPTIONS = {"--advertise-delay": 1, "--aging": 1, "--unknown-unicast": 1, "--read-filter": 1,
                    "--keep-going": 0, "--control-plane": 1, "--bgp-port": 1, "--bmp-port": 1, "--vxlan-port": 1}


class RoamcapDaskError(Exception):
    """A pass failed. str() is one line; exit_code is what the CLI exits with: 2 when roamcap
    called the input or the usage bad (its exit status 2), else 3."""

    def __init__(self, message, exit_code=3):
        super().__init__(message)
        self.exit_code = exit_code


class ShardFailed(RoamcapDaskError):
    """A shard failed on every attempt; no combine was run."""

    def __init__(self, shard, shards, run):
        self.shard = shard
        self.shards = shards
        self.argv = run["argv"]
        self.returncode = run["returncode"]
        self.stderr = run["stderr"]
        self.worker = run["worker"]
        super().__init__(
            f"shard {shard}/{shards} failed {ATTEMPTS} times, last on {self.worker}: "
            f"{_describe(run)}; no parts were combined",
            exit_code=_exit_code(run),
        )


@dataclasses.dataclass
class ShardedRun:
    """What run_sharded returns: the combined JSON (exactly the single run's `--format json`),
    the timeline it was planned with, and each shard's roamcap time in seconds (shard order)."""

    output: bytes
    timeline: bytes
    shard_seconds: list


def _describe(run):
    """`roamcap ... ` exited 2: its last stderr line (for error messages)."""
    command = " ".join(run["argv"])
    code = run["returncode"]
    if code is None:
        status = "did not finish"
    elif code < 0:
        status = f"killed by signal {-code}"
    else:
        status = f"exit status {code}"
    return f"`{command}` (in a temporary directory): {status}: {run['stderr'] or '(no stderr)'}"


def _outcome(future, argv):
    """The task's result; a failure of Dask's (the worker died as often as the scheduler
    allows: KilledWorker) as a failed run of ARGV, so that it is retried and named alike."""
    try:
        return future.result()
    except Exception as error:
        return {"ok": False, "argv": argv, "returncode": None, "stderr": f"{type(error).__name__}: {error}",
                "stdout": "", "output": None, "seconds": 0.0, "worker": "an unknown worker"}


def _exit_code(run):
    return 2 if run["returncode"] == 2 else 3


def _absolute(path):
    """Absolute on the client's terms: workers read the same path on the shared filesystem."""
    if path == "-":
        raise RoamcapDaskError("standard input cannot be sharded: give the inputs as files", 2)
    return os.path.abspath(path)


def _read_plan(timeline, shards):
    """The number of shards in the timeline's plan, after checking it is a timeline."""
    try:
        document = json.loads(timeline)
        assert document.get("format") == "roamcap-timeline"
        count = len(document["shards"])
    except (ValueError, AssertionError, AttributeError, KeyError, TypeError):
        raise RoamcapDaskError("pass 1 wrote no roamcap timeline (no \"format\": \"roamcap-timeline\" with \"shards\")")
    if count < 1:
        raise RoamcapDaskError("pass 1 planned no shard")
    if shards is not None and count != shards:
        raise RoamcapDaskError(f"pass 1 planned {count} shards, {shards} were asked for")
    return count


def _timeline_options(options):
    """The TIMELINE_OPTIONS among pass 2's OPTIONS (as --name value or --name=value)."""
    chosen, index = [], 0
    while index < len(options):
        name = options[index].split("=", 1)[0]
        width = TIMELINE_OPTIONS.get(name)
        if width is None:
            index += 1
        elif "=" in options[index]:
            chosen.append(options[index])
            index += 1
        else:
            chosen += options[index:index + 1 + width]
            index += 1 + width
    return chosen


def run_sharded(client, command, inputs, *, topology=None, shards=None, options=(), roamcap=None, progress=None):
    """Runs `roamcap COMMAND INPUTS` sharded on the Dask cluster of CLIENT; returns a
    ShardedRun whose output equals the single run's `roamcap COMMAND INPUTS --format json`.

    topology: the --topology file; shards: N (default: roamcap's plan); options: more roamcap
    options for pass 2 (e.g. ["--policy", "flood"]), of which the fabric settings, the
    read filter, the control plane and the VXLAN ports (TIMELINE_OPTIONS) are given to pass 1 as well; roamcap: the binary's path on the workers
    (default: their $ROAMCAP_BIN, else roamcap on their PATH); progress: a text stream for one
    line per finished task (default stderr; False for none).

    A shard that fails is run once more; a shard that fails twice raises ShardFailed naming
    it, after cancelling the other shards, and combine never runs on a partial set.
    """
    if command not in COMMANDS:
        raise RoamcapDaskError(f"unknown command {command!r}: one of {', '.join(COMMANDS)}", 2)
    if not inputs:
        raise RoamcapDaskError("no input: give the capture files", 2)
    if shards is not None and shards < 1:
        raise RoamcapDaskError(f"--shards must be at least 1, not {shards}", 2)
    stream = sys.stderr if progress is None else progress

    def say(line):
        if stream:
            print(f"roamcap-dask: {line}", file=stream, flush=True)

    inputs = [_absolute(path) for path in inputs]
    common = list(inputs) + (["--topology", _absolute(topology)] if topology else [])
    run_id = uuid.uuid4().hex[:8]  # task keys: unique per run, readable on the dashboard

    # Pass 1.
    plan_args = ["timeline"] + common + _timeline_options(list(options))
    plan_args += (["--shards", str(shards)] if shards else []) + ["-o", tasks.OUTPUT]
    binary = roamcap or "roamcap"  # as named in errors the task itself could not report
    run = _outcome(client.submit(_run_roamcap, roamcap, plan_args, {}, key=f"roamcap-timeline-{run_id}"),
                   [binary] + plan_args)
    if not run["ok"]:
        raise RoamcapDaskError(f"pass 1 (timeline) failed on {run['worker']}: {_describe(run)}", _exit_code(run))
    timeline = run["output"]
    count = _read_plan(timeline, shards)
    say(f"pass 1 (timeline) done in {run['seconds']:.1f} s on {run['worker']}: {count} shards, {len(timeline)} bytes")

    # Pass 2: the timeline's bytes are scattered once, every shard task gets them.
    shared_timeline = client.scatter(timeline, broadcast=True)

    def submit(shard, attempt):
        args = [command] + common + list(options)
        args += ["--timeline", tasks.TIMELINE, "--shard", f"{shard}/{count}", "-o", tasks.OUTPUT]
        future = client.submit(
            _run_shard, roamcap, args, shared_timeline,
            key=f"roamcap-{command}-{run_id}-shard-{shard}of{count}-attempt-{attempt}",
        )
        shard_of[future.key] = (shard, attempt, [binary] + args)
        submitted.append(future)
        return future

    shard_of = {}
    submitted = []
    futures = [submit(shard, 1) for shard in range(1, count + 1)]
    done = {}  # shard -> its successful future (the part stays on the worker for combine)
    seconds = {}
    pending = as_completed(futures)
    for future in pending:
        shard, attempt, argv = shard_of[future.key]
        run = _outcome(future, argv)
        if run["ok"]:
            done[shard] = future
            seconds[shard] = run["seconds"]
            say(f"shard {shard}/{count} done in {run['seconds']:.1f} s on {run['worker']} ({len(done)}/{count})")
            continue
        if attempt < ATTEMPTS:
            say(f"shard {shard}/{count} failed on {run['worker']}: {_describe(run)}; retrying")
            pending.add(submit(shard, attempt + 1))
            continue
        # No partial result: stop the others, the error names the shard.
        client.cancel([f for f in submitted if f.status == "pending"])
        raise ShardFailed(shard, count, run)

    # Combine, on the cluster: the parts go there from the shards' workers, in shard order.
    parts = [done[shard] for shard in range(1, count + 1)]
    combine_argv = [binary, "combine"] + [f"part-{k}.json" for k in range(1, count + 1)]
    run = _outcome(client.submit(_run_combine, roamcap, parts, key=f"roamcap-combine-{run_id}"), combine_argv)
    if not run["ok"]:
        raise RoamcapDaskError(f"combine failed on {run['worker']}: {_describe(run)}", _exit_code(run))
    say(f"combine done in {run['seconds']:.1f} s on {run['worker']}: {len(run['output'])} bytes")
    return ShardedRun(run["output"], timeline, [seconds[shard] for shard in range(1, count + 1)])
