import ArgumentParser
import RoamcapKit

/// The fabric policies and control-plane settings shared by `simulate` and `flows --policy`.
struct FabricPolicyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Policies: igp-only, flood, flood-confirmed, ideal (comma-separated; simulate's default: all).",
        valueName: "policy"), completion: .list(FabricPolicy.allCases.map(\.rawValue)))
    var policy: [PolicyList] = []

    @Option(name: .long, help: ArgumentHelp(
        "Advertisement delay of every site (2s), or of one site (C=3.5s); repeatable.", valueName: "duration"))
    var advertiseDelay: [AdvertiseDelay] = []

    @Option(name: .long, help: ArgumentHelp("Aging of local and ARP snooping entries at every site.", valueName: "duration"))
    var aging: DurationValue?

    @Option(name: .long, help: ArgumentHelp("What edge devices do with unknown unicast: flood or drop.", valueName: "mode"), completion: .list(["flood", "drop"]))
    var unknownUnicast: Topology.UnknownUnicast?

    func validate() throws {
        if aging?.nanoseconds == 0 { throw ValidationError("--aging must be more than 0 (0s would age every entry out at once)") }
    }

    /// The policies asked for (in order, without repeats; empty when none).
    var policies: [FabricPolicy] { PolicyList.flattened(policy) }

    /// The fabric's settings.
    var settings: FabricSettings {
        var settings = FabricSettings()
        for item in advertiseDelay {
            if let site = item.site {
                settings.siteAdvertiseDelays[site] = item.delay.nanoseconds
            } else {
                settings.advertiseDelay = item.delay.nanoseconds
            }
        }
        if let aging { settings.aging = aging.nanoseconds }
        if let unknownUnicast { settings.unknownUnicast = unknownUnicast }
        return settings
    }
}

extension FabricPolicyOptions {
    /// Refuses `--advertise-delay SITE=…` for a site the topology does not have.
    func checkSites(in topology: Topology?, file: String?) throws {
        guard let topology, let file else { return }
        for site in settings.siteAdvertiseDelays.keys.sorted() where topology.site(named: site) == nil {
            throw RoamcapFailure(message: "--advertise-delay: no site '\(site)' in \(file)")
        }
    }
}
