#!/usr/bin/python3
"""Defines and starts NETS macvtap-bridge networks (one pool device each, dumN) with PORTS ports
in all, through libvirt-python. Usage: populate.py URI NETS PORTS"""
import sys, uuid
import libvirt

uri, nets, ports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conn = libvirt.open(uri)
networks = []
for n in range(nets):
    net = conn.networkDefineXML("<network><name>scale%d</name><forward mode='bridge'><interface dev='dum%d'/></forward></network>"
                                % (n, n))
    net.create()
    networks.append(net)
for i in range(ports):
    u = str(uuid.uuid4())
    networks[i % nets].portCreateXML("<networkport><uuid>%s</uuid><owner><name>vm%d</name><uuid>%s</uuid></owner>"
                                     "<mac address='52:54:01:%02x:%02x:%02x'/></networkport>"
                                     % (u, i, u, (i >> 16) & 255, (i >> 8) & 255, i & 255))
conn.close()
