/// libvirt's `virErrorNumber` values that Patchbay reports, with libvirt's message prefixes.
public enum ErrorCode: Int32, Sendable, CaseIterable {
    /// VIR_ERR_INTERNAL_ERROR
    case internalError = 1
    /// VIR_ERR_NO_SUPPORT
    case noSupport = 3
    /// VIR_ERR_INVALID_ARG
    case invalidArg = 8
    /// VIR_ERR_OPERATION_FAILED
    case operationFailed = 9
    /// VIR_ERR_NO_TARGET: a device without its target (libvirt's whole message is the detail).
    case noTarget = 20
    /// VIR_ERR_NO_NAME: a document without a name.
    case noName = 21
    /// VIR_ERR_XML_ERROR
    case xmlError = 27
    /// VIR_ERR_OPERATION_DENIED
    case operationDenied = 29
    /// VIR_ERR_XML_DETAIL
    case xmlDetail = 35
    /// VIR_ERR_SYSTEM_ERROR
    case systemError = 38
    /// VIR_ERR_RPC
    case rpc = 39
    /// VIR_ERR_NO_DOMAIN
    case noDomain = 42
    /// VIR_ERR_NO_NETWORK
    case noNetwork = 43
    /// VIR_ERR_NO_NODE_DEVICE
    case noNodeDevice = 53
    /// VIR_ERR_OPERATION_INVALID
    case operationInvalid = 55
    /// VIR_ERR_NO_INTERFACE
    case noInterface = 57
    /// VIR_ERR_CONFIG_UNSUPPORTED
    case configUnsupported = 67
    /// VIR_ERR_ARGUMENT_UNSUPPORTED
    case argumentUnsupported = 74
    /// VIR_ERR_MULTIPLE_INTERFACES
    case multipleInterfaces = 81
    /// VIR_ERR_OVERFLOW
    case overflow = 82
    /// VIR_ERR_OPERATION_UNSUPPORTED
    case operationUnsupported = 84
    /// VIR_ERR_RESOURCE_BUSY
    case resourceBusy = 87
    /// VIR_ERR_INVALID_NETWORK_PORT
    case invalidNetworkPort = 105
    /// VIR_ERR_NETWORK_PORT_EXIST
    case networkPortExist = 106
    /// VIR_ERR_NO_NETWORK_PORT
    case noNetworkPort = 107

    /// The fixed text libvirt puts before the detail for this code.
    public var prefix: String {
        switch self {
        case .internalError: "internal error"
        case .noSupport: "this function is not supported by the connection driver"
        case .invalidArg: "invalid argument"
        case .operationFailed: "operation failed"
        case .noTarget: ""
        case .noName: "missing name information"
        case .xmlError: "XML error"
        // libvirt prints a parser's or validator's detail bare: "(network_definition):4: ...".
        case .xmlDetail: ""
        case .operationDenied: "operation forbidden"
        case .systemError: "system error"
        case .rpc: "RPC error"
        case .noDomain: "Domain not found"
        case .noNetwork: "Network not found"
        case .noNodeDevice: "Node device not found"
        case .noInterface: "Interface not found"
        case .operationInvalid: "Requested operation is not valid"
        case .configUnsupported: "unsupported configuration"
        case .argumentUnsupported: "argument unsupported"
        case .multipleInterfaces: "multiple matching interfaces found"
        case .overflow: "value too large"
        case .operationUnsupported: "Operation not supported"
        case .resourceBusy: "resource busy"
        case .invalidNetworkPort: "invalid network port pointer in"
        case .networkPortExist: "network port exists already"
        case .noNetworkPort: "network port not found"
        }
    }
}

/// libvirt's `virErrorDomain` values that Patchbay reports.
public enum ErrorDomain: Int32, Sendable, CaseIterable {
    /// VIR_FROM_NONE
    case none = 0
    /// VIR_FROM_XML: document syntax.
    case xml = 5
    /// VIR_FROM_RPC
    case rpc = 7
    /// VIR_FROM_REMOTE
    case remote = 13
    /// VIR_FROM_QEMU
    case qemu = 10
    /// VIR_FROM_NETWORK: the network driver and its documents.
    case network = 19
    /// VIR_FROM_DOMAIN: domain documents.
    case domain = 20
    /// VIR_FROM_NODEDEV
    case nodeDevice = 22
    /// VIR_FROM_INTERFACE
    case interface = 26
}
