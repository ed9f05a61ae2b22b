import ArgumentParser

/// The `patchbay` command: virsh-like management of Patchbay, plus project tooling.
@main
struct Patchbay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchbay",
        abstract: "Manage Patchbay virtual networks.",
        subcommands: [ConformanceCommand.self, XMLCommand.self]
    )
}
