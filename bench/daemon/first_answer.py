#!/usr/bin/python3
"""Polls a daemon socket until listAllNetworks answers; prints the seconds since START (a
time.time() value) and the number of ports the daemon still has. Usage: first_answer.py URI START"""
import sys, time
import libvirt

uri, start = sys.argv[1], float(sys.argv[2])
libvirt.registerErrorHandler(lambda *_: None, None)
while True:
    try:
        conn = libvirt.open(uri)
        nets = conn.listAllNetworks()
        answered = time.time() - start
        break
    except libvirt.libvirtError:
        time.sleep(0.002)
ports = sum(len(n.listAllPorts()) for n in nets if n.isActive())
print("%.4f %d %d" % (answered, len(nets), ports))
