import Foundation

/// Where the libvirt corpus lives: `$PATCHBAY_CORPUS`, else `../shared/conformance/libvirt-9.0` beside the repository.
enum CorpusLocation {
    static var root: String {
        if let override = ProcessInfo.processInfo.environment["PATCHBAY_CORPUS"] { return override }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/conformance/libvirt-9.0").path
    }

    static func file(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
}
