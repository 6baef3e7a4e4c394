"""A stand-in for the roamcap binary, copied into a test's temporary directory with a shebang.

Its behaviour is read from fake.json beside the copy (each test has its own):
  log          every invocation is appended here (one JSON line: argv and cwd)
  real         delegate every run that is not made to fail to this roamcap (exec);
               without it, play the three commands with made-up JSON (below)
  fail_shard   K: runs of `... --shard K/N` fail ...
  fail_times   ... this many times (counted in a file beside the log), then succeed;
               absent: always
  fail_exit    the exit status of a failing run (default 1)
  fail_command "timeline" or "combine": that command fails instead, always
  kill_worker  K: runs of `... --shard K/N` kill the Dask worker process running them (the
               fake's parent), as the kernel's OOM killer would
  shards       the number of shards the made-up timeline plans without --shards (default 4)
  plan         ... and with --shards, whatever it asks (a pass 1 that disagrees)

Made-up JSON: the timeline is {"format": "roamcap-timeline", "nonce", "shards": [{"shard": k}]};
a part says which shard of which timeline (by the SHA-256 of the bytes it was given) and
what command line it saw; combine lists the parts it got, in its argument order.
"""

import hashlib
import json
import os
import sys
import uuid

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "fake.json")) as file:
    config = json.load(file)
args = sys.argv[1:]
with open(config["log"], "a") as log:
    log.write(json.dumps({"argv": args, "cwd": os.getcwd()}) + "\n")


def option(name):
    return args[args.index(name) + 1] if name in args else None


def fail(message):
    print("roamcap: starting (a line that is not the last)", file=sys.stderr)
    print(f"roamcap: error: {message}", file=sys.stderr)
    sys.exit(config.get("fail_exit", 1))


command = args[0] if args else ""
if config.get("fail_command") == command:
    fail(f"injected failure of {command}")
shard = option("--shard")
if shard is not None and int(shard.split("/")[0]) == config.get("kill_worker"):
    os.kill(os.getppid(), 9)
    sys.exit(137)
if shard is not None and int(shard.split("/")[0]) == config.get("fail_shard"):
    counter = config["log"] + f".failures-{shard.replace('/', 'of')}"
    failures = int(open(counter).read()) if os.path.exists(counter) else 0
    if config.get("fail_times") is None or failures < config["fail_times"]:
        with open(counter, "w") as file:
            file.write(str(failures + 1))
        fail(f"injected failure {failures + 1} of shard {shard}")

if config.get("real"):
    os.execv(config["real"], [config["real"]] + args)

output = option("-o")
if command == "timeline":
    count = int(config.get("plan") or option("--shards") or config.get("shards", 4))
    document = {"format": "roamcap-timeline", "nonce": uuid.uuid4().hex,
                "shards": [{"shard": k} for k in range(1, count + 1)]}
elif command == "combine":
    names = [name for name in args[1:] if name.startswith("part-")]
    parts = [json.load(open(name)) for name in names]
    document = {"combined": [part["shard"] for part in parts], "parts": parts}
else:
    with open(option("--timeline"), "rb") as file:
        timeline = file.read()
    document = {"format": "roamcap-part", "shard": shard, "args": args,
                "timeline_sha256": hashlib.sha256(timeline).hexdigest()}
with open(output, "w") as file:
    json.dump(document, file)
print(f"fake roamcap {command}: done")
