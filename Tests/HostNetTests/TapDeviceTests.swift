import Glibc
import HostNet
import NetCore
import Netlink
import TestSupport
import Testing

@Suite("Taps", .serialized)
struct TapDeviceTests {
    @Test func tapLivesWithItsDescriptor() throws {
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            var tap: TapDevice? = try TapDevice.create("pbtap%d", namespace: ns.path)
            let name = try #require(tap?.name)
            #expect(name.value == "pbtap0")
            let info = try #require(try links.link(named: name))
            #expect(info.kind == "tun")
            #expect(try ns.exec(["ip", "-d", "link", "show", name.value]).contains("tap"))
            tap = nil
            #expect(try links.link(named: name) == nil, "closing the fd removes a non-persistent tap")
        }
    }

    @Test func persistentTapOutlivesDescriptor() throws {
        try TestNamespace.with { ns in
            let links = try Rtnetlink(namespace: ns.path)
            let name = try InterfaceName("pbptap0")
            do {
                let tap = try TapDevice.create(name.value, options: .init(vnetHeader: true, multiQueue: true, persistent: true),
                                               namespace: ns.path)
                #expect(tap.descriptor >= 0)
            }
            #expect(try links.link(named: name) != nil)
            try links.deleteLink(name)
        }
    }

    @Test func tapErrorsAreClear() throws {
        try TestNamespace.with { ns in
            #expect(throws: PatchbayError.self) { try TapDevice.create("a-name-that-is-too-long", namespace: ns.path) }
            let links = try Rtnetlink(namespace: ns.path)
            try links.createLink(InterfaceName("pbbusy0"), kind: .bridge(BridgeOptions()))
            #expect(throws: PatchbayError(.systemError, "Unable to create tap device pbbusy0: Invalid argument")) {
                try TapDevice.create("pbbusy0", namespace: ns.path)
            }
        }
    }
}
