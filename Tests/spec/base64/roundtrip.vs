print(base64.encode("user:pw"))  # expect: dXNlcjpwdw==
print(base64.decode("dXNlcjpwdw=="))  # expect: user:pw
print(base64.decode(base64.encode("ünï ✓")))  # expect: ünï ✓
print(base64.encode(""))  # expect:
