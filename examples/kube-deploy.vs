# kube-deploy.vs — the lab's last step on a workload cluster: a test deployment (containous/whoami,
# 3 replicas) exposed through a LoadBalancer service on port 8080, with a config map and a secret
# beside it. Idempotent: run it again and everything is "= unchanged".
#
#   vcdscript kube-deploy.vs kubeconfig=capi-cluster.kubeconfig
#   vcdscript kube-deploy.vs kubeconfig=kc name=web replicas=2 namespace=demo
#   vcdscript --plan kube-deploy.vs kubeconfig=kc      # what would change; nothing is sent
#
# Against the simulator: vcdscript sim kube create wc && vcdscript sim kube kubeconfig wc --embedded > kc
#
# ci-kube: wc
# ci-args: kubeconfig={kubeconfig}
# ci-expect: + created deployment default/test-lb
# ci-expect: + created service default/test-lb
# ci-expect: test-lb: 8080:30000/TCP → pods {app: "test-lb"} port 80
var p = {kubeconfig: env("KUBECONFIG", ""), context: "", name: "test-lb", namespace: "default", replicas: "3",
         image: "containous/whoami", password: env("TEST_LB_PASSWORD", "change-me-please")}
for a in args {
    let kv = a.split("=")
    if len(kv) != 2 or not (kv[0] in p) { throw error("USAGE", "unknown parameter '${a}': give key=value with key one of ${p.keys()}") }
    p[kv[0]] = kv[1]
}
if p.kubeconfig == "" { throw error("USAGE", "give the cluster: kubeconfig=FILE (or set KUBECONFIG)") }
let k = kube.connect(kubeconfig: p.kubeconfig, context: if p.context == "" { nil } else { p.context })
print("cluster ${k.context} (${k.version})")
k.namespaces.ensure(name: p.namespace)
let ns = k.withNamespace(p.namespace)
ns.configMaps.ensure(name: "${p.name}-config", data: {greeting: "hello from vcdscript"})
ns.secrets.ensure(name: "${p.name}-credentials", data: {user: "demo", password: secret(p.password)})
let d = ns.deployments.ensure(name: p.name, image: p.image, replicas: int(p.replicas), port: 80)
let svc = k.expose(deployment: d, port: 8080, targetPort: 80, type: "LoadBalancer")
print("${svc.name}: ${svc.portList} → pods ${svc.selector} port ${svc.ports[0].targetPort}, external address ${svc.externalIP}")
