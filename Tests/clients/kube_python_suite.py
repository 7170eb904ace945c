"""The simulated Kubernetes API against the real Python client (kubernetes on PyPI).

Usage: kube_python_suite.py KUBECONFIG CRD_YAML
Prints one `ok NAME` / `not ok NAME: why` line per check. Connects only to the server named in the
kubeconfig (127.0.0.1).
"""
import sys

import yaml
from kubernetes import client, config
from kubernetes.client.rest import ApiException

kubeconfig, crd_file = sys.argv[1], sys.argv[2]


def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + name + ("" if cond else ": " + str(why)), flush=True)


def status_of(fn):
    try:
        fn()
        return 0
    except ApiException as e:
        return e.status


config.load_kube_config(config_file=kubeconfig)
core, apps = client.CoreV1Api(), client.AppsV1Api()
ext, custom = client.ApiextensionsV1Api(), client.CustomObjectsApi()

v = client.VersionApi().get_code()
check("version", v.git_version.startswith("v1."), v)
groups = [g.name for g in client.ApisApi().get_api_versions().groups]
check("api groups list apps", "apps" in groups, groups)

ns = "pytest"
core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
check("namespace created", core.read_namespace(ns).status.phase == "Active")

cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "cfg", "labels": {"app": "demo"}}, "data": {"k": "v"}})
check("configmap created", cm.metadata.uid and cm.metadata.resource_version, cm.metadata)
check("configmap duplicate 409", status_of(lambda: core.create_namespaced_config_map(ns, {"metadata": {"name": "cfg"}})) == 409)
core.create_namespaced_config_map(ns, {"metadata": {"name": "other", "labels": {"app": "else"}}})
names = [i.metadata.name for i in core.list_namespaced_config_map(ns, label_selector="app=demo").items]
check("list by label", names == ["cfg"], names)
names = [i.metadata.name for i in core.list_namespaced_config_map(ns, field_selector="metadata.name=other").items]
check("list by field", names == ["other"], names)
p = core.patch_namespaced_config_map("cfg", ns, {"data": {"k2": "v2"}})
check("configmap patched", p.data == {"k": "v", "k2": "v2"}, p.data)
check("resourceVersion grows", int(p.metadata.resource_version) > int(cm.metadata.resource_version))
stale = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="cfg", resource_version=cm.metadata.resource_version), data={"x": "y"})
check("stale replace 409", status_of(lambda: core.replace_namespaced_config_map("cfg", ns, stale)) == 409)

dep = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}},
}
d = apps.create_namespaced_deployment(ns, dep)
check("deployment created", d.metadata.generation == 1, d.metadata)
d = apps.patch_namespaced_deployment("web", ns, {"spec": {"replicas": 3}})
check("deployment patched", d.spec.replicas == 3 and d.metadata.generation == 2, (d.spec.replicas, d.metadata.generation))
s = apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 2}})
check("deployment scale subresource", s.spec.replicas == 2 and apps.read_namespaced_deployment("web", ns).spec.replicas == 2)

with open(crd_file) as f:
    crd = yaml.safe_load(f)
group, plural = crd["spec"]["group"], crd["spec"]["names"]["plural"]
version = next(v["name"] for v in crd["spec"]["versions"] if v.get("storage"))
created = ext.create_custom_resource_definition(crd)
conds = {c.type: c.status for c in created.status.conditions}
check("CRD established", conds.get("Established") == "True", conds)
rl = client.ApisApi().api_client.call_api(f"/apis/{group}/{version}", "GET", auth_settings=["BearerToken"], response_type="object",
                                          _return_http_data_only=True)
check("CRD in discovery", any(r["name"] == plural for r in rl["resources"]), rl)
kind = crd["spec"]["names"]["kind"]
obj = {"apiVersion": f"{group}/{version}", "kind": kind, "metadata": {"name": "demo"}, "spec": {"org": "xav_lab"}}
o = custom.create_namespaced_custom_object(group, version, ns, plural, obj)
check("custom object created", o["metadata"]["uid"], o)
o = custom.patch_namespaced_custom_object(group, version, ns, plural, "demo", {"spec": {"ovdc": "t-tenant"}})
check("custom object patched", o["spec"] == {"org": "xav_lab", "ovdc": "t-tenant"}, o.get("spec"))
items = custom.list_namespaced_custom_object(group, version, ns, plural)["items"]
check("custom objects listed", [i["metadata"]["name"] for i in items] == ["demo"], items)
if any("status" in (v.get("subresources") or {}) for v in crd["spec"]["versions"]):
    o = custom.patch_namespaced_custom_object_status(group, version, ns, plural, "demo", {"status": {"ready": True}})
    check("custom object status", o.get("status", {}).get("ready") is True and o["spec"]["org"] == "xav_lab", o)
custom.delete_namespaced_custom_object(group, version, ns, plural, "demo")
check("custom object deleted", status_of(lambda: custom.get_namespaced_custom_object(group, version, ns, plural, "demo")) == 404)

core.delete_namespaced_config_map("other", ns)
check("configmap deleted", status_of(lambda: core.read_namespaced_config_map("other", ns)) == 404)
core.delete_namespace(ns)
check("namespace deleted with its objects", status_of(lambda: apps.read_namespaced_deployment("web", ns)) == 404
      and status_of(lambda: core.read_namespace(ns)) == 404)
ext.delete_custom_resource_definition(crd["metadata"]["name"])
check("CRD deleted", status_of(lambda: ext.read_custom_resource_definition(crd["metadata"]["name"])) == 404)

bad = client.Configuration.get_default_copy()
bad.api_key = {"authorization": "Bearer wrong"}
bad.refresh_api_key_hook = None  # the kubeconfig loader's hook would put the right token back
code = status_of(lambda: client.CoreV1Api(client.ApiClient(bad)).list_namespace())
check("wrong token 401", code == 401, code)
