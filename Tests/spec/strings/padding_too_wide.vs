print(len("x".padRight(2000000, "-")))  # expect: 2000000
let wide = "ab".padLeft(100000000000)
# expect error: cannot pad a string to 100000000000 characters
