#!/usr/bin/env python3
"""Differential check of Patchbay's domain-device parser against libvirt's, on mutated inputs.

Not run by CI (needs virsh and a built patchbay). Takes every accepted fixture input, changes one or two
attribute values (empty, zero, negative, overflowing, words) or drops them, and compares libvirt's answer
(test driver, as domain-devices.py runs it) with `patchbay xml domain`. Differences are written to
bad-SEED-N.txt in the current directory; each class found becomes a fixture.

Usage: domain-devices-mutate.py SEED COUNT [PATCHBAY]   (PATCHBAY defaults to .build/debug/patchbay)
"""
import glob, random, re, subprocess, sys, os, tempfile
from importlib.machinery import SourceFileLoader
HERE = os.path.dirname(os.path.abspath(__file__))
gen = SourceFileLoader("gen", os.path.join(HERE, "domain-devices.py")).load_module()
seed = int(sys.argv[1]); n = int(sys.argv[2]); random.seed(seed)
PATCHBAY = sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "..", "..", ".build", "debug", "patchbay")
inputs=[]
for f in sorted(glob.glob(os.path.join(gen.CASES, '*.xml'))):
    t=open(f).read()
    if "<expected" not in t: continue
    inputs.append(re.search(r"<input>(.*?)</input>", t, re.S).group(1).strip())
VALUES=["", "0", "-1", "x", "4294967296", "65536", "0x10", "yes", "no", "on", "off", " 5", "1.5", "99999999999", "a b", "virtio", "default"]
norm=lambda x: re.sub(r">\s+<","><",x.strip())
bad=0
for it in range(n):
    src=random.choice(inputs)
    attrs=list(re.finditer(r"(\w[\w-]*)='([^']*)'", src))
    if not attrs: continue
    k=random.randint(1,2)
    s=src
    for _ in range(k):
        attrs=list(re.finditer(r"(\w[\w-]*)='([^']*)'", s))
        m=random.choice(attrs)
        if m.group(1)=='address' and 'mac' in s[max(0,m.start()-6):m.start()]: continue
        op=random.random()
        if op<0.2: s=s[:m.start()]+s[m.end():]          # drop attribute
        else: s=s[:m.start(2)]+random.choice(VALUES)+s[m.end(2):]
    exp,err=gen.run(s)
    dom=gen.WRAPPER.format(devices=s)
    with tempfile.NamedTemporaryFile("w",suffix=".xml",delete=False) as f: f.write(dom); path=f.name
    q=subprocess.run([PATCHBAY,'xml','domain',path],capture_output=True,text=True); os.unlink(path)
    if err is not None:
        ok = q.returncode!=0 and err in q.stderr
    else:
        ok = q.returncode==0 and norm(q.stdout)==norm(exp)
    if not ok:
        bad+=1
        open(f"bad-{seed}-{it}.txt","w").write(s+"\n== libvirt:\n"+(err if err is not None else exp)+"\n== patchbay:\n"+q.stdout+q.stderr)
print(f"seed {seed}: {n} mutants, {bad} differ")
