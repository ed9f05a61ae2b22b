import HostOS
import NetCore

/// What Patchbay knows about the host's dnsmasq: where it is and which version it is.
///
/// libvirt 9.0 derives nothing else from the binary: every feature it uses (bind-dynamic,
/// ra-param, DHCPv6, router advertisements) exists from 2.67 on, the oldest version it accepts.
public struct DnsmasqCapabilities: Hashable, Sendable {
    /// The oldest dnsmasq libvirt 9.0 (and so Patchbay) works with.
    public static let minimumVersion = Version(major: 2, minor: 67)

    /// A dnsmasq version (`major.minor`; dnsmasq has no third component that matters here).
    public struct Version: Hashable, Sendable, Comparable, CustomStringConvertible {
        /// Major number.
        public var major: Int
        /// Minor number.
        public var minor: Int

        public init(major: Int, minor: Int) {
            self.major = major
            self.minor = minor
        }

        /// `major.minor`.
        public var description: String { "\(major).\(minor)" }

        /// Orders by major, then minor.
        public static func < (lhs: Version, rhs: Version) -> Bool {
            (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
        }
    }

    /// The dnsmasq executable.
    public var binaryPath: String
    /// Its version.
    public var version: Version

    /// Capabilities of a known binary; refuses versions older than libvirt supports.
    public init(binaryPath: String = "/usr/sbin/dnsmasq", version: Version) throws(PatchbayError) {
        guard version >= Self.minimumVersion else {
            throw .unsupported("dnsmasq version >= \(Self.minimumVersion) required but \(version) found")
        }
        self.binaryPath = binaryPath
        self.version = version
    }

    /// Reads the version from the first line of `dnsmasq --version` (`Dnsmasq version 2.89  Copyright ...`).
    public init(binaryPath: String = "/usr/sbin/dnsmasq", versionOutput: String) throws(PatchbayError) {
        let marker = "Dnsmasq version "
        let firstLine = versionOutput.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard firstLine.hasPrefix(marker) else {
            throw .internalError("cannot parse \(binaryPath) version number in '\(firstLine)'")
        }
        // Like libvirt: skip to the first digit, then read dot-separated numbers.
        let rest = firstLine.dropFirst(marker.count).drop { !$0.isNumber }
        let numbers = rest.prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) }
        guard let major = numbers.first else {
            throw .internalError("cannot parse \(binaryPath) version number in '\(firstLine)'")
        }
        try self.init(binaryPath: binaryPath, version: Version(major: major, minor: numbers.dropFirst().first ?? 0))
    }

    /// Asks the binary for its version.
    public static func probe(binaryPath: String = "/usr/sbin/dnsmasq") throws(PatchbayError) -> DnsmasqCapabilities {
        let outcome = try HostCommand.run(binaryPath, ["--version"])
        return try DnsmasqCapabilities(binaryPath: binaryPath, versionOutput: outcome.output)
    }
}
