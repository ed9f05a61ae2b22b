import NetCore

/// The small record that lets a restarted patchbayd find a running guest again
/// (`<state>/qemu/STEM.run`): which QEMU (pid + start time), its monitor, its id, its taps, and
/// how far start or stop got. Written before each step it describes, removed last.
public struct GuestRuntimeRecord: Sendable, Equatable {
    /// How far the guest's run has got.
    public enum Phase: String, Sendable {
        /// Taps being made, QEMU being spawned: a crash here leaves a QEMU that never ran the
        /// guest (found through its pid file) — recovery ends it.
        case starting
        /// QEMU runs paused while NICs are wired; recovery ends an interrupted start.
        case spawned
        /// The guest runs (or is paused by request).
        case running
        /// Being destroyed: recovery finishes the stop.
        case stopping
    }

    public var name: String
    public var uuid: LibvirtUUID
    public var id: Int32
    public var phase: Phase
    public var process: QEMUProcessID?
    public var monitorPath: String
    public var pidFile: String
    /// NIC alias → tap name, in NIC order.
    public var taps: [(alias: String, tap: String)]
    /// Defined only while it runs (`virsh create`).
    public var transient: Bool
    /// Started paused and not yet resumed.
    public var paused: Bool

    public init(name: String, uuid: LibvirtUUID, id: Int32, phase: Phase, process: QEMUProcessID? = nil, monitorPath: String,
                pidFile: String, taps: [(alias: String, tap: String)] = [], transient: Bool, paused: Bool = false) {
        self.name = name
        self.uuid = uuid
        self.id = id
        self.phase = phase
        self.process = process
        self.monitorPath = monitorPath
        self.pidFile = pidFile
        self.taps = taps
        self.transient = transient
        self.paused = paused
    }

    public static func == (lhs: GuestRuntimeRecord, rhs: GuestRuntimeRecord) -> Bool {
        lhs.encoded == rhs.encoded
    }

    /// One `key=value` per line; taps as `tap=ALIAS TAP`. Names never hold a newline (libvirt's
    /// parser refuses none, so the name is written last and read to the end of the file).
    public var encoded: String {
        var lines = ["uuid=\(uuid)", "id=\(id)", "phase=\(phase.rawValue)", "monitor=\(monitorPath)", "pidfile=\(pidFile)",
                     "transient=\(transient ? 1 : 0)", "paused=\(paused ? 1 : 0)"]
        if let process { lines.append("process=\(process.pid) \(process.startTime)") }
        for tap in taps { lines.append("tap=\(tap.alias) \(tap.tap)") }
        lines.append("name=\(name)")
        return lines.joined(separator: "\n") + "\n"
    }

    public init(decoding text: String) throws(PatchbayError) {
        func bad(_ why: String) -> PatchbayError { PatchbayError(.internalError, "malformed guest runtime record: \(why)", domain: .domain) }
        var values: [String: String] = [:]
        var taps: [(alias: String, tap: String)] = []
        var name: String?
        var rest = Substring(text)
        while !rest.isEmpty {
            let line: Substring
            if let newline = rest.firstIndex(of: "\n") {
                line = rest[..<newline]
                rest = rest[rest.index(after: newline)...]
            } else {
                line = rest
                rest = ""
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]), value = String(line[line.index(after: equals)...])
            if key == "name" {
                // The name is last and may hold anything but what ends the file.
                name = value + (rest.isEmpty ? "" : "\n" + rest.dropLast(rest.hasSuffix("\n") ? 1 : 0))
                break
            }
            if key == "tap" {
                let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw bad("tap '\(value)'") }
                taps.append((parts[0], parts[1]))
            } else {
                values[key] = value
            }
        }
        guard let name else { throw bad("no name") }
        guard let uuidText = values["uuid"], let uuid = try? LibvirtUUID(uuidText) else { throw bad("uuid") }
        guard let id = values["id"].flatMap({ Int32($0) }) else { throw bad("id") }
        guard let phase = values["phase"].flatMap({ Phase(rawValue: $0) }) else { throw bad("phase") }
        guard let monitor = values["monitor"], let pidFile = values["pidfile"] else { throw bad("paths") }
        var process: QEMUProcessID?
        if let text = values["process"] {
            let parts = text.split(separator: " ")
            guard parts.count == 2, let pid = Int32(parts[0]), let start = UInt64(parts[1]) else { throw bad("process '\(text)'") }
            process = QEMUProcessID(pid: pid, startTime: start)
        }
        self.init(name: name, uuid: uuid, id: id, phase: phase, process: process, monitorPath: monitor, pidFile: pidFile,
                  taps: taps, transient: values["transient"] == "1", paused: values["paused"] == "1")
    }
}
