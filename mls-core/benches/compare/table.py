# Usage: table.py PEERS.txt OURS.txt [cpu]  (see run.sh)
import re,sys,collections
# median over rounds of each lib's per-round medians; ratio ours / faster peer
def load(path, cpu=False):
    d=collections.defaultdict(lambda: collections.defaultdict(list))
    pat = r"# cpu (\S+) (\S+) n=(\d+) (\S+) median_cpu_ms=([\d.]+)" if cpu else r"peer-bench (\S+) (\S+) n=(\d+) (\S+) median_ms=([\d.]+)"
    for line in open(path):
        m=re.match(pat,line)
        if m: d[(m.group(2),int(m.group(3)),m.group(4))][m.group(1)].append(float(m.group(5)))
    return d
cpu = len(sys.argv)>3
peers=load(sys.argv[1],cpu); ours=load(sys.argv[2],cpu)
# "# timeout <lib> <scenario> n=<N> after <T>s": that library did not finish
timeouts={}
for line in open(sys.argv[1]):
    m=re.match(r"# timeout (\S+) (\S+) n=(\d+) after (\d+)s",line)
    if m: timeouts[(m.group(2),int(m.group(3)),m.group(1))]=m.group(4)
def med(xs):
    xs=sorted(xs); n=len(xs)
    return None if n==0 else (xs[n//2] if n%2 else (xs[n//2-1]+xs[n//2])/2)
print("| scenario | n | phase | MLS Inspector | OpenMLS | mls-rs | ratio |")
print("|---|---|---|---|---|---|---|")
for k in sorted(ours):
    o=med(ours[k]['mls-inspector']); om=med(peers.get(k,{}).get('openmls',[])); mr=med(peers.get(k,{}).get('mls-rs',[]))
    best=min([x for x in (om,mr) if x is not None], default=None)
    def f(x, lib=None):
        if x is None:
            t=timeouts.get((k[0],k[1],lib)) if lib else None
            return f"did not finish in {t} s" if t else '-'
        return f"{x:.3f}" if x<1 else f"{x:.1f}" if x>=100 else f"{x:.2f}"
    ratio=f"{o/best:.2f}" if best else '-'
    print(f"| {k[0]} | {k[1]} | {k[2]} | {f(o)} | {f(om,'openmls')} | {f(mr,'mls-rs')} | {ratio} |")
