#if canImport(Glibc)
import Glibc
#endif

// roamcap-bench: generates a deterministic data-center trace and times roamcap against
// tcpdump, editcap, cp and capinfos. See Options.swift for the command line.
let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
exit(runBenchmark(options))
