import RoamcapKit
import Testing

/// `roamcap flows` against tshark's conversations (`-z conv,tcp`, `-z conv,udp`) on corpus
/// captures: the same conversations with the same frame counts, and the same bytes per
/// conversation (summed by tshark per `tcp.stream`/`udp.stream`, since its conversation table
/// rounds bytes to kB).
///
/// Deliberate differences, not exercised here: tshark counts a fragmented datagram once,
/// reassembled, where roamcap counts every fragment (`pcapplusplus__ip-frag.pcap`), and tshark
/// gives the TCP/UDP header an ICMP error quotes to the quoted conversation.
@Suite struct FlowsTsharkTests {
    static let files = ["tcpdump__ssh.pcap", "pcapplusplus__many-protocols.pcap", "pcapplusplus__4KHttpRequests.pcap",
                        "gopacket__test_dns.pcap", "zeek__echo-connections.pcap.gz"]

    /// A conversation's two endpoints as tshark writes them (`addr:port`), in sorted order.
    static func pair(_ a: String, _ b: String) -> String { a < b ? "\(a) \(b)" : "\(b) \(a)" }

    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not there"), .enabled(if: TestSupport.which("tshark") != nil, "tshark is not installed"), arguments: files)
    func conversationsMatchTshark(_ name: String) throws {
        let corpus = try #require(TestSupport.corpus), tshark = try #require(TestSupport.which("tshark"))
        let path = corpus + "/" + name
        let analysis = try analyzeFlows(inputs: [path], topology: nil)
        for proto in ["tcp", "udp"] {
            // tshark: conversations and their frames.
            let conv = TestSupport.run(tshark, ["-r", path, "-q", "-z", "conv,\(proto)"])
            #expect(conv.status == 0, "\(conv.stderr)")
            var theirs: [String: Int] = [:]
            for line in conv.stdout.split(separator: "\n") where line.contains("<->") {
                let t = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard t.count >= 10, let frames = Int(t[9]) else { continue }
                theirs[Self.pair(t[0], t[2]) + " \(frames)", default: 0] += 1
            }
            // tshark: bytes per stream.
            let fields = TestSupport.run(tshark, [
                "-r", path, "-T", "fields", "-E", "separator=,", "-e", "\(proto).stream", "-e", "frame.len",
                "-e", "ip.src", "-e", "ipv6.src", "-e", "\(proto).srcport", "-e", "ip.dst", "-e", "ipv6.dst",
                "-e", "\(proto).dstport", "-Y", "\(proto) and not icmp and not icmpv6",
            ])
            var streams: [String: (frames: Int, bytes: Int, pair: String)] = [:]
            for line in fields.stdout.split(separator: "\n") {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 8, let length = Int(f[1]) else { continue }
                let source = (f[2].isEmpty ? f[3] : f[2]) + ":" + f[4], destination = (f[5].isEmpty ? f[6] : f[5]) + ":" + f[7]
                var s = streams[f[0]] ?? (0, 0, Self.pair(source, destination))
                s.frames += 1
                s.bytes += length
                streams[f[0]] = s
            }
            var theirBytes: [String: Int] = [:]
            for s in streams.values { theirBytes["\(s.pair) \(s.frames) \(s.bytes)", default: 0] += 1 }

            // roamcap.
            var ours: [String: Int] = [:], ourBytes: [String: Int] = [:]
            for flow in analysis.flows where flow.protocolName == proto && !flow.segment.isVXLAN {
                let p = Self.pair("\(flow.source):\(flow.sourcePort ?? 0)", "\(flow.destination):\(flow.destinationPort ?? 0)")
                ours[p + " \(flow.flow.packets)", default: 0] += 1
                ourBytes[p + " \(flow.flow.packets) \(flow.flow.bytes)", default: 0] += 1
            }
            #expect(ours.values.reduce(0, +) == theirs.values.reduce(0, +), "\(name) \(proto): number of conversations")
            #expect(ours == theirs, "\(name) \(proto): conversations and frames")
            #expect(ourBytes == theirBytes, "\(name) \(proto): bytes per conversation")
        }
    }
}
