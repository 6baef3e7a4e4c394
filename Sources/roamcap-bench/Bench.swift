#if canImport(Glibc)
import Glibc
#endif
import CaptureFile

/// One line of the comparison: a roamcap job against one peer doing the same work.
struct Row {
    var job: String
    var peer: String
    var roamcap: Measurement
    var peerResult: Measurement

    /// peer / roamcap: above 1 means roamcap is faster.
    var ratio: Double? {
        guard roamcap.ok, peerResult.ok, roamcap.seconds > 0 else { return nil }
        return peerResult.seconds / roamcap.seconds
    }
}

/// Generates (or reuses) the trace, times every job and writes the report. Returns the exit status.
func runBenchmark(_ options: BenchOptions) -> Int32 {
    if let problem = makeDirectories(options.work) { fail(problem, status: 1) }
    let work = options.work
    let trace = "\(work)/dc-mix.pcap"

    // The trace: its exact size is known from the plan alone, so a complete file is reused.
    let mix = TraceMix.of(packets: options.packets)
    if fileSize(trace) == mix.fileBytes {
        say("reusing \(trace) (\(mix.packets) packets, \(megabytes(mix.fileBytes)) MB)")
    } else {
        say("generating \(trace): \(mix.packets) packets, \(megabytes(mix.fileBytes)) MB …")
        let start = monotonicSeconds()
        do throws(CaptureError) {
            try TraceWriter.write(path: trace, packets: options.packets)
        } catch {
            fail("cannot write the trace: \(error)", status: 1)
        }
        guard fileSize(trace) == mix.fileBytes else {
            fail("\(trace) has \(fileSize(trace) ?? 0) bytes, expected \(mix.fileBytes)", status: 1)
        }
        say("  written in \(fixed(monotonicSeconds() - start, 1)) s")
    }
    say(mixSummary(mix))
    readThrough(trace)

    let harness = Harness(runs: options.runs, stderrPath: "\(work)/last-stderr.txt")
    let roamcap = options.roamcap
    let filter = "tcp and host \(Network.filterAddress)"
    // Debian's tcpdump drops root privileges before opening its output; keep them so it can
    // write into WORK like everyone else (no effect on speed).
    let tcpdumpUser: [String] = geteuid() == 0 ? ["-Z", "root"] : []

    var commands: [String] = []
    /// Times one job's commands in interleaved rounds, printing what it does.
    func time(_ job: String, _ group: [Command], inspect: (Int) -> Void = { _ in }) -> [Measurement] {
        commands += group.map(\.display)
        say("timing \(job): \(options.runs) round\(options.runs == 1 ? "" : "s") of")
        for command in group { say("  \(command.display)") }
        let results = harness.measure(group, inspect: inspect)
        for (command, m) in zip(group, results) {
            let name = command.program == roamcap ? "roamcap" : command.program
            switch m.status {
            case .ok:
                let runs = m.runSeconds.map { fixed($0, 3) }.joined(separator: " ")
                say("  \(name): best \(fixed(m.seconds, 3)) s (runs: \(runs)), peak \(fixed(m.peakMiB, 1)) MiB")
            case .missing: say("  \(name): missing, skipped")
            case .failed(let why): say("  \(name): failed: \(why)")
            }
        }
        return results
    }

    var rows: [Row] = []
    var notes: [String] = []

    // 1. Copy to a file.
    let out = "\(work)/out.pcap"
    var copyNote = "copy: roamcap wrote no output"
    let copies = time("copy to file", [
        Command(program: roamcap, arguments: ["convert", trace, "-o", out], outputs: [out]),
        Command(program: "tcpdump", arguments: tcpdumpUser + ["-r", trace, "-w", "\(work)/out-tcpdump.pcap"],
                outputs: ["\(work)/out-tcpdump.pcap"]),
        Command(program: "editcap", arguments: [trace, "\(work)/out-editcap.pcap"], outputs: ["\(work)/out-editcap.pcap"]),
        Command(program: "cp", arguments: [trace, "\(work)/out-cp.pcap"], outputs: ["\(work)/out-cp.pcap"]),
    ]) { i in
        guard i == 0 else { return }
        let records = countPcapRecords(out)
        let same = fileSize(out) == fileSize(trace)
        copyNote = "copy: roamcap wrote \(records.map(String.init) ?? "an unreadable file, not") packets "
            + "(\(same ? "same size as the input" : "size differs from the input"))"
    }
    notes.append(copyNote)
    for (i, peer) in ["tcpdump", "editcap", "cp"].enumerated() {
        rows.append(Row(job: "copy to file", peer: peer, roamcap: copies[0], peerResult: copies[i + 1]))
    }

    // 2. Copy to standard output, thrown away.
    let stdoutCopies = time("copy to stdout", [
        Command(program: roamcap, arguments: ["convert", trace, "-o", "-"]),
        Command(program: "tcpdump", arguments: tcpdumpUser + ["-r", trace, "-w", "-"]),
    ])
    rows.append(Row(job: "copy to stdout", peer: "tcpdump", roamcap: stdoutCopies[0], peerResult: stdoutCopies[1]))

    // 3. A BPF filter.
    let filtered = ["\(work)/out-f.pcap", "\(work)/out-f-tcpdump.pcap"]
    var matches: [Int?] = [nil, nil]
    let filterRuns = time("BPF filter", [
        Command(program: roamcap, arguments: ["convert", trace, "-o", filtered[0], "-f", filter], outputs: [filtered[0]]),
        Command(program: "tcpdump", arguments: tcpdumpUser + ["-r", trace, "-w", filtered[1], filter],
                outputs: [filtered[1]]),
    ]) { i in matches[i] = countPcapRecords(filtered[i]) }
    rows.append(Row(job: "BPF filter", peer: "tcpdump", roamcap: filterRuns[0], peerResult: filterRuns[1]))
    notes.append("filter '\(filter)': roamcap kept \(matches[0].map(String.init) ?? "-") packets "
                 + "(expected \(mix.filterAll), VLAN/QinQ-tagged frames included), tcpdump kept "
                 + "\(matches[1].map(String.init) ?? "-") (expected \(mix.filterUntagged), untagged frames only)")

    // 4. Summary of the file.
    let infos = time("info", [
        Command(program: roamcap, arguments: ["info", trace]),
        Command(program: "capinfos", arguments: [trace]),
    ])
    rows.append(Row(job: "info", peer: "capinfos", roamcap: infos[0], peerResult: infos[1]))
    unlink("\(work)/last-stderr.txt")

    // 5. The migration NAT against tcprewrite with the equivalent static single-entry map.
    let primary = Network.filterAddress, post = "10.99.0.7"
    let table = "\(work)/nat-table.csv"
    _ = writeTextFile(table, "primary,new\n\(primary),\(post)\n")
    let tcprewriteMap = ["--dstipmap=\(primary)/32:\(post)/32", "--srcipmap=\(post)/32:\(primary)/32", "--fixcsum"]
    let natOut = ["\(work)/out-nat.pcap", "\(work)/out-nat-tcprewrite.pcap"]
    let natFile = time("rewrite to file", [
        Command(program: roamcap, arguments: ["rewrite", trace, "-o", natOut[0], "--table", table], outputs: [natOut[0]]),
        Command(program: "tcprewrite", arguments: tcprewriteMap + ["-i", trace, "-o", natOut[1]], outputs: [natOut[1]]),
    ])
    rows.append(Row(job: "rewrite to file", peer: "tcprewrite", roamcap: natFile[0], peerResult: natFile[1]))
    let natNull = time("rewrite to /dev/null", [
        Command(program: roamcap, arguments: ["rewrite", trace, "-o", "-", "--table", table]),
        Command(program: "tcprewrite", arguments: tcprewriteMap + ["-i", trace, "-o", "/dev/null"]),
    ])
    rows.append(Row(job: "rewrite to /dev/null", peer: "tcprewrite", roamcap: natNull[0], peerResult: natNull[1]))

    // 6. rewrite -j 2 over two inputs against -j 1 (the "peer" is roamcap itself with one job).
    let twins = ["\(work)/twin-a.pcap", "\(work)/twin-b.pcap"]
    for twin in twins where fileSize(twin) == nil { link(trace, twin) }
    let parallelOut = "\(work)/out-parallel"
    mkdir(parallelOut, 0o755)
    let parallelOutputs = twins.map { parallelOut + "/" + ($0.split(separator: "/").last.map(String.init) ?? $0) }
    let parallel = time("rewrite -j 2 over two inputs", [
        Command(program: roamcap, arguments: ["rewrite"] + twins + ["-O", parallelOut, "-j", "2", "--table", table],
                outputs: parallelOutputs),
        Command(program: roamcap, arguments: ["rewrite"] + twins + ["-O", parallelOut, "-j", "1", "--table", table],
                outputs: parallelOutputs),
    ])
    rows.append(Row(job: "rewrite 2 files -j 2", peer: "roamcap -j 1", roamcap: parallel[0], peerResult: parallel[1]))

    // 7. Table evolution against the nearest peer job: tshark listing ARP senders.
    let tablesRuns = time("tables", [
        Command(program: roamcap, arguments: ["tables", trace, "--format", "ndjson"]),
        Command(program: "tshark", arguments: ["-r", trace, "-Y", "arp", "-T", "fields", "-e", "eth.src",
                                               "-e", "arp.src.proto_ipv4"]),
    ])
    rows.append(Row(job: "tables", peer: "tshark -Y arp", roamcap: tablesRuns[0], peerResult: tablesRuns[1]))

    // 8. Flow records on the data-center mix against tshark's TCP conversations.
    let dcFlows = time("flows on the data-center mix", [
        Command(program: roamcap, arguments: ["flows", trace, "--format", "ndjson"]),
        Command(program: "tshark", arguments: ["-q", "-r", trace, "-z", "conv,tcp"]),
    ])
    rows.append(Row(job: "flows (data-center mix)", peer: "tshark -z conv,tcp", roamcap: dcFlows[0], peerResult: dcFlows[1]))

    // 9. The fabric simulation (all four policies) and flow records on a multi-site trace made by
    //    `roamcap synth` (untimed) — the team's 2M-frame scenario when it is there — against
    //    tshark's TCP conversations, the nearest peer job; then `verify` with 20 checks over
    //    simulate, tables and flows on the same trace against simulate + flows.
    let scenario: String
    var seconds = 0
    if let shared = options.multiSite {
        scenario = shared
    } else {
        scenario = "\(work)/multi-site.yaml"
        seconds = max(10, (options.packets * 160 + 2_078_676) / 2_078_677)  // about 13,000 frames a second
        _ = writeTextFile(scenario, multiSiteScenario(seconds: seconds))
    }
    let stem = baseName(scenario).split(separator: ".").first.map(String.init) ?? "multi-site"
    let multiSite = "\(work)/\(stem).pcapng"
    let multiTopology = "\(work)/\(stem).topology.yaml"
    if fileSize(multiSite) == nil || fileSize(multiTopology) == nil {
        say("synthesizing \(multiSite) from \(scenario) …")
        let made = harness.measure([Command(program: roamcap, arguments: ["synth", scenario, "-o", multiSite, "--force"])])
        if !made[0].ok { notes.append("multi-site trace: roamcap synth failed") }
    }
    let fabricRuns = time("simulate and flows", [
        Command(program: roamcap, arguments: ["simulate", multiSite, "--topology", multiTopology]),
        Command(program: roamcap, arguments: ["flows", multiSite, "--topology", multiTopology]),
        Command(program: "tshark", arguments: ["-q", "-r", multiSite, "-z", "conv,tcp"]),
    ])
    rows.append(Row(job: "simulate (4 policies)", peer: "tshark -z conv,tcp", roamcap: fabricRuns[0], peerResult: fabricRuns[2]))
    rows.append(Row(job: "flows", peer: "tshark -z conv,tcp", roamcap: fabricRuns[1], peerResult: fabricRuns[2]))
    var both = fabricRuns[0]
    if fabricRuns[0].ok && fabricRuns[1].ok {
        both.seconds = fabricRuns[0].seconds + fabricRuns[1].seconds
        both.peakKiB = max(fabricRuns[0].peakKiB, fabricRuns[1].peakKiB)
        both.runSeconds = zip(fabricRuns[0].runSeconds, fabricRuns[1].runSeconds).map { $0 + $1 }
    } else if !fabricRuns[1].ok {
        both = fabricRuns[1]
    }
    rows.append(Row(job: "simulate + flows", peer: "tshark -z conv,tcp", roamcap: both, peerResult: fabricRuns[2]))
    let expectations = "\(work)/\(stem).expect.yaml"
    _ = writeTextFile(expectations, verifyExpectations(trace: baseName(multiSite), topology: baseName(multiTopology)))
    let verifyRuns = time("verify (20 checks)", [
        Command(program: roamcap, arguments: ["verify", expectations]),
    ])
    rows.append(Row(job: "verify (20 checks)", peer: "roamcap simulate + flows", roamcap: verifyRuns[0], peerResult: both))
    if let packets = countPcapngPackets(multiSite) {
        notes.append("multi-site trace: \(packets) packets from \(seconds > 0 ? "a built-in scenario of \(seconds) s" : scenario)")
    }

    // 9. The postmortem page on the same trace: info, tables, simulate and flows in one process,
    //    against simulate + flows run apart (target: within 1.5 times), and the page's size
    //    (target: under 5 MB).
    let page = "\(work)/multi-site-report.html"
    var pageBytes: UInt64?
    let reportRuns = time("report", [
        Command(program: roamcap, arguments: ["report", multiSite, "--topology", multiTopology, "-o", page, "--force"],
                outputs: [page]),
    ], inspect: { _ in pageBytes = fileSize(page) })
    rows.append(Row(job: "report (HTML page)", peer: "roamcap simulate + flows", roamcap: reportRuns[0], peerResult: both))
    if reportRuns[0].ok, both.ok, let bytes = pageBytes {
        let factor = reportRuns[0].seconds / both.seconds
        notes.append("report: \(fixed(factor, 2))× the time of simulate + flows (target ≤ 1.5×), page \(megabytes(bytes)) MB "
                     + "(target < 5 MB)" + (factor <= 1.5 && bytes < 5_000_000 ? "" : " — MISSED"))
    }

    // 9. tables with the captured control plane (SPEC §8): the same multi-site scenario with
    //    BGP sessions to a route reflector (`bgp-evpn: true`), against tables on the trace
    //    without them. Target: within 1.3x.
    let bgpScenario = "\(work)/multi-site-bgp.yaml"
    let bgpSite = "\(work)/multi-site-bgp.pcapng"
    let bgpTopology = "\(work)/multi-site-bgp.topology.yaml"
    let scenarioText = readTextFile(scenario) ?? multiSiteScenario(seconds: max(seconds, 10))
    _ = writeTextFile(bgpScenario, scenarioText + (scenarioText.hasSuffix("\n") ? "" : "\n") + "bgp-evpn: true\n")
    if fileSize(bgpSite) == nil || fileSize(bgpTopology) == nil {
        say("synthesizing \(bgpSite) (the multi-site trace with its BGP EVPN sessions) …")
        let made = harness.measure([Command(program: roamcap, arguments: ["synth", bgpScenario, "-o", bgpSite, "--force"])])
        if !made[0].ok { notes.append("multi-site BGP trace: roamcap synth failed") }
    }
    let bgpRuns = time("tables with BGP EVPN", [
        Command(program: roamcap, arguments: ["tables", bgpSite, "--topology", bgpTopology, "--format", "ndjson"]),
        Command(program: roamcap, arguments: ["tables", multiSite, "--topology", multiTopology, "--format", "ndjson"]),
    ])
    rows.append(Row(job: "tables + BGP EVPN (target 1.3x)", peer: "tables, no sessions", roamcap: bgpRuns[0],
                    peerResult: bgpRuns[1]))

    // 10. A sharded simulate (SPEC §9) on the multi-site trace: pass 1 (`timeline`, 4 shards),
    //     each shard apart, and `combine`, against one `simulate`. Targets: the CPU time of pass 1
    //     and every shard within 1.4 times the single run's, the timeline under 1% of the trace,
    //     and the combined JSON equal to the single run's.
    let timeline = "\(work)/\(stem).timeline"
    var timelineBytes: UInt64?
    let shardCount = 4
    let timelineRuns = time("timeline (pass 1 of a sharded simulate)", [
        Command(program: roamcap, arguments: ["timeline", multiSite, "--topology", multiTopology, "--shards",
                                              String(shardCount), "-o", timeline, "--force"]),
    ], inspect: { _ in timelineBytes = fileSize(timeline) })
    /// Every shard of `command` on the timeline, apart: their parts, their CPU time (with pass
    /// 1's), the slowest one's wall time, and whether all (and pass 1) succeeded.
    func runShards(_ command: String, part name: (Int) -> String) -> (parts: [String], cpu: Double, slowest: Double, ok: Bool) {
        var result = (parts: [String](), cpu: timelineRuns[0].cpuSeconds, slowest: 0.0, ok: timelineRuns[0].ok)
        for k in 1...shardCount where result.ok {
            let part = name(k)
            let runs = time("\(command) shard \(k)/\(shardCount)", [
                Command(program: roamcap, arguments: [command, multiSite, "--topology", multiTopology, "--timeline", timeline,
                                                      "--shard", "\(k)/\(shardCount)", "-o", part, "--force"]),
            ])
            result.ok = result.ok && runs[0].ok
            result.cpu += runs[0].cpuSeconds
            result.slowest = max(result.slowest, runs[0].seconds)
            result.parts.append(part)
        }
        return result
    }
    let (parts, shardCPU, _, shardsOK) = runShards("simulate") { "\(work)/\(stem).part\($0).json" }
    let combined = "\(work)/\(stem).combined.json"
    let single = "\(work)/\(stem).single.json"
    _ = harness.measure([Command(program: roamcap, arguments: ["combine"] + parts + ["--format", "json", "-o", combined, "--force"])])
    _ = harness.measure([Command(program: roamcap, arguments: ["simulate", multiSite, "--topology", multiTopology,
                                                                "--format", "json"], stdoutPath: single)])
    if shardsOK, fabricRuns[0].ok, let bytes = timelineBytes, let traceBytes = fileSize(multiSite) {
        let factor = shardCPU / max(fabricRuns[0].cpuSeconds, 1e-9)
        let share = Double(bytes) * 100 / Double(traceBytes)
        let same = readTextFile(combined) != nil && readTextFile(combined) == readTextFile(single)
        notes.append("sharded simulate (\(shardCount) shards): timeline \(megabytes(bytes)) MB (\(fixed(share, 3))% of the trace, "
                     + "target < 1%), pass 1 \(fixed(timelineRuns[0].seconds, 2)) s; CPU of pass 1 + shards "
                     + "\(fixed(shardCPU, 2)) s vs one simulate \(fixed(fabricRuns[0].cpuSeconds, 2)) s: \(fixed(factor, 2))× "
                     + "(target ≤ 1.4×); combined JSON \(same ? "equal to" : "DIFFERENT from") the single run's"
                     + (factor <= 1.4 && share < 1 && same ? "" : " — MISSED"))
    } else {
        notes.append("sharded simulate: a step failed (see above)")
    }

    // 11. Sharded flows on the same trace and timeline: each shard keeps its frames' flow
    //     headers, `combine` runs the flow table over them. Reported: the parts' size against the
    //     trace's, the CPU of pass 1 + shards + combine and the wall time of the longest shard +
    //     combine against one `flows`, and the combined JSON against the single run's.
    let (flowParts, flowShardsCPU, slowestFlowShard, flowsOK) = runShards("flows") { "\(work)/\(stem).flows\($0).part" }
    let flowsCombined = "\(work)/\(stem).flows-combined.json"
    let flowsSingle = "\(work)/\(stem).flows-single.json"
    let combineRuns = time("combine (flows)", [
        Command(program: roamcap, arguments: ["combine"] + flowParts + ["--format", "json", "-o", flowsCombined, "--force"]),
    ])
    _ = harness.measure([Command(program: roamcap, arguments: ["flows", multiSite, "--topology", multiTopology,
                                                                "--format", "json"], stdoutPath: flowsSingle)])
    if flowsOK, combineRuns[0].ok, fabricRuns[1].ok, let traceBytes = fileSize(multiSite) {
        let flowsCPU = flowShardsCPU + combineRuns[0].cpuSeconds
        let partBytes = flowParts.compactMap(fileSize).reduce(0, +)
        let same = readTextFile(flowsCombined) != nil && readTextFile(flowsCombined) == readTextFile(flowsSingle)
        notes.append("sharded flows (\(shardCount) shards): parts \(megabytes(partBytes)) MB "
                     + "(\(fixed(Double(partBytes) * 100 / Double(traceBytes), 2))% of the trace, zstd); CPU of pass 1 + shards + "
                     + "combine \(fixed(flowsCPU, 2)) s vs one flows \(fixed(fabricRuns[1].cpuSeconds, 2)) s; slowest shard "
                     + "\(fixed(slowestFlowShard, 2)) s + combine \(fixed(combineRuns[0].seconds, 2)) s; combined JSON "
                     + "\(same ? "equal to" : "DIFFERENT from") the single run's" + (same ? "" : " — MISSED"))
    } else {
        notes.append("sharded flows: a step failed (see above)")
    }

    // Versions of what was timed.
    var versions: [String] = []
    let scratch = "\(work)/version.txt"
    for (program, arguments) in [(roamcap, ["--version"]), ("tcpdump", ["--version"]), ("editcap", ["--version"]),
                                 ("capinfos", ["--version"]), ("cp", ["--version"]),
                                 ("tcprewrite", ["--version"]), ("tshark", ["--version"])] {
        let name = program == roamcap ? "roamcap" : program
        if let line = harness.firstLine(program, arguments, scratch: scratch) {
            versions.append("\(name): \(line)")
        } else if harness.locate(program) == nil {
            versions.append("\(name): missing")
        }
    }
    unlink("\(work)/last-stderr.txt")

    let report = Report(options: options, trace: trace, mix: mix, rows: rows, notes: notes, versions: versions,
                        commands: commands)
    print("")
    print(report.plainText())
    fflush(nil)
    let results = "\(work)/results.md"
    if !writeTextFile(results, report.markdown()) {
        fail("cannot write \(results): \(String(cString: strerror(errno)))", status: 1)
    }
    print("written: \(results)")
    let roamcapFailed = rows.contains { if case .failed = $0.roamcap.status { return true } else { return false } }
    return roamcapFailed ? 1 : 0
}

/// A progress line on standard output, flushed at once.
func say(_ text: String) {
    print(text)
    fflush(nil)
}

func megabytes(_ bytes: UInt64) -> String { fixed(Double(bytes) / 1e6, 1) }

func mixSummary(_ mix: TraceMix) -> String {
    func share(_ n: Int) -> String { fixed(Double(n) * 100 / Double(max(mix.packets, 1)), 1) + "%" }
    let hosts = Network.segments.count * Network.hostsPerSegment
    return "trace mix: \(mix.packets) frames, mean \(fixed(mix.meanLength, 1)) bytes (\(mix.minLength)..\(mix.maxLength)), "
        + "802.1Q-tagged \(share(mix.tagged)) (QinQ \(share(mix.qinq))), TCP \(share(mix.tcp)), UDP \(share(mix.udp)), "
        + "IPv6 \(share(mix.ipv6)), ARP \(share(mix.arp)) (\(mix.gratuitousARP) gratuitous), "
        + "\(hosts) hosts on \(Network.segments.count) VLANs"
}

/// A three-site scenario for `roamcap synth` with about 13,000 frames a second.
func multiSiteScenario(seconds: Int) -> String {
    let d = Double(seconds)
    func at(_ share: Double) -> String { fixed(d * share, 1) + "s" }
    return """
    start: 2026-11-20T10:00:00Z
    duration: \(seconds)s
    seed: 3
    sites:
      A: { ports: [p1, p2] }
      B: { ports: [p1] }
      C: { ports: [p1] }
    control-plane: { advertise-delay: 2s, aging: 300s, unknown-unicast: flood }
    hosts:
      vm1: { mac: "02:00:00:00:00:07", ip: 10.1.0.7, vlan: 10, site: A, port: p1 }
      vm2: { mac: "02:00:00:00:00:08", ip: 10.1.0.8, vlan: 10, site: A, port: p2 }
      vm3: { mac: "02:00:00:00:00:09", ip: 10.1.0.9, ipv6: "fd00::9", vlan: 10, site: B }
      c1:  { mac: "02:00:00:00:01:01", ip: 10.1.0.101, ipv6: "fd00::101", vlan: 10, site: B }
      c2:  { mac: "02:00:00:00:01:02", ip: 10.1.0.102, vlan: 10, site: C }
      c3:  { mac: "02:00:00:00:01:03", ip: 10.1.0.103, vlan: 10, site: A, port: p2 }
    flows:
      - { from: c1, to: vm1, proto: tcp, dport: 80, rate: 2000, size: 400 }
      - { from: c2, to: vm1, proto: udp, dport: 53, rate: 1000, size: 100 }
      - { from: c3, to: vm2, proto: tcp, dport: 443, rate: 2000, size: 800 }
      - { from: c1, to: vm3, proto: udp, ipv6: true, dport: 9000, rate: 1000 }
      - { from: c2, to: vm3, proto: tcp, dport: 22, rate: 500 }
    migrations:
      - { host: vm1, at: \(at(0.19)), to: C, gap: 200ms, announce: garp }
      - { host: vm2, at: \(at(0.31)), to: B, gap: 100ms, announce: rarp }
      - { host: vm3, at: \(at(0.44)), to: A, port: p1, gap: 150ms, announce: garp }
      - { host: vm1, at: \(at(0.56)), to: B, gap: 100ms, announce: garp }

    """
}

/// Expectations for `roamcap verify` on the multi-site trace: 20 checks that hold on any such
/// trace, over three runs (simulate with every policy, tables, flows).
func verifyExpectations(trace: String, topology: String) -> String {
    var out = "traces: [\(trace)]\ntopology: \(topology)\nchecks:\n"
    func check(_ name: String, _ run: String, _ with: String?, _ expect: String) {
        out += "  - name: \"\(name)\"\n    run: \(run)\n"
        if let with { out += "    with: \(with)\n" }
        out += "    expect:\n      - \(expect)\n"
    }
    let policies = "{ policy: [igp-only, flood, flood-confirmed, ideal] }"
    for (i, policy) in ["igp-only", "flood", "flood-confirmed", "ideal"].enumerated() {
        check("\(policy) judged frames", "simulate", policies, "{ path: \"$.policies[\(i)].frames\", min: 1 }")
        check("\(policy) migrations", "simulate", policies, "{ path: \"$.policies[\(i)].migrations[*].lostFrames\", min: 0 }")
    }
    for event in ["new-station", "migration", "moved"] {
        check("tables: \(event) events", "tables", nil, "{ path: \"$[?@.event == '\(event)']\", count: { min: 0 } }")
    }
    check("tables: every event has a packet", "tables", nil, "{ path: \"$[*].packet\", min: 1 }")
    check("tables: migrations name their new site", "tables", nil, "{ path: \"$[?@.event == 'migration'].to.site\", count: { min: 0 } }")
    check("tables: times", "tables", nil, "{ path: \"$[*].time\", exists: true }")
    for proto in ["tcp", "udp"] {
        check("flows: \(proto) flows", "flows", nil, "{ path: \"$[?@.proto == '\(proto)']\", count: { min: 0 } }")
    }
    check("flows: every flow has packets", "flows", nil, "{ path: \"$[*].packets\", min: 1 }")
    check("flows: bytes", "flows", nil, "{ path: \"$[*].bytes\", min: 1 }")
    check("flows: lost frames", "flows", nil, "{ path: \"$[*].lost\", min: 0 }")
    check("flows: states", "flows", nil, "{ path: \"$[*].state\", exists: true }")
    return out
}

/// Packets in a pcapng file (enhanced and simple packet blocks), or nil when unreadable.
func countPcapngPackets(_ path: String) -> Int? {
    guard let reader = try? CaptureReader(path: path) else { return nil }
    var n = 0
    while let packet = try? reader.nextPacket() { _ = packet; n += 1 }
    return n
}
