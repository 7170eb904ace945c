print("7".padLeft(3, "0"))  # expect: 007
print("ab".padRight(4, ".") + "|")  # expect: ab..|
print("long".padLeft(2))  # expect: long
print("ab".repeat(3))  # expect: ababab
print("abc".reversed())  # expect: cba
