import Foundation
import NetCore
import NetDriver

/// A driver over fresh temporary directories with a fake host; the directories are removed afterwards.
struct DriverFixture {
    let root: String
    let host = FakeNetworkHost()

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pb-driver-\(UUID().uuidString)").path
    }

    var config: String { "\(root)/etc" }
    var state: String { "\(root)/run" }

    /// A driver over the fixture's directories (a second call simulates a daemon restart).
    func driver(host: FakeNetworkHost? = nil) throws -> NetworkDriver {
        try NetworkDriver(configDirectory: config, stateDirectory: state, host: host ?? self.host)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: root) }

    static func with<T>(_ body: (DriverFixture) throws -> T) throws -> T {
        let fixture = DriverFixture()
        defer { fixture.cleanUp() }
        return try body(fixture)
    }

    /// Every file under the fixture's directories with its content, to prove refusals change nothing.
    func snapshot() -> [String: String] {
        var files: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
        for case let path as String in walker {
            if let data = FileManager.default.contents(atPath: "\(root)/\(path)") {
                files[path] = String(decoding: data, as: UTF8.self)
            }
        }
        return files
    }
}

/// Small documents for driver tests.
enum Documents {
    static func isolated(_ name: String, uuid: String? = nil, bridge: String? = nil, bandwidth: String = "") -> String {
        """
        <network>
          <name>\(name)</name>
          \(uuid.map { "<uuid>\($0)</uuid>" } ?? "")
          \(bridge.map { "<bridge name='\($0)'/>" } ?? "")
          \(bandwidth)
          <ip address='10.77.0.1' prefix='24'/>
        </network>
        """
    }

    static func direct(_ name: String, mode: String, devices: [String], portgroups: String = "", virtualport: String = "") -> String {
        """
        <network>
          <name>\(name)</name>
          <forward mode='\(mode)'>
            \(devices.map { "<interface dev='\($0)'/>" }.joined())
          </forward>
          \(virtualport)
          \(portgroups)
        </network>
        """
    }

    static func port(_ uuid: String, mac: String = "52:54:00:00:00:01", group: String? = nil, extra: String = "") -> String {
        """
        <networkport>
          <uuid>\(uuid)</uuid>
          <owner><name>guest</name><uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid></owner>
          \(group.map { "<group>\($0)</group>" } ?? "")
          <mac address='\(mac)'/>
          \(extra)
        </networkport>
        """
    }

    static func uuid(_ n: Int) -> String { String(format: "5d744f21-ba4a-4d6e-bdb2-%012x", n) }
}
