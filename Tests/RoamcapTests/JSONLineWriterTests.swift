import Testing

@testable import RoamcapKit

@Suite struct JSONLineWriterTests {
    static func written(_ value: JSONValue) -> String {
        var writer = JSONLineWriter()
        writer.append(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func sameTextAsJSONValue() {
        let values: [JSONValue] = [
            .null, .bool(true), .bool(false), .int(0), .int(7), .int(-42), .int(.max), .int(.min), .double(2.5),
            .double(3), .double(.nan), .string(""), .string("plain 192.0.2.1:179"), .string("quote \" here"),
            .string("back\\slash"), .string("tab\tnew\nline\u{1}"), .string("é ü 漢字 🙂"), .string("\u{7F}del"),
            .array([]), .object([]), .array([.int(1), .string("a"), .null, .array([.bool(false)])]),
            .object([("k", .string("v")), ("n\"ested", .object([("x", .array([.int(-1), .double(0.1)]))]))]),
        ]
        for value in values {
            #expect(Self.written(value) == value.rendered(), "\(value.rendered())")
        }
    }

    @Test(.enabled(if: TestSupport.fileExists(BGPCommandTests.evpnCapture) && TestSupport.corpus != nil))
    func sameTextForEveryRoute() throws {
        let topology = try EVPNTopology.parse(YAMLValue.parse(
            "sites: { A: { evpn: { route-distinguishers: [\"172.21.64.17:2\"] } } }\nevpn-vnis: { 2: 20 }", file: "t.yaml"))
        var count = 0
        for path in [BGPCommandTests.evpnCapture, try #require(TestSupport.corpus) + "/tcpdump__bgp-addpath.pcap",
                     try #require(TestSupport.corpus) + "/tcpdump__bgp-4byte-asn.pcap"] {
            for route in try readControlPlane(inputs: [path]).routes {
                for json in [route.json, route.json(topology: topology)] {
                    #expect(Self.written(json) == json.rendered())
                    count += 1
                }
            }
        }
        #expect(count > 100)
    }
}
