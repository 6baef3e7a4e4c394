import ArgumentParser
import RoamcapKit

// Option values parsed by ArgumentParser, each by the one Kit parser of its kind: a bad value
// is one line naming the option (exit 2) before anything runs.

extension DurationValue: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public var defaultValueDescription: String { text }
}

extension TimeBound: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }

    /// As given: RFC 3339, or seconds after the first packet (`15`, `2.5`).
    var argumentText: String {
        switch self {
        case .absolute(let t): return t.rfc3339
        case .relative(let ns): return String(durationText(ns).dropLast())
        }
    }
}

extension OutputCompression: ExpressibleByArgument {}
extension ControlPlaneSource: ExpressibleByArgument {}
extension Topology.UnknownUnicast: ExpressibleByArgument {}

/// `--policy igp-only,flood`: a comma-separated list of policies (`FabricPolicy.parseList`).
struct PolicyList: ExpressibleByArgument {
    var policies: [FabricPolicy]

    init?(argument: String) {
        guard case .success(let list) = FabricPolicy.parseList(argument) else { return nil }
        policies = list
    }

    static var allValueStrings: [String] { FabricPolicy.allCases.map(\.rawValue) }

    /// The policies of every list, in order, without repeats.
    static func flattened(_ lists: [PolicyList]) -> [FabricPolicy] {
        var policies: [FabricPolicy] = []
        for list in lists { for p in list.policies where !policies.contains(p) { policies.append(p) } }
        return policies
    }
}

/// `--advertise-delay 2s` (every site) or `C=3.5s` (one site).
struct AdvertiseDelay: ExpressibleByArgument {
    var site: String?
    var delay: DurationValue

    init?(argument: String) {
        if let eq = argument.firstIndex(of: "=") {
            guard let delay = DurationValue(String(argument[argument.index(after: eq)...])) else { return nil }
            site = String(argument[..<eq])
            self.delay = delay
        } else {
            guard let delay = DurationValue(argument) else { return nil }
            self.delay = delay
        }
    }
}
