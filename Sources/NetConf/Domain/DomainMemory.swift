import NetCore
import NetXML

/// A domain's memory sizes, in KiB as libvirt keeps and prints them.
public struct DomainMemory: Hashable, Sendable {
    /// `<memory>`: the boot-time maximum.
    public var maximumKiB: UInt64
    /// `<currentMemory>`: what the balloon leaves the guest (libvirt defaults it to the maximum).
    public var currentKiB: UInt64

    public init(maximumKiB: UInt64, currentKiB: UInt64? = nil) {
        self.maximumKiB = maximumKiB
        self.currentKiB = min(currentKiB ?? maximumKiB, maximumKiB)
    }

    /// Reads `<memory>` and `<currentMemory>` of a `<domain>`.
    init(domain: XMLElement) throws(PatchbayError) {
        guard let memory = domain.element("memory") else {
            throw PatchbayError(.xmlError, "Memory size must be specified via <memory> or in the <numa> configuration", domain: .domain)
        }
        let maximum = try Self.kibibytes(memory)
        let current = try domain.element("currentMemory").map { e throws(PatchbayError) in try Self.kibibytes(e) }
        // libvirt lowers a current size above the maximum (or an unset one) to the maximum.
        self.init(maximumKiB: maximum, currentKiB: current.flatMap { $0 == 0 ? nil : $0 })
    }

    /// libvirt's scaled integer: a number and an optional `unit` (default KiB), rounded up to KiB.
    static func kibibytes(_ element: XMLElement) throws(PatchbayError) -> UInt64 {
        let text = element.text.trimmingWhitespace
        guard let value = UInt64(text) else {
            throw PatchbayError(.xmlError, "Invalid value '\(text)' for element or attribute './\(element.name)[1]'", domain: .domain)
        }
        let unit = element.attribute("unit") ?? "KiB"
        guard let scale = scales[unit] ?? scales[unit.lowercased()] else {
            throw PatchbayError(.invalidArg, "unknown suffix '\(unit)'", domain: .domain)
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else {
            throw PatchbayError(.overflow, "value too large: \(text)\(unit)", domain: .domain)
        }
        return (bytes + 1023) / 1024
    }

    /// Unit suffixes libvirt accepts: single letters and `iB` are powers of 1024, `B` powers of 1000.
    private static let scales: [String: UInt64] = {
        var table: [String: UInt64] = ["b": 1, "bytes": 1]
        let letters = ["k", "m", "g", "t", "p", "e"]
        for (index, letter) in letters.enumerated() {
            let power = UInt64(index + 1)
            var binary: UInt64 = 1, decimal: UInt64 = 1
            for _ in 0..<power { binary *= 1024; decimal *= 1000 }
            table[letter] = binary
            table[letter + "ib"] = binary
            table[letter + "b"] = decimal
            table[letter.uppercased()] = binary
            table[letter.uppercased() + "iB"] = binary
            table[letter.uppercased() + "B"] = decimal
        }
        table["KiB"] = 1024
        table["KB"] = 1000
        return table
    }()

    var xml: [XMLElement] {
        [XMLElement("memory", attributes: [("unit", "KiB")], children: [.text(String(maximumKiB))]),
         XMLElement("currentMemory", attributes: [("unit", "KiB")], children: [.text(String(currentKiB))])]
    }
}

/// `<vcpu>`: how many virtual CPUs the guest has (and starts with).
public struct DomainVCPUs: Hashable, Sendable {
    public var count: UInt16
    /// `current=`: how many are online at boot, when fewer than the maximum.
    public var current: UInt16?
    /// `cpuset=` as written (host CPUs QEMU may run on).
    public var cpuset: String?

    public init(count: UInt16, current: UInt16? = nil, cpuset: String? = nil) {
        self.count = count
        self.current = current
        self.cpuset = cpuset
    }

    /// Reads `<vcpu>` (one CPU when absent, as libvirt).
    init(domain: XMLElement) throws(PatchbayError) {
        guard let vcpu = domain.element("vcpu") else {
            self.init(count: 1)
            return
        }
        let text = vcpu.text.trimmingWhitespace
        guard let count = UInt16(text), count > 0 else {
            throw PatchbayError(.xmlError, "maximum vcpus count must be an integer", domain: .domain)
        }
        var current: UInt16?
        if let written = vcpu.attribute("current") {
            guard let value = UInt16(written) else {
                throw PatchbayError(.xmlError, "current vcpus count must be an integer", domain: .domain)
            }
            guard value <= count else {
                throw PatchbayError(.invalidArg, "requested vcpu count \(value) is larger than maximum vcpu count \(count)", domain: .domain)
            }
            // libvirt drops a current count equal to the maximum (and treats 0 as unset).
            current = value == 0 || value == count ? nil : value
        }
        if let placement = vcpu.attribute("placement"), !["static", "auto"].contains(placement) {
            throw PatchbayError(.xmlError, "Invalid value for attribute 'placement' in element 'vcpu': '\(placement)'.", domain: .domain)
        }
        self.init(count: count, current: current, cpuset: vcpu.attribute("cpuset"))
    }

    /// How many CPUs are online when the guest boots.
    public var online: UInt16 { current ?? count }

    var xml: XMLElement {
        var element = XMLElement("vcpu", attributes: [("placement", "static")])
        element.set("cpuset", cpuset)
        element.set("current", current.map(String.init))
        element.children = [.text(String(count))]
        return element
    }
}
