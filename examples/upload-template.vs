# upload-template.vs — the node image of the lab: a catalog, and the Kubernetes OVA uploaded into
# it as a vApp template (byte progress on a terminal). Run it again: an existing usable template is
# "= unchanged" and nothing is sent; a broken upload resumes where it stopped.
#
#   vcdscript upload-template.vs ubuntu-2004-kube-v1.22.5.ova
#   vcdscript upload-template.vs node.ova catalog=cse name=ubuntu-2004-kube-v1.22.5
#
# ci-args: Tests/clients/test-node.ova catalog=ci-cat name=ci-node
# ci-expect: + created catalog ci-cat
# ci-expect: template ci-node:
if len(args) == 0 {
    throw error("USAGE", "give the OVA to upload: vcdscript upload-template.vs FILE.ova [catalog=NAME] [name=NAME]")
}
let ova = args[0]
var p = {org: "xav_lab", catalog: "cse", name: ova.split("/").last.replace(".ova", "")}
for a in args[1..<len(args)] {
    let kv = a.split("=")
    if len(kv) != 2 or not (kv[0] in p) { throw error("USAGE", "unknown parameter '${a}': give key=value with key one of ${p.keys()}") }
    p[kv[0]] = kv[1]
}
let cat = cloud.org(p.org).catalogs.ensure(name: p.catalog, description: "Kubernetes node images")
let tpl = cat.upload(path: ova, name: p.name)
print("template ${tpl.name}: ${tpl.status}")
