let pw = secret("topsecret")
throw "login failed for ${pw}"
# expect error: login failed for ********
