/// A struct whose XDR form is declared, not written: its `xdrLayout` lists the fields in wire
/// order with their bounds, and encoding and decoding both follow from that one list.
///
/// A new message is its stored properties, its initializer and one `xdrLayout` line.
public protocol XDRStruct: XDRCodable {
    /// The fields in wire order (libvirt's `remote_protocol.x` order).
    static var xdrLayout: XDRLayout<Self> { get }
}

extension XDRStruct {
    /// Writes the fields `xdrLayout` lists, in its order.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) {
        try Self.xdrLayout.encode(self, &encoder)
    }

    /// Reads the fields `xdrLayout` lists, checking each declared bound before allocating.
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        self = try Self.xdrLayout.decode(&decoder)
    }
}

/// The ordered fields of an `XDRStruct` and the initializer that builds one from them.
///
/// The field list is a parameter pack, so each field keeps its own static type: encoding a field
/// is one call through its closure, with no per-field existential, dictionary or key lookup
/// (which is what a Codable encoder would pay on every call).
public struct XDRLayout<Message>: Sendable {
    let encode: @Sendable (Message, inout XDREncoder) throws(XDRError) -> Void
    let decode: @Sendable (inout XDRDecoder) throws(XDRError) -> Message

    /// Declares a layout: `make` receives the decoded fields in the order they are listed.
    public init<each Value>(
        _ make: @escaping @Sendable (repeat each Value) -> Message,
        _ fields: repeat XDRField<Message, each Value>
    ) {
        let fields = (repeat each fields)
        encode = { message, encoder throws(XDRError) in
            repeat try (each fields).encode(message, &encoder)
        }
        decode = { decoder throws(XDRError) in
            make(repeat try (each fields).decode(&decoder))
        }
    }
}

/// One field of an `XDRStruct`: how to write it from the message and how to read it back.
///
/// The factories are named after the XDR declarations they stand for, and every variable-length
/// one takes its maximum (a `RemoteLimits` constant), so the bound is part of the declaration.
public struct XDRField<Message, Value>: Sendable {
    let encode: @Sendable (Message, inout XDREncoder) throws(XDRError) -> Void
    let decode: @Sendable (inout XDRDecoder) throws(XDRError) -> Value
}

extension XDRField where Value: XDRCodable {
    /// A field whose type knows its own form: `int`, `unsigned hyper`, `remote_uuid`, an enum,
    /// a nested struct such as `remote_nonnull_network`.
    public static func field(_ value: @escaping @Sendable (Message) -> Value) -> Self {
        Self(encode: { message, encoder throws(XDRError) in try value(message).encode(to: &encoder) },
             decode: { decoder throws(XDRError) in try Value(from: &decoder) })
    }
}

extension XDRField {
    /// `T *name`: optional data, a presence word then the value.
    public static func optional<Wrapped: XDRCodable>(_ value: @escaping @Sendable (Message) -> Wrapped?) -> Self
    where Value == Wrapped? {
        Self(encode: { message, encoder throws(XDRError) in try encoder.encodeOptional(value(message)) },
             decode: { decoder throws(XDRError) in try decoder.decodeOptional(Wrapped.self) })
    }

    /// `T name<max>`: a variable-length array of self-describing elements.
    public static func array<Element: XDRCodable>(_ value: @escaping @Sendable (Message) -> [Element], max: UInt32) -> Self
    where Value == [Element] {
        Self(encode: { message, encoder throws(XDRError) in try encoder.encodeArray(value(message), maxCount: max) },
             decode: { decoder throws(XDRError) in try decoder.decodeArray(Element.self, maxCount: max) })
    }
}

extension XDRField where Value == String {
    /// `string name<max>`; libvirt's `remote_nonnull_string` is `max: RemoteLimits.string`.
    public static func string(_ value: @escaping @Sendable (Message) -> String, max: UInt32) -> Self {
        Self(encode: { message, encoder throws(XDRError) in try encoder.encodeString(value(message), maxLength: max) },
             decode: { decoder throws(XDRError) in try decoder.decodeString(maxLength: max) })
    }
}

extension XDRField where Value == String? {
    /// `string *name`; libvirt's `remote_string` is `max: RemoteLimits.string`.
    public static func string(_ value: @escaping @Sendable (Message) -> String?, max: UInt32) -> Self {
        Self(encode: { message, encoder throws(XDRError) in try encoder.encodeOptionalString(value(message), maxLength: max) },
             decode: { decoder throws(XDRError) in try decoder.decodeOptionalString(maxLength: max) })
    }
}

extension XDRField where Value == [String] {
    /// `string names<max>` whose elements are `string<elementMax>` (`remote_nonnull_string`
    /// lists are `elementMax: RemoteLimits.string`).
    public static func strings(_ value: @escaping @Sendable (Message) -> [String], max: UInt32, elementMax: UInt32) -> Self {
        Self(encode: { message, encoder throws(XDRError) in
                try encoder.encodeArray(value(message), maxCount: max) { (encoder: inout XDREncoder, item: String) throws(XDRError) in
                    try encoder.encodeString(item, maxLength: elementMax)
                }
             },
             decode: { decoder throws(XDRError) in
                try decoder.decodeArray(maxCount: max) { (decoder: inout XDRDecoder) throws(XDRError) in
                    try decoder.decodeString(maxLength: elementMax)
                }
             })
    }
}

extension XDRField where Value == Bool {
    /// An `int` that carries a yes/no answer: written as 0 or 1, read as true when nonzero
    /// (unlike XDR `bool`, which refuses anything but 0 and 1).
    public static func intFlag(_ value: @escaping @Sendable (Message) -> Bool) -> Self {
        Self(encode: { message, encoder throws(XDRError) in encoder.encode(value(message) ? Int32(1) : Int32(0)) },
             decode: { decoder throws(XDRError) in try decoder.decode(Int32.self) != 0 })
    }
}

/// An XDR `enum` mirrored by a Swift enum: encoded as its `int` value, and a value the Swift type
/// does not define is a decoding error.
public protocol XDREnum: XDRCodable, RawRepresentable where RawValue == Int32 {}

extension XDREnum {
    /// Writes the `int` value.
    public func encode(to encoder: inout XDREncoder) throws(XDRError) { encoder.encode(enum: self) }

    /// Reads the `int` value; undefined values are `XDRError.invalidEnumValue`.
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(enum: Self.self) }
}
