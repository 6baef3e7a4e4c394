import ArgumentParser
import RoamcapKit

/// The fabric policies and control-plane settings shared by `simulate` and `flows --policy`.
struct FabricPolicyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Policies: igp-only, flood, flood-confirmed, ideal (comma-separated; simulate's default: all).",
        valueName: "policy"), completion: .list(FabricPolicy.allCases.map(\.rawValue)))
    var policy: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Advertisement delay of every site (2s), or of one site (C=3.5s); repeatable.", valueName: "duration"))
    var advertiseDelay: [String] = []

    @Option(name: .long, help: ArgumentHelp("Aging of local and ARP snooping entries at every site.", valueName: "duration"))
    var aging: String?

    @Option(name: .long, help: ArgumentHelp("What edge devices do with unknown unicast: flood or drop.", valueName: "mode"), completion: .list(["flood", "drop"]))
    var unknownUnicast: String?

    /// The policies asked for (in order, without repeats; empty when none) and the settings;
    /// every mistake is one line and exit 2.
    func parsed() throws -> (policies: [FabricPolicy], settings: FabricSettings) {
        var policies: [FabricPolicy] = []
        for text in policy {
            switch FabricPolicy.parseList(text) {
            case .success(let list): for p in list where !policies.contains(p) { policies.append(p) }
            case .failure(let error): throw RoamcapFailure(message: "--policy: \(error)")
            }
        }
        let duration = durationOption
        var settings = FabricSettings()
        for item in advertiseDelay {
            if let eq = item.firstIndex(of: "=") {
                let site = String(item[..<eq])
                settings.siteAdvertiseDelays[site] = try duration(String(item[item.index(after: eq)...]),
                                                                  "--advertise-delay \(site)")
            } else {
                settings.advertiseDelay = try duration(item, "--advertise-delay")
            }
        }
        if let aging {
            settings.aging = try duration(aging, "--aging")
            if settings.aging == 0 { throw RoamcapFailure(message: "--aging must be more than 0 (0s would age every entry out at once)") }
        }
        if let unknownUnicast {
            guard let mode = Topology.UnknownUnicast(rawValue: unknownUnicast) else {
                throw RoamcapFailure(message: "--unknown-unicast must be flood or drop, not '\(unknownUnicast)'")
            }
            settings.unknownUnicast = mode
        }
        return (policies, settings)
    }

    /// Refuses `--advertise-delay SITE=…` for a site the topology does not have.
    func checkSites(in topology: Topology?, file: String?) throws {
        guard let topology, let file else { return }
        let (_, settings) = try parsed()
        for site in settings.siteAdvertiseDelays.keys where topology.site(named: site) == nil {
            throw RoamcapFailure(message: "--advertise-delay: no site '\(site)' in \(file)")
        }
    }
}
