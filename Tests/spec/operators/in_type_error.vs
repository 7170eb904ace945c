print(1 in "123")
# expect error: `in` on a string needs a string on the left, not int
