#!/usr/bin/env python3
"""Counts the dependency kinds of an RPM repository's primary.xml(.gz):
for each of provides, requires, recommends, suggests, supplements,
enhances, conflicts, obsoletes the share of packages that have it, the
entries per package and the share of rich (boolean) entries; file requires
and whether createrepo lists their paths in primary.xml; langpacks-style
supplements; capabilities with several providing package names. How the
proportions of bench/make-synthetic-repo.py were found.

    bench/count-dep-kinds.py REPO/repodata/*-primary.xml.gz
"""
import gzip, sys, collections, xml.etree.ElementTree as ET
NS={'c':'http://linux.duke.edu/metadata/common','rpm':'http://linux.duke.edu/metadata/rpm'}
kinds=['provides','requires','recommends','suggests','supplements','enhances','conflicts','obsoletes']
pk=collections.Counter(); ent=collections.Counter(); rich=collections.Counter(); filereq=0; filereq_outside=0
lang=0; n=0; names=set(); prov=collections.defaultdict(set); reqnames=collections.Counter(); pfiles=set()
reqs_all=[]
for ev,el in ET.iterparse((gzip.open if sys.argv[1].endswith('.gz') else open)(sys.argv[1], 'rb'),events=('end',)):
    if el.tag!='{%s}package'%NS['c']: continue
    n+=1
    name=el.find('c:name',NS).text; names.add(name)
    fmt=el.find('c:format',NS)
    for f in fmt.findall('c:file',NS): pfiles.add(f.text); prov[f.text].add(name)
    for k in kinds:
        e=fmt.find('rpm:'+k,NS)
        if e is None: continue
        es=e.findall('rpm:entry',NS)
        if not es: continue
        pk[k]+=1; ent[k]+=len(es)
        for x in es:
            nm=x.get('name')
            if nm.startswith('('): rich[k]+=1
            if k=='supplements' and 'langpacks-' in nm: lang+=1
            if k=='provides': prov[nm].add(name)
            if k=='requires':
                if nm.startswith('/'): filereq+=1; reqs_all.append(nm)
                elif not nm.startswith('('): reqnames[nm]+=1
    el.clear()
print(f"packages {n}, distinct names {len(names)}")
for k in kinds:
    print(f"{k:12s} packages with it {100*pk[k]/n:5.1f}%  entries/package {ent[k]/n:6.2f}  rich {rich[k]} ({100*rich[k]/max(ent[k],1):.1f}% of entries)")
prim=lambda p: p.startswith('/etc/') or 'bin/' in p or p=='/usr/lib/sendmail'
print(f"file requires: {filereq} ({100*filereq/ent['requires']:.2f}% of requires entries); of them paths createrepo puts in primary (/etc, */bin/): {sum(1 for r in reqs_all if prim(r))}, others (filelists only): {sum(1 for r in reqs_all if not prim(r))}, distinct {len(set(reqs_all))}")
allp=[c for c in prov if not c.startswith('/')]
m=sum(1 for c in allp if len(prov[c])>1)
print(f"provided capabilities: {len(allp)}; provided by >1 package name: {m} ({100*m/len(allp):.2f}%)")
print(f"versions per name: {n/len(names):.2f}")
print(f"langpacks-style supplements entries: {lang} ({100*lang/max(ent['supplements'],1):.1f}% of supplements)")
multi=sum(1 for r in reqnames if len(prov.get(r,()))>1)
multiw=sum(c for r,c in reqnames.items() if len(prov.get(r,()))>1)
print(f"required capabilities (non-file, non-rich): {len(reqnames)} distinct; with >1 providing package name: {multi} ({100*multi/len(reqnames):.1f}%); of requires entries: {100*multiw/sum(reqnames.values()):.1f}%")
