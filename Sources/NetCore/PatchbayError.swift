/// The one error type of Patchbay: a libvirt error code and domain plus a human message.
///
/// Clients of libvirt match on `code` and `domain`; people read `message`, which is
/// libvirt's prefix for the code followed by the detail, exactly as `virsh` prints it.
public struct PatchbayError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libvirt's `virErrorNumber`.
    public var code: ErrorCode
    /// libvirt's `virErrorDomain`: which subsystem refused.
    public var domain: ErrorDomain
    /// The detail after libvirt's fixed prefix, e.g. `unknown forwarding type 'bogus'`.
    public var detail: String
    /// libvirt words a few errors without its code's prefix (virCheckFlags' "unsupported flags
    /// (0x…) in function …"): then `message` is `detail` alone.
    public var omitsPrefix = false

    /// Creates an error; `domain` defaults to the network driver, which owns most refusals.
    public init(_ code: ErrorCode, _ detail: String, domain: ErrorDomain = .network) {
        self.code = code
        self.domain = domain
        self.detail = detail
    }

    /// The full message as libvirt words it: `"<prefix>: <detail>"`.
    public var message: String {
        if omitsPrefix { return detail }
        return detail.isEmpty || code.prefix.isEmpty ? code.prefix + detail : "\(code.prefix): \(detail)"
    }

    /// Same as `message`.
    public var description: String { message }
}

extension PatchbayError {
    /// `XML error: ...` (VIR_ERR_XML_ERROR), libvirt's answer to a structurally bad document.
    public static func xml(_ detail: String) -> PatchbayError { PatchbayError(.xmlError, detail) }
    /// `unsupported configuration: ...` (VIR_ERR_CONFIG_UNSUPPORTED).
    public static func unsupported(_ detail: String) -> PatchbayError { PatchbayError(.configUnsupported, detail) }
    /// `internal error: ...` (VIR_ERR_INTERNAL_ERROR), which libvirt also uses for many validation failures.
    public static func internalError(_ detail: String) -> PatchbayError { PatchbayError(.internalError, detail) }
    /// `invalid argument: ...` (VIR_ERR_INVALID_ARG).
    public static func invalidArgument(_ detail: String) -> PatchbayError { PatchbayError(.invalidArg, detail) }
    /// `operation failed: ...` (VIR_ERR_OPERATION_FAILED).
    public static func operationFailed(_ detail: String) -> PatchbayError { PatchbayError(.operationFailed, detail) }
}
