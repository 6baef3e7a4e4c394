import CaptureFile
import PacketFilter
import PacketWire

/// A link type of an input that roamcap does not decode (ARCnet, 802.11…): its packets are read
/// but not analyzed.
public struct UndecodedLinkType: Sendable {
    public var input: String
    public var linkType: UInt16
    public var name: String
}

/// The link types, among the interfaces each input declares before its first packet, that the
/// decoder does not know (standard input is not read twice; unreadable files are left to the
/// command's own reading, which reports them).
public func undecodedLinkTypes(_ inputs: [String]) -> [UndecodedLinkType] {
    var found: [UndecodedLinkType] = []
    for input in inputs where input != "-" {
        guard let reader = try? CaptureReader(path: input) else { continue }
        var seen: Set<UInt16> = []
        while let record = try? reader.next() {
            if case .packet = record { break }
            guard case .interface(let interface) = record else { continue }
            let linkType = interface.linkType
            if !PacketDecoder.decodes(LinkType(rawValue: linkType)) && seen.insert(linkType).inserted {
                found.append(UndecodedLinkType(input: input, linkType: linkType, name: LinkTypeName.name(linkType)))
            }
        }
    }
    return found
}

/// The names among `names` (vm-side interfaces) that match neither an input file (path or
/// name) nor a capture interface (if_name) of the inputs, with the interface names seen; empty
/// when an input is standard input (it cannot be read twice).
public func unmatchedInterfaceNames(_ names: Set<String>, inputs: [String]) throws(CaptureError)
    -> (unmatched: [String], interfaces: [String]) {
    guard !names.isEmpty, !inputs.contains("-") else { return ([], []) }
    var unmatched = names
    var seen: Set<String> = []
    for input in inputs {
        unmatched.remove(input)
        unmatched.remove(baseName(input))
        let reader = try CaptureReader(path: input)
        while !unmatched.isEmpty, let record = try reader.next() {
            if case .interface(let interface) = record, let name = interface.name {
                unmatched.remove(name)
                seen.insert(name)
            }
        }
    }
    return (unmatched.sorted(), seen.sorted())
}

extension PacketSelection {
    /// A selection from the command line's texts: `filter` and `readFilter` compiled by libpcap
    /// (with `strictVLAN`, matched as captured only).
    public init(filter: String?, strictVLAN: Bool, from: TimeBound?, until: TimeBound?, count: Int?,
                readFilter: String?) throws(FilterError) {
        func compile(_ expression: String?) throws(FilterError) -> PacketFilter? {
            guard let expression else { return nil }
            return try PacketFilter(expression: expression, strictVLAN: strictVLAN)
        }
        self.init(filter: try compile(filter), from: from, until: until, count: count, readFilter: try compile(readFilter))
    }
}
