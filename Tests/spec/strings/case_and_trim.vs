print("MiXed".upper(), "MiXed".lower())  # expect: MIXED mixed
print("[" + "  pad \n".trim() + "]")  # expect: [pad]
print("xxhixx".trim("x"))  # expect: hi
print("[" + "  a ".trimStart() + "]")  # expect: [a ]
print("[" + "  a ".trimEnd() + "]")  # expect: [  a]
