import Foundation
import NetCore
import NetDriver

/// Replays the journal into what must be true after recovery, then compares with the driver.
struct Verifier {
    let driver: NetworkDriver
    let journal: [String]
    let host: TortureHost
    let stateDirectory: String

    /// What the acknowledged operations say about ports.
    struct Model {
        /// Ports whose creation was acknowledged and that nothing since may have removed.
        var alive: [String: String] = [:]
        /// Ports whose deletion was acknowledged.
        var deleted: Set<String> = []
        /// Ports whose fate depends on an interrupted operation.
        var uncertain: Set<String> = []
    }

    func model() -> Model {
        var model = Model()
        var pending: [Substring]?
        func apply(_ words: [Substring], certain: Bool) {
            guard let verb = words.first else { return }
            let network = words.count > 1 ? String(words[1]) : ""
            let port = words.count > 2 ? String(words[2]) : ""
            switch verb {
            case "port-create":
                if certain { model.alive[port] = network } else { model.uncertain.insert(port) }
            case "port-delete":
                model.alive[port] = nil
                if certain { model.deleted.insert(port) } else { model.uncertain.insert(port) }
            case "destroy":
                // Ports of a destroyed network go with it (or may have, if the destroy was cut short).
                for (uuid, owner) in model.alive where owner == network {
                    model.alive[uuid] = nil
                    if !certain { model.uncertain.insert(uuid) }
                }
            default:
                break
            }
        }
        for line in journal {
            let words = line.split(separator: " ")
            guard let kind = words.first else { continue }
            let operation = Array(words.dropFirst())
            switch kind {
            case "BEGIN":
                if let interrupted = pending { apply(interrupted, certain: false) }
                pending = operation
            case "ACK":
                pending = nil
                apply(operation, certain: true)
            default:
                pending = nil
            }
        }
        if let interrupted = pending { apply(interrupted, certain: false) }
        return model
    }

    func check() throws -> [String] {
        var problems: [String] = []
        let model = model()
        var existing: [String: String] = [:]
        for summary in driver.list(.active) {
            for port in try driver.ports(network: summary.name) { existing[port.uuid.description] = summary.name }
            // Usage counts must equal a recount of the port files.
            let live = try driver.xml(name: summary.name)
            let ports = try driver.ports(network: summary.name)
            if !live.contains("<network connections='\(ports.count)'>") && !(ports.isEmpty && live.hasPrefix("<network>")) {
                problems.append("network \(summary.name): connections in live XML do not match \(ports.count) ports")
            }
            for device in ["pbtpool1", "pbtpool2"] where summary.name == "tn1" {
                let users = ports.filter { if case .direct(let direct) = $0.plug { direct.device == device } else { false } }.count
                let expected = users == 0 ? "<interface dev='\(device)'/>" : "<interface dev='\(device)' connections='\(users)'/>"
                if !live.contains(expected) { problems.append("network tn1: pool count of \(device) is not \(users)") }
            }
        }
        for (uuid, network) in model.alive where existing[uuid] == nil && !model.uncertain.contains(uuid) {
            problems.append("acknowledged port \(uuid) on \(network) is missing")
        }
        for uuid in model.deleted where existing[uuid] != nil {
            problems.append("deleted port \(uuid) exists")
        }
        for (uuid, network) in existing where model.alive[uuid] == nil && !model.uncertain.contains(uuid) {
            problems.append("port \(uuid) on \(network) exists without an acknowledged creation")
        }
        problems += host.ownerlessKernelObjects(active: driver.list(.active).map(\.name), stateDirectory: stateDirectory)
        return problems
    }
}
