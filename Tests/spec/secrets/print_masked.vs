let pw = secret("hunter2")
print(pw)  # expect: ********
print("password: ${pw}")  # expect: password: ********
print(str(pw), repr(pw))  # expect: ******** ********
print([pw], {pw: pw})  # expect: [********] {pw: ********}
print(type(pw))  # expect: secret
