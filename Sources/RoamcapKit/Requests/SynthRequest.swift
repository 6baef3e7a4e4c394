import CaptureFile

/// `roamcap synth` as a value: the scenario and where its outputs go.
public struct SynthRequest: Sendable {
    /// The scenario file (YAML).
    public var scenario: String
    /// The trace (pcapng; `-` for standard output).
    public var output: String
    /// `--topology-output`: default, the output's name with `.topology.yaml` (none on standard output).
    public var topologyOutput: String?
    public var compression: OutputCompression?
    /// Replace existing output files.
    public var force = false

    public init(scenario: String, output: String) {
        self.scenario = scenario
        self.output = output
    }

    /// The output's name without its trace suffixes (`.zst`, `.gz`, `.pcapng`, `.pcap`).
    var outputStem: String {
        var stem = output
        for suffix in [".zst", ".gz", ".pcapng", ".pcap"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
        return stem
    }
}

/// What `runSynth` wrote, ready to render.
public struct SynthOutcome {
    public var result: SynthResult
    /// The trace's path (`-`: standard output, and nothing to report).
    public var output: String
    /// The moves the trace contains, as `tables` must report them; nil when the trace went to
    /// standard output.
    public var moves: [TableEvent]?
}

/// `roamcap synth`: synthesizes the scenario into the trace, writes its topology and, beside a
/// trace written to a file, its ground truth as checks for `verify` (NAME.expect.yaml).
public func runSynth(_ request: SynthRequest) throws(RequestError) -> SynthOutcome {
    let scenario: Scenario
    do throws(ScenarioError) { scenario = try Scenario.load(path: request.scenario) } catch {
        throw RequestError(error.description)
    }
    func create(_ path: String, compressed: Bool?) throws(RequestError) -> OutputFile {
        do throws(CaptureError) {
            return try OutputFile(path: path, compressed: compressed, force: request.force, inputs: [request.scenario],
                                  brokenPipe: .endsRunQuietly)
        } catch { throw RequestError(error.description) }
    }
    func write(_ text: String, to file: OutputFile) throws(RequestError) {
        do throws(CaptureError) {
            try file.write(Array(text.utf8))
            try file.commit()
        } catch { throw RequestError(error.description) }
    }
    let out = try create(request.output, compressed: OutputCompression.compressed(request.compression))
    let result = try requesting { () throws(ConversionError) in
        try synthesize(scenario, output: out, comment: "synthesized by roamcap synth from \(baseName(request.scenario))")
    }
    var topologyPath = request.topologyOutput
    if topologyPath == nil && request.output != "-" { topologyPath = request.outputStem + ".topology.yaml" }
    if let topologyPath {
        try write("# topology for " + baseName(request.output) + ", written by roamcap synth\n" + result.topology.yaml,
                  to: create(topologyPath, compressed: false))
    }
    guard request.output != "-" else { return SynthOutcome(result: result, output: request.output, moves: nil) }
    // The ground truth as checks for 'roamcap verify', beside the trace.
    let expectPath = request.outputStem + ".expect.yaml"
    let expectDirectory = expectPath.lastIndex(of: "/").map { String(expectPath[..<$0]) }
    let topologyDirectory = topologyPath?.lastIndex(of: "/").map { String(topologyPath![..<$0]) }
    let topologyName = topologyDirectory == expectDirectory ? baseName(topologyPath!) : absolutePath(topologyPath!)
    let expectFile = try create(expectPath, compressed: false)
    try write(synthExpectationsYAML(result, scenarioName: baseName(request.scenario), trace: baseName(request.output),
                                    topology: topologyName), to: expectFile)
    let moves = result.expected.map { move -> TableEvent in
        TableEvent(time: move.time, packet: move.packet, kind: move.kind, segment: move.segment, mac: move.mac,
                   from: move.from, to: move.to, evidence: move.evidence)
    }
    return SynthOutcome(result: result, output: request.output, moves: moves)
}

