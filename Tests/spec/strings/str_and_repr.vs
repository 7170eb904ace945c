print(str(1), str("s"), str([1, "s"]), str(nil))  # expect: 1 s [1, "s"] nil
print(repr("s"), repr("a\"b"))  # expect: "s" "a\"b"
print(repr("${"$"}"))  # expect: "\$"
