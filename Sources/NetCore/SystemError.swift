#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PatchbayError {
    /// `system error: <what>: <strerror>` (libvirt's virReportSystemError wording).
    public static func system(_ what: String, errno code: Int32) -> PatchbayError {
        PatchbayError(.systemError, "\(what): \(String(cString: strerror(code)))")
    }
}
