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
param kubeconfig: string = env("KUBECONFIG", ""), doc: "the cluster's kubeconfig file (default: $KUBECONFIG)"
param context = "", doc: "its context (empty: the current one)"
param name = "test-lb", doc: "the deployment, its service, config map and secret"
param namespace = "default", doc: "the namespace (made if missing)"
param replicas = 3, doc: "pods of the deployment", check: fn(n) { n >= 0 }
param image = "containous/whoami", doc: "the container image"
param password: secret = env("TEST_LB_PASSWORD", "change-me-please"), doc: "the password kept in the secret NAME-credentials"
if kubeconfig == "" { fail("give the cluster: kubeconfig=FILE (or set KUBECONFIG)", code: 2) }
let k = kube.connect(kubeconfig: kubeconfig, context: if context == "" { nil } else { context })
print("cluster ${k.context} (${k.version})")
k.namespaces.ensure(name: namespace)
let ns = k.withNamespace(namespace)
ns.configMaps.ensure(name: "${name}-config", data: {greeting: "hello from vcdscript"})
ns.secrets.ensure(name: "${name}-credentials", data: {user: "demo", password: password})
let d = ns.deployments.ensure(name: name, image: image, replicas: replicas, port: 80)
let svc = k.expose(deployment: d, port: 8080, targetPort: 80, type: "LoadBalancer")
print("${svc.name}: ${svc.portList} → pods ${svc.selector} port ${svc.ports[0].targetPort}, external address ${svc.externalIP}")
