print("a,b,,c".split(","))  # expect: ["a", "b", "", "c"]
print("  a  b c ".split())  # expect: ["a", "b", "c"]
print("k=v=w".split("=", limit: 1))  # expect: ["k", "v=w"]
print("-".join(["a", 1, true]))  # expect: a-1-true
print(["x", "y"].join(", "))  # expect: x, y
print("one\ntwo\r\nthree".lines())  # expect: ["one", "two", "three"]
print("abc".chars())  # expect: ["a", "b", "c"]
