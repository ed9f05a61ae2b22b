#!/usr/bin/env python3
"""Fills in the expected half of the domain-device fixtures from libvirt's own parser.

Not run by CI (it needs virsh). Each Tests/NetConfTests/Fixtures/DomainDevices/*.xml holds one case:

    <case>
      <input> ...<interface>/<hostdev> elements... </input>
      <expected> ...what libvirt prints... </expected>     (accepted)
      <error>message as virsh prints it</error>              (refused)
    </case>

Only <input> is written by hand. This script wraps it in a minimal test-driver domain, runs
`virsh -c test:///default define FILE; dumpxml NAME` (libvirt's parser in-process, no daemon) and
rewrites everything after </input>.

What the test driver adds rather than the parser: `dev='testnetN'` on the `<target>` of every NIC that
has no host device name (testDomainGenerateIfnames); that attribute is removed here, and the element
with it when nothing else is left. Nothing else of the devices is changed by the
test driver (it assigns no PCI addresses and no default models: those are the QEMU driver's).
A case written as <case oracle='corpus'> is left alone: its expected half comes from libvirt 9.0's own
test corpus, where Debian's build disagrees with it (backend type='passt').
MACs: libvirt generates one for an interface without <mac>, so inputs always give one.

The same input is also run through libvirt's QEMU driver, in-process as well:
`virsh -c 'qemu:///embed?root=DIR' define` inside a private mount namespace whose /etc/passwd has the
`libvirt-qemu` user the driver insists on (nothing on the host changes), with the machine's QEMU binary
for capabilities, in `<domain type='qemu'>` x86_64 `pc` and `q35`. Its answers go in <qemu machine=>, with the same
<expected>/<error> shape. Cases whose QEMU answer depends on that binary's capabilities (zPCI, vfio-ccw,
...) carry qemu-skip='reason' on <case>.

Usage: domain-devices.py [CASE.xml ...]   (default: all cases; needs root for the QEMU half)
"""
import glob
import os
import re
import subprocess
import sys
import tempfile
import xml.dom.minidom

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "NetConfTests", "Fixtures", "DomainDevices")

WRAPPER = """<domain type='test'>
  <name>fixture</name>
  <memory>1024</memory>
  <os><type>hvm</type></os>
  <devices>
{devices}
  </devices>
</domain>
"""


QEMU_WRAPPER = """<domain type='qemu'>
  <name>fixture</name>
  <memory>219136</memory>
  <os><type arch='x86_64' machine='{machine}'>hvm</type></os>
  <devices>
{devices}
  </devices>
</domain>
"""

# Machines the QEMU driver's answer is recorded for: i440fx and q35 place devices differently.
QEMU_MACHINES = ("pc", "q35")

QEMU_ROOT = tempfile.mkdtemp(prefix="domain-devices-qemu-")


def qemu_setup():
    os.makedirs(os.path.join(QEMU_ROOT, "etc"), exist_ok=True)
    with open(os.path.join(QEMU_ROOT, "etc", "qemu.conf"), "w") as f:
        f.write('user = "root"\ngroup = "root"\ndynamic_ownership = 0\nsecurity_driver = "none"\n')
    for name, extra in (("passwd", "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin\n"),
                        ("group", "libvirt-qemu:x:64055:\nkvm:x:64056:\n")):
        with open(f"/etc/{name}") as src, open(os.path.join(QEMU_ROOT, name), "w") as dst:
            dst.write(src.read() + extra)


def virsh_output(p):
    if "<domain" not in p.stdout:
        lines = [l[len("error: "):] for l in p.stderr.splitlines() if l.startswith("error: ")]
        # The first line is virsh's "Failed to define domain from FILE"; the next is libvirt's message.
        return None, (lines[1] if len(lines) > 1 else "\n".join(lines))
    return extract(p.stdout[p.stdout.index("<domain"):])


def run_qemu(devices, machine):
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(QEMU_WRAPPER.format(devices=devices, machine=machine))
        path = f.name
    script = (f"mount --bind {QEMU_ROOT}/passwd /etc/passwd && mount --bind {QEMU_ROOT}/group /etc/group && "
              f"exec virsh -q -c 'qemu:///embed?root={QEMU_ROOT}' 'define {path}; dumpxml fixture; undefine fixture'")
    try:
        p = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    finally:
        os.unlink(path)
    return virsh_output(p)


def run(devices):
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(WRAPPER.format(devices=devices))
        path = f.name
    try:
        p = subprocess.run(["virsh", "-q", "-c", "test:///default", f"define {path}; dumpxml fixture"],
                           capture_output=True, text=True)
    finally:
        os.unlink(path)
    return virsh_output(p)


def extract(text):
    devices_block = re.search(r"\n( *)<devices>\n(.*?)\n\1</devices>", text, re.S)
    body = devices_block.group(2)
    # Keep only the <interface> and <hostdev> elements (the test driver adds no others here, but
    # a default <input>/<graphics> must not leak in).
    out = []
    for m in re.finditer(r"^    <(interface|hostdev)\b.*?^    </\1>\n?|^    <(interface|hostdev)\b[^\n]*/>\n?", body + "\n", re.S | re.M):
        out.append(m.group(0))
    block = "".join(out)
    block = re.sub(r"<target dev='testnet\d+'", "<target", block)
    block = re.sub(r"^\s*<target/>\n", "", block, flags=re.M)
    # re-indent from 4 spaces to 4 (inside <expected>, which is at 2)
    return block.rstrip("\n"), None


def main():
    qemu_setup()
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(CASES, "*.xml")))
    for name in files:
        text = open(name).read()
        if "<case oracle=" in text:
            # Written from libvirt 9.0's own test corpus where the installed libvirt disagrees with it.
            print(f"{os.path.basename(name)}: kept (oracle: corpus)")
            continue
        m = re.search(r"<input>(.*?)</input>", text, re.S)
        if not m:
            print(f"{name}: no <input>", file=sys.stderr)
            continue
        expected, error = run(m.group(1))
        head = text[: m.end()]
        qemu = ""
        # qemu-machines='q35' limits a case to the machines it is meant for (a PCIe topology, say).
        only = re.search(r"qemu-machines='([^']*)'", head[: head.index("<input>")])
        for machine in (only.group(1).split() if only else QEMU_MACHINES):
            qemu_expected, qemu_error = run_qemu(m.group(1), machine)
            if qemu_error is not None:
                qemu += f"\n  <qemu machine='{machine}'>\n    <error>{xml_escape(qemu_error)}</error>\n  </qemu>"
            else:
                body = "\n".join("  " + line for line in qemu_expected.splitlines())
                qemu += f"\n  <qemu machine='{machine}'>\n    <expected>\n{body}\n    </expected>\n  </qemu>"
        if error is not None:
            tail = f"\n  <error>{xml_escape(error)}</error>{qemu}\n</case>\n"
        else:
            # libvirt's own output is not always accepted back by libvirt (a USB hostdev selecting
            # nothing loses its <source>); such cases are marked so the test skips the re-read.
            _, again = run(expected)
            mark = "" if again is None else " rereads='no'"
            tail = f"\n  <expected{mark}>\n{expected}\n  </expected>{qemu}\n</case>\n"
        open(name, "w").write(head + tail)
        print(f"{os.path.basename(name)}: {'refused: ' + error if error is not None else 'accepted'}")


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    main()
