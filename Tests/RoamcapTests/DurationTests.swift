import RoamcapKit
import Testing

/// The one duration syntax of every input (topology, scenario, options).
@Suite struct DurationTests {
    @Test(arguments: [("2s", 2_000_000_000), ("3.5s", 3_500_000_000), ("250ms", 250_000_000), ("40us", 40_000),
                      ("40µs", 40_000), ("7ns", 7), ("1.5", 1_500_000_000), ("1m", 60_000_000_000),
                      ("1.5m", 90_000_000_000), ("2h", 7_200_000_000_000), ("-0.25s", -250_000_000)] as [(String, Int64)])
    func parses(_ text: String, _ nanoseconds: Int64) {
        #expect(parseDuration(text) == nanoseconds)
    }

    @Test(arguments: ["", "s", "2x", "1.2.3s", "m", "abc", "9999999999999999999h"])
    func refuses(_ text: String) {
        #expect(parseDuration(text) == nil)
    }

    /// The topology reads durations the same way as the options.
    @Test func topologyAndOptionsAgree() throws {
        let topology = try Topology.parse("sites: { A: { ports: { p1: x }, aging: 1.5m } }\n", file: "t.yaml")
        #expect(topology.aging(site: 0) == parseDuration("1.5m"))
    }
}
