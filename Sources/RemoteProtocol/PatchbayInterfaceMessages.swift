/// `{unsigned hyper timeoutMilliseconds; remote_string confirmAddress; unsigned int confirmPort; unsigned int flags}`:
/// begin a host interface transaction that rolls back by itself after the timeout (0: none), and
/// whose commit requires a TCP connect to the confirmation address (absent: no rule).
public struct InterfaceBeginArgs: XDRStruct, Hashable {
    /// Deadline in milliseconds from now; 0 for none.
    public var timeoutMilliseconds: UInt64
    /// Address that must accept a TCP connection before commit is allowed.
    public var confirmAddress: String?
    /// Its TCP port.
    public var confirmPort: UInt32
    /// Reserved.
    public var flags: UInt32

    public init(timeoutMilliseconds: UInt64, confirmAddress: String? = nil, confirmPort: UInt32 = 0, flags: UInt32 = 0) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.confirmAddress = confirmAddress
        self.confirmPort = confirmPort
        self.flags = flags
    }

    public static let xdrLayout = XDRLayout(
        Self.init, .field(\.timeoutMilliseconds), .string(\.confirmAddress, max: RemoteLimits.string), .field(\.confirmPort),
        .field(\.flags)
    )
}

/// `{int pending; remote_nonnull_string report; remote_nonnull_string dependentNetworks<>}`.
public struct InterfaceTransactionStatusRet: XDRStruct, Hashable {
    /// Whether a transaction is pending.
    public var pending: Bool
    /// Its report: age, deadline, what a rollback would undo (empty when none is pending).
    public var report: String
    /// Networks depending on devices changed since begin.
    public var dependentNetworks: [String]

    public init(pending: Bool, report: String, dependentNetworks: [String]) {
        self.pending = pending
        self.report = report
        self.dependentNetworks = dependentNetworks
    }

    public static let xdrLayout = XDRLayout(
        Self.init, .intFlag(\.pending), .string(\.report, max: RemoteLimits.string),
        .strings(\.dependentNetworks, max: RemoteLimits.networkPortList, elementMax: RemoteLimits.string)
    )
}
