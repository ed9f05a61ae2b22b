import ArgumentParser
import NetCore
import PatchbayClient

/// `net-port-create NET FILE`
struct NetPortCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-port-create", abstract: "Create a port on a running network.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String
    @Argument(help: "Port XML file.") var file: String

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let port = try client.createPort(try client.lookup(network), xml: try readArgumentFile(file))
            print("Network port \(port.uuid) created from \(file)\n")
        }
    }
}

/// `net-port-list NET [--json]`
struct NetPortListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-port-list", abstract: "List a network's ports.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String
    @Flag(help: "JSON for scripts.") var json = false

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let ports = try client.ports(try client.lookup(network))
            if json { return printJSON(ports.map { ["uuid": $0.uuid.description, "network": $0.network.name] }) }
            var table = TextTable("UUID")
            for port in ports { table.add([port.uuid.description]) }
            print(table.rendered)
        }
    }
}

/// `net-port-dumpxml NET UUID`
struct NetPortDumpXMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-port-dumpxml", abstract: "Print a port's XML.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String
    @Argument(help: "Port UUID.") var uuid: String

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let port = try client.port(try client.lookup(network), uuid: try parseUUID(uuid))
            print(try client.portXML(port), terminator: "")
        }
    }
}

/// `net-port-delete NET UUID`
struct NetPortDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-port-delete", abstract: "Delete a port.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String
    @Argument(help: "Port UUID.") var uuid: String

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let port = try client.port(try client.lookup(network), uuid: try parseUUID(uuid))
            try client.deletePort(port)
            print("Network port \(port.uuid) deleted\n")
        }
    }
}
