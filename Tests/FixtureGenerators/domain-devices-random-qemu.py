#!/usr/bin/env python3
"""Differential check of Patchbay's QEMU completion (models, PCI/USB addresses) against libvirt's QEMU driver.

Not run by CI (needs virsh, root for the private mount namespace, QEMU, and a built patchbay). Builds random
x86_64 domains (pc or q35) mixing NICs, hostdevs, disks, controllers, sound, video, watchdog, rng and
inputs, defines each with the embedded QEMU driver as domain-devices.py does, and compares the
<interface>/<hostdev> elements with `patchbay xml domain`. Differences go to bad-SEED-N.txt. Some random
domains are invalid for reasons that have nothing to do with NICs (libvirt refuses them); those show as
differences too and are to be read, not fixed.

Usage: domain-devices-random-qemu.py SEED COUNT [pc|q35]
"""
import random, re, subprocess, sys, os, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
PATCHBAY = os.path.join(HERE, "..", "..", ".build", "debug", "patchbay")
seed=int(sys.argv[1]); n=int(sys.argv[2]); machine_opt=sys.argv[3] if len(sys.argv)>3 else None
random.seed(seed)
MODELS=['virtio','e1000','rtl8139','e1000e','virtio-transitional','virtio-non-transitional','vmxnet3',None]
def mac(i): return f"<mac address='52:54:00:00:{i//256:02x}:{i%256:02x}'/>"
def nic(i):
    t=random.choice(['user','network','bridge','ethernet','null','direct','hostdev','vdpa','hostdev-usb'])
    m=random.choice(MODELS)
    model=f"<model type='{m}'/>" if m else ""
    if t=='network': src="<source network='default'/>"
    elif t=='bridge': src="<source bridge='br0'/>"
    elif t=='direct': src="<source dev='eth0'/>"
    elif t=='vdpa': src="<source dev='/dev/vhost-vdpa-0'/>"; model="<model type='virtio'/>" if random.random()<0.5 else ""
    elif t=='hostdev': return f"<interface type='hostdev' managed='yes'>{mac(i)}<source><address type='pci' domain='0' bus='{random.randint(3,200)}' slot='{random.randint(0,31)}' function='{random.randint(0,7)}'/></source></interface>"
    elif t=='hostdev-usb': return f"<interface type='hostdev'>{mac(i)}<source><address type='usb' bus='1' device='{random.randint(1,100)}'/></source></interface>"
    else: src=""
    addr=""
    if random.random()<0.15: addr=f"<address type='pci' domain='0' bus='0' slot='{random.randint(3,20)}' function='0'/>"
    return f"<interface type='{t}'>{mac(i)}{src}{model}{addr}</interface>"
def hostdev(i):
    k=random.choice(['pci','pci','usb','scsi','mdev','scsi_host'])
    if k=='pci': return f"<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='{random.randint(3,200)}' slot='{random.randint(0,31)}' function='{random.randint(0,7)}'/></source></hostdev>"
    if k=='usb': return f"<hostdev mode='subsystem' type='usb'><source><address bus='2' device='{random.randint(1,100)}'/></source></hostdev>"
    if k=='scsi': return f"<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host{random.randint(0,3)}'/><address bus='0' target='{random.randint(0,3)}' unit='{random.randint(0,3)}'/></source></hostdev>"
    if k=='mdev': return f"<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a88{random.randint(10,99)}'/></source></hostdev>"
    return f"<hostdev mode='subsystem' type='scsi_host' model='{random.choice(['virtio','virtio-transitional','virtio-non-transitional'])}'><source protocol='vhost' wwpn='naa.50014057{random.randint(10000000,99999999)}'/></hostdev>"
def other():
    k=random.choice(['disk-virtio','disk-ide','disk-scsi','disk-sata','sound','video','fs','ctl-scsi','ctl-vs','ctl-usb','input-usb','rng','watchdog','serial','graphics'])
    global DISK, M
    DISK+=1
    d='abcdefghijklmnopqrstuvwxyz'[DISK%26]
    if k=='disk-virtio': return f"<disk type='file' device='disk'><source file='/tmp/{d}.img'/><target dev='vd{d}' bus='virtio'/></disk>"
    if k=='disk-ide': return (f"<disk type='file' device='disk'><source file='/tmp/{d}.img'/><target dev='hd{'abcd'[DISK%4]}' bus='ide'/></disk>" if M=='pc' else '')
    if k=='disk-sata': return f"<disk type='file' device='disk'><source file='/tmp/{d}.img'/><target dev='sd{d}' bus='sata'/></disk>"
    if k=='disk-scsi': return f"<disk type='file' device='disk'><source file='/tmp/{d}.img'/><target dev='sd{d}' bus='scsi'/></disk>"
    if k=='sound': return f"<sound model='{random.choice(['ich6','ich9','ac97','es1370'])}'/>"
    if k=='video': return f"<video><model type='{random.choice(['vga','qxl','cirrus','virtio'])}'/></video>"
    if k=='fs': return f"<filesystem type='mount'><source dir='/tmp'/><target dir='t{d}'/></filesystem>"
    if k=='ctl-scsi': return f"<controller type='scsi' index='{random.randint(0,1)}' model='{random.choice(['virtio-scsi','lsilogic'])}'/>"
    if k=='ctl-vs': return "<controller type='virtio-serial' index='0'/>"
    if k=='ctl-usb': return f"<controller type='usb' index='0' model='{random.choice(['qemu-xhci','piix3-uhci','ich9-ehci1','nec-xhci'])}'/>"
    if k=='input-usb': return "<input type='tablet' bus='usb'/>"
    if k=='rng': return "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
    if k=='watchdog': return "<watchdog model='i6300esb'/>"
    if k=='serial': return "<serial type='pty'/>"
    if k=='graphics': return "<graphics type='vnc'/>"
    if k=='ctl-rootport': return "<controller type='pci' model='pcie-root-port'/>"
    return "<controller type='pci' model='pci-bridge'/>"
WRAP="<domain type='qemu'><name>fz</name><memory>219136</memory><os><type arch='x86_64' machine='{m}'>hvm</type></os><devices>{d}</devices></domain>"
from importlib.machinery import SourceFileLoader
gen=SourceFileLoader("gen", os.path.join(HERE, "domain-devices.py")).load_module()
gen.qemu_setup()
norm=lambda x: re.sub(r">\s+<","><",x.strip())
bad=0
DISK=0
M='pc'
for it in range(n):
    m=machine_opt or random.choice(['pc','q35'])
    M=m
    devs=[]
    DISK=random.randint(0,20)
    for i in range(random.randint(1,4)): devs.append(nic(i+1))
    for i in range(random.randint(0,3)): devs.append(hostdev(i))
    for i in range(random.randint(0,5)): devs.append(other())
    seen=set(); uniq=[]
    for x in devs:
        key=x if x.startswith('<controller') or x.startswith('<watchdog') or x.startswith('<disk') else None
        if key is None: uniq.append(x); continue
        k2=re.sub(r"model='[^']*'","",key) if key.startswith('<controller') else (re.search(r"dev='([^']*)'",key).group(1) if key.startswith('<disk') else 'wd')
        if k2 in seen: continue
        seen.add(k2); uniq.append(x)
    devs=[x for x in uniq if x]
    random.shuffle(devs)
    # The user's own PCI controllers: root ports on q35, a PCI bridge on pc.
    if m=='q35' and random.random()<0.6:
        for k in range(1, random.randint(2,4)):
            devs.insert(0, f"<controller type='pci' index='{k}' model='pcie-root-port'/>")
    if m=='pc' and random.random()<0.3:
        devs.insert(0, "<controller type='pci' index='1' model='pci-bridge'/>")
    d="".join(devs)
    xml=WRAP.format(m=m,d=d)
    with tempfile.NamedTemporaryFile("w",suffix=".xml",delete=False) as f: f.write(xml); path=f.name
    script=(f"mount --bind {gen.QEMU_ROOT}/passwd /etc/passwd && mount --bind {gen.QEMU_ROOT}/group /etc/group && exec virsh -q -c 'qemu:///embed?root={gen.QEMU_ROOT}' 'define {path}; dumpxml fz; undefine fz'")
    p=subprocess.run(["unshare","-m","sh","-c",script],capture_output=True,text=True)
    exp,err=gen.virsh_output(p)
    q=subprocess.run([PATCHBAY,'xml','domain',path],capture_output=True,text=True)
    ok = (err is not None and q.returncode!=0 and err in q.stderr) or (err is None and q.returncode==0 and norm(q.stdout)==norm(exp))
    if not ok:
        bad+=1
        with open(f"bad-{seed}-{it}.txt","w") as o:
            o.write(xml+"\n\n== libvirt:\n"+(err or exp)+"\n\n== patchbay:\n"+q.stdout+q.stderr)
    os.unlink(path)
print(f"seed {seed}: {n} domains, {bad} differ")
