import NetCore
import NetXML

/// Attribute access with the wording of libvirt 9.0's domain parser (its `virXMLProp*` helpers),
/// which differs from the network parser's: an unknown value is named with a full stop and no list
/// of choices, a zero where zero is not allowed says so, a missing attribute names its element.
extension XMLElement {
    /// The refusal of a value that is not one of the allowed words.
    func invalidValue(_ attribute: String, _ value: String) -> PatchbayError {
        PatchbayError(.xmlError, "Invalid value for attribute '\(attribute)' in element '\(name)': '\(value)'.", domain: .domain)
    }

    /// An enumeration attribute; absent gives nil.
    func domainEnum<T: RawRepresentable & CaseIterable>(_ attribute: String, _ type: T.Type) throws(PatchbayError) -> T?
    where T.RawValue == String {
        guard let value = self.attribute(attribute) else { return nil }
        guard let parsed = T(rawValue: value) else { throw invalidValue(attribute, value) }
        return parsed
    }

    /// A `yes`/`no` attribute; absent gives nil.
    func domainYesNo(_ attribute: String) throws(PatchbayError) -> Bool? {
        guard let value = self.attribute(attribute) else { return nil }
        switch value {
        case "yes": return true
        case "no": return false
        default: throw invalidValue(attribute, value)
        }
    }

    /// An `on`/`off` attribute; absent gives nil.
    func domainOnOff(_ attribute: String) throws(PatchbayError) -> Bool? {
        guard let value = self.attribute(attribute) else { return nil }
        switch value {
        case "on": return true
        case "off": return false
        default: throw invalidValue(attribute, value)
        }
    }

    /// A required attribute.
    func domainRequired(_ attribute: String) throws(PatchbayError) -> String {
        guard let value = self.attribute(attribute) else {
            throw PatchbayError(.xmlError, "Missing required attribute '\(attribute)' in element '\(name)'", domain: .domain)
        }
        return value
    }

    /// An unsigned 32-bit decimal attribute; `nonZero` refuses 0 as libvirt's `VIR_XML_PROP_NONZERO` does.
    func domainUnsigned(_ attribute: String, nonZero: Bool = false, allowHex: Bool = false) throws(PatchbayError) -> UInt32? {
        guard let value = self.attribute(attribute) else { return nil }
        guard let number = LibvirtNumber.unsigned(value, allowHex: allowHex), number <= UInt64(UInt32.max) else {
            throw PatchbayError(.xmlError, "Invalid value for attribute '\(attribute)' in element '\(name)': '\(value)'. Expected non-negative integer value", domain: .domain)
        }
        if nonZero && number == 0 {
            throw PatchbayError(.xmlError, "Invalid value for attribute '\(attribute)' in element '\(name)': Zero is not permitted", domain: .domain)
        }
        return UInt32(number)
    }

    /// A required unsigned 32-bit attribute.
    func domainRequiredUnsigned(_ attribute: String, allowHex: Bool = false) throws(PatchbayError) -> UInt32 {
        _ = try domainRequired(attribute)
        guard let value = try domainUnsigned(attribute, allowHex: allowHex) else {
            throw PatchbayError(.xmlError, "Missing required attribute '\(attribute)' in element '\(name)'", domain: .domain)
        }
        return value
    }
}
