import Foundation
import Testing

/// The real Debian virsh against patchbayd: `virsh -c 'network:///system?socket=...'`.
@Suite("virsh end to end", .serialized)
struct VirshEndToEndTests {
    @Test("define, list, start, info, dumpxml, update, autostart, destroy, undefine")
    func networkLifecycle() throws {
        try DaemonHarness.with { daemon in
            let xml = try daemon.file("t1.xml", Fixtures.network("t1", bridge: "pbt1"))
            var result = try daemon.virsh("net-define", xml)
            #expect(result.status == 0, "\(result)")
            #expect(result.output.contains("Network t1 defined from"))
            result = try daemon.virsh("net-list", "--all")
            #expect(result.output.contains(" t1     inactive   no          yes"), "\(result)")
            result = try daemon.virsh("net-start", "t1")
            #expect(result.status == 0 && result.output.contains("Network t1 started"), "\(result)")
            result = try daemon.virsh("net-list")
            #expect(result.output.contains(" t1     active   no          yes"), "\(result)")
            // The daemon's real host made the bridge in its namespace.
            #expect(try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace, "link", "show", "pbt1"]).status == 0)
            result = try daemon.virsh("net-info", "t1")
            #expect(result.output.contains("Active:         yes"), "\(result)")
            #expect(result.output.contains("Bridge:         pbt1"), "\(result)")
            result = try daemon.virsh("net-dumpxml", "t1")
            #expect(result.output.contains("<bridge name='pbt1'"), "\(result)")
            result = try daemon.virsh("net-update", "t1", "add", "portgroup", "<portgroup name='gold'/>", "--live", "--config")
            #expect(result.status == 0, "\(result)")
            #expect(result.output.contains("Updated network t1 persistent config and live state"), "\(result)")
            #expect(try daemon.virsh("net-dumpxml", "t1", "--inactive").output.contains("<portgroup name='gold'"))
            result = try daemon.virsh("net-autostart", "t1")
            #expect(result.output.contains("Network t1 marked as autostarted"), "\(result)")
            #expect(try daemon.virsh("net-info", "t1").output.contains("Autostart:      yes"))
            result = try daemon.virsh("net-autostart", "t1", "--disable")
            #expect(result.output.contains("Network t1 unmarked as autostarted"), "\(result)")
            result = try daemon.virsh("net-destroy", "t1")
            #expect(result.status == 0 && result.output.contains("Network t1 destroyed"), "\(result)")
            #expect(try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace, "link", "show", "pbt1"]).status != 0)
            result = try daemon.virsh("net-undefine", "t1")
            #expect(result.status == 0 && result.output.contains("Network t1 has been undefined"), "\(result)")
            #expect(!(try daemon.virsh("net-list", "--all").output.contains("t1")))
        }
    }

    @Test("net-create makes a transient network that vanishes on destroy")
    func transientNetwork() throws {
        try DaemonHarness.with { daemon in
            let xml = try daemon.file("t2.xml", Fixtures.network("t2", bridge: "pbt2"))
            let result = try daemon.virsh("net-create", xml)
            #expect(result.status == 0, "\(result)")
            #expect(try daemon.virsh("net-list").output.contains(" t2     active   no          no"))
            #expect(try daemon.virsh("net-destroy", "t2").status == 0)
            #expect(!(try daemon.virsh("net-list", "--all").output.contains("t2")))
        }
    }

    @Test("net-port-create, -list, -dumpxml, -delete")
    func ports() throws {
        try DaemonHarness.with { daemon in
            let xml = try daemon.file("t3.xml", Fixtures.network("t3", bridge: "pbt3"))
            #expect(try daemon.virsh("net-create", xml).status == 0)
            let port = try daemon.file("port.xml", Fixtures.port())
            var result = try daemon.virsh("net-port-create", "t3", port)
            #expect(result.status == 0 && result.output.contains("Network port \(Fixtures.portUUID) created"), "\(result)")
            result = try daemon.virsh("net-port-list", "t3")
            #expect(result.output.contains(Fixtures.portUUID), "\(result)")
            result = try daemon.virsh("net-port-dumpxml", "t3", Fixtures.portUUID)
            #expect(result.output.contains("<plug type='network' bridge='pbt3'/>"), "\(result)")
            result = try daemon.virsh("net-port-create", "t3", port)
            #expect(result.status != 0 && result.errors.contains("already exists"), "\(result)")
            result = try daemon.virsh("net-port-delete", "t3", Fixtures.portUUID)
            #expect(result.status == 0 && result.output.contains("Network port \(Fixtures.portUUID) deleted"), "\(result)")
            // virsh 9.0 exits 0 here and prints only its own line; the port is gone all the same.
            result = try daemon.virsh("net-port-dumpxml", "t3", Fixtures.portUUID)
            #expect(result.errors.contains("failed to get network port '\(Fixtures.portUUID)'"), "\(result)")
            #expect(!(try daemon.virsh("net-port-list", "t3").output.contains(Fixtures.portUUID)))
        }
    }

    @Test("net-event --loop receives lifecycle events")
    func events() throws {
        try DaemonHarness.with { daemon in
            let listener = Process()
            listener.executableURL = URL(fileURLWithPath: "/usr/bin/virsh")
            listener.arguments = ["-c", daemon.uri, "net-event", "--loop", "--event", "lifecycle", "--timeout", "8"]
            let pipe = Pipe()
            listener.standardOutput = pipe
            listener.standardError = pipe
            try listener.run()
            try daemon.waitForEventRegistrations(1)
            let xml = try daemon.file("t4.xml", Fixtures.network("t4", bridge: "pbt4"))
            #expect(try daemon.virsh("net-define", xml).status == 0)
            #expect(try daemon.virsh("net-start", "t4").status == 0)
            #expect(try daemon.virsh("net-destroy", "t4").status == 0)
            #expect(try daemon.virsh("net-undefine", "t4").status == 0)
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            listener.waitUntilExit()
            let expected = ["Defined", "Started", "Stopped", "Undefined"].map { "event 'lifecycle' for network t4: \($0)" }
            let lines = output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("event 'lifecycle'") }
            #expect(lines == expected, "\(output)")
        }
    }

    @Test("errors carry libvirt's messages")
    func errors() throws {
        try DaemonHarness.with { daemon in
            var result = try daemon.virsh("net-info", "nope")
            #expect(result.status == 1)
            #expect(result.errors.contains("error: Network not found: no network with matching name 'nope'"), "\(result)")
            let xml = try daemon.file("t5.xml", Fixtures.network("t5", bridge: "pbt5", uuid: "0b8e5f2a-59a4-4ad8-9c5e-2b0c5a4a9d01"))
            #expect(try daemon.virsh("net-define", xml).status == 0)
            let other = try daemon.file("t5b.xml", Fixtures.network("t5", bridge: "pbt5", uuid: "0b8e5f2a-59a4-4ad8-9c5e-2b0c5a4a9d02"))
            result = try daemon.virsh("net-define", other)
            #expect(result.status == 1)
            #expect(result.errors.contains("operation failed: network 't5' already exists with uuid"), "\(result)")
            let bad = try daemon.file("bad.xml", "<network><name>x</name>")
            result = try daemon.virsh("net-define", bad)
            // libvirt 9.0's own words for this file (virsh -c test:///default net-define), no "XML error" prefix.
            #expect(result.status == 1 && result.errors.contains("""
                error: (network_definition):1: Premature end of data in tag network line 1
                <network><name>x</name>
                -----------------------^
                """), "\(result)")
            result = try daemon.virsh("net-destroy", "t5")
            #expect(result.status == 1 && result.errors.contains("is not active"), "\(result)")
            result = try daemon.virsh("net-start", "t5", readOnly: true)
            #expect(result.status == 1)
            #expect(result.errors.contains("operation forbidden: read only access prevents virNetworkCreate"), "\(result)")
            result = try Shell.run("/usr/bin/virsh", ["-r", "-c", daemon.uri, "net-undefine", "t5"])
            #expect(result.errors.contains("operation forbidden: read only access prevents virNetworkUndefine"), "\(result)")
            // Reading is allowed on the read-only socket.
            result = try daemon.virsh("net-list", "--all", readOnly: true)
            #expect(result.status == 0 && result.output.contains("t5"), "\(result)")
            // An exhausted pool: a passthrough network has one device, so one port. The device
            // must exist for a real host to start the network.
            _ = try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace, "link", "add", "pbx9", "type", "bridge"])
            let pool = try daemon.file("pool.xml", "<network><name>pool</name><forward mode='passthrough'><interface dev='pbx9'/></forward></network>")
            #expect(try daemon.virsh("net-create", pool).status == 0)
            #expect(try daemon.virsh("net-port-create", "pool", try daemon.file("pa.xml", Fixtures.port())).status == 0)
            let second = try daemon.file("pb.xml", Fixtures.port("22222222-2222-3333-4444-555555555555", mac: "52:54:00:11:22:44"))
            result = try daemon.virsh("net-port-create", "pool", second)
            #expect(result.status == 1)
            #expect(result.errors.contains("network 'pool' requires exclusive access to interfaces, but none are available"), "\(result)")
            result = try daemon.virsh("version")
            #expect(result.errors.contains("this function is not supported by the connection driver: virConnectGetVersion"), "\(result)")
            #expect(daemon.isRunning)
        }
    }

    @Test("other users are refused clearly")
    func nonRootRefused() throws {
        try DaemonHarness.with { daemon in
            let result = try Shell.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                            "/usr/bin/virsh", "-c", daemon.readOnlyURI, "net-list"])
            #expect(result.status != 0)
            #expect(result.errors.contains("access denied: patchbayd serves only root"), "\(result)")
            // The read-write socket is root's only: the kernel refuses before the daemon sees anyone.
            let rw = try Shell.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                        "/usr/bin/virsh", "-c", daemon.uri, "net-list"])
            #expect(rw.status != 0 && rw.errors.contains("Permission denied"), "\(rw)")
        }
    }

    @Test("interface and node device sockets answer with empty lists")
    func interfaceAndNodeDeviceSockets() throws {
        try DaemonHarness.with { daemon in
            let interfaceURI = "interface:///system?socket=\(daemon.socketDirectory)/virtinterfaced-sock"
            var result = try Shell.run("/usr/bin/virsh", ["-c", interfaceURI, "iface-list", "--all"])
            #expect(result.status == 0, "\(result)")
            result = try Shell.run("/usr/bin/virsh", ["-c", interfaceURI, "iface-dumpxml", "eth0"])
            #expect(result.status == 1 && result.errors.contains("Interface not found"), "\(result)")
            let nodeURI = "nodedev:///system?socket=\(daemon.socketDirectory)/virtnodedevd-sock"
            result = try Shell.run("/usr/bin/virsh", ["-c", nodeURI, "nodedev-list", "--cap", "net"])
            #expect(result.status == 0, "\(result)")
            result = try Shell.run("/usr/bin/virsh", ["-c", nodeURI, "net-list"])
            #expect(result.status == 1 && result.errors.contains("not supported"), "\(result)")
        }
    }

    @Test("a restart keeps running networks and their ports")
    func restartKeepsState() throws {
        try DaemonHarness.with { daemon in
            let xml = try daemon.file("t6.xml", Fixtures.network("t6", bridge: "pbt6"))
            #expect(try daemon.virsh("net-define", xml).status == 0)
            #expect(try daemon.virsh("net-start", "t6").status == 0)
            #expect(try daemon.virsh("net-port-create", "t6", try daemon.file("p.xml", Fixtures.port())).status == 0)
            let before = try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace, "-d", "link", "show", "pbt6"]).output
            try daemon.restart()
            #expect(try daemon.virsh("net-list").output.contains(" t6     active"))
            // The bridge was left alone: same device, same index.
            let after = try Shell.run("/usr/sbin/ip", ["-n", daemon.namespace, "-d", "link", "show", "pbt6"]).output
            #expect(before.split(separator: ":").first == after.split(separator: ":").first && !after.isEmpty)
            #expect(try daemon.virsh("net-port-list", "t6").output.contains(Fixtures.portUUID))
        }
    }
}
