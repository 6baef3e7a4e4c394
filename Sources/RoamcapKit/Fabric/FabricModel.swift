import CaptureFile
import PacketWire

/// A forwarding policy of the cross-site fabric (SPEC §2), selectable and comparable side by side.
public enum FabricPolicy: String, Sendable, CaseIterable {
    /// The prior art: control-plane advertisements only.
    case igpOnly = "igp-only"
    /// Embodiment 1: the new site's edge device makes every other one install a `flood` entry at once.
    case flood
    /// Embodiment 2: only an edge device that snooped the same (IP, MAC) locally before installs `flood`.
    case floodConfirmed = "flood-confirmed"
    /// `igp-only` with every advertisement delay 0: the lower bound.
    case ideal
    /// The control plane captured in the trace (SPEC §8): not a policy one asks for by name
    /// (`--control-plane captured` adds it after the policies), so not in `allCases`.
    case captured

    /// The policies one can ask for, in their usual order.
    public static var allCases: [FabricPolicy] { [.igpOnly, .flood, .floodConfirmed, .ideal] }

    /// Parses a comma-separated list (`igp-only,flood`); nil names the first unknown item.
    public static func parseList(_ text: String) -> Result<[FabricPolicy], PolicyListError> {
        var out: [FabricPolicy] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = item.trimmingSpaces
            guard let policy = FabricPolicy(rawValue: name), policy != .captured else {
                return .failure(PolicyListError(name: name))
            }
            if !out.contains(policy) { out.append(policy) }
        }
        return .success(out)
    }
}

/// An unknown policy name.
public struct PolicyListError: Error, CustomStringConvertible, Sendable {
    public var name: String

    public init(name: String) { self.name = name }

    public var description: String {
        "unknown policy '\(name)', expected one of: " + FabricPolicy.allCases.map(\.rawValue).joined(separator: ", ")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// The outcome of a judged (unicast) frame.
public enum FrameOutcome: String, Sendable, CaseIterable {
    /// A copy reached the port where the destination is.
    case delivered
    /// Copies left the fabric only at ports where the destination is not.
    case misdelivered
    /// No copy left the fabric.
    case dropped
    /// Sent while the destination was between two places: no policy can deliver it.
    case inTransit
}

/// Why a frame was dropped.
public enum DropCause: String, Sendable, CaseIterable {
    /// The ingress edge device's `local` entry points back at the ingress port.
    case staleLocal = "stale-local"
    /// Sent over the core to a site whose entry is `remote` or missing.
    case staleRemote = "stale-remote"
    /// Arrived from the core at an edge device whose entry is `flood`.
    case floodAtCore = "flood-at-core"
    /// Unknown unicast with `unknown-unicast: drop`.
    case unknownDrop = "unknown-drop"
}

/// The state of an edge device's (VLAN, MAC) entry.
public enum FabricEntryState: UInt8, Sendable {
    case none, local, remote, flood

    public var name: String {
        switch self {
        case .none: return "none"
        case .local: return "local"
        case .remote: return "remote"
        case .flood: return "flood"
        }
    }
}

/// Control-plane settings that override the topology's (`--advertise-delay`, `--aging`,
/// `--unknown-unicast`).
public struct FabricSettings: Sendable, Equatable {
    /// Advertisement delay of every site, in ns (nil: the topology's).
    public var advertiseDelay: Int64?
    /// Per-site advertisement delays by site name, in ns (applied after `advertiseDelay`).
    public var siteAdvertiseDelays: [String: Int64]
    /// Aging of local and snooping entries at every site, in ns (nil: the topology's).
    public var aging: Int64?
    public var unknownUnicast: Topology.UnknownUnicast?

    public init(advertiseDelay: Int64? = nil, siteAdvertiseDelays: [String: Int64] = [:], aging: Int64? = nil,
                unknownUnicast: Topology.UnknownUnicast? = nil) {
        self.advertiseDelay = advertiseDelay
        self.siteAdvertiseDelays = siteAdvertiseDelays
        self.aging = aging
        self.unknownUnicast = unknownUnicast
    }
}

/// The entry an edge device decided with, for annotations and decision logs.
public struct FabricEntryView: Sendable, Equatable {
    /// The site whose edge device holds the entry.
    public var site: Int32
    public var state: FabricEntryState
    /// The port (for `local`) or the site (for `remote`); -1 otherwise.
    public var target: Int32
    /// When the entry got its current state (ns after the first packet).
    public var since: Int64

    public init(site: Int32, state: FabricEntryState, target: Int32, since: Int64) {
        self.site = site
        self.state = state
        self.target = target
        self.since = since
    }
}

/// What the fabric did with one unicast frame under one policy: the per-frame record that
/// `simulateFabric` hands to its `onJudgment` callback (and that `--decisions` logs).
///
/// Small and allocation-free. `packet` is the frame's 1-based number in the time-ordered input,
/// numbered as `roamcap tables` numbers them (every packet read counts, claimed or not).
public struct FrameJudgment: Sendable {
    public var policy: FabricPolicy
    /// Index of the policy in the list asked for.
    public var policyIndex: Int
    public var packet: Int
    public var time: Timestamp
    public var segment: Segment
    public var source: MACAddress
    public var destination: MACAddress
    public var ingress: Topology.PortID
    public var outcome: FrameOutcome
    /// For `dropped` (and for an in-transit frame whose copies were all dropped): why.
    public var cause: DropCause?
    /// The entry that decided: where the frame was dropped, or sent the wrong way, or delivered.
    public var entry: FabricEntryView?
    /// Where the destination was (its latest frame at or before the frame's time); nil when never seen.
    public var location: Topology.PortID?
    /// For an in-transit frame: where the destination was seen next.
    public var nextLocation: Topology.PortID?
    /// Access ports where copies left the fabric (the first of them; `egressCount` in all).
    public var egress: Topology.PortID?
    public var egressCount: Int
    /// Sites that received a copy over the core.
    public var coreCopies: Int
    /// Core copies made by flooding that reached a site where the destination is not.
    public var excessCopies: Int
    /// Index into `FabricReport.migrations` of the destination's latest migration at the frame's
    /// time (the one a loss is charged to), nil before its first.
    public var migration: Int?
}

/// One copy of a frame, where the fabric sent it (for the forwarded trace).
public struct FabricCopy: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// Left the fabric at an access port (`site`/`port`).
        case access
        /// Sent over the core by `site`'s edge device to `peer`'s.
        case core
        /// Dropped by the ingress edge device itself (`site`).
        case ingressDrop
    }

    public var kind: Kind
    public var site: Int32
    /// The access port (`access`), -1 otherwise.
    public var port: Int32
    /// The receiving site (`core`), -1 otherwise.
    public var peer: Int32
    /// A core copy the receiving edge device discarded, or an ingress drop.
    public var discarded: Bool
    /// A flooded core copy that reached a site where the destination is not.
    public var excess: Bool
    /// The receiving edge device's entry (core copies) or the ingress one (drops).
    public var entry: FabricEntryView?
}
