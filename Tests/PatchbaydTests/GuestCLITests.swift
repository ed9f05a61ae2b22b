import Testing
@testable import PatchbayDaemon

/// Patchbay's own client driving guests: the virtqemud socket is found beside the network one.
@Suite("patchbay guest commands", .serialized)
struct GuestCLITests {
    @Test("guest-define, -start, -list, -update-device, -ifaddr, -dumpxml, -destroy, -undefine")
    func guests() async throws {
        try await DomainDaemonHarness.with { daemon in
            let network = daemon.daemon.socketPath(SocketRole(service: .network, readOnly: false))
            func cli(_ arguments: String...) throws -> CommandResult {
                try Shell.run(DaemonHarness.cli, ["-c", network] + arguments)
            }
            let xml = try daemon.file("g6.xml", DomainDaemonHarness.guestXML("g6"))
            var result = try cli("guest-define", xml)
            #expect(result.status == 0 && result.output.contains("Domain 'g6' defined from"), "\(result)")
            #expect(try cli("guest-start", "g6").output.contains("Domain 'g6' started"))
            result = try cli("guest-list")
            #expect(result.output.contains(" 1    g6     running   no          yes"), "\(result)")
            let moved = try daemon.file("moved.xml", "<interface type='network'><mac address='52:54:00:aa:00:02'/><source network='wan'/></interface>")
            result = try cli("guest-update-device", "g6", moved, "--live")
            #expect(result.status == 0 && result.output.contains("Device updated successfully"), "\(result)")
            #expect(daemon.domains.updates.last?.2 == 1)
            #expect(try cli("guest-dumpxml", "g6").output.contains("<source network='wan'/>"))
            result = try cli("guest-ifaddr", "g6")
            #expect(result.output.contains(" pbtap0   52:54:00:aa:00:01   ipv4       192.0.2.10/24"), "\(result)")
            #expect(try cli("guest-destroy", "g6").output.contains("Domain 'g6' destroyed"))
            #expect(try cli("guest-undefine", "g6").output.contains("Domain 'g6' has been undefined"))
            result = try cli("guest-start", "g6")
            #expect(result.status == 1 && result.errors.contains("error: Domain not found: no domain with matching name 'g6'"), "\(result)")
            result = try Shell.run(DaemonHarness.cli, ["-r", "-c", network, "guest-define", xml])
            #expect(result.status == 1 && result.errors.contains("read only access prevents virDomainDefineXML"), "\(result)")
        }
    }
}
