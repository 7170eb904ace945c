secret()
# expect error: secret() needs a value or env: "NAME"
