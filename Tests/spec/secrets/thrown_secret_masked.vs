throw secret("topsecret")
# expect error: error: ********
