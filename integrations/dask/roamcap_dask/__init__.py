"""roamcap's sharded passes (SPEC §9) on Dask: run_sharded() and `python -m roamcap_dask`."""

from .driver import COMMANDS, RoamcapDaskError, ShardedRun, ShardFailed, run_sharded

__all__ = ["COMMANDS", "RoamcapDaskError", "ShardedRun", "ShardFailed", "run_sharded"]
