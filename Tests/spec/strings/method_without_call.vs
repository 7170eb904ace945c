let f = "abc".upper
# expect error: upper is a method of string: call it as .upper(...)
