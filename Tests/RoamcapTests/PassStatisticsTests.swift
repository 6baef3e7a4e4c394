import CaptureFile
import Testing
@testable import RoamcapKit

@Suite struct PassStatisticsTests {
    @Test func warningsSayWhatThePassCounted() {
        var pass = PassStatistics(packetsRead: 10, skippedRecords: 2,
                                  skippedErrors: [CaptureError(.truncated, file: "a.pcap", "cut short")])
        pass.unclaimed = ["a.pcap: eth9"]
        pass.outOfOrder = 3
        pass.notEthernet = 4
        let lines = pass.warnings(unclaimedPackets: "are ignored", notes: ["a note"], input: "a.pcap")
        #expect(lines.count == 5)
        #expect(lines[0] == "capture interface a.pcap: eth9 is claimed by no port of the topology; its packets are ignored")
        #expect(lines[1] == "a note")
        #expect(lines[2] == "4 packets are not Ethernet frames (no MAC addresses); they were not simulated")
        #expect(lines[3] == "3 packets are earlier than a packet before them in their file; they were processed in file order")
        #expect(lines[4].hasPrefix("a.pcap: skipped 2 unreadable records (first: "))
        #expect(pass.endingError(keepGoing: true) == nil)
        #expect(pass.endingError(keepGoing: false) != nil)
        #expect(PassStatistics(packetsRead: 5).warnings().isEmpty)
    }
}
