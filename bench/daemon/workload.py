#!/usr/bin/python3
"""The same libvirt-python workload against any network daemon (Patchbay's or libvirtd).

Usage: workload.py URI [PORTS] [CYCLES] [CLIENTS] [CALLS]
Prints one JSON object of figures (rates per second, times in milliseconds)."""
import json, multiprocessing, statistics, sys, time, uuid
import libvirt

URI = sys.argv[1]
PORTS = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
CYCLES = int(sys.argv[3]) if len(sys.argv) > 3 else 50
CLIENTS = int(sys.argv[4]) if len(sys.argv) > 4 else 16
CALLS = int(sys.argv[5]) if len(sys.argv) > 5 else 500

BRIDGE_NET = "<network><name>%s</name><forward mode='bridge'/><bridge name='brbench'/></network>"
ISOLATED_NET = "<network><name>%s</name><bridge name='pbiso%d'/><ip address='10.%d.0.1' prefix='24'>" \
               "<dhcp><range start='10.%d.0.10' end='10.%d.0.99'/></dhcp></ip></network>"
PORT = "<networkport><uuid>%s</uuid><owner><name>vm%d</name><uuid>%s</uuid></owner>" \
       "<mac address='52:54:00:%02x:%02x:%02x'/></networkport>"


def ports(conn):
    net = conn.networkCreateXML(BRIDGE_NET % "benchports")
    made = []
    start = time.perf_counter()
    for i in range(PORTS):
        u = str(uuid.uuid4())
        made.append(net.portCreateXML(PORT % (u, i, u, (i >> 16) & 255, (i >> 8) & 255, i & 255)))
    create = time.perf_counter() - start
    start = time.perf_counter()
    for port in made:
        port.delete()
    delete = time.perf_counter() - start
    net.destroy()
    return {"port_create_per_s": PORTS / create, "port_delete_per_s": PORTS / delete}


def port_pairs(k):
    """One client of the parallel port phase: create+delete pairs on the shared bridge network."""
    conn = libvirt.open(URI)
    net = conn.networkLookupByName("benchpairs")
    for i in range(CALLS):
        u = str(uuid.uuid4())
        net.portCreateXML(PORT % (u, i, u, 0x80 | k, (i >> 8) & 255, i & 255)).delete()
    conn.close()


def parallel_ports(conn):
    """Port create+delete pairs from CLIENTS//4 clients at once: the daemon's throughput, not one
    client's round-trip latency."""
    net = conn.networkCreateXML(BRIDGE_NET % "benchpairs")
    clients = max(1, CLIENTS // 4)
    start = time.perf_counter()
    with multiprocessing.Pool(clients) as pool:
        pool.map(port_pairs, range(clients))
    elapsed = time.perf_counter() - start
    net.destroy()
    return clients * CALLS / elapsed


def cycles(conn, make, count):
    samples = []
    for i in range(count):
        start = time.perf_counter()
        net = conn.networkDefineXML(make(i))
        net.create()
        net.destroy()
        net.undefine()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def hammer(_):
    conn = libvirt.open(URI)
    for _ in range(CALLS):
        conn.listAllNetworks()
    conn.close()


def measured(figures, name, step):
    """Records one figure; a daemon that cannot do the step gets none (and says why on stderr)."""
    try:
        value = step()
        if isinstance(value, dict):
            figures.update(value)
        else:
            figures[name] = value
    except libvirt.libvirtError as error:
        print("%s: %s" % (name, error), file=sys.stderr)


def main():
    conn = libvirt.open(URI)
    figures = {}
    measured(figures, "ports", lambda: ports(conn))
    measured(figures, "parallel_port_pairs_per_s", lambda: parallel_ports(conn))
    measured(figures, "bridge_cycle_ms", lambda: cycles(conn, lambda i: BRIDGE_NET % "benchcycle", CYCLES))
    measured(figures, "isolated_cycle_ms", lambda: cycles(
        conn, lambda i: ISOLATED_NET % ("benchiso", i % 50, 200 + i % 50, 200 + i % 50, 200 + i % 50), max(3, CYCLES // 5)))
    start = time.perf_counter()
    for _ in range(2000):
        conn.listAllNetworks()
    figures["list_all_per_s"] = 2000 / (time.perf_counter() - start)
    conn.close()
    start = time.perf_counter()
    with multiprocessing.Pool(CLIENTS) as pool:
        pool.map(hammer, range(CLIENTS))
    figures["concurrent_calls_per_s"] = CLIENTS * CALLS / (time.perf_counter() - start)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
