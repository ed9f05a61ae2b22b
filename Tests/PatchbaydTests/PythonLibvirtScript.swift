/// A libvirt-python client script: `body` runs after the libvirt imports, `arguments` bound from
/// argv in order, and libvirt's default event loop started on a daemon thread (events are only
/// delivered while it runs).
func pythonLibvirtScript(arguments: [String], _ body: String) -> String {
    """
    import sys, threading, time, libvirt
    \(arguments.joined(separator: ", ")) = sys.argv[1:\(arguments.count + 1)]
    libvirt.virEventRegisterDefaultImpl()
    def loop():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=loop, daemon=True).start()

    """ + body
}
