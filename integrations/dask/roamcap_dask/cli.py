"""`python -m roamcap_dask COMMAND IN... (--scheduler ADDRESS | --local-workers N) ...`."""

import argparse
import os
import sys
import tempfile

from .driver import COMMANDS, RoamcapDaskError, run_sharded

USAGE = """python -m roamcap_dask {simulate,flows,tables} IN... [--topology T] [--shards N]
       (--scheduler ADDRESS | --local-workers N) [--roamcap PATH] [-o RESULT] [-- ROAMCAP OPTIONS...]"""

DESCRIPTION = """Runs roamcap sharded on a Dask cluster (SPEC §9): pass 1 (roamcap timeline) as one
task, the N shards (roamcap COMMAND ... --timeline TL --shard K/N) as N tasks, then roamcap
combine as a task, and writes the combined JSON (exactly the single run's --format json) to
RESULT or standard output. Inputs and topology are paths every worker reads at the same place.
Options after -- go to pass 2 (e.g. -- --policy flood); -o after -- is still the driver's,
since pass 2's own -o is its part. A failed shard is retried once, then named; exit status 2
for bad usage or input, 3 when a pass failed otherwise."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, as roamcap does, instead of argparse's usage block.
        print(f"roamcap-dask: error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def _parser():
    parser = _Parser(prog="python -m roamcap_dask", usage=USAGE, description=DESCRIPTION)
    parser.add_argument("command", choices=COMMANDS, metavar="COMMAND", help="simulate, flows or tables")
    parser.add_argument("inputs", nargs="+", metavar="IN", help="capture files (paths on the workers)")
    parser.add_argument("--topology", metavar="T", help="topology file (a path on the workers)")
    parser.add_argument("--shards", type=int, metavar="N", help="number of shards (default: roamcap's plan)")
    cluster = parser.add_mutually_exclusive_group(required=True)
    cluster.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    cluster.add_argument("--local-workers", type=int, metavar="N", help="start a LocalCluster of N worker processes")
    parser.add_argument("--roamcap", metavar="PATH",
                        help="roamcap on the workers (default: their $ROAMCAP_BIN, else roamcap on their PATH)")
    parser.add_argument("-o", "--output", metavar="RESULT", help="write the result here (default: standard output)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    return parser


def _split_output(tail):
    """Takes -o/--output RESULT out of the options after --; returns (options, RESULT or None)."""
    options, output, index = [], None, 0
    while index < len(tail):
        item = tail[index]
        value = None
        if item in ("-o", "--output"):
            if index + 1 >= len(tail):
                raise RoamcapDaskError(f"{item} needs a file name", 2)
            value, index = tail[index + 1], index + 2
        elif item.startswith("--output="):
            value, index = item[len("--output="):], index + 1
        else:
            options.append(item)
            index += 1
            continue
        if output is not None:
            raise RoamcapDaskError("-o given twice", 2)
        output = value
    return options, output


def _write_atomically(path, data):
    """The result appears whole or not at all (a failed run leaves no half file)."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".roamcap-dask-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _client(arguments):
    from distributed import Client, LocalCluster

    if arguments.scheduler:
        try:
            return Client(arguments.scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as error:
            raise RoamcapDaskError(f"cannot reach the Dask scheduler {arguments.scheduler}: {error}", 2)
    if arguments.local_workers < 1:
        raise RoamcapDaskError("--local-workers must be at least 1", 2)
    # One thread per worker: roamcap, not Python, uses the core. The dashboard on a free local
    # port: 8787 may be another cluster's.
    cluster = LocalCluster(n_workers=arguments.local_workers, threads_per_worker=1, processes=True,
                           dashboard_address="127.0.0.1:0")
    return Client(cluster), cluster


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    head, tail = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    arguments = _parser().parse_args(head)
    try:
        options, late_output = _split_output(tail)
        if late_output is not None and arguments.output is not None:
            raise RoamcapDaskError("-o given twice", 2)
        output = arguments.output if arguments.output is not None else late_output
        client, cluster = _client(arguments)
        try:
            run = run_sharded(client, arguments.command, arguments.inputs, topology=arguments.topology,
                              shards=arguments.shards, options=options, roamcap=arguments.roamcap,
                              progress=False if arguments.quiet else sys.stderr)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        if output is None:
            sys.stdout.buffer.write(run.output)
            sys.stdout.flush()
        else:
            _write_atomically(output, run.output)
    except RoamcapDaskError as error:
        print(f"roamcap-dask: error: {error}", file=sys.stderr)
        return error.exit_code
    except OSError as error:
        print(f"roamcap-dask: error: {error}", file=sys.stderr)
        return 2
    return 0
