import HostNet
import InterfaceDriver
import Logging
import NetConf
import NetCore
import NetDriver

extension HostInterfaceDriver {
    /// The daemon's interface driver: definitions and transactions beside the network definitions,
    /// the running networks' bridges out of every rollback's reach, and a transaction left pending
    /// by a crash rolled back before the sockets open.
    static func forDaemon(configDirectory: String, networks: NetworkDriver, logger: Logger) throws(PatchbayError) -> HostInterfaceDriver {
        let driver = try HostInterfaceDriver(
            configDirectory: configDirectory, host: LinuxHostInterfaces(),
            ownership: { InterfaceOwnership(names: Set(networks.list().filter(\.isActive).compactMap(\.bridge))) },
            dependents: { devices in Self.networks(of: networks, using: devices) })
        driver.onAutomaticRollback = { record in
            logger.warning("interface transaction rolled back by itself", metadata: [
                "reason": "\(record.reason.rawValue)", "age": "\(Int(record.age)) s", "undone": "\(record.undone.joined(separator: "; "))",
            ])
        }
        driver.onAutomaticRollbackFailure = { error in
            logger.error("interface transaction deadline passed but the rollback failed; it stays pending",
                         metadata: ["error": "\(error.message)"])
        }
        do {
            try driver.recover()
        } catch {
            // The transaction stays on disk and is reported; the daemon still serves networks.
            logger.error("cannot roll back the pending interface transaction", metadata: ["error": "\(error.message)"])
        }
        return driver
    }

    /// Networks whose bridge or forward device is one of `devices`.
    static func networks(of driver: NetworkDriver, using devices: Set<String>) -> [String] {
        driver.list().filter { summary in
            if let bridge = summary.bridge, devices.contains(bridge) { return true }
            guard let xml = try? driver.xml(name: summary.name, inactive: true),
                  let definition = try? NetworkDefinition.parse(xml: xml) else { return false }
            if let bridge = definition.bridge.name, devices.contains(bridge) { return true }
            return definition.forward?.pool.contains { $0.interfaceName.map(devices.contains) ?? false } ?? false
        }.map(\.name)
    }
}
