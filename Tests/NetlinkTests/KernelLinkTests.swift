import Glibc
import NetCore
import Netlink
import TestSupport
import Testing

/// Every operation against the real kernel, inside a namespace made for the test.
@Suite("rtnetlink against the kernel", .serialized)
struct KernelLinkTests {
    func name(_ text: String) throws -> InterfaceName { try InterfaceName(text) }

    @Test func bridgeTapLikePortsAndAttributes() throws {
        try TestNamespace.with { ns in
            let rt = try Rtnetlink(namespace: ns.path)
            try rt.createLink(name("pbbr0"), kind: .bridge(BridgeOptions(stp: true, forwardDelay: 2, ageingTime: 30)))
            try rt.createLink(name("pbv0"), kind: .veth(peer: name("pbv1")), mtu: 1400, mac: MACAddress("52:54:00:00:00:10"))
            try rt.attach(name("pbv0"), to: name("pbbr0"))
            try rt.setLink(name("pbbr0"), up: true)
            try rt.setLink(name("pbv0"), up: true, mtu: 1300)

            let bridge = try #require(try rt.link(named: name("pbbr0")))
            let port = try #require(try rt.link(named: name("pbv0")))
            #expect(bridge.kind == "bridge")
            #expect(bridge.isUp)
            #expect(port.kind == "veth")
            #expect(port.masterIndex == bridge.index)
            #expect(port.mtu == 1300)
            #expect(port.mac?.description == "52:54:00:00:00:10")
            // The kernel's own view, read through a separate tool, agrees.
            let shown = try ns.exec(["ip", "-d", "link", "show", "pbbr0"])
            #expect(shown.contains("stp_state 1"))
            #expect(shown.contains("forward_delay 200"))

            try rt.detach(name("pbv0"))
            #expect(try rt.link(named: name("pbv0"))?.masterIndex == nil)
            try rt.deleteLink(name("pbv0"))
            #expect(try rt.link(named: name("pbv1")) == nil, "deleting one end of a veth removes both")
            #expect(try rt.links().map(\.name).sorted() == ["lo", "pbbr0"])
        }
    }

    @Test func summariesAgreeWithFullLinkInfo() throws {
        try TestNamespace.with { ns in
            let rt = try Rtnetlink(namespace: ns.path)
            try rt.createLink(name("pbbr1"), kind: .bridge(BridgeOptions(stp: false, forwardDelay: 0)), group: 4242)
            try rt.createLink(name("pbv2"), kind: .veth(peer: name("pbv3")))
            let full = try rt.links().map { LinkSummary(name: $0.name, group: $0.group, kind: $0.kind) }
            let quick = try rt.linkSummaries()
            #expect(quick == full)
            #expect(quick.contains(LinkSummary(name: "pbbr1", group: 4242, kind: "bridge")))
            #expect(quick.contains(LinkSummary(name: "lo", group: 0, kind: nil)))
            #expect(try rt.linkNames() == ["lo", "pbbr1", "pbv2", "pbv3"])
        }
    }

    @Test(arguments: [MacvlanMode.vepa, .private, .bridge, .passthru])
    func macvlanAndMacvtapModes(mode: MacvlanMode) throws {
        try TestNamespace.with { ns in
            let rt = try Rtnetlink(namespace: ns.path)
            // No dummy driver on this kernel: one end of a veth stands in for a physical NIC.
            try rt.createLink(name("pbeth0"), kind: .veth(peer: name("pbeth1")))
            let lower = try #require(try rt.link(named: name("pbeth0")))
            try rt.createLink(name("pbmv0"), kind: .macvlan(lowerIndex: lower.index, mode: mode))
            let shown = try ns.exec(["ip", "-d", "link", "show", "pbmv0"])
            #expect(shown.contains("macvlan mode \(mode.rawValue)"))
            #expect(try rt.link(named: name("pbmv0"))?.lowerIndex == lower.index)
            try rt.deleteLink(name("pbmv0"))
            try rt.createLink(name("pbmvt0"), kind: .macvtap(lowerIndex: lower.index, mode: mode))
            #expect(try rt.link(named: name("pbmvt0"))?.kind == "macvtap")
        }
    }

    @Test func ifbAndVXLAN() throws {
        try TestNamespace.with { ns in
            let rt = try Rtnetlink(namespace: ns.path)
            try rt.createLink(name("pbifb0"), kind: .ifb)
            try rt.createLink(name("pbvx0"), kind: .vxlan(VXLANOptions(id: 42, remote: IPAddress("192.0.2.7"),
                                                                        local: IPAddress("192.0.2.1"), port: 4789)))
            #expect(try rt.link(named: name("pbifb0"))?.kind == "ifb")
            let shown = try ns.exec(["ip", "-d", "link", "show", "pbvx0"])
            #expect(shown.contains("vxlan id 42 remote 192.0.2.7 local 192.0.2.1"))
            #expect(shown.contains("dstport 4789"))
        }
    }

    @Test func addressesAndRoutes() throws {
        try TestNamespace.with { ns in
            let rt = try Rtnetlink(namespace: ns.path)
            try rt.createLink(name("pbd0"), kind: .veth(peer: name("pbd1")))
            try rt.setLink(name("pbd0"), up: true)
            try rt.addAddress(IPAddress("10.9.0.1"), prefix: PrefixLength(24, family: .ipv4), to: name("pbd0"))
            try rt.addAddress(IPAddress("fd00:9::1"), prefix: PrefixLength(64, family: .ipv6), to: name("pbd0"))
            let addresses = try rt.addresses(of: name("pbd0")).map { "\($0.address)/\($0.prefixLength)" }
            #expect(addresses.contains("10.9.0.1/24"))
            #expect(addresses.contains("fd00:9::1/64"))
            #expect(try ns.exec(["ip", "-4", "addr", "show", "pbd0"]).contains("brd 10.9.0.255"))

            try rt.addRoute(to: IPAddress("10.99.0.0"), prefix: PrefixLength(16, family: .ipv4), via: IPAddress("10.9.0.254"))
            try rt.addRoute(to: IPAddress("10.98.0.0"), prefix: PrefixLength(16, family: .ipv4), device: name("pbd0"))
            let routes = try ns.exec(["ip", "route"])
            #expect(routes.contains("10.99.0.0/16 via 10.9.0.254 dev pbd0"))
            #expect(routes.contains("10.98.0.0/16 dev pbd0"))
            try rt.deleteRoute(to: IPAddress("10.99.0.0"), prefix: PrefixLength(16, family: .ipv4), via: IPAddress("10.9.0.254"))
            #expect(!(try ns.exec(["ip", "route"]).contains("10.99.0.0")))
            try rt.deleteAddress(IPAddress("10.9.0.1"), prefix: PrefixLength(24, family: .ipv4), from: name("pbd0"))
            #expect(!(try rt.addresses(of: name("pbd0")).contains { $0.address.description == "10.9.0.1" }))
        }
    }

    @Test func errorsNameTheOperationAndCause() throws {
        try TestNamespace.with { ns in
            let rt = try Rtnetlink(namespace: ns.path)
            try rt.createLink(name("pbx0"), kind: .veth(peer: name("pbx1")))
            #expect(throws: PatchbayError(.systemError, "Unable to create bridge 'pbx0': File exists")) {
                try rt.createLink(name("pbx0"), kind: .bridge(BridgeOptions()))
            }
            #expect(throws: PatchbayError(.systemError, "Unable to add 'pbx0' to bridge 'nosuchbr': no such interface 'nosuchbr'")) {
                try rt.attach(name("pbx0"), to: name("nosuchbr"))
            }
            #expect(throws: PatchbayError.self) { try InterfaceName("a-name-that-is-too-long") }
            #expect(throws: PatchbayError(.systemError, "Unable to delete interface 'ghost0': No such device")) {
                try rt.deleteLink(name("ghost0"))
            }
            // A bridge port cannot also be a macvlan lower device.
            try rt.createLink(name("pbbr1"), kind: .bridge(BridgeOptions()))
            try rt.attach(name("pbx0"), to: name("pbbr1"))
            let lower = try #require(try rt.link(named: name("pbx0")))
            #expect(throws: PatchbayError(.systemError, "Unable to create macvlan 'pbmv1': Device or resource busy")) {
                try rt.createLink(name("pbmv1"), kind: .macvlan(lowerIndex: lower.index, mode: .bridge))
            }
        }
    }

    @Test func moveToAnotherNamespace() throws {
        try TestNamespace.with { first in
            try TestNamespace.with { second in
                let rt = try Rtnetlink(namespace: first.path)
                try rt.createLink(name("pbmove0"), kind: .veth(peer: name("pbmove1")))
                let fd = open(second.path, O_RDONLY | O_CLOEXEC)
                #expect(fd >= 0)
                defer { close(fd) }
                try rt.setLink(name("pbmove0"), namespaceFD: fd)
                #expect(try rt.link(named: name("pbmove0")) == nil)
                #expect(try Rtnetlink(namespace: second.path).link(named: name("pbmove0")) != nil)
            }
        }
    }

    @Test func monitorReportsAppearChangeAndDisappear() async throws {
        try await TestNamespace.with { ns in
            let monitor = try LinkMonitor(namespace: ns.path)
            defer { monitor.stop() }
            let rt = try Rtnetlink(namespace: ns.path)
            try rt.createLink(name("pbm0"), kind: .veth(peer: name("pbm1")))
            try rt.setLink(name("pbm0"), up: true)
            try rt.setLink(name("pbm1"), up: true)
            // A watchdog ends the stream if an expected event never comes, so the test fails instead of hanging.
            let watchdog = Task {
                try await Task.sleep(for: .seconds(10))
                monitor.stop()
            }
            defer { watchdog.cancel() }
            var seen: [String] = []
            for await event in monitor.events {
                switch event {
                case .appeared(let link) where link.name == "pbm0": seen.append("appeared")
                case .changed(let link) where link.name == "pbm0" && link.carrier == true:
                    // Carrier follows asynchronously (linkwatch); delete only once it was reported.
                    if !seen.contains("carrier") {
                        seen.append("carrier")
                        try rt.deleteLink(name("pbm0"))
                    }
                case .disappeared(_, let name) where name == "pbm0": seen.append("disappeared")
                default: break
                }
                if seen.last == "disappeared" { break }
            }
            #expect(seen.first == "appeared")
            #expect(seen.contains("carrier"))
            #expect(seen.last == "disappeared")
        }
    }
}

@Suite("qdisc queries and device groups against the kernel", .serialized)
struct KernelQdiscAndGroupTests {
    @Test func qdiscKindAndDeletion() throws {
        try TestNamespace.with { ns in
            let rt = try Rtnetlink(namespace: ns.path)
            let device = try InterfaceName("pbqd0")
            try rt.createLink(device, kind: .veth(peer: InterfaceName("pbqd1")))
            #expect(try rt.qdiscKind(of: device, at: .ingress) == nil)
            try ns.exec(["tc", "qdisc", "add", "dev", "pbqd0", "root", "handle", "1:", "htb"])
            try ns.exec(["tc", "qdisc", "add", "dev", "pbqd0", "handle", "ffff:", "ingress"])
            #expect(try rt.qdiscKind(of: device, at: .root) == "htb")
            #expect(try rt.qdiscKind(of: device, at: .ingress) == "ingress")
            try rt.deleteQdisc(of: device, at: .root)
            try rt.deleteQdisc(of: device, at: .ingress)
            try rt.deleteQdisc(of: device, at: .ingress)
            #expect(try rt.qdiscKind(of: device, at: .root) != "htb")
            #expect(try rt.qdiscKind(of: device, at: .ingress) == nil)
        }
    }

    @Test func groupDeletionRemovesOnlyTheGroup() throws {
        try TestNamespace.with { ns in
            let rt = try Rtnetlink(namespace: ns.path)
            for index in 0..<5 {
                try rt.createLink(InterfaceName("pbg\(index)"), kind: .veth(peer: InterfaceName("pbgp\(index)")), group: 77)
            }
            try rt.createLink(InterfaceName("pbkeep0"), kind: .bridge(BridgeOptions()))
            #expect(try rt.link(named: InterfaceName("pbg3"))?.group == 77)
            try rt.deleteGroup(77)
            #expect(try rt.links().map(\.name).sorted() == ["lo", "pbkeep0"])
            try rt.deleteGroup(77)
            #expect(throws: PatchbayError.self) { try rt.deleteGroup(0) }
        }
    }
}
