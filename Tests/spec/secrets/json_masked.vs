let creds = {user: "admin", password: secret("s3cr3t")}
print(json.encode(creds))  # expect: {"user":"admin","password":"********"}
print(yaml.encode(creds).trim())
# expect: user: admin
# expect: password: "********"
