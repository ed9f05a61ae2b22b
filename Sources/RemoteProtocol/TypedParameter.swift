/// `remote_typed_param_value`: a discriminated union on libvirt's `virTypedParameterType`.
public enum TypedParameterValue: XDRCodable, Hashable {
    /// VIR_TYPED_PARAM_INT (1): `int i`.
    case int(Int32)
    /// VIR_TYPED_PARAM_UINT (2): `unsigned int ui`. Port bandwidth values use this arm.
    case uint(UInt32)
    /// VIR_TYPED_PARAM_LLONG (3): `hyper l`.
    case llong(Int64)
    /// VIR_TYPED_PARAM_ULLONG (4): `unsigned hyper ul`.
    case ullong(UInt64)
    /// VIR_TYPED_PARAM_DOUBLE (5): `double d`.
    case double(Double)
    /// VIR_TYPED_PARAM_BOOLEAN (6): `int b`, 0 or 1 on the wire.
    case boolean(Bool)
    /// VIR_TYPED_PARAM_STRING (7): `remote_nonnull_string s`.
    case string(String)

    /// The union discriminant for this arm.
    public var discriminant: Int32 {
        switch self {
        case .int: 1
        case .uint: 2
        case .llong: 3
        case .ullong: 4
        case .double: 5
        case .boolean: 6
        case .string: 7
        }
    }

    /// Writes the discriminant, then the arm.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        encoder.encode(discriminant)
        switch self {
        case let .int(value): encoder.encode(value)
        case let .uint(value): encoder.encode(value)
        case let .llong(value): encoder.encode(value)
        case let .ullong(value): encoder.encode(value)
        case let .double(value): encoder.encode(value)
        // `int b`, not XDR bool: libvirt declares the arm as int and sends 0 or 1.
        case let .boolean(value): encoder.encode(value ? Int32(1) : Int32(0))
        case let .string(value): try encoder.encodeString(value, maxLength: RemoteLimits.string)
        }
    }

    /// Reads the discriminant, then its arm; an unknown discriminant is a typed error.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        let discriminant = try decoder.decode(Int32.self)
        switch discriminant {
        case 1: self = .int(try decoder.decode(Int32.self))
        case 2: self = .uint(try decoder.decode(UInt32.self))
        case 3: self = .llong(try decoder.decode(Int64.self))
        case 4: self = .ullong(try decoder.decode(UInt64.self))
        case 5: self = .double(try decoder.decode(Double.self))
        case 6:
            // libvirt clients send `!!value`; anything but 0 or 1 is corruption.
            let raw = try decoder.decode(Int32.self)
            guard raw == 0 || raw == 1 else { throw .invalidBoolean(UInt32(bitPattern: raw)) }
            self = .boolean(raw == 1)
        case 7: self = .string(try decoder.decodeString(maxLength: RemoteLimits.string))
        default: throw .invalidUnionDiscriminant(type: "remote_typed_param_value", value: discriminant)
        }
    }
}

/// `remote_typed_param`: a named, typed value (port bandwidth, connection identity).
public struct TypedParameter: XDRStruct, Hashable {
    /// libvirt's VIR_TYPED_PARAM_FIELD_LENGTH: field names are shorter than this many bytes.
    /// Not an XDR limit, so only `validate()` checks it.
    public static let fieldLengthLimit = 80

    /// The parameter name, e.g. `inbound.average`.
    public var field: String
    /// The typed value.
    public var value: TypedParameterValue

    public init(field: String, value: TypedParameterValue) {
        self.field = field
        self.value = value
    }

    /// Whether the field name fits libvirt's fixed-size field buffer (libvirt refuses longer ones).
    public var hasValidFieldLength: Bool { field.utf8.count < Self.fieldLengthLimit }

    /// `{remote_nonnull_string field; remote_typed_param_value value}`.
    public static let xdrLayout = XDRLayout(Self.init, .string(\.field, max: RemoteLimits.string), .field(\.value))
}

/// The typed-parameter names of a network port's QoS (libvirt's VIR_NETWORK_PORT_BANDWIDTH_*).
/// All are `uint` values: average/peak/floor in KiB/s, burst in KiB.
public enum NetworkPortParameterName {
    /// Guest-bound average rate.
    public static let inboundAverage = "inbound.average"
    /// Guest-bound peak rate.
    public static let inboundPeak = "inbound.peak"
    /// Guest-bound burst size.
    public static let inboundBurst = "inbound.burst"
    /// Guest-bound guaranteed floor.
    public static let inboundFloor = "inbound.floor"
    /// Guest-sent average rate.
    public static let outboundAverage = "outbound.average"
    /// Guest-sent peak rate.
    public static let outboundPeak = "outbound.peak"
    /// Guest-sent burst size.
    public static let outboundBurst = "outbound.burst"

    /// Every name, in libvirt's order.
    public static let all = [
        inboundAverage, inboundPeak, inboundBurst, inboundFloor, outboundAverage, outboundPeak, outboundBurst,
    ]
}
