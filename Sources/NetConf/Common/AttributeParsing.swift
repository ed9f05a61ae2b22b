import NetCore
import NetXML

/// Typed attribute access with libvirt-style errors that name the element, attribute and value.
extension XMLElement {
    /// The attribute's value, or an error naming it when missing.
    public func required(_ attribute: String, _ code: ErrorCode = .xmlError, what: String? = nil) throws(PatchbayError) -> String {
        guard let value = self.attribute(attribute) else {
            throw PatchbayError(code, what ?? "Missing required '\(attribute)' attribute in <\(name)>")
        }
        return value
    }

    /// Parses `yes`/`no` (libvirt's virTristateBool); absent gives nil.
    public func yesNo(_ attribute: String) throws(PatchbayError) -> Bool? {
        guard let value = self.attribute(attribute) else { return nil }
        switch value {
        case "yes": return true
        case "no": return false
        default:
            throw .xml("Invalid value for attribute '\(attribute)' in element '\(name)': '\(value)'. Expected 'yes' or 'no'")
        }
    }

    /// Parses `on`/`off` (libvirt's virTristateSwitch); absent gives nil.
    public func onOff(_ attribute: String) throws(PatchbayError) -> Bool? {
        guard let value = self.attribute(attribute) else { return nil }
        switch value {
        case "on": return true
        case "off": return false
        default:
            throw .xml("Invalid value for attribute '\(attribute)' in element '\(name)': '\(value)'. Expected 'on' or 'off'")
        }
    }

    /// Parses an enumeration attribute; absent gives nil, an unknown value names the choices.
    public func enumeration<T: RawRepresentable & CaseIterable>(_ attribute: String, _ type: T.Type) throws(PatchbayError) -> T?
    where T.RawValue == String {
        guard let value = self.attribute(attribute) else { return nil }
        guard let parsed = T(rawValue: value) else {
            let choices = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw .xml("Invalid value for attribute '\(attribute)' in element '\(name)': '\(value)'. Expected one of \(choices)")
        }
        return parsed
    }

    /// Parses an unsigned decimal (or `0x` hex when `allowHex`) attribute no larger than `maximum`.
    public func unsigned(_ attribute: String, maximum: UInt64 = UInt64(UInt32.max), allowHex: Bool = false) throws(PatchbayError) -> UInt64? {
        guard let value = self.attribute(attribute) else { return nil }
        guard let number = LibvirtNumber.unsigned(value, allowHex: allowHex), number <= maximum else {
            throw .xml("Invalid value for attribute '\(attribute)' in element '\(name)': '\(value)'. Expected non-negative integer value\(maximum < UInt64(UInt32.max) ? " up to \(maximum)" : "")")
        }
        return number
    }

    /// Parses a signed decimal attribute.
    public func signed(_ attribute: String) throws(PatchbayError) -> Int64? {
        guard let value = self.attribute(attribute) else { return nil }
        guard let number = Int64(value.trimmingWhitespace) else {
            throw .xml("Invalid value for attribute '\(attribute)' in element '\(name)': '\(value)'. Expected integer value")
        }
        return number
    }

    /// Refuses a second occurrence of a child element that libvirt allows only once.
    public func single(_ child: String) throws(PatchbayError) -> XMLElement? {
        let found = elements(child)
        guard found.count <= 1 else {
            throw .xml("Only one <\(child)> element is allowed in <\(name)>")
        }
        return found.first
    }
}

/// Formats a yes/no attribute value.
public func yesNoText(_ value: Bool?) -> String? { value.map { $0 ? "yes" : "no" } }

/// Formats an on/off attribute value.
public func onOffText(_ value: Bool?) -> String? { value.map { $0 ? "on" : "off" } }
