import Dispatch
import HostOS
import NetConf
import NetCore
import NetXML

/// Where an active network's host configuration stands.
public enum StatusPhase: String, Sendable {
    /// Fully configured.
    case running
    /// `start` was under way.
    case starting
    /// `destroy` was under way.
    case stopping
}

/// The config and state directories (DESIGN.md "State and recovery").
///
/// config: `networks/STEM.xml` (persistent definitions), `autostart/STEM` (marks).
/// state:  `networks/STEM.xml` (`<networkstatus>`: runtime + live definition of active networks),
///         `ports/NETWORK-UUID/PORT-UUID.xml` (one file per port: the resolved binding),
///         `host/STEM/` (the network's host files, dnsmasq's).
/// STEM is the network's `NetworkFileName`: every name on disk comes from it, so no network name
/// can address `.`, `..`, a hidden or temporary file or anything outside its directory.
public struct DriverStore: Sendable {
    /// Persistent definitions live here.
    public let configDirectory: String
    /// Live state lives here.
    public let stateDirectory: String

    /// A store over the two directories (created when missing).
    public init(configDirectory: String, stateDirectory: String) throws(PatchbayError) {
        self.configDirectory = configDirectory
        self.stateDirectory = stateDirectory
        for directory in ["\(configDirectory)/networks", "\(configDirectory)/autostart", "\(stateDirectory)/networks", "\(stateDirectory)/ports"] {
            try AtomicFile.makeDirectory(directory, mode: 0o700)
        }
        removeInterruptedWrites()
    }

    /// Deletes temporary files left by writes that a crash interrupted (the target file still
    /// holds its previous content, so nothing is lost).
    private func removeInterruptedWrites() {
        var directories = ["\(configDirectory)/networks", "\(configDirectory)/autostart", "\(stateDirectory)/networks"]
        directories += AtomicFile.list("\(stateDirectory)/ports").map { "\(stateDirectory)/ports/\($0)" }
        for directory in directories {
            AtomicFile.discardInterruptedWrites(in: directory)
        }
    }

    // MARK: config

    /// Saves a persistent definition.
    public func saveConfig(_ network: NetworkDefinition) throws(PatchbayError) {
        try AtomicFile.write(network.formatXML(inactive: true), to: configPath(network.name))
    }

    /// Removes a persistent definition and its autostart mark.
    public func deleteConfig(_ name: String) throws(PatchbayError) {
        try AtomicFile.remove(autostartPath(name))
        try AtomicFile.remove(configPath(name))
    }

    /// Every persistent definition (unreadable files are reported, not fatal). A definition found
    /// under another file name than its network's stem (written before names were escaped) is
    /// moved to its stem, with its autostart mark, so later writes and removals find it.
    public func loadConfigs() -> (networks: [NetworkDefinition], problems: [String]) {
        let directory = "\(configDirectory)/networks"
        let paths = AtomicFile.list(directory, suffix: ".xml").map { "\(directory)/\($0)" }
        let (parsed, problems) = Self.parseAll(paths: paths) { text throws(PatchbayError) in
            try NetworkDefinition.parse(xml: text)
        }
        var moveProblems: [String] = []
        for (index, network) in parsed where paths[index] != configPath(network.name) {
            let oldStem = Self.stem(ofFile: paths[index], suffix: ".xml")
            if let problem = Self.move(paths[index], to: configPath(network.name)) { moveProblems.append(problem); continue }
            _ = Self.move("\(configDirectory)/autostart/\(oldStem)", to: autostartPath(network.name))
        }
        return (parsed.map(\.1), problems + moveProblems)
    }

    /// Sets or clears the autostart mark.
    public func setAutostart(_ name: String, _ on: Bool) throws(PatchbayError) {
        if on { try AtomicFile.write("", to: autostartPath(name)) } else { try AtomicFile.remove(autostartPath(name)) }
    }

    /// Those of `names` that are marked for autostart (one directory read for all of them).
    public func autostartNames(among names: [String]) -> Set<String> {
        let marks = Set(AtomicFile.list("\(configDirectory)/autostart"))
        return Set(names.filter { marks.contains(NetworkFileName(networkName: $0).stem) })
    }

    /// The directory for the host files (dnsmasq's) of the network called `name`.
    public func hostDirectory(_ name: String) -> String {
        "\(stateDirectory)/host/\(NetworkFileName(networkName: name).stem)"
    }

    // MARK: state

    /// Records an active network's live definition and runtime. `phase` is `starting` or
    /// `stopping` while the host is being changed, so a crash in between is recognised on restart.
    public func saveStatus(_ network: NetworkDefinition, runtime: NetworkRuntime, phase: StatusPhase = .running) throws(PatchbayError) {
        var root = XMLElement("networkstatus", attributes: phase == .running ? [] : [("phase", phase.rawValue)])
        root.append(runtime.xml)
        root.append(network.xml(inactive: false))
        try AtomicFile.write(XMLWriter.document(root), to: statusPath(network.name))
    }

    /// Forgets an active network's status.
    public func deleteStatus(_ name: String) throws(PatchbayError) {
        try AtomicFile.remove(statusPath(name))
    }

    /// Every recorded active network. A status found under another file name than its network's
    /// stem (written before names were escaped) is moved to its stem, like a definition. (The
    /// host directory of a network that was running across such an upgrade is not moved: its
    /// dnsmasq keeps the old paths on its command line.)
    public func loadStatuses() -> (networks: [(NetworkDefinition, NetworkRuntime, StatusPhase)], problems: [String]) {
        let directory = "\(stateDirectory)/networks"
        let paths = AtomicFile.list(directory, suffix: ".xml").map { "\(directory)/\($0)" }
        let (found, problems) = Self.parseAll(paths: paths) { text throws(PatchbayError) in
            let root = try XMLParser.parse(text)
            guard let network = root.element("network") else { throw .internalError("no <network> in status file") }
            let phase = root.attribute("phase").flatMap(StatusPhase.init(rawValue:)) ?? .running
            return (try NetworkDefinition.parse(element: network), NetworkRuntime(xml: root.element("runtime") ?? XMLElement("runtime")), phase)
        }
        var moveProblems: [String] = []
        for (index, status) in found where paths[index] != statusPath(status.0.name) {
            if let problem = Self.move(paths[index], to: statusPath(status.0.name)) { moveProblems.append(problem) }
        }
        return (found.map(\.1), problems + moveProblems)
    }

    private func configPath(_ name: String) -> String {
        "\(configDirectory)/networks/\(NetworkFileName(networkName: name).appending(".xml"))"
    }

    private func autostartPath(_ name: String) -> String {
        "\(configDirectory)/autostart/\(NetworkFileName(networkName: name).stem)"
    }

    private func statusPath(_ name: String) -> String {
        "\(stateDirectory)/networks/\(NetworkFileName(networkName: name).appending(".xml"))"
    }

    /// The file name of `path` without its directory and `suffix`.
    private static func stem(ofFile path: String, suffix: String) -> String {
        let file = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        return file.hasSuffix(suffix) ? String(file.dropLast(suffix.count)) : file
    }

    /// Renames `source` to `target` unless `target` exists (then both stay, and the clash is
    /// reported); nil when done or when there was nothing to move.
    private static func move(_ source: String, to target: String) -> String? {
        AtomicFile.moveUnlessTaken(source, to: target)
    }

    /// Writes a port's file (before any kernel object for it exists).
    public func savePort(_ port: NetworkPortDefinition, network: LibvirtUUID) throws(PatchbayError) {
        try AtomicFile.write(port.formatXML(), to: portPath(port.uuid, network: network))
    }

    /// Removes a port's file (after its last kernel object is gone).
    public func deletePort(_ uuid: LibvirtUUID, network: LibvirtUUID) throws(PatchbayError) {
        try AtomicFile.remove(portPath(uuid, network: network))
    }

    /// Every port file of a network.
    public func loadPorts(network: LibvirtUUID) -> (ports: [NetworkPortDefinition], problems: [String]) {
        let (ports, problems) = loadPorts(networks: [network])
        return (ports[network] ?? [], problems)
    }

    /// The port files of several networks, parsed together on all cores (one batch for the
    /// whole restart rather than one per network).
    public func loadPorts(networks: [LibvirtUUID]) -> (ports: [LibvirtUUID: [NetworkPortDefinition]], problems: [String]) {
        loadPorts(networks: networks, snapshot: nil)
    }

    /// The ports of several networks: from the restart snapshot where its entry is still current
    /// (see `RestartSnapshot`), from the port files for the rest.
    func loadPorts(networks: [LibvirtUUID], snapshot: RestartSnapshot?) -> (ports: [LibvirtUUID: [NetworkPortDefinition]], problems: [String]) {
        var ports: [LibvirtUUID: [NetworkPortDefinition]] = [:]
        var fromFiles = networks
        if let snapshot, !snapshot.entries.isEmpty {
            fromFiles = []
            var current: [(network: LibvirtUUID, entry: RestartSnapshot.Entry)] = []
            for network in networks {
                if let entry = snapshot.entries[network], RestartSnapshot.DirectoryStamp(of: portDirectory(network)) == entry.directoryStamp {
                    current.append((network, entry))
                } else {
                    fromFiles.append(network)
                }
            }
            // One network per task: its trees decoded and its ports validated by the files' parser.
            let parsed = Self.parallelMap(current) { item -> [NetworkPortDefinition]? in
                guard let trees = try? item.entry.ports() else { return nil }
                var ports: [NetworkPortDefinition] = []
                ports.reserveCapacity(trees.count)
                for tree in trees {
                    guard let port = try? NetworkPortDefinition.parse(element: tree) else { return nil }
                    ports.append(port)
                }
                return ports
            }
            var failed: [LibvirtUUID] = []
            for (item, result) in zip(current, parsed) {
                if let result { ports[item.network] = result } else { failed.append(item.network) }
            }
            // A tree the parser refuses means the snapshot is not what this version wrote: that
            // network's files decide.
            fromFiles += failed
        }
        let (filePorts, problems) = loadPortFiles(networks: fromFiles)
        ports.merge(filePorts) { _, files in files }
        return (ports, problems)
    }

    /// Writes the restart snapshot of the running networks' ports (when stopping cleanly).
    func saveRestartSnapshot(_ ports: [LibvirtUUID: [NetworkPortDefinition]]) throws(PatchbayError) {
        var snapshot = RestartSnapshot()
        for (network, definitions) in ports {
            guard let stamp = RestartSnapshot.DirectoryStamp(of: portDirectory(network)) else { continue }
            snapshot.entries[network] = RestartSnapshot.Entry(directoryStamp: stamp, ports: definitions.map(\.xml))
        }
        try AtomicFile.write(bytes: snapshot.encoded(), to: snapshotPath, mode: 0o600)
    }

    /// Reads and deletes the restart snapshot: it serves only the start right after the stop
    /// that wrote it. nil when there is none or it is damaged.
    func takeRestartSnapshot() -> RestartSnapshot? {
        guard let bytes = AtomicFile.read(snapshotPath) else { return nil }
        try? AtomicFile.remove(snapshotPath)
        return try? RestartSnapshot(decoding: bytes)
    }

    private var snapshotPath: String { "\(stateDirectory)/restart-snapshot" }

    private func portDirectory(_ network: LibvirtUUID) -> String { "\(stateDirectory)/ports/\(network)" }

    /// `transform` of every element on all cores, in order.
    static func parallelMap<T, U>(_ items: [T], _ transform: @escaping @Sendable (T) -> U?) -> [U?] {
        let results = ParsedSlots<U>(count: items.count)
        items.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: buffer.count) { index in
                results.set(index, transform(buffer[index]))
            }
        }
        return results.values
    }

    private func loadPortFiles(networks: [LibvirtUUID]) -> (ports: [LibvirtUUID: [NetworkPortDefinition]], problems: [String]) {
        let paths = networks.flatMap { network in
            AtomicFile.list(portDirectory(network), suffix: ".xml").map { (network, "\(portDirectory(network))/\($0)") }
        }
        let (parsed, problems) = Self.parseAll(paths: paths.map(\.1)) { text throws(PatchbayError) in
            try NetworkPortDefinition.parse(xml: text)
        }
        var ports: [LibvirtUUID: [NetworkPortDefinition]] = [:]
        for (index, port) in parsed { ports[paths[index].0, default: []].append(port) }
        return (ports, problems)
    }

    /// Parses the files at `paths` on all cores (restart time is mostly this); each value comes
    /// with the index of its path.
    static func parseAll<T>(paths: [String], _ parse: @escaping @Sendable (String) throws(PatchbayError) -> T) -> (values: [(Int, T)], problems: [String]) {
        let results = parallelMap(paths) { path -> Result<T, PatchbayError>? in
            guard let text = AtomicFile.readText(path) else { return nil }
            do throws(PatchbayError) {
                return .success(try parse(text))
            } catch {
                return .failure(PatchbayError(error.code, "\(path): \(error.message)"))
            }
        }
        var values: [(Int, T)] = []
        var problems: [String] = []
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let value): values.append((index, value))
            case .failure(let error): problems.append(error.detail)
            case nil: break
            }
        }
        return (values, problems)
    }

    /// Removes the port directory of a network that is no longer active.
    public func deletePortDirectory(network: LibvirtUUID) throws(PatchbayError) {
        let directory = portDirectory(network)
        for file in AtomicFile.list(directory) { try AtomicFile.remove("\(directory)/\(file)") }
        AtomicFile.removeEmptyDirectory(directory)
    }

    private func portPath(_ port: LibvirtUUID, network: LibvirtUUID) -> String {
        "\(portDirectory(network))/\(port).xml"
    }
}

/// Results of a parallel map, one slot per item.
private final class ParsedSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = Lock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T?) {
        lock.withLock { slots[index] = value }
    }

    var values: [T?] { lock.withLock { slots } }
}
