let token = base64.encode(secret("user:pw"))
print(type(token), token)  # expect: secret ********
let back = base64.decode(token)
print(type(back), back)  # expect: secret ********
print(secret("a") == secret("a"))  # expect: false
