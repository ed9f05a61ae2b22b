import ArgumentParser

/// The `patchbay` command: virsh-like management of Patchbay, plus project tooling.
@main
struct Patchbay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchbay",
        abstract: "Manage Patchbay virtual networks.",
        subcommands: [
            NetDefineCommand.self, NetCreateCommand.self, NetStartCommand.self, NetDestroyCommand.self,
            NetUndefineCommand.self, NetAutostartCommand.self, NetListCommand.self, NetInfoCommand.self,
            NetDumpXMLCommand.self, NetUpdateCommand.self, NetPortCreateCommand.self, NetPortListCommand.self,
            NetPortDumpXMLCommand.self, NetPortDeleteCommand.self, EventCommand.self, DriftCommand.self,
            ConformanceCommand.self, XMLCommand.self,
        ]
    )

    /// virsh puts `-c URI` before the command (`virsh -c X net-list`); ArgumentParser wants
    /// options after the subcommand, so leading connection options are moved there.
    static func main() {
        main(ConnectionOptions.movingLeadingOptions(Array(CommandLine.arguments.dropFirst())))
    }
}
