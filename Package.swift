// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "roamcap",
    products: [
        .executable(name: "roamcap", targets: ["roamcap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C system libraries, found with pkg-config.
        .systemLibrary(name: "CPcap", path: "Sources/CPcap", pkgConfig: "libpcap",
                       providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),

        // Wire formats: views and header values, checksums, decoder. No dependencies at all.
        .target(name: "PacketWire", swiftSettings: fast),
        // Byte sources, format detection, pcap/pcapng readers and writers.
        .target(name: "CaptureFile", dependencies: ["CZstd", "CZlib"], swiftSettings: fast),
        // BPF filters compiled by libpcap, per link type.
        .target(name: "PacketFilter", dependencies: ["CPcap"], swiftSettings: fast),
        // Everything roamcap does, as a library.
        .target(name: "RoamcapKit", dependencies: ["PacketWire", "CaptureFile", "PacketFilter",
                                                   .product(name: "Yams", package: "Yams"),
                                                   .product(name: "HeapModule", package: "swift-collections")],
                swiftSettings: fast),
        // The command line: parsing and rendering only.
        .executableTarget(name: "roamcap", dependencies: [
            "RoamcapKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: fast),
        // Benchmark driver (`make bench`): generates a trace and times roamcap against its peers.
        .executableTarget(name: "roamcap-bench", dependencies: ["CaptureFile"],
                          path: "Sources/roamcap-bench", swiftSettings: fast),

        .testTarget(name: "PacketWireTests", dependencies: [
            "PacketWire", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "CaptureFileTests", dependencies: ["CaptureFile"]),
        .testTarget(name: "PacketFilterTests", dependencies: ["PacketFilter", "CaptureFile"]),
        .testTarget(name: "RoamcapTests", dependencies: [
            "RoamcapKit", "CaptureFile", "PacketWire", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

var fast: [SwiftSetting] { [.unsafeFlags(["-enforce-exclusivity=unchecked"])] }
