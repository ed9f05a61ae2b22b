// patchbay-nic-torture: moves one guest NIC (a persistent tap) at random between networks of
// every kind, a host bridge and a host device, on a real kernel in a namespace, so that a test
// can SIGKILL it at any instant and check that recovery ends with the NIC on exactly one
// network and the port ledger agreeing.
//
//   patchbay-nic-torture setup  CONFIG STATE NAMESPACE   networks up (the namespace holds
//                                                         pbpool0, pbpool1, pbhost0 and tap vnet0)
//   patchbay-nic-torture run    CONFIG STATE NAMESPACE SEED JOURNAL   moves until killed
//   patchbay-nic-torture verify CONFIG STATE NAMESPACE   recovery, then the invariants
//   patchbay-nic-torture cleanup CONFIG STATE NAMESPACE  NIC released, networks down
import Foundation
import Glibc
import GuestDriver
import HostNet
import NetConf
import NetCore
import NetDriver
import NetXML
import Netlink

/// The guest side of the link: nothing to do without a QEMU.
final class NoLink: GuestLinkControl {
    func setLink(alias: String, up: Bool) throws(PatchbayError) {}
}

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: patchbay-nic-torture setup|run|verify|cleanup CONFIG STATE NAMESPACE [SEED JOURNAL]\n".utf8))
    exit(2)
}
let (mode, config, state, namespace) = (arguments[1], arguments[2], arguments[3], arguments[4])
let domainUUID = (try? LibvirtUUID("3c1f6a52-9d0e-4b7a-8f21-6a0e5d4c3b2a")) ?? LibvirtUUID.random()

func interface(_ type: String, _ source: String) throws -> DomainInterface {
    let text = "<interface type='\(type)'>" + (source.isEmpty ? "" : "<source \(source)/>")
        + "<mac address='52:54:00:7e:00:01'/><model type='virtio'/><alias name='ua-net0'/></interface>"
    return try DomainInterface(xml: XMLParser.parse(text))
}

do {
    let networks = try NetworkDriver(configDirectory: config, stateDirectory: state, host: try LinuxNetworkHost(namespace: namespace))
    let attachment = try LinuxGuestNICAttachment(namespace: namespace)
    let nic = GuestNIC(domain: "torture", domainUUID: domainUUID, alias: "ua-net0", tap: try InterfaceName("vnet0"),
                       mac: try MACAddress("52:54:00:7e:00:01"), model: "virtio")
    switch mode {
    case "setup":
        for document in [
            "<network><name>iso1</name><bridge name='pbiso1' stp='off'/></network>",
            "<network><name>iso2</name><bridge name='pbiso2' stp='off'/></network>",
            "<network><name>hb</name><forward mode='bridge'/><bridge name='pbhost0'/></network>",
            "<network><name>priv</name><forward mode='private'><interface dev='pbpool0'/></forward></network>",
            "<network><name>vepa</name><forward mode='vepa'><interface dev='pbpool0'/></forward></network>",
            "<network><name>pass</name><forward mode='passthrough'><interface dev='pbpool1'/></forward></network>",
        ] { _ = try networks.create(xml: document) }
    case "run":
        let wiring = try NICWiring(stateDirectory: state, networks: networks, attachment: attachment, linkDownHoldMicroseconds: 0)
        let recovered = wiring.recover(domain: domainUUID, link: NoLink())
        let journal = open(arguments[6], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        func log(_ line: String) { _ = Array((line + "\n").utf8).withUnsafeBytes { write(journal, $0.baseAddress, $0.count) } }
        log("RECOVERED \(recovered.problems.count)")
        let destinations = [
            try interface("network", "network='iso1'"), try interface("network", "network='iso2'"),
            try interface("network", "network='hb'"), try interface("network", "network='priv'"),
            try interface("network", "network='vepa'"), try interface("network", "network='pass'"),
            try interface("bridge", "bridge='pbhost0'"), try interface("direct", "dev='pbpool1' mode='bridge'"),
            try interface("null", ""),
        ]
        var generator = SystemRandomNumberGenerator()
        var step = 0
        while true {
            let destination = destinations[Int.random(in: 0..<destinations.count, using: &generator)]
            log("BEGIN \(step)")
            do throws(PatchbayError) {
                try wiring.apply(destination, to: nic, link: NoLink())
                log("ACK \(step)")
            } catch {
                log("FAIL \(step) \(error.message)")
            }
            step += 1
        }
    case "verify":
        let wiring = try NICWiring(stateDirectory: state, networks: networks, attachment: attachment, linkDownHoldMicroseconds: 0)
        let recovered = wiring.recover(domain: domainUUID, link: NoLink())
        var problems = recovered.problems
        let record = recovered.records.first
        var owned: [String: [LibvirtUUID]] = [:]
        for summary in networks.list() where summary.isActive {
            let ports = try networks.ports(network: summary.name).filter { $0.owner.uuid == domainUUID }.map(\.uuid)
            if !ports.isEmpty { owned[summary.name] = ports }
        }
        var expected: [String: [LibvirtUUID]] = [:]
        if let record, let name = record.current.connection.networkName, let port = record.current.port { expected[name] = [port] }
        if owned != expected { problems.append("ports \(owned) but the NIC record says \(expected)") }
        if let record {
            if record.pending != nil { problems.append("a change is still pending after recovery") }
            if record.current.connection.isPlugged && record.current.attachment == nil { problems.append("plugged without an attachment") }
            do throws(PatchbayError) {
                try attachment.verify(tap: nic.tap, record.current.attachment, bandwidth: record.current.bandwidth)
            } catch {
                problems.append(error.message)
            }
        }
        let links = try Rtnetlink(namespace: namespace)
        let macvlans = try links.links().filter { $0.kind == "macvlan" }.map(\.name)
        let wanted = record?.current.attachment?.macvlan.map { [$0.value] } ?? []
        if macvlans != wanted { problems.append("macvlans \(macvlans), expected \(wanted)") }
        let passthru = record?.current.attachment?.target == .direct(lower: try InterfaceName("pbpool1"), mode: .passthrough)
        if !passthru, try links.link(named: InterfaceName("pbpool1"))?.mac == nic.mac { problems.append("pbpool1 kept the guest's MAC") }
        for problem in problems { print("INVARIANT: \(problem)") }
        print("verified: \(record.map { "\($0.current.connection)" } ?? "no record"), \(problems.count) problems")
        exit(problems.isEmpty ? 0 : 1)
    case "cleanup":
        let wiring = try NICWiring(stateDirectory: state, networks: networks, attachment: attachment, linkDownHoldMicroseconds: 0)
        try wiring.releaseAll(domain: domainUUID)
        for summary in networks.list() where summary.isActive { try networks.destroy(name: summary.name) }
    default:
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("patchbay-nic-torture: \(error)\n".utf8))
    exit(3)
}
