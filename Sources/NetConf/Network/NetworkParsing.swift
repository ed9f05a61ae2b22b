import NetCore
import NetXML

/// Small parsing helpers that reproduce how libvirt's network code reads values.
extension XMLElement {
    /// The attribute as libvirt's XPath `string(...)` lookups see it: an empty value counts as absent.
    func nonEmptyAttribute(_ name: String) -> String? {
        guard let value = attribute(name), !value.isEmpty else { return nil }
        return value
    }

    /// The first child element with `name` in no namespace, as libvirt's `./name[1]` XPath selects it.
    func first(_ name: String) -> XMLElement? { element(name) }

    /// Concatenated text of the element and all its descendants (XPath `string(.)`).
    var deepText: String {
        children.reduce(into: "") { out, node in
            switch node {
            case .text(let text): out += text
            case .element(let child): out += child.deepText
            case .comment: break
            }
        }
    }
}

/// Number parsing with the C library's rules that libvirt relies on.
enum LibvirtNumber {
    /// `strtoul` with base 0: `0x` hex, leading-zero octal, else decimal; the whole text must be used.
    static func unsignedBase0(_ text: String) -> UInt64? {
        let trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var body = Substring(trimmed)
        if body.hasPrefix("+") { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            let digits = body.dropFirst(2)
            guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else { return nil }
            return UInt64(digits, radix: 16)
        }
        if body.count > 1, body.hasPrefix("0") {
            let digits = body.dropFirst()
            guard digits.allSatisfy({ ("0"..."7").contains($0) }) else { return nil }
            return UInt64(digits, radix: 8)
        }
        guard body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(body)
    }

    /// `strtoul` with base 10, refusing signs other than a leading `+`.
    static func unsignedDecimal(_ text: String) -> UInt64? {
        var body = Substring(text.drop { $0 == " " || $0 == "\t" || $0 == "\n" })
        if body.hasPrefix("+") { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(body)
    }
}

/// libvirt's `virSocketAddrParse` as the network code calls it (numeric addresses only).
func parseSocketAddress(_ text: String) throws(PatchbayError) -> IPAddress {
    do {
        return try IPAddress(text)
    } catch {
        throw PatchbayError(.systemError, "Cannot parse socket address '\(text)': Name or service not known")
    }
}

/// Parses an address, reporting libvirt's message for that spot instead of the generic one.
func parseAddress(_ text: String, _ failure: @autoclosure () -> PatchbayError) throws(PatchbayError) -> IPAddress {
    do {
        return try IPAddress(text)
    } catch {
        throw failure()
    }
}

/// libvirt's `virTristateBoolTypeFromString` read of an attribute, with a caller-specific message.
func tristate(_ element: XMLElement?, _ attribute: String, _ failure: (String) -> PatchbayError) throws(PatchbayError) -> Bool? {
    guard let text = element?.nonEmptyAttribute(attribute) else { return nil }
    switch text {
    case "yes": return true
    case "no": return false
    default: throw failure(text)
    }
}
