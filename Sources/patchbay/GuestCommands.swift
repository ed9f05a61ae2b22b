import ArgumentParser
import NetCore
import PatchbayClient
import RemoteProtocol

extension ConnectionOptions {
    /// virtqemud's socket: `--connect` when it names one, else the `virtqemud-sock` (or `-ro`)
    /// beside the network socket it names, so one `-c DIR/virtnetworkd-sock` serves every command.
    var guestSocketPath: String {
        let path = socketPath
        guard let slash = path.lastIndex(of: "/") else { return path }
        let name = path[path.index(after: slash)...]
        guard name.hasPrefix("virtnetworkd-sock") else { return path }
        return path[...slash] + "virtqemud-sock" + name.dropFirst("virtnetworkd-sock".count)
    }

    /// Connects to virtqemud, runs `body`, closes; failures print as virsh does and exit 1.
    func runGuests(_ body: (DomainClient) throws(PatchbayError) -> Void) throws {
        try connected({ () throws(PatchbayError) in try DomainClient(socketPath: guestSocketPath, readOnly: readonly) },
                      close: { $0.close() }, body)
    }

    /// Connects to virtqemud, looks the guest `name` up and runs `body` on it; a guest that does
    /// not exist fails as virsh's lookup does.
    func runOnGuest(_ name: String, _ body: (DomainClient, DomainReference) throws(PatchbayError) -> Void) throws {
        try runGuests { client throws(PatchbayError) in try body(client, try client.lookup(name)) }
    }
}

/// `guest-list`
struct GuestListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "guest-list", abstract: "List guests, running or not.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.runGuests { client throws(PatchbayError) in
            var table = TextTable("Id", "Name", "State", "Autostart", "Persistent")
            for guest in try client.list() {
                table.add([guest.reference.id == -1 ? "-" : String(guest.reference.id), guest.reference.name, guest.stateName,
                           guest.autostart ? "yes" : "no", guest.persistent ? "yes" : "no"])
            }
            print(table.rendered)
        }
    }
}

/// `guest-define FILE`
struct GuestDefineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "guest-define", abstract: "Define a guest from libvirt domain XML.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain XML file.") var file: String

    func run() throws {
        try connection.runGuests { client throws(PatchbayError) in
            let guest = try client.define(xml: try readArgumentFile(file))
            print("Domain '\(guest.name)' defined from \(file)\n")
        }
    }
}

/// `guest-start NAME [--paused]`
struct GuestStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "guest-start", abstract: "Start a defined guest.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Guest name.") var guest: String
    @Flag(help: "Leave the guest paused after it starts.") var paused = false

    func run() throws {
        try connection.runOnGuest(guest) { client, domain throws(PatchbayError) in
            _ = try client.start(domain, paused: paused)
            print("Domain '\(guest)' started\n")
        }
    }
}

/// `guest-destroy NAME`
struct GuestDestroyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "guest-destroy", abstract: "Stop a guest at once (kill QEMU).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Guest name.") var guest: String

    func run() throws {
        try connection.runOnGuest(guest) { client, domain throws(PatchbayError) in
            try client.destroy(domain)
            print("Domain '\(guest)' destroyed\n")
        }
    }
}

/// `guest-shutdown NAME`
struct GuestShutdownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "guest-shutdown", abstract: "Press the guest's power button.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Guest name.") var guest: String

    func run() throws {
        try connection.runOnGuest(guest) { client, domain throws(PatchbayError) in
            try client.shutdown(domain)
            print("Domain '\(guest)' is being shutdown\n")
        }
    }
}

/// `guest-undefine NAME`
struct GuestUndefineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "guest-undefine", abstract: "Remove a guest's persistent definition.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Guest name.") var guest: String

    func run() throws {
        try connection.runOnGuest(guest) { client, domain throws(PatchbayError) in
            try client.undefine(domain)
            print("Domain '\(guest)' has been undefined\n")
        }
    }
}

/// `guest-dumpxml NAME [--inactive]`
struct GuestDumpXMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "guest-dumpxml", abstract: "Print a guest's domain XML.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Guest name.") var guest: String
    @Flag(help: "The persistent definition instead of the live one.") var inactive = false

    func run() throws {
        try connection.runOnGuest(guest) { client, domain throws(PatchbayError) in
            print(try client.xml(domain, inactive: inactive))
        }
    }
}

/// `guest-update-device NAME FILE [--live] [--config]`: plug, unplug, move or retune a NIC.
struct GuestUpdateDeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guest-update-device",
        abstract: "Bring a NIC to the state an <interface> document describes.",
        discussion: """
            The NIC is the one with the document's MAC. <interface type='null'> unplugs it; any
            connected type plugs it, or moves it there from wherever it is, while the guest runs.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Guest name.") var guest: String
    @Argument(help: "<interface> XML file.") var file: String
    @Flag(help: "Change the running guest.") var live = false
    @Flag(help: "Change the persistent definition.") var config = false

    func run() throws {
        try connection.runOnGuest(guest) { client, domain throws(PatchbayError) in
            let flags: UInt32 = (live ? 1 : 0) | (config ? 2 : 0)
            try client.updateDevice(domain, xml: try readArgumentFile(file), flags: flags)
            print("Device updated successfully\n")
        }
    }
}

/// `guest-ifaddr NAME`
struct GuestInterfaceAddressesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "guest-ifaddr",
                                                    abstract: "Show the addresses a guest's NICs leased from Patchbay networks.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Guest name.") var guest: String

    func run() throws {
        try connection.runOnGuest(guest) { client, domain throws(PatchbayError) in
            var table = TextTable("Name", "MAC address", "Protocol", "Address")
            for nic in try client.interfaceAddresses(domain) {
                for address in nic.addresses {
                    table.add([nic.name, nic.hardwareAddress ?? "-", address.type == 0 ? "ipv4" : "ipv6",
                               "\(address.address)/\(address.prefix)"])
                }
            }
            print(table.rendered)
        }
    }
}
