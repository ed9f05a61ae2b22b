import Foundation
import Glibc
import NetConf
import NetCore
import NetDriver
import TestSupport
import Testing

/// `text` as XML character data.
func xmlEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "'", with: "&apos;")
        .replacingOccurrences(of: "\"", with: "&quot;")
}

extension DriverFixture {
    /// Every regular file under the fixture, by path relative to its root.
    func files() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        for case let path as String in walker {
            var info = stat()
            if lstat("\(root)/\(path)", &info) == 0, info.st_mode & S_IFMT == S_IFREG { found.append(path) }
        }
        return found.sorted()
    }
}

/// Every name libvirt accepts works through a network's whole life: its files are named by its
/// `NetworkFileName`, never by the name itself.
@Suite("Network names that are not file names")
struct NetworkFileNameDriverTests {
    @Test(arguments: HostileNetworkNames.all)
    func defineAutostartStartDestroyUndefine(_ name: String) throws {
        try DriverFixture.with { fixture in
            let stem = NetworkFileName(networkName: name).stem
            var driver = try fixture.driver()
            let defined = try driver.define(xml: Documents.isolated(xmlEscaped(name)))
            let actual = defined.name
            #expect(try driver.xml(name: actual, inactive: true).contains("<name>\(xmlEscaped(actual))</name>"))
            #expect(fixture.files() == ["etc/networks/\(stem).xml"])

            try driver.setAutostart(name: actual, true)
            #expect(fixture.files() == ["etc/autostart/\(stem)", "etc/networks/\(stem).xml"])
            try driver.start(name: actual)
            try driver.createPort(network: actual, xml: Documents.port(Documents.uuid(1)))
            #expect(fixture.files().contains("run/networks/\(stem).xml"))

            // A restart finds it running, marked for autostart, with its port.
            driver = try fixture.driver()
            #expect(driver.loadProblems.isEmpty, "\(driver.loadProblems)")
            let summary = try driver.lookup(name: actual)
            #expect(summary.isActive && summary.autostart && summary.isPersistent)
            #expect(try driver.ports(network: actual).count == 1)

            try driver.destroy(name: actual)
            #expect(fixture.files() == ["etc/autostart/\(stem)", "etc/networks/\(stem).xml"])
            // An autostart network that is not running is started by the next daemon.
            driver = try fixture.driver()
            #expect(try driver.lookup(name: actual).isActive)
            try driver.destroy(name: actual)
            try driver.setAutostart(name: actual, false)
            #expect(fixture.files() == ["etc/networks/\(stem).xml"])
            try driver.setAutostart(name: actual, true)
            try driver.undefine(name: actual)
            #expect(fixture.files().isEmpty)
            #expect(try fixture.driver().list().isEmpty, "nothing comes back after a restart")
        }
    }

    /// Many hostile names side by side: each keeps its own files, and undefining one leaves the others.
    @Test func hostileNamesLiveSideBySide() throws {
        try DriverFixture.with { fixture in
            let driver = try fixture.driver()
            var names: [String] = []
            for (index, name) in HostileNetworkNames.all.enumerated() {
                let uuid = Documents.uuid(1000 + index)
                names.append(try driver.define(xml: Documents.isolated(xmlEscaped(name), uuid: uuid, bridge: "pbn\(index)")).name)
            }
            let restarted = try fixture.driver()
            #expect(restarted.loadProblems.isEmpty, "\(restarted.loadProblems)")
            #expect(Set(restarted.list().map(\.name)) == Set(names))
            for name in names where name != "default" { try restarted.undefine(name: name) }
            #expect(try fixture.driver().list().map(\.name) == ["default"])
        }
    }

    /// Files written before names were escaped (a name starting with `%` used to be its own stem)
    /// are moved to the stem on start, so undefine removes them for good.
    @Test func definitionsUnderTheirOldFileNameAreMoved() throws {
        try DriverFixture.with { fixture in
            let name = "%legacy"
            try FileManager.default.createDirectory(atPath: "\(fixture.config)/networks", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(fixture.config)/autostart", withIntermediateDirectories: true)
            let document = Documents.isolated(name, uuid: Documents.uuid(7), bridge: "pblegacy0")
            try document.write(toFile: "\(fixture.config)/networks/\(name).xml", atomically: false, encoding: .utf8)
            try "".write(toFile: "\(fixture.config)/autostart/\(name)", atomically: false, encoding: .utf8)
            let driver = try fixture.driver()
            #expect(driver.loadProblems.isEmpty, "\(driver.loadProblems)")
            #expect(try driver.lookup(name: name).autostart)
            let stem = NetworkFileName(networkName: name).stem
            #expect(stem != name)
            #expect(fixture.files().filter { $0.hasPrefix("etc/") } == ["etc/autostart/\(stem)", "etc/networks/\(stem).xml"])
            try driver.destroy(name: name)
            try driver.undefine(name: name)
            #expect(try fixture.driver().list().isEmpty)
        }
    }
}
