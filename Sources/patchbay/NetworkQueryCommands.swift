import ArgumentParser
import NetCore
import PatchbayClient

/// A network in `--json` output.
struct NetworkJSON: Encodable {
    let name: String
    let uuid: String
    let active: Bool
    let persistent: Bool
    let autostart: Bool
    let bridge: String?

    init(_ status: NetworkStatus) {
        name = status.name
        uuid = status.uuid.description
        active = status.active
        persistent = status.persistent
        autostart = status.autostart
        bridge = status.bridge
    }
}

/// `net-list [--all] [--json]`
struct NetListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-list", abstract: "List networks (active ones unless --all).")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Inactive networks too.") var all = false
    @Flag(help: "JSON for scripts.") var json = false

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            // VIR_CONNECT_LIST_NETWORKS_ACTIVE unless --all, as virsh.
            let networks = try client.list(flags: all ? 0 : 2)
            var statuses: [NetworkStatus] = []
            for network in networks { statuses.append(try client.status(network)) }
            if json { return printJSON(statuses.map(NetworkJSON.init)) }
            var table = TextTable("Name", "State", "Autostart", "Persistent")
            for status in statuses {
                table.add([status.name, status.active ? "active" : "inactive", status.autostart ? "yes" : "no",
                           status.persistent ? "yes" : "no"])
            }
            print(table.rendered)
        }
    }
}

/// `net-info NAME [--json]`
struct NetInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-info", abstract: "Show a network's state.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String
    @Flag(help: "JSON for scripts.") var json = false

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let status = try client.status(try client.lookup(network))
            if json { return printJSON(NetworkJSON(status)) }
            func row(_ label: String, _ value: String) { print((label + ":").padding(toLength: 16, withPad: " ", startingAt: 0) + value) }
            row("Name", status.name)
            row("UUID", status.uuid.description)
            row("Active", status.active ? "yes" : "no")
            row("Persistent", status.persistent ? "yes" : "no")
            row("Autostart", status.autostart ? "yes" : "no")
            if let bridge = status.bridge { row("Bridge", bridge) }
            print("")
        }
    }
}

/// `net-dumpxml NAME [--inactive]`
struct NetDumpXMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-dumpxml", abstract: "Print a network's XML.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String
    @Flag(help: "The persistent definition rather than the live one.") var inactive = false

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            print(try client.xml(try client.lookup(network), inactive: inactive), terminator: "")
        }
    }
}

/// `net-update NAME COMMAND SECTION FILE [--live] [--config] [--parent-index N]`
struct NetUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-update", abstract: "Change one part of a network's definition.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String
    @Argument(help: "add, add-first, add-last, delete or modify.") var command: String
    @Argument(help: "bridge, domain, ip, ip-dhcp-host, ip-dhcp-range, forward, forward-interface, forward-pf, portgroup, dns-host, dns-txt, dns-srv.")
    var section: String
    @Argument(help: "XML file, or the XML itself.") var xml: String
    @Flag(help: "Change the running network.") var live = false
    @Flag(help: "Change the persistent definition.") var config = false
    @Option(help: "Index of the parent element (e.g. which <ip>).") var parentIndex: Int32 = -1

    static let commands: [String: UInt32] = ["modify": 1, "delete": 2, "add": 3, "add-last": 3, "add-first": 4]
    static let sections = ["bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward", "forward-interface",
                           "forward-pf", "portgroup", "dns-host", "dns-txt", "dns-srv"]

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            guard let commandCode = Self.commands[command] else {
                throw PatchbayError(.invalidArg, "unrecognized command name '\(command)'", domain: .none)
            }
            guard let sectionIndex = Self.sections.firstIndex(of: section) else {
                throw PatchbayError(.invalidArg, "unrecognized section name '\(section)'", domain: .none)
            }
            let text = xml.hasPrefix("<") ? xml : try readArgumentFile(xml)
            let flags: UInt32 = (live ? 1 : 0) | (config ? 2 : 0)
            try client.update(try client.lookup(network), command: commandCode, section: UInt32(sectionIndex + 1),
                              parentIndex: parentIndex, xml: text, flags: flags)
            let scope = live && config ? "persistent config and live state" : live ? "live state" : config ? "persistent config" : ""
            print(scope.isEmpty ? "Updated network \(network)\n" : "Updated network \(network) \(scope)\n")
        }
    }
}
