"""What runs on a Dask worker: one roamcap command in a temporary directory of its own.

The driver registers this module with cloudpickle to be pickled by value, so a worker needs
dask, distributed and the roamcap binary, not this package; hence the standard library only.

A failure is returned as a value (`ok` false), never raised: the client decides whether to
retry and names the shard, and no exception class has to travel between machines.
"""

import os
import shutil
import subprocess
import tempfile
import time

# The names of the files a task writes or reads in its temporary directory. roamcap runs
# there (cwd), so the command lines reported in errors stay short and say the same thing on
# every worker; the inputs are absolute paths (the driver makes them so).
TIMELINE = "timeline.json"
OUTPUT = "output.json"


def resolve_roamcap(explicit):
    """The roamcap binary on this worker: the driver's --roamcap, else the worker's
    $ROAMCAP_BIN, else `roamcap` on the worker's PATH (left as is when missing, so the
    run fails with the usual "not found" and the argv in the error says what was tried)."""
    if explicit:
        return explicit
    from_environment = os.environ.get("ROAMCAP_BIN")
    if from_environment:
        return from_environment
    return shutil.which("roamcap") or "roamcap"


def _worker_name():
    """This worker's address for the progress lines (the host name outside a worker)."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        import socket

        return socket.gethostname()


def _last_line(text):
    """stderr's last line, or its last "error:" line when one came earlier: a usage error of
    roamcap (ArgumentParser) ends with a "Run 'roamcap help'" hint that says nothing."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line]
    return errors[-1] if errors else (lines[-1] if lines else "")


def run_roamcap(roamcap, args, files):
    """Runs `roamcap ARGS` in a new temporary directory after writing FILES there (a dict of
    file name to bytes), and returns a dict: ok, argv, returncode, stderr (its last error line),
    stdout, output (the bytes roamcap wrote to OUTPUT, None if none), seconds, worker.

    ok means exit status 0 and an output file; anything else is a failure the caller reports.
    """
    argv = [resolve_roamcap(roamcap)] + list(args)
    result = {
        "ok": False,
        "argv": argv,
        "returncode": None,
        "stderr": "",
        "stdout": "",
        "output": None,
        "seconds": 0.0,
        "worker": _worker_name(),
    }
    with tempfile.TemporaryDirectory(prefix="roamcap-dask-") as directory:
        for name, data in files.items():
            with open(os.path.join(directory, name), "wb") as file:
                file.write(data)
        started = time.monotonic()
        try:
            completed = subprocess.run(argv, cwd=directory, capture_output=True, stdin=subprocess.DEVNULL)
        except OSError as error:
            # No such binary, not executable: the same kind of failure as a bad exit status.
            result["stderr"] = f"cannot run {argv[0]}: {error.strerror or error}"
            result["seconds"] = time.monotonic() - started
            return result
        result["seconds"] = time.monotonic() - started
        result["returncode"] = completed.returncode
        result["stderr"] = _last_line(completed.stderr.decode("utf-8", "replace"))
        result["stdout"] = completed.stdout.decode("utf-8", "replace")
        output_path = os.path.join(directory, OUTPUT)
        if os.path.exists(output_path):
            with open(output_path, "rb") as file:
                result["output"] = file.read()
        if completed.returncode == 0 and result["output"] is None:
            result["stderr"] = f"exit status 0 but no {OUTPUT} was written"
            return result
        result["ok"] = completed.returncode == 0
    return result


def run_shard(roamcap, args, timeline):
    """Pass 2 on one shard: the timeline's bytes are written next to roamcap (ARGS name it
    TIMELINE and the part OUTPUT), since a worker shares no directory with the client."""
    return run_roamcap(roamcap, args, {TIMELINE: timeline})


def run_combine(roamcap, parts):
    """combine over the parts (the shard tasks' results, in shard order 1..N)."""
    names = [f"part-{index}.json" for index in range(1, len(parts) + 1)]
    files = {name: part["output"] for name, part in zip(names, parts)}
    # combine prints in the single run's default format (a table) unless told otherwise.
    return run_roamcap(roamcap, ["combine"] + names + ["--format", "json", "-o", OUTPUT], files)
