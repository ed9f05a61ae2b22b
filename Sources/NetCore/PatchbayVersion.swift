/// Patchbay's release, the one place it is written: `patchbay --version` and
/// `patchbayd --version` print it.
public enum PatchbayVersion {
    /// The release number.
    public static let number = "0.1.0"
    /// What `--version` prints.
    public static let description = "\(number) (libvirt 9.0 network driver compatible)"
}
