import NetCore
import NetXML

/// One direction of libvirt's `<bandwidth>`: average/peak/floor in KiB/s, burst in KiB.
public struct BandwidthRate: Hashable, Sendable {
    /// Sustained rate; nil only when a floor alone is given.
    public var average: KibibytesPerSecond?
    /// Maximum rate during bursts (HTB ceil).
    public var peak: KibibytesPerSecond?
    /// Guaranteed minimum inside the network's inbound average (inbound only).
    public var floor: KibibytesPerSecond?
    /// Bytes that may pass at `peak` (HTB burst).
    public var burst: Kibibytes?

    /// Creates a rate, enforcing libvirt's rules: average or floor required; peak/burst need average.
    public init(average: KibibytesPerSecond?, peak: KibibytesPerSecond? = nil, floor: KibibytesPerSecond? = nil,
                burst: Kibibytes? = nil, element: String = "inbound") throws(PatchbayError) {
        guard average != nil || floor != nil else {
            throw .xml("Missing mandatory average or floor attributes in <\(element)>")
        }
        if (peak != nil || burst != nil) && average == nil {
            throw .xml("'peak' and 'burst' require 'average' attribute in <\(element)>")
        }
        self.average = average
        self.peak = peak
        self.floor = floor
        self.burst = burst
    }

    /// Parses `<inbound>` or `<outbound>`.
    public init(xml element: XMLElement) throws(PatchbayError) {
        func rate(_ name: String) throws(PatchbayError) -> KibibytesPerSecond? {
            try element.attribute(name).map { text throws(PatchbayError) in
                try KibibytesPerSecond(Self.number(text, attribute: name, maximum: KibibytesPerSecond.maximum))
            }
        }
        let burst = try element.attribute("burst").map { text throws(PatchbayError) in
            try Kibibytes(Self.number(text, attribute: "burst", maximum: UInt64.max / 1024))
        }
        try self.init(average: try rate("average"), peak: try rate("peak"), floor: try rate("floor"), burst: burst,
                      element: element.name)
    }

    /// A bandwidth number as libvirt reads it (leading white space and a `+` allowed, nothing
    /// after the digits, no sign, no overflow). A value libvirt cannot convert is an unsupported
    /// configuration there, not an XML error; so is one too large for the kernel's 64-bit byte
    /// rates, which libvirt accepts and Patchbay could not apply.
    static func number(_ text: String, attribute: String, maximum: UInt64) throws(PatchbayError) -> UInt64 {
        var digits = Substring(text).drop { $0 == " " || ("\t"..."\r").contains($0) }
        if digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = UInt64(digits) else {
            throw .unsupported("could not convert bandwidth \(attribute) value '\(text)'")
        }
        guard number <= maximum else {
            throw .unsupported("bandwidth \(attribute) value '\(text)' is too large (at most \(maximum))")
        }
        return number
    }

    /// The element in libvirt's attribute order: average, peak, floor, burst.
    public func xml(_ name: String) -> XMLElement {
        var element = XMLElement(name)
        element.set("average", average.map { String($0.value) })
        element.set("peak", peak.map { String($0.value) })
        element.set("floor", floor.map { String($0.value) })
        element.set("burst", burst.map { String($0.value) })
        return element
    }
}

/// libvirt's `<bandwidth>`: QoS towards the guest (inbound) and from it (outbound).
public struct Bandwidth: Hashable, Sendable {
    /// Traffic towards the guest / entering the network.
    public var inbound: BandwidthRate?
    /// Traffic from the guest / leaving the network.
    public var outbound: BandwidthRate?

    /// Creates a bandwidth; floor is refused on outbound, as libvirt does.
    public init(inbound: BandwidthRate? = nil, outbound: BandwidthRate? = nil) throws(PatchbayError) {
        if outbound?.floor != nil {
            throw .xml("floor attribute is not supported for <outbound> in <bandwidth>")
        }
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Parses `<bandwidth>`; nil when it holds neither direction (libvirt drops an empty one).
    ///
    /// - Parameter allowFloor: libvirt accepts `floor` only on interfaces/ports/portgroups, not on a network.
    public static func parse(_ element: XMLElement, allowFloor: Bool = true) throws(PatchbayError) -> Bandwidth? {
        let inbound = try element.single("inbound").map { e throws(PatchbayError) in try BandwidthRate(xml: e) }
        let outbound = try element.single("outbound").map { e throws(PatchbayError) in try BandwidthRate(xml: e) }
        if !allowFloor, inbound?.floor != nil {
            throw .xml("floor attribute isn't supported for this <bandwidth>")
        }
        if inbound == nil && outbound == nil { return nil }
        return try Bandwidth(inbound: inbound, outbound: outbound)
    }

    /// The `<bandwidth>` element; `extraAttributes` carries e.g. a port's `classID`.
    public func xml(extraAttributes: [(String, String)] = []) -> XMLElement {
        var element = XMLElement("bandwidth", attributes: extraAttributes)
        element.append(inbound?.xml("inbound"))
        element.append(outbound?.xml("outbound"))
        return element
    }
}
