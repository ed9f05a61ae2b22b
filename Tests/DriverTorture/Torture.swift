import Foundation
import NetConf
import NetCore
import NetDriver
import TestSupport

/// The networks the torture run plays with: one with its own bridge, bandwidth and DHCP (ports
/// get floors), one direct pool, one routed network.
enum TortureNetworks {
    static let names = ["tn0", "tn1", "tn2"]

    static func xml(_ name: String) -> String {
        switch name {
        case "tn0":
            return """
            <network><name>tn0</name><uuid>7a1c0000-0000-4000-8000-000000000000</uuid><bridge name='pbtn0'/>
              <bandwidth><inbound average='100000'/></bandwidth>
              <ip address='10.230.0.1' prefix='24'><dhcp><range start='10.230.0.10' end='10.230.0.200'/></dhcp></ip>
            </network>
            """
        case "tn1":
            return "<network><name>tn1</name><uuid>7a1c0000-0000-4000-8000-000000000001</uuid><forward mode='private'><interface dev='pbtpool1'/><interface dev='pbtpool2'/></forward></network>"
        default:
            return "<network><name>tn2</name><uuid>7a1c0000-0000-4000-8000-000000000002</uuid><bridge name='pbtn2'/><forward mode='route'/><ip address='10.231.0.1' prefix='24'/></network>"
        }
    }
}

extension NetworkDefinition {
    /// The torture run's definition of `name`.
    static func tortureDefinition(_ name: String) -> NetworkDefinition {
        (try? NetworkDefinition.parse(xml: TortureNetworks.xml(name))) ?? NetworkDefinition(name: name)
    }
}

/// One random operation after another, each journaled before and after.
struct Torture {
    let driver: NetworkDriver
    let journal: Journal
    var random: SplitMix64

    init(driver: NetworkDriver, journal: Journal, seed: UInt64) {
        self.driver = driver
        self.journal = journal
        random = SplitMix64(seed: seed ^ UInt64(getpid()) << 32)
    }

    mutating func step() {
        if Int.random(in: 0..<200, using: &random) == 0 {
            // A clean stop, as patchbayd's: the restart snapshot, then exit; the next run starts
            // from it, and later runs are killed on top of it.
            try? driver.saveRestartSnapshot()
            exit(0)
        }
        let network = TortureNetworks.names[Int.random(in: 0..<3, using: &random)]
        let roll = Int.random(in: 0..<100, using: &random)
        switch roll {
        case 0..<40:
            let uuid = LibvirtUUID.random()
            let mac = String(format: "52:54:00:%02x:%02x:%02x", UInt8.random(in: 0...255, using: &random),
                             UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random))
            let floor = network == "tn0" && Bool.random(using: &random) ? "<bandwidth><inbound average='1000' floor='10'/></bandwidth>" : ""
            let xml = """
            <networkport><uuid>\(uuid)</uuid><owner><name>g</name><uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid></owner>
            <mac address='\(mac)'/>\(floor)</networkport>
            """
            perform("port-create \(network) \(uuid)") { _ = try driver.createPort(network: network, xml: xml) }
        case 40..<70:
            guard let ports = try? driver.ports(network: network), !ports.isEmpty else { return }
            let port = ports[Int.random(in: 0..<ports.count, using: &random)]
            perform("port-delete \(network) \(port.uuid)") { try driver.deletePort(network: network, port: port.uuid) }
        case 70..<78:
            perform("define \(network)") { _ = try driver.define(xml: TortureNetworks.xml(network)) }
        case 78..<88:
            perform("start \(network)") { try driver.start(name: network) }
        case 88..<95:
            perform("destroy \(network)") { try driver.destroy(name: network) }
        default:
            perform("undefine \(network)") { try driver.undefine(name: network) }
        }
    }

    private func perform(_ operation: String, _ body: () throws -> Void) {
        journal.append("BEGIN \(operation)")
        do {
            try body()
            journal.append("ACK \(operation)")
        } catch {
            journal.append("FAIL \(operation)")
        }
    }
}
