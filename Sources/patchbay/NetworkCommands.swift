import ArgumentParser
import NetCore
import PatchbayClient

/// `net-define FILE`
struct NetDefineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-define", abstract: "Define a persistent network from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network XML file.") var file: String

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let network = try client.define(xml: try readArgumentFile(file))
            print("Network \(network.name) defined from \(file)\n")
        }
    }
}

/// `net-create FILE`
struct NetCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-create", abstract: "Create and start a transient network.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network XML file.") var file: String

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            let network = try client.create(xml: try readArgumentFile(file))
            print("Network \(network.name) created from \(file)\n")
        }
    }
}

/// `net-start NAME`
struct NetStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-start", abstract: "Start a defined network.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            try client.start(try client.lookup(network))
            print("Network \(network) started\n")
        }
    }
}

/// `net-destroy NAME`
struct NetDestroyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-destroy", abstract: "Stop a network.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            try client.destroy(try client.lookup(network))
            print("Network \(network) destroyed\n")
        }
    }
}

/// `net-undefine NAME`
struct NetUndefineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-undefine", abstract: "Remove a network's persistent definition.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            try client.undefine(try client.lookup(network))
            print("Network \(network) has been undefined\n")
        }
    }
}

/// `net-autostart NAME [--disable]`
struct NetAutostartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "net-autostart", abstract: "Start a network with the daemon.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network name.") var network: String
    @Flag(help: "Do not start it with the daemon.") var disable = false

    func run() throws {
        try connection.run { client throws(PatchbayError) in
            try client.setAutostart(try client.lookup(network), !disable)
            print(disable ? "Network \(network) unmarked as autostarted\n" : "Network \(network) marked as autostarted\n")
        }
    }
}
