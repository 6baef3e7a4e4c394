import sys

from .cli import main

# The guard matters: LocalCluster's worker processes are spawned and re-import this module.
if __name__ == "__main__":
    sys.exit(main())
