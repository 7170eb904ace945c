print("abc".uper())
# expect error: string has no member uper
# expect error: did you mean "upper"?
