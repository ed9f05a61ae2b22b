#!/usr/bin/env python3
"""Fills in the expected half of the whole-domain fixtures from libvirt's own parser.

Not run by CI (it needs virsh). Each Tests/NetConfTests/Fixtures/DomainDefinition/*.xml holds one case:

    <case>
      <input> ...a whole <domain> document... </input>
      <expected> ...what libvirt prints... </expected>     (accepted)
      <error>message as virsh prints it</error>              (refused)
    </case>

Only <input> is written by hand. This script runs `virsh -c test:///default define FILE; dumpxml NAME`
(libvirt's parser in-process, no daemon) and rewrites everything after </input>.

What the test driver adds rather than the parser: `dev='testnetN'` on the `<target>` of every NIC
without a host device name (testDomainGenerateIfnames); it is removed here, with the element when
nothing else is left. An input without <uuid> gets a random one: the case is marked uuid='generated'
and the test checks only that one was generated. The test driver's defaults that belong to it (the
i686 arch, implicit controllers and drive addresses, graphics listen/video defaults) are avoided by
writing them in the inputs.

Usage: domain-definition.py [CASE.xml ...]   (default: all cases)
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "NetConfTests", "Fixtures", "DomainDefinition")


def strip_test_ifnames(text):
    text = re.sub(r"\s*<target dev='testnet\d+'/>", "", text)
    return re.sub(r" dev='testnet\d+'", "", text)


def record(path):
    with open(path) as f:
        case = f.read()
    start = case.index("<input>") + len("<input>")
    end = case.index("</input>")
    document = case[start:end].strip()
    name_match = re.search(r"<name>([^<]*)</name>", document)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(document)
        temp = f.name
    commands = f"define {temp}"
    if name_match:
        commands += f"; dumpxml {name_match.group(1).strip()}"
    result = subprocess.run(["virsh", "-q", "-c", "test:///default", commands], capture_output=True, text=True)
    os.unlink(temp)
    # A documented divergence (Patchbay accepts what libvirt refuses) is kept on <case>.
    divergence = re.search(r"<case[^>]*divergence='([^']*)'", case)
    attributes = "" if "<uuid>" in document else " uuid='generated'"
    if divergence:
        attributes += f" divergence='{divergence.group(1)}'"
    head = f"<case{attributes}>"
    out = head + "\n  <input>\n" + case[start:end].strip("\n") + "\n  </input>\n"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:") and "Failed to define" not in line]
    if errors:
        message = errors[0][len("error: "):]
        out += "  <error>" + message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</error>\n"
    else:
        dumped = result.stdout.split("\n", 1)[1] if result.stdout.startswith("Domain") else result.stdout
        dumped = strip_test_ifnames(dumped.strip())
        out += "  <expected>\n" + "\n".join("    " + line for line in dumped.splitlines()) + "\n  </expected>\n"
    out += "</case>\n"
    with open(path, "w") as f:
        f.write(out)


def main():
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(CASES, "*.xml")))
    for path in paths:
        record(path)
        print("recorded", os.path.basename(path))


if __name__ == "__main__":
    main()
