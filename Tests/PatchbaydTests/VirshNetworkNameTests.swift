import Foundation
import Testing

/// The real virsh with network names libvirt accepts but that are no file names of their own
/// (`.`, `..`, hidden, temporary-looking, longer than a file name may be): the whole life of a
/// network, across a daemon restart, with nothing left behind.
@Suite("virsh: names that are not file names", .serialized)
struct VirshNetworkNameTests {
    @Test(arguments: [".", "..", ".hidden", "a.tmp-x", String(repeating: "v", count: 255)])
    func wholeLife(_ name: String) throws {
        try DaemonHarness.with { daemon in
            let xml = try daemon.file("net.xml", """
                <network><name>\(name)</name><bridge name='pbvn0'/>
                  <ip address='10.219.0.1' prefix='24'><dhcp><range start='10.219.0.10' end='10.219.0.20'/></dhcp></ip>
                </network>
                """)
            for step in [["net-define", xml], ["net-autostart", name], ["net-start", name]] {
                let result = try Shell.run("/usr/bin/virsh", ["-c", daemon.uri] + step)
                #expect(result.status == 0, "\(step): \(result)")
            }
            try daemon.restart()
            var info = try daemon.virsh("net-info", name)
            #expect(info.output.contains("Active:         yes") && info.output.contains("Autostart:      yes"), "\(info)")
            for step in [["net-destroy", name], ["net-autostart", name, "--disable"], ["net-autostart", name], ["net-undefine", name]] {
                let result = try Shell.run("/usr/bin/virsh", ["-c", daemon.uri] + step)
                #expect(result.status == 0, "\(step): \(result)")
            }
            try daemon.restart()
            info = try daemon.virsh("net-info", name)
            #expect(info.status != 0, "undefined for good: \(info)")
            let left = FileManager.default.enumerator(atPath: daemon.configDirectory)?.compactMap { $0 as? String }
                .filter { !$0.hasSuffix("networks") && !$0.hasSuffix("autostart") && $0 != "qemu" } ?? []
            #expect(left.isEmpty, "\(left)")
        }
    }
}
