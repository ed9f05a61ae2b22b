import HostOS
import NetCore

/// The guest driver's files, all written atomically:
/// config: `qemu/STEM.xml` (persistent definitions), `qemu/autostart/STEM` (marks);
/// state: `qemu/STEM.xml` (live definition), `qemu/STEM.run` (runtime record), `qemu/run/UUID.*`
/// (QMP socket, pid file, QEMU's log).
///
/// The stem is the network driver's file-name rule (`NetworkFileName`): any name libvirt accepts
/// maps to one safe directory entry.
struct GuestStore: Sendable {
    let configDirectory: String
    let stateDirectory: String

    init(configDirectory: String, stateDirectory: String) throws(PatchbayError) {
        self.configDirectory = configDirectory + "/qemu"
        self.stateDirectory = stateDirectory + "/qemu"
        for directory in [configDirectory, self.configDirectory, "\(self.configDirectory)/autostart",
                          stateDirectory, self.stateDirectory, "\(self.stateDirectory)/run"] {
            try AtomicFile.makeDirectory(directory)
        }
    }

    static func stem(_ name: String) -> String { NetworkFileName(networkName: name).stem }

    func definitionPath(_ name: String) -> String { "\(configDirectory)/\(Self.stem(name)).xml" }
    func autostartPath(_ name: String) -> String { "\(configDirectory)/autostart/\(Self.stem(name))" }
    func livePath(_ name: String) -> String { "\(stateDirectory)/\(Self.stem(name)).xml" }
    func runtimePath(_ name: String) -> String { "\(stateDirectory)/\(Self.stem(name)).run" }
    /// Per-run files are named by UUID: short enough for a socket path (108 bytes).
    func runFile(_ uuid: LibvirtUUID, _ suffix: String) -> String { "\(stateDirectory)/run/\(uuid).\(suffix)" }

    func saveDefinition(_ xml: String, name: String) throws(PatchbayError) { try AtomicFile.write(xml, to: definitionPath(name), mode: 0o600) }
    func removeDefinition(_ name: String) throws(PatchbayError) {
        try AtomicFile.remove(autostartPath(name))
        try AtomicFile.remove(definitionPath(name))
    }
    func setAutostart(_ name: String, _ on: Bool) throws(PatchbayError) {
        if on { try AtomicFile.write("", to: autostartPath(name)) } else { try AtomicFile.remove(autostartPath(name)) }
    }
    func isAutostart(_ name: String) -> Bool { AtomicFile.read(autostartPath(name)) != nil }

    func saveLive(_ xml: String, name: String) throws(PatchbayError) { try AtomicFile.write(xml, to: livePath(name), mode: 0o600) }
    func saveRuntime(_ record: GuestRuntimeRecord) throws(PatchbayError) {
        try AtomicFile.write(record.encoded, to: runtimePath(record.name), mode: 0o600)
    }
    /// Removes a run's files; the runtime record goes last, so a crash in between is found again.
    func removeRun(_ record: GuestRuntimeRecord) throws(PatchbayError) {
        for suffix in ["qmp", "pid"] { try AtomicFile.remove(runFile(record.uuid, suffix)) }
        try AtomicFile.remove(livePath(record.name))
        try AtomicFile.remove(runtimePath(record.name))
    }

    /// Stored persistent definitions (text), by file.
    func definitions() -> [String] {
        AtomicFile.list(configDirectory, suffix: ".xml").compactMap { AtomicFile.readText("\(configDirectory)/\($0)") }
    }
    /// Runtime records with their live definitions.
    func runs() -> [(record: GuestRuntimeRecord, live: String?)] {
        AtomicFile.list(stateDirectory, suffix: ".run").compactMap { file in
            guard let text = AtomicFile.readText("\(stateDirectory)/\(file)"),
                  let record = try? GuestRuntimeRecord(decoding: text) else { return nil }
            return (record, AtomicFile.readText(livePath(record.name)))
        }
    }
}
