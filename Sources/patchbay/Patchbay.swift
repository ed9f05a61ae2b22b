import ArgumentParser
import NetCore

/// The `patchbay` command: virsh-like management of Patchbay, plus project tooling.
@main
struct Patchbay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchbay",
        abstract: "Manage Patchbay virtual networks.",
        usage: "patchbay [-c <connect>] [-r] <subcommand> [<options>]",
        discussion: """
            The daemon subcommands reach patchbayd through these options, given
            before the subcommand (as with virsh) or after it:
              -c, --connect <connect>  patchbayd's socket, or a libvirt URI such as
                                       network:///system?socket=PATH
                                       (default: /run/libvirt/virtnetworkd-sock)
              -r, --readonly           open the connection read-only
            """,
        version: PatchbayVersion.description,
        groupedSubcommands: [
            CommandGroup(name: "Daemon", subcommands: [
                NetDefineCommand.self, NetCreateCommand.self, NetStartCommand.self, NetDestroyCommand.self,
                NetUndefineCommand.self, NetAutostartCommand.self, NetListCommand.self, NetInfoCommand.self,
                NetDumpXMLCommand.self, NetUpdateCommand.self, NetPortCreateCommand.self, NetPortListCommand.self,
                NetPortDumpXMLCommand.self, NetPortDeleteCommand.self, EventCommand.self, DriftCommand.self,
            ]),
            CommandGroup(name: "Guests (virtqemud-sock beside the network socket)", subcommands: [
                GuestListCommand.self, GuestDefineCommand.self, GuestStartCommand.self, GuestDestroyCommand.self,
                GuestShutdownCommand.self, GuestUndefineCommand.self, GuestDumpXMLCommand.self, GuestUpdateDeviceCommand.self,
                GuestInterfaceAddressesCommand.self,
            ]),
            CommandGroup(name: "Host interfaces", subcommands: [
                InterfaceBeginCommand.self, InterfaceCommitCommand.self, InterfaceRollbackCommand.self, InterfaceStatusCommand.self,
            ]),
            CommandGroup(name: "Offline", subcommands: [ConformanceCommand.self, XMLCommand.self]),
        ]
    )

    /// virsh puts `-c URI` before the command (`virsh -c X net-list`); ArgumentParser wants
    /// options after the subcommand, so leading connection options are moved there.
    static func main() {
        main(ConnectionOptions.movingLeadingOptions(Array(CommandLine.arguments.dropFirst())))
    }
}
