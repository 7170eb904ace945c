let v = yaml.decode("""
    apiVersion: v1
    kind: Secret
    data:
      replicas: 3
      ratio: 0.5
      enabled: true
      empty: ~
      list: [1, two]
    """)
print(v.kind, v.data.replicas, v.data.ratio, v.data.enabled, v.data.empty, v.data.list)  # expect: Secret 3 0.5 true nil [1, "two"]
print(v.keys())  # expect: ["apiVersion", "kind", "data"]
