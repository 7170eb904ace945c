# upload-template.vs — the node image of the lab: a catalog, and the Kubernetes OVA uploaded into
# it as a vApp template (byte progress on a terminal). Run it again: an existing usable template is
# "= unchanged" and nothing is sent; a broken upload resumes where it stopped.
#
#   vcdscript upload-template.vs ubuntu-2004-kube-v1.22.5.ova
#   vcdscript upload-template.vs node.ova catalog=cse name=ubuntu-2004-kube-v1.22.5
#
# ci-args: {testNodeOVA} catalog=ci-cat name=ci-node
# ci-expect: + created catalog ci-cat
# ci-expect: template ci-node:
param ova: string, required, doc: "the OVA file to upload (the first bare argument)"
param org = "xav_lab", doc: "the org that owns the catalog"
param catalog = "cse", doc: "the catalog (made if missing)"
param name: string = nil, doc: "the template's name (default: the OVA's file name without .ova)"
let cat = cloud.org(org).catalogs.ensure(name: catalog, description: "Kubernetes node images")
let tpl = cat.upload(path: ova, name: name ?? ova.split("/").last.replace(".ova", ""))
print("template ${tpl.name}: ${tpl.status}")
