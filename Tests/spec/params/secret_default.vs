# A secret parameter's value never prints; its default text becomes a secret.
param password: secret = "change-me-please", doc: "the password kept in the cluster's secret"
print(password)          # expect: ********
print(type(password))    # expect: secret
