// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Patchbay",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "patchbay", targets: ["patchbay"]),
        .executable(name: "patchbayd", targets: ["patchbayd"]),
        .library(name: "NetConf", targets: ["NetConf"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "CLinuxUAPI"),
        .target(name: "NetCore"),
        .target(name: "NetXML", dependencies: ["NetCore", "CLibXML2"]),
        .target(name: "NetConf", dependencies: ["NetCore", "NetXML"]),
        .target(name: "HostOS", dependencies: ["NetCore", "CLinuxUAPI"]),
        .target(name: "Netlink", dependencies: ["NetCore", "CLinuxUAPI", "HostOS"]),
        .target(name: "HostNet", dependencies: ["NetCore", "Netlink", "NetConf", "CLinuxUAPI", "HostOS"]),
        .target(name: "NetDriver", dependencies: ["NetCore", "NetXML", "NetConf", "Netlink", "HostNet", "HostOS"]),
        .target(name: "RemoteProtocol", dependencies: ["NetCore"]),
        .target(name: "QMP", dependencies: ["NetCore", "HostOS", "CLinuxUAPI"]),
        .target(name: "QEMUCommandLine", dependencies: ["NetCore", "NetXML", "NetConf"]),
        .target(name: "GuestDriver", dependencies: ["NetCore", "NetXML", "NetConf", "HostOS", "HostNet", "NetDriver", "QEMUCommandLine", "QMP"]),
        .target(name: "Conformance", dependencies: ["NetCore", "NetXML", "NetConf", "HostNet", "QEMUCommandLine"]),
        .target(
            name: "PatchbayDaemon",
            dependencies: [
                "NetDriver", "RemoteProtocol", "NetCore", "NetConf", "GuestDriver", "HostOS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "PatchbayClient", dependencies: ["RemoteProtocol", "NetCore"]),
        .executableTarget(
            name: "patchbayd",
            dependencies: [
                "PatchbayDaemon", "NetDriver", "NetCore", "GuestDriver", "HostNet", "HostOS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "patchbay",
            dependencies: [
                "Conformance", "NetConf", "NetXML", "NetCore", "PatchbayClient", "RemoteProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "patchbay-bench",
            dependencies: ["NetConf", "NetXML", "Conformance", "CLibXML2", "HostNet", "HostOS", "Netlink", "NetCore", "NetDriver"],
            path: "bench/patchbay-bench"
        ),
        .testTarget(name: "NetCoreTests", dependencies: ["NetCore", "TestSupport"]),
        .testTarget(name: "NetXMLTests", dependencies: ["NetXML", "TestSupport"]),
        .testTarget(name: "NetConfTests", dependencies: ["NetConf", "NetXML", "TestSupport"], resources: [.copy("Fixtures")]),
        .target(name: "TestSupport", dependencies: ["CLinuxUAPI", "HostOS", "QMP", "NetCore"], path: "Tests/TestSupport"),
        .testTarget(name: "HostOSTests", dependencies: ["HostOS", "NetCore", "TestSupport"]),
        .testTarget(name: "QMPTests", dependencies: ["QMP", "HostOS", "HostNet", "NetCore", "CLinuxUAPI", "TestSupport"]),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "NetCore", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HostNetTests", dependencies: ["HostNet", "HostOS", "Netlink", "NetConf", "NetCore", "TestSupport"]),
        .executableTarget(
            name: "patchbay-driver-torture",
            dependencies: ["NetDriver", "NetConf", "NetCore", "HostNet", "HostOS", "Netlink", "TestSupport"],
            path: "Tests/DriverTorture"
        ),
        .executableTarget(
            name: "patchbay-guest-torture",
            dependencies: ["GuestDriver", "NetDriver", "HostNet", "HostOS", "NetCore"],
            path: "Tests/GuestTorture"
        ),
        .testTarget(name: "NetDriverTests", dependencies: ["NetDriver", "NetConf", "NetCore", "HostNet", "HostOS", "Netlink", "TestSupport"]),
        .executableTarget(
            name: "patchbay-nic-torture",
            dependencies: ["GuestDriver", "NetDriver", "NetConf", "NetCore", "NetXML", "HostNet", "Netlink"],
            path: "Tests/NICTorture"
        ),
        .testTarget(name: "GuestDriverTests", dependencies: ["GuestDriver", "NetDriver", "HostNet", "HostOS", "Netlink", "NetConf", "NetXML", "NetCore", "QEMUCommandLine", "QMP", "TestSupport"]),
        .testTarget(name: "QEMUCommandLineTests", dependencies: ["QEMUCommandLine", "NetConf", "NetCore", "NetXML"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Conformance", "NetConf", "NetXML"]),
        .testTarget(name: "RemoteProtocolTests", dependencies: ["RemoteProtocol", "NetCore"]),
        .testTarget(
            name: "PatchbaydTests",
            dependencies: [
                "PatchbayDaemon", "PatchbayClient", "RemoteProtocol", "NetDriver", "NetConf", "NetCore", "TestSupport", "GuestDriver",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
