import NetCore
import Testing
@testable import RemoteProtocol

/// The QEMU driver's payloads against bytes written out by hand from remote_protocol.x's
/// declarations (no capture of a QEMU-driver session exists in shared/protocol).
@Suite("domain payloads")
struct DomainMessageTests {
    static let uuid = (try? LibvirtUUID("c7a5fdbd-edaf-9455-926a-d65c16db1809")) ?? LibvirtUUID.random()
    static let domain = DomainReference(name: "g1", uuid: uuid, id: 3)
    /// `remote_nonnull_domain`: name "g1" (length, bytes, padding), uuid, id 3.
    static let domainHex = "00000002" + "67310000" + "c7a5fdbdedaf9455926ad65c16db1809" + "00000003"

    static let golden: [(any XDRCodable & Hashable, String)] = [
        // unsigned char state and unsigned short nrVirtCpu travel as 4-byte words.
        (DomainGetInfoRet(state: 1, maxMemoryKiB: 131_072, memoryKiB: 65_536, vcpus: 2, cpuTime: 5_000_000_000),
         "00000001" + "0000000000020000" + "0000000000010000" + "00000002" + "000000012a05f200"),
        (DomainGetStateRet(state: 5, reason: 2), "00000005" + "00000002"),
        (DomainEventCallbackLifecycleMessage(callbackID: 7, message: DomainEventLifecycleMessage(domain: domain, event: 5, detail: 1)),
         "00000007" + domainHex + "00000005" + "00000001"),
        (DomainInterfaceAddressesRet(interfaces: [
            DomainInterfaceMessage(name: "vnet0", hardwareAddress: "52:54:00:aa:00:01",
                                   addresses: [DomainIPAddress(type: 0, address: "192.0.2.10", prefix: 24)]),
        ]),
         "00000001" + "00000005" + "766e657430000000" + "00000001" + "00000011" + "35323a35343a30303a61613a30303a3031000000"
             + "00000001" + "00000000" + "0000000a" + "3139322e302e322e31300000" + "00000018"),
        (DomainGetInterfaceParametersArgs(domain: domain, device: "vnet0", parameterCount: 0, flags: 4),
         domainHex + "00000005" + "766e657430000000" + "00000000" + "00000004"),
        (ConnectDomainEventCallbackRegisterAnyArgs(eventID: 0, domain: nil), "00000000" + "00000000"),
        (ConnectDomainEventCallbackRegisterAnyArgs(eventID: 0, domain: domain), "00000000" + "00000001" + domainHex),
        (ConnectListAllDomainsRet(domains: [domain], count: 1), "00000001" + domainHex + "00000001"),
        (ConnectListDomainsRet(ids: [3, 7]), "00000002" + "00000003" + "00000007"),
        (DomainXMLFlagsArgs(domain: domain, xml: "<a/>", flags: 3), domainHex + "00000004" + "3c612f3e" + "00000003"),
        (DomainInterfaceStatsRet(rxBytes: 1, rxPackets: 2, rxErrors: 0, rxDrops: -1, txBytes: 5, txPackets: 6, txErrors: 0, txDrops: 0),
         "0000000000000001" + "0000000000000002" + "0000000000000000" + "ffffffffffffffff"
             + "0000000000000005" + "0000000000000006" + "0000000000000000" + "0000000000000000"),
    ]

    @Test("encodes to remote_protocol.x's wire form and decodes back", arguments: golden.indices)
    func wireForm(_ index: Int) throws {
        let (message, expected) = Self.golden[index]
        let encoded = try message.xdrBytes()
        #expect(hex(encoded) == expected, "\(type(of: message))")
        let decoded = try type(of: message).init(xdrBytes: encoded)
        #expect(AnyHashable(decoded) == AnyHashable(message))
    }

    @Test("domain procedures report in VIR_FROM_DOMAIN, also those about NICs")
    func errorDomains() {
        #expect(RemoteProcedure.domainGetInterfaceParameters.errorDomain == .domain)
        #expect(RemoteProcedure.domainInterfaceAddresses.errorDomain == .domain)
        #expect(RemoteProcedure.connectListAllDomains.errorDomain == .domain)
        #expect(RemoteProcedure.domainUpdateDeviceFlags.refusal(readOnly: true)?.message
            == "operation forbidden: read only access prevents virDomainUpdateDeviceFlags")
        #expect(RemoteProcedure.domainGetXMLDesc.refusal(readOnly: true) == nil)
        #expect(RemoteProcedure.domainEventCallbackLifecycle.libvirtName == "REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE")
        #expect(RemoteProcedure.domainLookupByID.libvirtName == "REMOTE_PROC_DOMAIN_LOOKUP_BY_ID")
    }
}
