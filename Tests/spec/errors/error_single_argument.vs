let e = error("just a message")
print(e.message, e.code)  # expect: just a message nil
print(e)  # expect: error("just a message")
print(error("C", "m"))  # expect: error("C", "m")
