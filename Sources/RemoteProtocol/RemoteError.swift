import NetCore

/// `remote_error`: the payload of every reply with status ERROR.
///
/// Field order is libvirt's: code, domain, message, level, dom, str1, str2, str3, int1, int2, net.
/// Codes and domains stay raw integers here so that any peer's error survives decoding, even one
/// whose code NetCore does not name.
public struct RemoteError: XDRStruct, Hashable {
    /// VIR_ERR_ERROR, the only level libvirt daemons send.
    public static let levelError: Int32 = 2

    /// `virErrorNumber`.
    public var code: Int32
    /// `virErrorDomain`.
    public var domain: Int32
    /// The full message virsh prints after `error: `.
    public var message: String?
    /// `virErrorLevel`.
    public var level: Int32
    /// The guest involved; always absent from the network side.
    public var domainObject: DomainReference?
    /// libvirt's format string, e.g. `internal error: %s`.
    public var str1: String?
    /// The detail substituted into `str1`.
    public var str2: String?
    /// Unused by the network side.
    public var str3: String?
    /// Extra integer; libvirt sends -1.
    public var int1: Int32
    /// Extra integer; libvirt sends -1.
    public var int2: Int32
    /// The network involved; libvirt leaves it absent.
    public var network: NetworkReference?

    public init(
        code: Int32, domain: Int32, message: String?, level: Int32 = RemoteError.levelError,
        domainObject: DomainReference? = nil, str1: String? = nil, str2: String? = nil,
        str3: String? = nil, int1: Int32 = -1, int2: Int32 = -1, network: NetworkReference? = nil
    ) {
        self.code = code
        self.domain = domain
        self.message = message
        self.level = level
        self.domainObject = domainObject
        self.str1 = str1
        self.str2 = str2
        self.str3 = str3
        self.int1 = int1
        self.int2 = int2
        self.network = network
    }

    /// The wire form of a Patchbay error, shaped like libvirtd's own: level ERROR, the message,
    /// and str1/str2 as the `"<prefix>: %s"` format plus detail (captured from libvirtd 9.0).
    public init(_ error: PatchbayError) {
        let hasDetail = !error.detail.isEmpty
        self.init(
            code: error.code.rawValue,
            domain: error.domain.rawValue,
            message: error.message,
            str1: hasDetail ? error.code.prefix + ": %s" : error.code.prefix,
            str2: hasDetail ? error.detail : nil
        )
    }

    /// The error as Patchbay's own type, for the CLI and tests.
    ///
    /// The detail is the message with libvirt's prefix for the code removed, so a round trip
    /// through the wire gives back the same `PatchbayError`. A code or domain NetCore does not
    /// name becomes VIR_ERR_RPC / VIR_FROM_NONE with the peer's whole message as detail.
    public var patchbayError: PatchbayError {
        let text = message ?? ""
        guard let code = ErrorCode(rawValue: code) else {
            return PatchbayError(.rpc, text, domain: ErrorDomain(rawValue: domain) ?? .none)
        }
        let domain = ErrorDomain(rawValue: domain) ?? .none
        let detail: String
        if text == code.prefix {
            detail = ""
        } else if text.hasPrefix(code.prefix + ": ") {
            detail = String(text.dropFirst(code.prefix.count + 2))
        } else {
            detail = text
        }
        return PatchbayError(code, detail, domain: domain)
    }

    /// `remote_error`: every string a `remote_string`, `dom` and `net` optional references.
    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.code), .field(\.domain), .string(\.message, max: RemoteLimits.string), .field(\.level),
        .optional(\.domainObject), .string(\.str1, max: RemoteLimits.string), .string(\.str2, max: RemoteLimits.string),
        .string(\.str3, max: RemoteLimits.string), .field(\.int1), .field(\.int2), .optional(\.network)
    )
}
