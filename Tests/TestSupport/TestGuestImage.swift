import Foundation
import HostOS

/// The tiny test guest's kernel and initramfs, built by scripts/build-test-guest.
public struct TestGuestImage: Sendable {
    /// The Debian kernel (bzImage).
    public let kernel: String
    /// The busybox initramfs.
    public let initrd: String

    /// An image at known paths (prefer `prepare()`).
    public init(kernel: String, initrd: String) {
        self.kernel = kernel
        self.initrd = initrd
    }

    /// The repository this file belongs to.
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Builds the image if needed (the script keeps a cache and a stamp; a current image costs a
    /// fraction of a second) in $PATCHBAY_TEST_GUEST_DIR, else `.build-guest/` in the repository.
    public static func prepare() throws -> TestGuestImage {
        let directory = ProcessInfo.processInfo.environment["PATCHBAY_TEST_GUEST_DIR"] ?? repository + "/.build-guest"
        let script = repository + "/scripts/build-test-guest"
        let outcome = try HostCommand.spawnAndWait("/bin/bash", [script, directory])
        guard outcome.status == 0 else {
            throw TestGuestError(description: "scripts/build-test-guest failed (\(outcome.status)): \(outcome.errors)")
        }
        return TestGuestImage(kernel: directory + "/vmlinuz", initrd: directory + "/initrd.img")
    }
}
